import { describe, expect, it } from 'vitest';
import { forecastIntervals, hasDropout, predictIntervals, type MonteCarloModel } from '../../../lib/forecasting/intervals.js';
import * as forecasting from '../../../lib/forecasting/index.js';

const withDropout = { class_name: 'Sequential', config: { layers: [{ class_name: 'LSTM', config: { dropout: 0, recurrent_dropout: 0.1 } }] } };
const noDropout = {
  class_name: 'Sequential',
  config: { layers: [{ class_name: 'LSTM', config: { dropout: 0, recurrent_dropout: 0 } }, { class_name: 'Dropout', config: { rate: 0 } }] },
};

/** Each call returns (input + seed) for every input value: sample i of seed s is x + s + i. */
function seededModel(config: unknown = withDropout) {
  const calls: { shape: number[]; args: unknown }[] = [];
  const model: MonteCarloModel = {
    async predict(x, args) {
      calls.push({ shape: [...x.shape], args });
      const seed = args?.seed ?? 0;
      return { data: Float32Array.from(x.data, (v) => v + seed), shape: [x.shape[0]!, x.data.length / x.shape[0]!] };
    },
    getConfig: () => config,
  };
  return { model, calls };
}

describe('predictIntervals', () => {
  it('summarizes N predict calls made with training: true and seeds seed + i', async () => {
    const { model, calls } = seededModel();
    // x = [[[0]], [[100]]]: samples of the first value are 0..10, of the second 100..110.
    const r = await predictIntervals(model, [[[0]], [[100]]], { samples: 11, seed: 0, quantiles: [0.25], batchSize: 4 });
    expect(calls).toHaveLength(11);
    expect(calls.map((c) => c.args)).toEqual(Array.from({ length: 11 }, (_, i) => ({ training: true, seed: i, batchSize: 4 })));
    expect(r.shape).toEqual([2, 1]);
    expect(Array.from(r.mean)).toEqual([5, 105]);
    expect(Array.from(r.median)).toEqual([5, 105]);
    expect(Array.from(r.lower)).toEqual([0.5, 100.5]); // numpy linear: 0.05 * 10
    expect(Array.from(r.upper)).toEqual([9.5, 109.5]);
    expect(Object.keys(r.quantiles)).toEqual(['0.05', '0.5', '0.95', '0.25']);
    expect(Array.from(r.quantiles['0.25']!)).toEqual([2.5, 102.5]);
    expect(r.level).toBe(0.9);
    expect(r.samples).toHaveLength(11);
    expect(Array.from(r.samples[3]!)).toEqual([3, 103]);
  });

  it('uses the level for lower and upper', async () => {
    const r = await forecasting.predictIntervals(seededModel().model, [[[0]]], { samples: 101, seed: 0, level: 0.5 });
    expect(Array.from(r.lower)).toEqual([25]);
    expect(Array.from(r.upper)).toEqual([75]);
    expect(Object.keys(r.quantiles)).toEqual(['0.25', '0.5', '0.75']);
  });

  it('refuses a model without dropout before predicting, naming the fix', async () => {
    const { model, calls } = seededModel(noDropout);
    await expect(predictIntervals(model, [[[0]]])).rejects.toThrow(
      /predictIntervals needs a model with dropout.*zero-width intervals.*dropout or recurrentDropout, or add a layers\.dropout/,
    );
    expect(calls).toHaveLength(0);
  });

  it('refuses identical samples from a model whose config it cannot read', async () => {
    const model: MonteCarloModel = { predict: async (x) => ({ data: Float32Array.from(x.data), shape: [...x.shape] }) };
    await expect(predictIntervals(model, [[[1]]], { samples: 5 })).rejects.toThrow(/all 5 are identical \(zero-width intervals\)/);
  });

  it('validates options by name', async () => {
    const { model } = seededModel();
    await expect(predictIntervals(model, [[[0]]], { samples: 1 })).rejects.toThrow(/Expected an integer >= 2 for predictIntervals\.options\.samples but received 1/);
    await expect(predictIntervals(model, [[[0]]], { level: 1 })).rejects.toThrow(/predictIntervals\.options\.level but received 1/);
    await expect(predictIntervals(model, [[[0]]], { quantiles: [1.5] })).rejects.toThrow(/predictIntervals\.options\.quantiles\[0\] but received 1\.5/);
    await expect(predictIntervals(model, [[[0]]], { seed: -1 })).rejects.toThrow(/predictIntervals\.options\.seed/);
    await expect(predictIntervals(model, [[[0]]], { sample: 3 } as never)).rejects.toThrow(/did you mean "samples"/);
    await expect(predictIntervals(model, 'x' as never)).rejects.toThrow(/predictIntervals\.x/);
  });
});

