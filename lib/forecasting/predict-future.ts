/**
 * predictFuture: recursive multi-step forecasting with a one-step model.
 */
import { checkOptions, describe, integer, typeError } from '../validate.js';
import { checkModel } from './direct.js';
import { finite, readWindow } from './window.js';

/** A packed float32 batch, as models take and return it. */
export interface ForecastTensor {
  data: Float32Array;
  shape: number[];
}

/**
 * The least a model needs for {@link predictFuture}: an async `predict` over a
 * `[batch, lookBack, features]` float32 batch returning one value per window.
 * A torch-lstm `Sequential` satisfies it; so does any hand-written fake.
 */
export interface ForecastModel {
  /** A model whose last layer returns states resolves to `[output, ...states]`; the output is used. */
  predict(x: ForecastTensor): Promise<ForecastTensor | ForecastTensor[]>;
}

/** Options of {@link predictFuture}. */
export interface PredictFutureOptions {
  /** How many values to forecast. Required. */
  steps: number;
  /** The column of the window that the model predicts. Defaults to `0`. */
  targetColumn?: number;
  /**
   * Known future values of the other features, `steps` rows x features (the target column
   * is ignored). Defaults to carrying the last row's other features forward.
   */
  exogenous?: number[][];
}

/**
 * Forecasts `steps` values by feeding each prediction back as the next input (the recursive
 * strategy of the classic Keras LSTM tutorials).
 *
 * Each step calls `model.predict` on the current window as a batch of one
 * (`shape [1, lookBack, features]`), takes the single predicted value, builds the next time
 * step with that value in `targetColumn`, and slides the window by one (dropping its oldest
 * row). The values are in the units the model was trained on: invert the scaling (and
 * differencing, `Differencer.inverseTransform` continues from the end of the fitted series)
 * afterwards.
 *
 * For a multivariate window the new row's other features come from `exogenous[step]` when
 * given (its target column is ignored); without `exogenous` they are the last row's
 * features carried forward unchanged (a persistence assumption: say so when you report the
 * forecast, or pass the known future covariates).
 *
 * Errors compound: every step after the first feeds on predictions, so the forecast drifts
 * toward what the model does with its own output.
 *
 * Args:
 *   model: an object with `predict({data, shape})` resolving to one value (a `[1, 1]` or `[1]`
 *     result).
 *   lastWindow: the last `lookBack` inputs: `number[]` (one feature) or `number[][]`
 *     (lookBack x features).
 *   steps: values to forecast, an integer >= 1. Required.
 *   targetColumn: the window column the model predicts. Defaults to `0`.
 *   exogenous: `steps` rows of future features. Defaults to carrying the last row forward.
 *
 * @example
 * ```ts
 * const window = scaled.slice(-lookBack);
 * const future = await forecasting.predictFuture(model, window, { steps: 12 });
 * const levels = scaler.inverseTransform(future);
 * ```
 * @throws {TypeError} (as a rejection) when `model` has no `predict`, an option has the wrong type,
 *   or an option is unknown.
 * @throws {RangeError} (as a rejection) for `steps` < 1, a ragged or non-finite window, a
 *   `targetColumn` out of range, `exogenous` of the wrong shape, or a model returning other
 *   than one finite value.
 */
export async function predictFuture(
  model: ForecastModel,
  lastWindow: number[] | number[][],
  options: PredictFutureOptions,
): Promise<number[]> {
  checkModel(model, 'predictFuture.model');
  const opts = checkOptions<PredictFutureOptions>(options, 'predictFuture.options', ['steps', 'targetColumn', 'exogenous']);
  const steps = integer(opts.steps, 'predictFuture.options.steps', { min: 1 });
  const window = readWindow(lastWindow, 'predictFuture.lastWindow');
  const lookBack = window.length;
  const features = window[0]!.length;
  const target = integer(opts.targetColumn ?? 0, 'predictFuture.options.targetColumn', { min: 0, max: features - 1 });
  const exogenous = opts.exogenous === undefined ? undefined : readExogenous(opts.exogenous, steps, features, target);

  const out: number[] = [];
  const shape = [1, lookBack, features];
  for (let step = 0; step < steps; step++) {
    const data = Float32Array.from(window.flat());
    const returned = await model.predict({ data, shape: [...shape] });
    const result = Array.isArray(returned) ? returned[0]! : returned;
    const value = singleValue(result, step);
    out.push(value);
    const next = exogenous ? [...exogenous[step]!] : [...window[lookBack - 1]!];
    next[target] = value;
    window.shift();
    window.push(next);
  }
  return out;
}

function readExogenous(value: unknown, steps: number, features: number, target: number): number[][] {
  const name = 'predictFuture.options.exogenous';
  if (!Array.isArray(value)) throw typeError(`a number[][] of ${steps} rows x ${features} features`, name, value);
  if (value.length !== steps) {
    throw new RangeError(`Expected ${name} to have steps = ${steps} rows but received ${value.length}`);
  }
  return value.map((row, i) => {
    if (!Array.isArray(row) || row.length !== features) {
      throw new RangeError(
        `Expected ${name}[${i}] to hold ${features} features like lastWindow's rows but received ${describe(row)}`,
      );
    }
    // The target column is overwritten by the prediction, so anything (even NaN) may sit there.
    return row.map((v, j) => (j === target ? 0 : finite(v, `${name}[${i}][${j}]`)));
  });
}

function singleValue(result: unknown, step: number): number {
  const data = (result as { data?: unknown } | null)?.data;
  if (!(ArrayBuffer.isView(data) || Array.isArray(data)) || data instanceof DataView) {
    throw new TypeError(
      `Expected model.predict to resolve to { data, shape } but received ${describe(result)} at step ${step}`,
    );
  }
  const values = data as ArrayLike<number>;
  if (values.length !== 1) {
    const shape = (result as { shape?: unknown }).shape;
    throw new RangeError(
      `Expected model.predict to return one value for a window of shape [1, lookBack, features] but received ${values.length} (shape [${Array.isArray(shape) ? shape.join(', ') : '?'}]) at step ${step}`,
    );
  }
  const v = Number(values[0]);
  if (!Number.isFinite(v)) throw new RangeError(`Expected a finite prediction from model.predict but received ${v} at step ${step}`);
  return v;
}
