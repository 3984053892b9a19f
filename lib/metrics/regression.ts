/**
 * Regression metrics in float64: MAE, MSE, RMSE, MAPE and R².
 *
 * Each takes the true and the predicted values in any of the forms the library hands out
 * (`number[]`, `number[][]`, typed arrays, `{ data, shape }` such as a predict result),
 * flattens both in row-major order and compares them value by value.
 */
import { checkOptions, oneOf } from '../validate.js';
import { flattenPair, type MetricInput } from './inputs.js';

export type { MetricInput } from './inputs.js';

/** How {@link mape} treats true values that are zero. */
export type MapeZeroHandling = 'epsilon' | 'skip' | 'error';

/** Options of {@link mape}. */
export interface MapeOptions {
  /** What to do with true values whose magnitude is below `1e-7`. Defaults to `'epsilon'`. */
  zeroHandling?: MapeZeroHandling;
}

/** Keras's `backend.epsilon()`, the floor of `|yTrue|` in {@link mape}. */
export const MAPE_EPSILON = 1e-7;

/**
 * Mean absolute error: `mean(|yTrue - yPred|)`.
 *
 * @example
 * ```ts
 * metrics.mae([1, 2, 3], [1, 2, 5]); // 0.6666...
 * ```
 * @throws {TypeError} when an argument is not numeric.
 * @throws {RangeError} when the two hold different numbers of values, are empty or non-finite.
 */
export function mae(yTrue: MetricInput, yPred: MetricInput): number {
  const [t, p] = flattenPair(yTrue, yPred, 'mae');
  let sum = 0;
  for (let i = 0; i < t.length; i++) sum += Math.abs(t[i]! - p[i]!);
  return sum / t.length;
}

/**
 * Mean squared error: `mean((yTrue - yPred)^2)`.
 *
 * @example
 * ```ts
 * metrics.mse([1, 2, 3], [1, 2, 5]); // 1.3333...
 * ```
 * @throws {TypeError} when an argument is not numeric.
 * @throws {RangeError} when the two hold different numbers of values, are empty or non-finite.
 */
export function mse(yTrue: MetricInput, yPred: MetricInput): number {
  const [t, p] = flattenPair(yTrue, yPred, 'mse');
  return sumSquares(t, p) / t.length;
}

/**
 * Root mean squared error: `sqrt(mse(yTrue, yPred))`, in the units of the data.
 *
 * @example
 * ```ts
 * metrics.rmse([0, 0], [3, 4]); // 3.5355... (sqrt(12.5))
 * ```
 * @throws {TypeError} when an argument is not numeric.
 * @throws {RangeError} when the two hold different numbers of values, are empty or non-finite.
 */
export function rmse(yTrue: MetricInput, yPred: MetricInput): number {
  const [t, p] = flattenPair(yTrue, yPred, 'rmse');
  return Math.sqrt(sumSquares(t, p) / t.length);
}

/**
 * Mean absolute percentage error, Keras's definition:
 * `100 * mean(|yTrue - yPred| / max(|yTrue|, 1e-7))`.
 *
 * A true value of zero has no percentage error. Keras clamps the denominator to its epsilon
 * (`1e-7`), so a zero target with a prediction off by 0.1 contributes `1e8` percent: a huge
 * MAPE usually means zeros in `yTrue` (a differenced or standardized series has many), not a
 * bad model. `zeroHandling` picks what happens to true values with `|yTrue| < 1e-7`:
 * - `'epsilon'`: clamp the denominator to `1e-7`, exactly as Keras does.
 * - `'skip'`: leave those pairs out of the mean.
 * - `'error'`: throw a `RangeError` naming the first one.
 *
 * Options:
 *   zeroHandling: `'epsilon'`, `'skip'` or `'error'`. Defaults to `'epsilon'`.
 *
 * @example
 * ```ts
 * metrics.mape([100, 200], [110, 180]);                        // 10
 * metrics.mape([0, 100], [1, 110]);                            // 500000005: 100 * mean(1 / 1e-7, 0.1)
 * metrics.mape([0, 100], [1, 110], { zeroHandling: 'skip' });  // 10
 * ```
 * @throws {TypeError} when an argument is not numeric, or for an unknown option.
 * @throws {RangeError} when the two hold different numbers of values, are empty or non-finite;
 *   for an unknown `zeroHandling`; with `'error'` when a true value is zero; with `'skip'`
 *   when every true value is zero.
 */
export function mape(yTrue: MetricInput, yPred: MetricInput, options?: MapeOptions): number {
  const opts = checkOptions<MapeOptions>(options, 'mape.options', ['zeroHandling']);
  const mode = oneOf<MapeZeroHandling>(opts.zeroHandling ?? 'epsilon', 'mape.options.zeroHandling', [
    'epsilon',
    'skip',
    'error',
  ]);
  const [t, p] = flattenPair(yTrue, yPred, 'mape');
  let sum = 0;
  let count = 0;
  for (let i = 0; i < t.length; i++) {
    const magnitude = Math.abs(t[i]!);
    if (magnitude < MAPE_EPSILON) {
      if (mode === 'skip') continue;
      if (mode === 'error') {
        throw new RangeError(
          `Expected non-zero yTrue values for mape with zeroHandling 'error' but yTrue[${i}] is ${t[i]} (|yTrue| < ${MAPE_EPSILON})`,
        );
      }
    }
    sum += Math.abs(t[i]! - p[i]!) / Math.max(magnitude, MAPE_EPSILON);
    count++;
  }
  if (count === 0) {
    throw new RangeError(
      `mape with zeroHandling 'skip' has nothing to average: all ${t.length} yTrue values are zero (|yTrue| < ${MAPE_EPSILON})`,
    );
  }
  return (100 * sum) / count;
}

/**
 * Coefficient of determination, scikit-learn's `r2_score`: `1 - SS_res / SS_tot`, with
 * `SS_res = sum((yTrue - yPred)^2)` and `SS_tot = sum((yTrue - mean(yTrue))^2)`.
 *
 * 1 is a perfect fit, 0 is what always predicting the mean scores, and it is negative for
 * worse. A constant `yTrue` (`SS_tot = 0`) gives 1 for a perfect prediction and 0 otherwise,
 * as scikit-learn's default `force_finite=True`. Fewer than two values give `NaN` (scikit-learn
 * warns and returns NaN too). Two-dimensional inputs are flattened first, so this is
 * `r2_score(yTrue.ravel(), yPred.ravel())`, not scikit-learn's average over columns.
 *
 * @example
 * ```ts
 * metrics.r2([1, 2, 3], [1, 2, 3]); // 1
 * metrics.r2([1, 2, 3], [2, 2, 2]); // 0
 * ```
 * @throws {TypeError} when an argument is not numeric.
 * @throws {RangeError} when the two hold different numbers of values, are empty or non-finite.
 */
export function r2(yTrue: MetricInput, yPred: MetricInput): number {
  const [t, p] = flattenPair(yTrue, yPred, 'r2');
  if (t.length < 2) return NaN;
  let mean = 0;
  for (let i = 0; i < t.length; i++) mean += t[i]!;
  mean /= t.length;
  let total = 0;
  for (let i = 0; i < t.length; i++) total += (t[i]! - mean) ** 2;
  const residual = sumSquares(t, p);
  if (total === 0) return residual === 0 ? 1 : 0;
  return 1 - residual / total;
}

function sumSquares(t: Float64Array, p: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < t.length; i++) sum += (t[i]! - p[i]!) ** 2;
  return sum;
}