describe('hasDropout', () => {
  it('reads dropout, recurrent_dropout and Dropout rate from the Keras config', () => {
    expect(hasDropout({ getConfig: () => withDropout })).toBe(true);
    expect(hasDropout({ getConfig: () => noDropout })).toBe(false);
    expect(hasDropout({ getConfig: () => ({ config: { layers: [{ class_name: 'Dropout', config: { rate: 0.2 } }] } }) })).toBe(true);
    expect(hasDropout({})).toBeUndefined();
  });
});

describe('forecastIntervals', () => {
  /** Batch fake: each path's next value is its last value + 1 + row / 10 (so paths fan out). */
  function pathsModel() {
    const calls: { shape: number[]; args: unknown; data: Float32Array }[] = [];
    const model: MonteCarloModel = {
      async predict(x, args) {
        calls.push({ shape: [...x.shape], args, data: Float32Array.from(x.data) });
        const [n, lookBack, features] = x.shape as [number, number, number];
        const out = Float32Array.from({ length: n }, (_, i) => x.data[(i * lookBack + lookBack - 1) * features]! + 1 + i / 10);
        return { data: out, shape: [n, 1] };
      },
      getConfig: () => withDropout,
    };
    return { model, calls };
  }

  it('runs all paths together, one predict per step with seed + step, feeding each prediction back', async () => {
    const { model, calls } = pathsModel();
    const r = await forecastIntervals(model, [0, 0, 10], { steps: 3, samples: 3, seed: 5 });
    expect(calls.map((c) => c.shape)).toEqual([[3, 3, 1], [3, 3, 1], [3, 3, 1]]);
    expect(calls.map((c) => c.args)).toEqual([5, 6, 7].map((seed) => ({ training: true, batchSize: 3, seed })));
    expect(Array.from(calls[1]!.data.subarray(3, 6))).toEqual([0, 10, 11.100000381469727]); // path 1 after one step
    expect(r.samples.map((p) => p.map((v) => Number(v.toFixed(4))))).toEqual([
      [11, 12, 13],
      [11.1, 12.2, 13.3],
      [11.2, 12.4, 13.6],
    ]);
    expect(r.median.map((v) => Number(v.toFixed(4)))).toEqual([11.1, 12.2, 13.3]);
    expect(r.lower[2]).toBeCloseTo(13 + 0.05 * 0.6, 5);
  });

  it('summarizes after inverse, so quantiles are of the mapped paths', async () => {
    const { model } = pathsModel();
    const cumsum = (p: number[]) => p.map((_, i) => p.slice(0, i + 1).reduce((a, b) => a + b, 0));
    const r = await forecasting.forecastIntervals(model, [0], { steps: 2, samples: 2, seed: 0, inverse: cumsum, level: 0.5 });
    expect(r.samples.map((p) => p.map((v) => Number(v.toFixed(4))))).toEqual([[1, 3], [1.1, 3.3]]);
    expect(r.mean.map((v) => Number(v.toFixed(4)))).toEqual([1.05, 3.15]);
    await expect(forecastIntervals(model, [0], { steps: 2, samples: 2, inverse: () => [1] })).rejects.toThrow(
      /Expected 2 values \(one per step\) from forecastIntervals\.options\.inverse\(samples\[0\]\) but received 1/,
    );
  });

  it('validates the model, options and window', async () => {
    const { model } = pathsModel();
    await expect(forecastIntervals(model, [0], undefined as never)).rejects.toThrow(/forecastIntervals\.options/);
    await expect(forecastIntervals(model, [0], { steps: 0 })).rejects.toThrow(/forecastIntervals\.options\.steps/);
    await expect(forecastIntervals(model, [[0, 1]], { steps: 1, targetColumn: 2 })).rejects.toThrow(/forecastIntervals\.options\.targetColumn/);
    await expect(forecastIntervals(seededModel(noDropout).model, [0], { steps: 1 })).rejects.toThrow(/forecastIntervals needs a model with dropout/);
    const wide: MonteCarloModel = { predict: async (x) => ({ data: new Float32Array(x.shape[0]! * 2), shape: [x.shape[0]!, 2] }), getConfig: () => withDropout };
    await expect(forecastIntervals(wide, [0], { steps: 1, samples: 2 })).rejects.toThrow(/horizon = 1 values per window in forecastIntervals \(step 0\)/);
  });
});
