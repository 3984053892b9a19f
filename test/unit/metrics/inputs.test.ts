import { describe, it, expect } from 'vitest';
import { mae, r2 } from '../../../lib/metrics/regression.js';
import { mase, smape } from '../../../lib/metrics/forecast.js';

// Both metric families read their inputs through lib/metrics/inputs.ts.
describe('metric inputs', () => {
  it('accepts the same forms in both families', () => {
    const t = { data: new Float32Array([1, 2, 3, 4]), shape: [2, 2] };
    expect(mae(t, [[1, 2], [3, 5]])).toBe(0.25);
    expect(smape(new Float64Array([1, 2, 3, 4]), t)).toBe(0);
    expect(mase(t, [1, 2, 3, 4], { train: { data: [1, 2, 4], shape: [3] } })).toBe(0);
  });

  it('words errors the same in both families', () => {
    const bad = { data: [1, 2, 3], shape: [2, 2] };
    expect(() => r2(bad, [1, 2, 3])).toThrow('Expected r2.yTrue.data to hold the 4 values of r2.yTrue.shape [2, 2] but received 3');
    expect(() => mase([1], [1], { train: bad })).toThrow(
      'Expected mase.options.train.data to hold the 4 values of mase.options.train.shape [2, 2] but received 3',
    );
    expect(() => smape([1, 2], [1])).toThrow(
      'Expected smape.yTrue and smape.yPred to hold the same number of values but yTrue has 2 and yPred has 1',
    );
    expect(() => mae(null as never, [1])).toThrow(
      'Expected number[], number[][], a Float32Array, a Float64Array or { data, shape } for mae.yTrue but received null of type null',
    );
  });
});
