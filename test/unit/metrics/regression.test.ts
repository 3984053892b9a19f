import { describe, it, expect } from 'vitest';
import { mae, mse, rmse, mape, r2, MAPE_EPSILON } from '../../../lib/metrics/regression.js';
import * as metrics from '../../../lib/metrics/index.js';

describe('regression metrics', () => {
  it('compute MAE, MSE and RMSE by hand', () => {
    expect(mae([1, 2, 3], [1, 2, 5])).toBeCloseTo(2 / 3, 15);
    expect(mse([1, 2, 3], [1, 2, 5])).toBeCloseTo(4 / 3, 15);
    expect(rmse([1, 2, 3], [1, 2, 5])).toBeCloseTo(Math.sqrt(4 / 3), 15);
    expect(rmse([0, 0], [3, 4])).toBeCloseTo(Math.sqrt(12.5), 15);
    expect(mae([-1, 1], [1, -1])).toBe(2);
    expect(mse([5], [5])).toBe(0);
  });

  it('flatten every accepted form the same way', () => {
    const yTrue = [[1, 2], [3, 4]];
    const flat = [1.5, 2, 2, 5];
    const expected = (0.5 + 0 + 1 + 1) / 4;
    expect(mae(yTrue, flat)).toBe(expected);
    expect(mae(Float64Array.from([1, 2, 3, 4]), Float32Array.from(flat))).toBe(expected);
    expect(mae({ data: Float32Array.from([1, 2, 3, 4]), shape: [4, 1] }, [[1.5], [2], [2], [5]])).toBe(expected);
    expect(mae({ data: [1, 2, 3, 4], shape: [2, 2] }, flat)).toBe(expected);
  });

  it('work in float64 on the exact float32 values', () => {
    expect(mae(Float32Array.from([0.1]), [0])).toBe(Math.fround(0.1));
    expect(mae(Float32Array.from([0.1]), [0])).not.toBe(0.1);
    expect(metrics.mse([1e8 + 1], [1e8])).toBe(1);
  });

  it('compute MAPE as Keras does', () => {
    expect(mape([100, 200], [110, 180])).toBeCloseTo(10, 12);
    expect(mape([-100], [-90])).toBeCloseTo(10, 12);
    expect(mape([2, 4], [2, 4])).toBe(0);
  });

  it('handle zero targets in MAPE under each mode', () => {
    expect(MAPE_EPSILON).toBe(1e-7);
    // 'epsilon' (default): |0 - 1| / 1e-7 = 1e7, |100 - 110| / 100 = 0.1.
    const clamped = 100 * (1 / 1e-7 + 0.1) / 2;
    expect(mape([0, 100], [1, 110])).toBeCloseTo(clamped, 4);
    expect(mape([0, 100], [1, 110], { zeroHandling: 'epsilon' })).toBeCloseTo(clamped, 4);
    expect(mape([0, 100], [1, 110], { zeroHandling: 'skip' })).toBeCloseTo(10, 12);
    expect(() => mape([5, 0, 100], [5, 1, 110], { zeroHandling: 'error' })).toThrow(RangeError);
    expect(() => mape([5, 0, 100], [5, 1, 110], { zeroHandling: 'error' })).toThrow(
      "Expected non-zero yTrue values for mape with zeroHandling 'error' but yTrue[1] is 0",
    );
    expect(mape([5, 100], [5, 110], { zeroHandling: 'error' })).toBeCloseTo(5, 12);
    expect(() => mape([0, 0], [1, 1], { zeroHandling: 'skip' })).toThrow(/nothing to average: all 2 yTrue values are zero/);
  });

  it('validate MAPE options, naming the option and the value', () => {
    expect(() => mape([1], [1], { zeroHandling: 'eps' as never })).toThrow(
      "Expected one of 'epsilon', 'skip', 'error' for mape.options.zeroHandling but received \"eps\" of type string",
    );
    expect(() => mape([1], [1], { zerohandling: 'skip' } as never)).toThrow(/did you mean "zeroHandling"/);
  });

  it('compute R² as scikit-learn', () => {
    expect(r2([1, 2, 3], [1, 2, 3])).toBe(1);
    expect(r2([1, 2, 3], [2, 2, 2])).toBe(0);
    // scikit-learn's r2_score docstring: 0.948...
    expect(r2([3, -0.5, 2, 7], [2.5, 0.0, 2, 8])).toBeCloseTo(1 - 1.5 / 29.1875, 15);
    expect(r2([3, -0.5, 2, 7], [2.5, 0.0, 2, 8])).toBeCloseTo(0.9486081370449679, 15);
    expect(r2([1, 2, 3], [3, 2, 1])).toBe(-3);
  });

  it('give R² of a constant target 1 if perfect else 0, and NaN for one sample', () => {
    expect(r2([2, 2, 2], [2, 2, 2])).toBe(1);
    expect(r2([2, 2, 2], [2, 2, 3])).toBe(0);
    expect(r2([2], [2])).toBeNaN();
  });

  it('name both lengths on a mismatch', () => {
    expect(() => mae([1, 2, 3], [1, 2])).toThrow(RangeError);
    expect(() => mae([1, 2, 3], [1, 2])).toThrow(
      'Expected mae.yTrue and mae.yPred to hold the same number of values but yTrue has 3 and yPred has 2',
    );
    expect(() => r2([[1, 2]], [1, 2, 3])).toThrow(/r2.yTrue .* yTrue has 2 and yPred has 3/);
  });

  it('validate the values', () => {
    expect(() => mse([], [])).toThrow('Expected at least one value in mse.yTrue but received none');
    expect(() => mse([1, NaN], [1, 2])).toThrow('Expected finite numbers in mse.yTrue but received NaN at flat index 1');
    expect(() => rmse([1], ['1'] as never)).toThrow('Expected a number at rmse.yPred[0] but received "1"');
    expect(() => mae('1' as never, [1])).toThrow(TypeError);
    expect(() => mae({ data: [1, 2, 3], shape: [2] }, [1, 2])).toThrow(/mae.yTrue.data to hold the 2 values/);
  });
});
