/**
 * Naive and seasonal-naive baselines: the forecasts an LSTM has to beat.
 */
import { checkOptions, describe, integer, typeError } from '../validate.js';

/** Options of {@link seasonalNaiveForecast}. */
export interface SeasonalNaiveOptions {
  /** Season length in steps (12 for monthly data with a yearly pattern). Required. */
  period: number;
}

/**
 * Forecasts `steps` values ahead by repeating the last value of `history` (the random-walk forecast).
 *
 * Args:
 *   history: the observed series, oldest first; finite, non-empty.
 *   steps: how many values to forecast, an integer >= 1.
 *
 * @example
 * ```ts
 * forecasting.naiveForecast([3, 5, 8], 2); // [8, 8]
 * ```
 * @throws {TypeError} when `history` is not a number[] or `steps` not an integer.
 * @throws {RangeError} when `history` is empty or non-finite, or `steps` < 1.
 */
export function naiveForecast(history: readonly number[], steps: number): number[] {
  const h = series(history, 'naiveForecast.history');
  const n = integer(steps, 'naiveForecast.steps', { min: 1 });
  return new Array<number>(n).fill(h[h.length - 1]!);
}

/**
 * Forecasts `steps` values ahead by repeating the last observed season: the forecast for
 * step `h` (0-based) is `history[len - period + (h % period)]`, the value one period before it
 * (or a whole number of periods, past the first season).
 *
 * Args:
 *   history: the observed series, oldest first; finite, at least `period` values.
 *   steps: how many values to forecast, an integer >= 1.
 *   period: the season length, an integer >= 1. Required.
 *
 * @example
 * ```ts
 * forecasting.seasonalNaiveForecast([1, 2, 3, 4], 3, { period: 2 }); // [3, 4, 3]
 * ```
 * @throws {TypeError} for a wrong type or a missing `period`.
 * @throws {RangeError} when `steps` or `period` < 1, or `history` is shorter than `period`.
 */
export function seasonalNaiveForecast(
  history: readonly number[],
  steps: number,
  options: SeasonalNaiveOptions,
): number[] {
  const h = series(history, 'seasonalNaiveForecast.history');
  const n = integer(steps, 'seasonalNaiveForecast.steps', { min: 1 });
  const opts = checkOptions<SeasonalNaiveOptions>(options, 'seasonalNaiveForecast.options', ['period']);
  const period = integer(opts.period, 'seasonalNaiveForecast.options.period', { min: 1 });
  if (h.length < period) {
    throw new RangeError(
      `Expected at least period = ${period} values in seasonalNaiveForecast.history but received ${h.length}`,
    );
  }
  return Array.from({ length: n }, (_, step) => h[h.length - period + (step % period)]!);
}

/**
 * One-step-ahead naive predictions over a held-out tail: `series[i - 1]` for every
 * `i >= start`, i.e. each value predicted by the true value before it. Compare with
 * `series.slice(start)` to score the persistence baseline.
 *
 * Args:
 *   series: the whole true series; finite.
 *   start: the first predicted position, an integer in `[1, series.length - 1]`.
 *
 * @example
 * ```ts
 * forecasting.naivePredictions([1, 2, 4, 7], 2); // [2, 4]: predictions for 4 and 7
 * ```
 * @throws {TypeError} when `series` is not a number[] or `start` not an integer.
 * @throws {RangeError} when `start` is out of range or `series` non-finite.
 */
export function naivePredictions(series_: readonly number[], start: number): number[] {
  const s = series(series_, 'naivePredictions.series');
  const first = integer(start, 'naivePredictions.start', { min: 1, max: s.length - 1 });
  return s.slice(first - 1, s.length - 1);
}

/**
 * One-step-ahead seasonal-naive predictions over a held-out tail: `series[i - period]` for
 * every `i >= start`.
 *
 * Args:
 *   series: the whole true series; finite.
 *   start: the first predicted position, an integer in `[period, series.length - 1]`.
 *   period: the season length, an integer >= 1.
 *
 * @example
 * ```ts
 * forecasting.seasonalNaivePredictions([1, 2, 3, 4, 5], 3, 2); // [2, 3]
 * ```
 * @throws {TypeError} when `series` is not a number[] or an argument not an integer.
 * @throws {RangeError} when `period` < 1, `start` is out of range or `series` non-finite.
 */
export function seasonalNaivePredictions(series_: readonly number[], start: number, period: number): number[] {
  const s = series(series_, 'seasonalNaivePredictions.series');
  const p = integer(period, 'seasonalNaivePredictions.period', { min: 1 });
  const first = integer(start, 'seasonalNaivePredictions.start', { min: p, max: s.length - 1 });
  return s.slice(first - p, s.length - p);
}

function series(value: unknown, name: string): number[] {
  if (!Array.isArray(value) || value.length === 0) throw typeError('a non-empty number[]', name, value);
  value.forEach((v, i) => {
    if (typeof v !== 'number') throw new TypeError(`Expected a number at ${name}[${i}] but received ${describe(v)}`);
    if (!Number.isFinite(v)) throw new RangeError(`Expected a finite number at ${name}[${i}] but received ${v}`);
  });
  return value as number[];
}
