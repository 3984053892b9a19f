import { describe, expect, it } from 'vitest';
import { predictDirect } from '../../../lib/forecasting/direct.js';
import * as forecasting from '../../../lib/forecasting/index.js';
import type { ForecastModel, ForecastTensor } from '../../../lib/forecasting/predict-future.js';

/** A Dense(horizon)-like fake: output j is (last input value) + j + 1; records its inputs. */
function stepsModel(horizon: number): ForecastModel & { calls: ForecastTensor[] } {
  const calls: ForecastTensor[] = [];
  return {
    calls,
    async predict(x) {
      calls.push({ data: Float32Array.from(x.data), shape: [...x.shape] });
      const last = x.data[x.data.length - 1]!;
      return { data: Float32Array.from({ length: horizon }, (_, j) => last + j + 1), shape: [1, horizon] };
    },
  };
}

describe('predictDirect', () => {
  it('returns the whole horizon from one predict call on a [1, lookBack, features] window', async () => {
    const model = stepsModel(3);
    expect(await predictDirect(model, [1, 2, 5], { horizon: 3 })).toEqual([6, 7, 8]);
    expect(model.calls).toHaveLength(1);
    expect(model.calls[0]!.shape).toEqual([1, 3, 1]);
    expect(await forecasting.predictDirect(stepsModel(2), [[1, 0], [2, 4]])).toEqual([5, 6]);
  });

  it('checks the output width against horizon and says how to train for it', async () => {
    await expect(predictDirect(stepsModel(1), [1, 2], { horizon: 12 })).rejects.toThrow(
      /Expected model\.predict to return horizon = 12 values per window in predictDirect but received 1 \(shape \[1, 1\]\); train a Dense\(12\) output on createDataset\(series, \{ lookBack, horizon: 12 \}\)/,
    );
    const sequences: ForecastModel = { predict: async () => ({ data: new Float32Array(6), shape: [1, 3, 2] }) };
    await expect(predictDirect(sequences, [1, 2])).rejects.toThrow(/shape \[1, horizon\] in predictDirect .* received shape \[1, 3, 2\]/);
    const nan: ForecastModel = { predict: async () => ({ data: Float32Array.of(NaN), shape: [1, 1] }) };
    await expect(predictDirect(nan, [1, 2])).rejects.toThrow(/finite predictions/);
  });

  it('validates its arguments', async () => {
    await expect(predictDirect({} as never, [1])).rejects.toThrow(/Expected an object with a predict\(x\) method for predictDirect\.model/);
    await expect(predictDirect(stepsModel(1), [])).rejects.toThrow(/predictDirect\.lastWindow/);
    await expect(predictDirect(stepsModel(1), [[1, 2], [3]])).rejects.toThrow(/rectangular/);
    await expect(predictDirect(stepsModel(1), [1, NaN])).rejects.toThrow(/finite number at predictDirect\.lastWindow\[1\]/);
    await expect(predictDirect(stepsModel(1), [1], { horizon: 0 })).rejects.toThrow(/predictDirect\.options\.horizon/);
    await expect(predictDirect(stepsModel(1), [1], { horizn: 1 } as never)).rejects.toThrow(/did you mean "horizon"/);
  });
});
