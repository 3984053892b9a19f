/**
 * Forecast-accuracy metrics in float64: sMAPE, MASE and RMSSE.
 *
 * They take the same value forms as the regression metrics (`number[]`, `number[][]`, typed
 * arrays, `{ data, shape }`), flattened in row-major order. MASE and RMSSE are scale-free:
 * they divide the forecast's error by the in-sample error of a naive forecast on the
 * training series, so a value below 1 beats that naive forecast and values are comparable
 * across series.
 */
import { checkOptions, integer, typeError } from '../validate.js';
import { flatten, flattenPair, type MetricInput } from './inputs.js';

/** Options of {@link mase} and {@link rmsse}. */
export interface ScaledErrorOptions {
  /** The training series (levels, oldest first) that scales the error. Required. */
  train: MetricInput;
  /** Season length `m` of the naive forecast that scales the error. Defaults to `1`. */
  period?: number;
}

/**
 * Symmetric mean absolute percentage error, in percent (0 to 200):
 * `200 / n * sum(|F - A| / (|A| + |F|))`, the definition of the M3 and M4 competitions
 * (Makridakis & Hibon 2000, with absolute values in the denominator, as in Hyndman & Koehler 2006).
 *
 * A pair with `A = F = 0` contributes 0 (a perfect forecast of zero; the ratio would be
 * 0/0); a pair where only one of them is 0 contributes the maximum, 200%.
 *
 * @example
 * ```ts
 * metrics.smape([100, 200], [110, 180]); // 100 * (10/210 + 20/380) = 9.9…
 * metrics.smape([0, 1], [0, 1]);         // 0
 * ```
 * @throws {TypeError} when an argument is not numeric.
 * @throws {RangeError} when the two hold different numbers of values, are empty or non-finite.
 */
export function smape(yTrue: MetricInput, yPred: MetricInput): number {
  const [t, p] = flattenPair(yTrue, yPred, 'smape');
  let sum = 0;
  for (let i = 0; i < t.length; i++) {
    const denominator = Math.abs(t[i]!) + Math.abs(p[i]!);
    if (denominator > 0) sum += Math.abs(p[i]! - t[i]!) / denominator;
  }
  return (200 * sum) / t.length;
}

/**
 * Mean absolute scaled error (Hyndman & Koehler 2006): the forecast's MAE divided by the
 * in-sample MAE of the seasonal-naive forecast on `train`,
 * `scale = mean(|train[t] - train[t - m]|)` over `t = m .. train.length - 1`.
 *
 * With `period: 1` the scale is the one-step naive (random walk) error; with the season length
 * (12 for monthly data) it is the seasonal-naive error, as in the M4 competition. A value
 * below 1 means the forecast is, on average, closer than the in-sample seasonal-naive
 * forecast was. A constant `train` (scale 0) gives `Infinity`, or `0` for a perfect forecast.
 *
 * Options:
 *   train: the training series the model saw, oldest first; more than `period` values. Required.
 *   period: season length `m`, an integer >= 1. Defaults to `1`.
 *
 * @example
 * ```ts
 * metrics.mase([5, 6], [5, 8], { train: [1, 2, 3, 4] });             // MAE 1 / scale 1 = 1
 * metrics.mase(test, predicted, { train: trainLevels, period: 12 }); // < 1: beats seasonal naive
 * ```
 * @throws {TypeError} when an argument is not numeric, `train` is missing, or an option is unknown.
 * @throws {RangeError} for values of different lengths or non-finite values, a `period` < 1,
 *   or a `train` of `period` values or fewer.
 */
export function mase(yTrue: MetricInput, yPred: MetricInput, options: ScaledErrorOptions): number {
  const { t, p, train, period } = scaledInputs(yTrue, yPred, options, 'mase');
  let error = 0;
  for (let i = 0; i < t.length; i++) error += Math.abs(t[i]! - p[i]!);
  error /= t.length;
  let scale = 0;
  for (let i = period; i < train.length; i++) scale += Math.abs(train[i]! - train[i - period]!);
  scale /= train.length - period;
  return ratio(error, scale);
}

/**
 * Root mean squared scaled error, the M5 competition's accuracy measure:
 * `sqrt(mean((yTrue - yPred)^2) / mean((train[t] - train[t - m])^2))`, the second mean over
 * `t = m .. train.length - 1`. M5 uses `m = 1` (the naive forecast's in-sample squared error),
 * the default here. (M5 also drops a series' leading zeros before computing the scale; pass
 * the trimmed series as `train` for intermittent data.) A constant `train` gives `Infinity`,
 * or `0` for a perfect forecast.
 *
 * Options:
 *   train: the training series, oldest first; more than `period` values. Required.
 *   period: lag `m` of the scaling naive forecast, an integer >= 1. Defaults to `1` (M5).
 *
 * @example
 * ```ts
 * metrics.rmsse([5, 6], [5, 8], { train: [1, 2, 3, 4] }); // sqrt(2 / 1) = 1.414…
 * ```
 * @throws {TypeError} / {RangeError} as {@link mase}.
 */
export function rmsse(yTrue: MetricInput, yPred: MetricInput, options: ScaledErrorOptions): number {
  const { t, p, train, period } = scaledInputs(yTrue, yPred, options, 'rmsse');
  let error = 0;
  for (let i = 0; i < t.length; i++) error += (t[i]! - p[i]!) ** 2;
  error /= t.length;
  let scale = 0;
  for (let i = period; i < train.length; i++) scale += (train[i]! - train[i - period]!) ** 2;
  scale /= train.length - period;
  return Math.sqrt(ratio(error, scale));
}

function ratio(error: number, scale: number): number {
  if (scale === 0) return error === 0 ? 0 : Infinity;
  return error / scale;
}

function scaledInputs(
  yTrue: unknown,
  yPred: unknown,
  options: unknown,
  fn: string,
): { t: Float64Array; p: Float64Array; train: Float64Array; period: number } {
  const [t, p] = flattenPair(yTrue, yPred, fn);
  if (options === undefined) throw typeError('an options object with train', `${fn}.options`, options);
  const opts = checkOptions<ScaledErrorOptions>(options, `${fn}.options`, ['train', 'period']);
  if (opts.train === undefined) throw typeError('the training series (number[])', `${fn}.options.train`, opts.train);
  const period = integer(opts.period ?? 1, `${fn}.options.period`, { min: 1 });
  const train = flatten(opts.train, `${fn}.options.train`);
  if (train.length <= period) {
    throw new RangeError(
      `Expected more than period = ${period} values in ${fn}.options.train but received ${train.length}`,
    );
  }
  return { t, p, train, period };
}
