import { describe, it, expect } from 'vitest';
import { predictFuture, type ForecastModel, type ForecastTensor } from '../../../lib/forecasting/predict-future.js';
import * as forecasting from '../../../lib/forecasting/index.js';

/** Predicts the mean of the window's values; records the inputs it was given. */
function meanModel(): ForecastModel & { calls: ForecastTensor[] } {
  const calls: ForecastTensor[] = [];
  return {
    calls,
    async predict(x) {
      calls.push({ data: Float32Array.from(x.data), shape: [...x.shape] });
      const mean = x.data.reduce((a, b) => a + b, 0) / x.data.length;
      return { data: Float32Array.of(mean), shape: [1, 1] };
    },
  };
}

/** Predicts (last row's feature 0) + (last row's feature 1), for two-feature windows. */
const sumLastRow: ForecastModel = {
  async predict(x) {
    const n = x.data.length;
    return { data: Float32Array.of(x.data[n - 2]! + x.data[n - 1]!), shape: [1, 1] };
  },
};

describe('predictFuture', () => {
  it('feeds each prediction back (mean model, by hand: 2, 7/3, 22/9)', async () => {
    const model = meanModel();
    const window = [1, 2, 3];
    const out = await predictFuture(model, window, { steps: 3 });
    expect(out).toHaveLength(3);
    expect(out[0]).toBeCloseTo(2, 6);
    expect(out[1]).toBeCloseTo(7 / 3, 6);
    expect(out[2]).toBeCloseTo(22 / 9, 6);
    expect(model.calls.map((c) => c.shape)).toEqual([[1, 3, 1], [1, 3, 1], [1, 3, 1]]);
    expect(Array.from(model.calls[1]!.data)).toEqual([2, 3, 2]);
    expect(window).toEqual([1, 2, 3]);
  });

  it('carries the other features forward when no exogenous values are given', async () => {
    expect(await predictFuture(sumLastRow, [[1, 10], [2, 20]], { steps: 2 })).toEqual([22, 42]);
    // Target in column 1: the new row is [2, 22], then 2 + 22.
    expect(await predictFuture(sumLastRow, [[1, 10], [2, 20]], { steps: 2, targetColumn: 1 })).toEqual([22, 24]);
  });

  it('takes the other features from exogenous, ignoring its target column', async () => {
    const out = await forecasting.predictFuture(sumLastRow, [[1, 10], [2, 20]], {
      steps: 2,
      exogenous: [[NaN, 1], [NaN, 2]],
    });
    expect(out).toEqual([22, 23]);
  });

  it('rejects (never throws) on bad arguments, naming the option and the value', async () => {
    const model = meanModel();
    const call = predictFuture(model, [1, 2], { steps: 0 });
    expect(call).toBeInstanceOf(Promise);
    await expect(call).rejects.toThrow('Expected an integer >= 1 for predictFuture.options.steps but received 0 of type number');
    await expect(predictFuture({} as never, [1], { steps: 1 })).rejects.toThrow(
      'Expected an object with a predict(x) method for predictFuture.model but received an object of type object',
    );
    await expect(predictFuture(model, [], { steps: 1 })).rejects.toThrow(/predictFuture.lastWindow but received an array of length 0/);
    await expect(predictFuture(model, [[1, 2], [3]], { steps: 1 })).rejects.toThrow(
      /rectangular \(lookBack x 2\) but predictFuture.lastWindow\[1\] is an array of length 1/,
    );
    await expect(predictFuture(model, [1, NaN], { steps: 1 })).rejects.toThrow(
      'Expected a finite number at predictFuture.lastWindow[1] but received NaN',
    );
    await expect(predictFuture(model, [[1, 2]], { steps: 1, targetColumn: 2 })).rejects.toThrow(
      'Expected an integer <= 1 for predictFuture.options.targetColumn but received 2 of type number',
    );
    await expect(predictFuture(model, [[1, 2]], { steps: 2, exogenous: [[0, 1]] })).rejects.toThrow(
      'Expected predictFuture.options.exogenous to have steps = 2 rows but received 1',
    );
    await expect(predictFuture(model, [[1, 2]], { steps: 1, exogenous: [[0, 1, 2]] })).rejects.toThrow(
      /predictFuture.options.exogenous\[0\] to hold 2 features/,
    );
    await expect(predictFuture(model, [1], { step: 1 } as never)).rejects.toThrow(/did you mean "steps"/);
  });

  it('rejects a model that returns more than one value per window', async () => {
    const wide: ForecastModel = { predict: async () => ({ data: Float32Array.of(1, 2), shape: [1, 2] }) };
    await expect(predictFuture(wide, [1, 2], { steps: 1 })).rejects.toThrow(
      'Expected model.predict to return one value for a window of shape [1, lookBack, features] but received 2 (shape [1, 2]) at step 0',
    );
    const broken: ForecastModel = { predict: async () => ({ data: Float32Array.of(NaN), shape: [1, 1] }) };
    await expect(predictFuture(broken, [1], { steps: 2 })).rejects.toThrow(/finite prediction .* NaN at step 0/);
  });
});
