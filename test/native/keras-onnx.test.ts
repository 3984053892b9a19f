/**
 * Keras fixtures -> torch-lstm -> ONNX: every model saved by real Keras (test/fixtures/keras/)
 * loads, exports to ONNX and runs in onnxruntime-node with the outputs torch-lstm computes
 * (1e-5), at the fixture's batch size and at a larger one (the export fixes no batch size).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { loadKerasModel, toOnnx, type Tensor } from '../../lib/index.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'keras');
const names = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

interface TensorJson {
  shape: number[];
  data: number[];
}

/** `x` with its rows repeated `times` times (a batch size the export never saw). */
function repeatRows(x: { data: Float32Array; shape: number[] }, times: number) {
  const data = new Float32Array(x.data.length * times);
  for (let k = 0; k < times; k++) data.set(x.data, k * x.data.length);
  return { data, shape: [x.shape[0]! * times, ...x.shape.slice(1)] };
}

describe.each(names)('Keras fixture %s exported to ONNX', (name) => {
  it('runs in onnxruntime-node with torch-lstm\'s outputs (1e-5) at two batch sizes', async () => {
    const model = await loadKerasModel(path.join(FIXTURES, name, 'model.keras'), { compile: false });
    const json = JSON.parse(readFileSync(path.join(FIXTURES, name, 'input.json'), 'utf8')) as TensorJson;
    const x0 = { data: Float32Array.from(json.data), shape: json.shape };
    const session = await ort.InferenceSession.create(toOnnx(model));
    try {
      for (const x of [x0, repeatRows(x0, 3)]) {
        const expected = (await model.predictOutputs(x)) as Tensor[];
        const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', x.data, x.shape) });
        expect(session.outputNames.length).toBe(expected.length);
        session.outputNames.forEach((n, i) => {
          const got = out[n]!;
          expect([...got.dims]).toEqual(expected[i]!.shape);
          const want = expected[i]!.data;
          let worst = 0;
          (got.data as Float32Array).forEach((v, j) => (worst = Math.max(worst, Math.abs(v - want[j]!))));
          expect(worst, `${name} output ${n}`).toBeLessThan(1e-5);
        });
      }
    } finally {
      await session.release();
    }
    model.dispose();
  });
});
