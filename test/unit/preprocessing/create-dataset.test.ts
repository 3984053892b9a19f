import { describe, it, expect } from 'vitest';
import { createDataset, type MultiStepDataset } from '../../../lib/preprocessing/create-dataset.js';

const ten = Array.from({ length: 10 }, (_, i) => i);

describe('createDataset', () => {
  it('cuts [0..9] with lookBack 3 into the tutorial windows', () => {
    const { x, y } = createDataset(ten, { lookBack: 3 });
    expect(x.length).toBe(7); // len - lookBack, as range(len(data) - look_back)
    expect(x[0]).toEqual([[0], [1], [2]]);
    expect(x[6]).toEqual([[6], [7], [8]]);
    expect(y).toEqual([3, 4, 5, 6, 7, 8, 9]);
    x.forEach((w, i) => expect(w.map((s) => s[0])).toEqual([i, i + 1, i + 2]));
  });

  it('returns horizon targets per window for horizon > 1', () => {
    const { x, y } = createDataset(ten, { lookBack: 3, horizon: 2 }) as MultiStepDataset;
    expect(x.length).toBe(6); // 10 - 3 - 2 + 1
    expect(y[0]).toEqual([3, 4]);
    expect(y[5]).toEqual([8, 9]);
    expect(x[5]).toEqual([[5], [6], [7]]);
  });

  it('steps window starts by stride', () => {
    const { x, y } = createDataset(ten, { lookBack: 3, stride: 2 });
    expect(x.map((w) => w[0]![0])).toEqual([0, 2, 4, 6]);
    expect(y).toEqual([3, 5, 7, 9]);
    expect(createDataset(ten, { lookBack: 3, stride: 4 }).y).toEqual([3, 7]);
  });

  it('keeps every feature in x and takes y from targetColumn', () => {
    const series = Array.from({ length: 6 }, (_, i) => [i, 10 * i]);
    const { x, y } = createDataset(series, { lookBack: 2, targetColumn: 1 });
    expect(x.length).toBe(4);
    expect(x[0]).toEqual([[0, 0], [1, 10]]);
    expect(y).toEqual([20, 30, 40, 50]);
  });

  it('accepts the shortest series, lookBack + horizon rows', () => {
    expect(createDataset([1, 2, 3, 4], { lookBack: 3 })).toEqual({ x: [[[1], [2], [3]]], y: [4] });
    expect(createDataset([1, 2], { lookBack: 1 })).toEqual({ x: [[[1]]], y: [2] });
  });

  it('copies the rows it returns', () => {
    const series = [[1, 2], [3, 4], [5, 6]];
    const { x } = createDataset(series, { lookBack: 2 });
    x[0]![0]![0] = 99;
    expect(series[0]![0]).toBe(1);
  });

  it('validates its options, naming the option and the value', () => {
    expect(() => createDataset(ten, { lookBack: -1 })).toThrow(RangeError);
    expect(() => createDataset(ten, { lookBack: -1 })).toThrow(
      'Expected a positive integer for createDataset.lookBack but received -1 of type number',
    );
    expect(() => createDataset(ten, { lookBack: 1.5 })).toThrow(
      'Expected a positive integer for createDataset.lookBack but received 1.5 of type number',
    );
    expect(() => createDataset(ten, {} as never)).toThrow(
      'Expected a positive integer for createDataset.lookBack but received undefined of type undefined',
    );
    expect(() => createDataset(ten, { lookBack: 2, horizon: 0 })).toThrow(/createDataset.horizon but received 0/);
    expect(() => createDataset(ten, { lookBack: 2, stride: 0 })).toThrow(/createDataset.stride but received 0/);
    expect(() => createDataset(ten, { lookback: 3 } as never)).toThrow(
      'Unknown option "lookback" for createDataset; did you mean "lookBack"?',
    );
    expect(() => createDataset([[1, 2], [3, 4], [5, 6]], { lookBack: 1, targetColumn: 2 })).toThrow(
      'Expected an integer < 2 (the series has 2 features) for createDataset.targetColumn but received 2 of type number',
    );
    expect(() => createDataset(ten, { lookBack: 1, targetColumn: -1 })).toThrow(/createDataset.targetColumn but received -1/);
  });

  it('says how long the series must be', () => {
    expect(() => createDataset([1, 2, 3], { lookBack: 3 })).toThrow(
      'Expected a series of at least lookBack + horizon = 3 + 1 = 4 rows for createDataset.series but received 3',
    );
    expect(() => createDataset(ten, { lookBack: 8, horizon: 3 })).toThrow(/= 11 rows .* received 10/);
  });

  it('validates the series', () => {
    expect(() => createDataset([1, NaN, 3, 4], { lookBack: 1 })).toThrow(
      'Expected a finite number at createDataset.series[1] but received NaN',
    );
    expect(() => createDataset([[1, 2], [3], [5, 6]], { lookBack: 1 })).toThrow(
      /rectangular but createDataset.series\[1\] has length 1/,
    );
    expect(() => createDataset('abc' as never, { lookBack: 1 })).toThrow(TypeError);
  });
});
