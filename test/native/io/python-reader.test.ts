/**
 * A saved model's weights read back by an independent reader of the safetensors format: a
 * Python script using only `json` and `struct` (fixtures/read_safetensors.py).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { layers, sequential } from '../../../lib/index.js';
import { randomTensor } from '../numerics/helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const python = spawnSync('python3', ['--version']).status === 0;
if (!python) console.warn('python-reader.test.ts: skipped because python3 is not on PATH (the independent reader is a Python script)');

const root = mkdtempSync(path.join(os.tmpdir(), 'py-reader-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface PyTensor { name: string; dtype: string; shape: number[]; checksum: number; values: number[] }

describe.skipIf(!python)('weights.safetensors read by Python (json + struct only)', () => {
  it('gives the names, dtypes, shapes and values of getWeights, in Keras\'s layout', async () => {
    const model = sequential([
      layers.lstm({ units: 5, inputShape: [4, 3], returnSequences: true, name: 'lstm' }),
      layers.lstm({ units: 3, name: 'lstm_1' }),
      layers.dense({ units: 2, name: 'dense' }),
    ]);
    model.compile({ optimizer: 'adam', loss: 'mse' });
    await model.fit(randomTensor([8, 4, 3], 1), randomTensor([8, 2], 2), { epochs: 1, verbose: 0 });
    const dir = path.join(root, 'm');
    await model.save(dir);
    const out = JSON.parse(execFileSync('python3', [path.join(here, 'fixtures/read_safetensors.py'), path.join(dir, 'weights.safetensors')], { encoding: 'utf8' }));
    expect(out.aligned).toBe(true);
    expect(out.metadata).toMatchObject({ format: 'torch-lstm', format_version: '1', content: 'weights' });
    const tensors = out.tensors as PyTensor[];
    expect(tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual([
      ['lstm/kernel', 'F32', [3, 20]], ['lstm/recurrent_kernel', 'F32', [5, 20]], ['lstm/bias', 'F32', [20]],
      ['lstm_1/kernel', 'F32', [5, 12]], ['lstm_1/recurrent_kernel', 'F32', [3, 12]], ['lstm_1/bias', 'F32', [12]],
      ['dense/kernel', 'F32', [3, 2]], ['dense/bias', 'F32', [2]],
    ]);
    model.getWeights().forEach((w, i) => {
      const values = Array.from(w.data);
      expect(tensors[i]!.values).toEqual(values);
      expect(tensors[i]!.checksum).toBeCloseTo(values.reduce((a, b) => a + b, 0), 9);
    });
    // The optimizer file is a valid safetensors file too.
    const opt = JSON.parse(execFileSync('python3', [path.join(here, 'fixtures/read_safetensors.py'), path.join(dir, 'optimizer.safetensors')], { encoding: 'utf8' }));
    expect(opt.tensors.length).toBe(16);
    model.dispose();
  });
});
