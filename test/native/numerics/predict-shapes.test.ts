/**
 * predict's result: a Tensor of the right shape for any batch, batching that does not change
 * the numbers, input forms (nested arrays, `{ data, shape }`) that give identical results, and
 * `toArray()` nesting that matches the row-major data.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { layers, sequential, Tensor } from '../../../lib/index.js';
import { expectClose, randomTensor } from './helpers.js';

const T = 6, F = 3;

const model = sequential([
  layers.lstm({ units: 5, inputShape: [T, F], returnSequences: true }),
  layers.lstm({ units: 4 }),
  layers.dense({ units: 2 }),
]);
const seqModel = sequential([layers.lstm({ units: 3, inputShape: [T, F], returnSequences: true })]);

afterAll(() => {
  model.dispose();
  seqModel.dispose();
});

/** Row-major flat data -> nested arrays, written independently of the library's unpack. */
function nest(data: Float32Array, shape: number[]): unknown {
  if (shape.length === 1) return Array.from(data);
  const stride = data.length / shape[0]!;
  return Array.from({ length: shape[0]! }, (_, i) => nest(data.subarray(i * stride, (i + 1) * stride), shape.slice(1)));
}

describe('predict shapes', () => {
  it('batch 1 gives a Tensor [1, 2]', async () => {
    const out = await model.predict(randomTensor([1, T, F], 1));
    expect(out).toBeInstanceOf(Tensor);
    expect(out.shape).toEqual([1, 2]);
    expect(out.data).toBeInstanceOf(Float32Array);
    expect(out.data.length).toBe(2);
    expect(out.dtype).toBe('float32');
  });

  it('batch 1000 with batchSize 32 equals one batch of 1000 (1e-6), and each row equals its batch-1 prediction', async () => {
    const x = randomTensor([1000, T, F], 2);
    const batched = await model.predict(x, { batchSize: 32 });
    const whole = await model.predict(x, { batchSize: 1000 });
    expect(batched.shape).toEqual([1000, 2]);
    expect(whole.shape).toEqual([1000, 2]);
    expectClose(batched.data, whole.data, 1e-6, 'batchSize 32 vs 1000');
    // The last, partial batch (1000 = 31 * 32 + 8) lands in the right rows.
    const row = 999;
    const single = await model.predict({ data: x.data.slice(row * T * F, (row + 1) * T * F), shape: [1, T, F] });
    expectClose(single.data, batched.data.slice(row * 2, row * 2 + 2), 1e-6, 'row 999');
    // Rows differ (the output is not a broadcast of one row).
    expect(new Set(batched.data).size).toBeGreaterThan(1900);
  });

  it('default batchSize handles a batch that is not a multiple of 32', async () => {
    const x = randomTensor([70, T, F], 3);
    const a = await model.predict(x);
    const b = await model.predict(x, { batchSize: 70 });
    expect(a.shape).toEqual([70, 2]);
    expectClose(a.data, b.data, 1e-6, 'default vs one batch');
  });

  it('nested arrays, {data: Float32Array}, {data: Float64Array}, {data: number[]} give identical results', async () => {
    const x = randomTensor([7, T, F], 4);
    const nested = nest(x.data, x.shape) as number[][][];
    expect(nested.length).toBe(7);
    expect(nested[0]!.length).toBe(T);
    expect(nested[0]![0]!.length).toBe(F);
    const fromFlat = await model.predict(x);
    const fromNested = await model.predict(nested);
    const from64 = await model.predict({ data: Float64Array.from(x.data), shape: [7, T, F] });
    const fromList = await model.predict({ data: Array.from(x.data), shape: [7, T, F] });
    expect(fromFlat.shape).toEqual([7, 2]);
    for (const other of [fromNested, from64, fromList]) {
      expect(other.shape).toEqual(fromFlat.shape);
      expect(Array.from(other.data)).toEqual(Array.from(fromFlat.data));
    }
  });

  it('toArray() nests [batch, units] and [batch, timesteps, units] in row-major order', async () => {
    const x = randomTensor([3, T, F], 5);
    const out = await model.predict(x);
    const arr = out.toArray() as number[][];
    expect(arr).toEqual(nest(out.data, [3, 2]));
    expect(arr[2]![1]).toBe(out.data[2 * 2 + 1]);

    const seq = await seqModel.predict(x);
    expect(seq.shape).toEqual([3, T, 3]);
    const nested = seq.toArray() as number[][][];
    expect(nested.length).toBe(3);
    expect(nested.every((b) => b.length === T && b.every((t) => t.length === 3 && t.every((v) => typeof v === 'number')))).toBe(true);
    expect(nested[1]![4]![2]).toBe(seq.data[(1 * T + 4) * 3 + 2]);
    expect(nested).toEqual(nest(seq.data, [3, T, 3]));
  });
});
