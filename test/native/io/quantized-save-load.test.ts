/**
 * A quantized model saved and loaded through the real engine: the same directory format as a
 * float model (model.json with `quantization`, I8 matrices with F32 `.scales` in
 * weights.safetensors), bit-identical predictions after loading, a file that an independent
 * Python reader (json + struct only) reads, and the clear errors of broken saves.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layers, sequential, Sequential } from '../../../lib/index.js';
import { loadModel } from '../../../lib/io/index.js';
import { encodeSafetensors, readSafetensors } from '../../../lib/io/safetensors.js';
import { QuantizedModel } from '../../../lib/models/quantized-model.js';
import { quantize } from '../../../lib/quantization/index.js';
import { randomTensor } from '../numerics/helpers.js';
import { brokenCopy, editModelJson, loadError, scratchDir } from './helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const python = spawnSync('python3', ['--version']).status === 0;
if (!python) console.warn('quantized-save-load.test.ts: the Python reader test is skipped because python3 is not on PATH');

const { fresh } = scratchDir('quantized-io-');

const x = randomTensor([40, 6, 5], 1); // >= 4 input features: every matrix is int8
let float: Sequential;
let q: QuantizedModel;
let saved: string;

beforeAll(async () => {
  float = sequential([
    layers.lstm({ units: 8, inputShape: [6, 5], returnSequences: true, name: 'lstm' }),
    layers.dropout({ rate: 0.1, name: 'dropout' }),
    layers.lstm({ units: 5, name: 'lstm_1' }),
    layers.dense({ units: 2, name: 'dense' }),
  ]);
  float.compile({ optimizer: 'adam', loss: 'mse' });
  await float.fit(x, randomTensor([40, 2], 2), { epochs: 1, verbose: 0, seed: 1 });
  q = await quantize(float, { batchSizes: [] });
  saved = fresh('q');
  await q.save(saved);
});
afterAll(() => {
  float.dispose();
  q.dispose();
});

const NAMES = ['lstm/kernel', 'lstm/recurrent_kernel', 'lstm/bias', 'lstm_1/kernel', 'lstm_1/recurrent_kernel', 'lstm_1/bias', 'dense/kernel', 'dense/bias'];

describe('quantized save -> load', () => {
  it('gives a QuantizedModel with bit-identical predictions, int8 weights and config', async () => {
    const back = await loadModel(saved);
    expect(back).toBeInstanceOf(QuantizedModel);
    const b = back as QuantizedModel;
    expect(b.quantization).toEqual(q.quantization);
    expect(b.report).toBeNull();
    expect(b.getConfig()).toEqual(float.getConfig());
    const [p1, p2] = [await q.predict(x, { batchSize: 7 }), await b.predict(x, { batchSize: 7 })];
    expect(Buffer.from(p2.data.buffer)).toEqual(Buffer.from(p1.data.buffer));
    const [w1, w2] = [q.getQuantizedWeights(), b.getQuantizedWeights()];
    expect(w2.map((w) => w.name)).toEqual(NAMES);
    w1.forEach((w, i) => {
      expect(Buffer.from(w2[i]!.data.buffer)).toEqual(Buffer.from(w.data.buffer));
      expect(w2[i]!.scales).toEqual(w.scales);
    });
    // Saving the loaded model again writes the same tensors.
    const again = fresh('again');
    await b.save(again);
    const [t1, t2] = [await readSafetensors(path.join(saved, 'weights.safetensors')), await readSafetensors(path.join(again, 'weights.safetensors'))];
    expect(t2.tensors).toEqual(t1.tensors);
    b.dispose();
  });

  it('writes the float format with quantization in model.json and I8 matrices next to F32 scales', async () => {
    const json = JSON.parse(readFileSync(path.join(saved, 'model.json'), 'utf8'));
    expect(json).toMatchObject({
      format: 'torch-lstm', format_version: 1, compile_config: null, optimizer: null,
      quantization: { mode: 'int8-dynamic', engine: q.quantization.engine },
      model_config: float.getConfig(),
    });
    expect(json.weights.names).toEqual(NAMES.flatMap((n) => (n.endsWith('bias') ? [n] : [n, `${n}.scales`])));
    const { tensors, metadata } = await readSafetensors(path.join(saved, 'weights.safetensors'));
    expect(metadata).toMatchObject({ format: 'torch-lstm', content: 'weights', quantization: 'int8-dynamic', save_id: json.save_id });
    const kernel = tensors.find((t) => t.name === 'lstm/kernel')!;
    expect([kernel.data.constructor.name, kernel.shape]).toEqual(['Int8Array', [5, 32]]);
    const scales = tensors.find((t) => t.name === 'lstm/kernel.scales')!;
    expect([scales.data.constructor.name, scales.shape]).toEqual(['Float32Array', [32]]);
  });

  it.skipIf(!python)('writes a weights file that Python (json + struct only) reads, in Keras\'s layout', () => {
    const out = JSON.parse(execFileSync('python3', [path.join(here, 'fixtures/read_safetensors.py'), path.join(saved, 'weights.safetensors')], { encoding: 'utf8' }));
    expect(out.aligned).toBe(true);
    expect(out.metadata).toMatchObject({ format: 'torch-lstm', quantization: 'int8-dynamic' });
    const byName = new Map((out.tensors as { name: string; dtype: string; shape: number[]; values: number[] }[]).map((t) => [t.name, t]));
    for (const w of q.getQuantizedWeights()) {
      const t = byName.get(w.name)!;
      expect([t.dtype, t.shape]).toEqual([w.data instanceof Int8Array ? 'I8' : 'F32', w.shape]);
      expect(t.values).toEqual(Array.from(w.data));
      if (w.scales) {
        const s = byName.get(`${w.name}.scales`)!;
        expect([s.dtype, s.shape, s.values]).toEqual(['F32', [w.shape[1]], Array.from(w.scales)]);
        // Keras layout [in, 4 * units]: Python's dequantized kernel is the one the model computes with.
        const cols = w.shape[1]!;
        const deq = t.values.map((v, i) => Math.fround(v * s.values[i % cols]!));
        expect(Float32Array.from(deq)).toEqual(q.getWeights()[q.getQuantizedWeights().findIndex((k) => k.name === w.name)]!.data);
      }
    }
    expect(byName.size).toBe(13);
  });

  it('a float model refuses the int8 weights file with a pointer to loadModel', async () => {
    const other = Sequential.fromConfig(float.getConfig());
    await expect(other.loadWeights(path.join(saved, 'weights.safetensors'))).rejects.toThrow(/tensor "lstm\/kernel" is int8 \(I8\): these are the weights of a quantized model/);
    other.dispose();
  });

  describe('broken saves are clear errors', () => {
    const copy = (edit: (dir: string) => void): string => brokenCopy(saved, fresh('bad'), edit);

    it('truncated or foreign weights, an unknown mode, files of two saves, a missing scales tensor', async () => {
      const truncated = copy((d) => truncateSync(path.join(d, 'weights.safetensors'), statSync(path.join(d, 'weights.safetensors')).size - 9));
      expect((await loadError(truncated)).message).toMatch(/weights\.safetensors: truncated: tensor ".*" ends at byte \d+ of the data but the file holds only \d+ bytes/);
      const png = copy((d) => writeFileSync(path.join(d, 'weights.safetensors'), Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')));
      expect((await loadError(png)).message).toMatch(/weights\.safetensors: not a safetensors file/);
      const mode = copy((d) => editModelJson(d, (j) => (j.quantization = { mode: 'int4-static', engine: 'onednn' })));
      expect((await loadError(mode)).message).toMatch(/model\.json: has quantization mode "int4-static", which this torch-lstm does not know .* upgrade torch-lstm/);
      const floatFile = fresh('float');
      await float.save(floatFile);
      const swapped = copy((d) => cpSync(path.join(floatFile, 'weights.safetensors'), path.join(d, 'weights.safetensors')));
      expect((await loadError(swapped)).message).toMatch(/weights\.safetensors: has the int8 tensor|its files come from different saves/);
      const mixed = copy((d) => editModelJson(d, (j) => (j.save_id = 'x')));
      expect((await loadError(mixed)).message).toMatch(/its files come from different saves/);
      const { tensors, metadata } = await readSafetensors(path.join(saved, 'weights.safetensors'));
      const noScales = copy((d) => writeFileSync(path.join(d, 'weights.safetensors'), Buffer.concat(encodeSafetensors(tensors.filter((t) => t.name !== 'lstm_1/kernel.scales'), metadata))));
      expect((await loadError(noScales)).message).toMatch(/weights\.safetensors: has the int8 tensor "lstm_1\/kernel" but not its scales "lstm_1\/kernel\.scales"$/);
    });
  });
});
