import { describe, it, expect } from 'vitest';
import {
  naiveForecast,
  seasonalNaiveForecast,
  naivePredictions,
  seasonalNaivePredictions,
} from '../../../lib/forecasting/baselines.js';

describe('baselines', () => {
  it('naiveForecast repeats the last value', () => {
    expect(naiveForecast([3, 5, 8], 2)).toEqual([8, 8]);
    expect(naiveForecast([4], 1)).toEqual([4]);
  });

  it('seasonalNaiveForecast repeats the last season', () => {
    expect(seasonalNaiveForecast([1, 2, 3, 4], 3, { period: 2 })).toEqual([3, 4, 3]);
    expect(seasonalNaiveForecast([9, 1, 2, 3], 4, { period: 3 })).toEqual([1, 2, 3, 1]);
    expect(seasonalNaiveForecast([7], 2, { period: 1 })).toEqual([7, 7]);
  });

  it('naivePredictions predicts each held-out value by the one before', () => {
    expect(naivePredictions([1, 2, 4, 7], 2)).toEqual([2, 4]);
    expect(naivePredictions([1, 2, 4, 7], 1)).toEqual([1, 2, 4]);
    expect(naivePredictions([1, 2, 4, 7], 3)).toEqual([4]);
  });

  it('seasonalNaivePredictions predicts each held-out value by the one a period back', () => {
    expect(seasonalNaivePredictions([1, 2, 3, 4, 5], 3, 2)).toEqual([2, 3]);
    expect(seasonalNaivePredictions([10, 20, 30, 11, 21, 31], 3, 3)).toEqual([10, 20, 30]);
  });

  it('validates arguments, naming each and its value', () => {
    expect(() => naiveForecast([1], 0)).toThrow('Expected an integer >= 1 for naiveForecast.steps but received 0 of type number');
    expect(() => naiveForecast([], 1)).toThrow(/non-empty number\[\] for naiveForecast.history/);
    expect(() => naiveForecast([1, NaN], 1)).toThrow('Expected a finite number at naiveForecast.history[1] but received NaN');
    expect(() => seasonalNaiveForecast([1, 2], 1, {} as never)).toThrow(
      'Expected an integer for seasonalNaiveForecast.options.period but received undefined of type undefined',
    );
    expect(() => seasonalNaiveForecast([1, 2], 1, { period: 3 })).toThrow(
      'Expected at least period = 3 values in seasonalNaiveForecast.history but received 2',
    );
    expect(() => naivePredictions([1, 2, 3], 0)).toThrow('Expected an integer >= 1 for naivePredictions.start but received 0 of type number');
    expect(() => naivePredictions([1, 2, 3], 3)).toThrow('Expected an integer <= 2 for naivePredictions.start but received 3 of type number');
    expect(() => seasonalNaivePredictions([1, 2, 3, 4], 1, 2)).toThrow(
      'Expected an integer >= 2 for seasonalNaivePredictions.start but received 1 of type number',
    );
    expect(() => seasonalNaivePredictions([1, 2, 3, 4], 2, 0)).toThrow(/seasonalNaivePredictions.period but received 0/);
  });
});
