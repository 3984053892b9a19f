import { describe, expect, it } from 'vitest';
import { mase, rmsse, smape } from '../../../lib/metrics/forecast.js';
import * as metrics from '../../../lib/metrics/index.js';

describe('smape', () => {
  it('is 200/n * sum |F - A| / (|A| + |F|), in percent', () => {
    expect(smape([100, 200], [110, 180])).toBeCloseTo(100 * (10 / 210 + 20 / 380), 12);
    expect(smape([-100], [-110])).toBeCloseTo(200 * (10 / 210), 12);
    expect(metrics.smape([1, 2], [1, 2])).toBe(0);
  });

  it('counts 0/0 as 0 and a single zero as the 200% maximum', () => {
    expect(smape([0, 0], [0, 0])).toBe(0);
    expect(smape([0, 5], [0, 5])).toBe(0);
    expect(smape([0], [3])).toBe(200);
    expect(smape([3, 0], [-3, 0])).toBe(100); // opposite signs: 6 / 6 -> 200%, averaged with a 0
  });

  it('takes the same input forms as the regression metrics', () => {
    expect(smape(Float32Array.of(1, 2), { data: [1, 2], shape: [2, 1] })).toBe(0);
    expect(smape([[1], [2]], [1, 4])).toBeCloseTo(100 * (2 / 6), 12);
  });

  it('rejects mismatched, empty and non-finite inputs', () => {
    expect(() => smape([1, 2], [1])).toThrow(/smape\.yTrue and smape\.yPred to hold the same number of values/);
    expect(() => smape([], [])).toThrow(RangeError);
    expect(() => smape([NaN], [1])).toThrow(/finite numbers in smape\.yTrue/);
    expect(() => smape('x' as never, [1])).toThrow(TypeError);
  });
});

describe('mase', () => {
  it('divides the MAE by the in-sample seasonal-naive MAE of train', () => {
    // MAE 1; lag-1 scale mean(1, 1, 1) = 1; lag-2 scale mean(2, 2) = 2.
    expect(mase([5, 6], [5, 8], { train: [1, 2, 3, 4] })).toBe(1);
    expect(mase([5, 6], [5, 8], { train: [1, 2, 3, 4], period: 2 })).toBe(0.5);
    expect(metrics.mase([10], [13], { train: [0, 4, 2, 8], period: 1 })).toBeCloseTo(3 / ((4 + 2 + 6) / 3), 15);
  });

  it('is exactly 1 for the seasonal-naive forecast of the training series itself', () => {
    const train = Array.from({ length: 40 }, (_, t) => 10 + t * 0.3 + Math.sin((2 * Math.PI * t) / 12) + ((t * 7) % 5) * 0.1);
    expect(mase(train.slice(12), train.slice(0, -12), { train, period: 12 })).toBeCloseTo(1, 12);
  });

  it('gives Infinity for a constant train, or 0 for a perfect forecast', () => {
    expect(mase([2], [3], { train: [1, 1, 1] })).toBe(Infinity);
    expect(mase([2], [2], { train: [1, 1, 1] })).toBe(0);
  });

  it('names the option and value it rejects', () => {
    expect(() => mase([1], [1], undefined as never)).toThrow(/mase\.options/);
    expect(() => mase([1], [1], {} as never)).toThrow(/Expected the training series \(number\[\]\) for mase\.options\.train but received undefined/);
    expect(() => mase([1], [1], { train: [1, 2], period: 0 })).toThrow(/Expected an integer >= 1 for mase\.options\.period but received 0/);
    expect(() => mase([1], [1], { train: [1, 2], period: 1.5 })).toThrow(TypeError);
    expect(() => mase([1], [1], { train: [1, 2, 3], period: 3 })).toThrow(/more than period = 3 values in mase\.options\.train but received 3/);
    expect(() => mase([1], [1], { train: [1, 2], perod: 1 } as never)).toThrow(/Unknown option "perod" for mase\.options; did you mean "period"\?/);
    expect(() => mase([1], [1], { train: [1, Infinity] })).toThrow(/finite numbers in mase\.options\.train/);
  });
});

describe('rmsse', () => {
  it('is the M5 RMSSE: sqrt(MSE / in-sample lag-1 MSE)', () => {
    expect(rmsse([5, 6], [5, 8], { train: [1, 2, 3, 4] })).toBeCloseTo(Math.SQRT2, 15);
    // Scale mean((4-0)^2, (2-4)^2, (8-2)^2) = 56/3.
    expect(rmsse([10, 10], [13, 11], { train: [0, 4, 2, 8] })).toBeCloseTo(Math.sqrt(5 / (56 / 3)), 15);
    expect(metrics.rmsse([5, 6], [5, 8], { train: [1, 2, 3, 4], period: 2 })).toBeCloseTo(Math.sqrt(2 / 4), 15);
  });

  it('validates like mase', () => {
    expect(() => rmsse([1], [1], { train: [1] })).toThrow(/more than period = 1 values in rmsse\.options\.train but received 1/);
    expect(() => rmsse([1, 2], [1], { train: [1, 2] })).toThrow(/rmsse\.yTrue and rmsse\.yPred/);
  });
});
