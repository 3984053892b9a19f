/**
 * predictDirect: direct multi-output forecasting with a model that predicts a whole horizon at once.
 */
import { checkOptions, describe, integer, typeError } from '../validate.js';
import type { ForecastModel, ForecastTensor } from './predict-future.js';
import { readWindow } from './window.js';

export { readWindow } from './window.js';

/** Options of {@link predictDirect}. */
export interface PredictDirectOptions {
  /**
   * The horizon the model was trained for (its `Dense(horizon)` width); the output width is
   * checked against it. Defaults to whatever width the model returns.
   */
  horizon?: number;
}

/**
 * Forecasts the next `horizon` values in one call, with a model trained on
 * `createDataset(series, { lookBack, horizon })` whose last layer is `Dense(horizon)`: the
 * direct (multi-output) strategy, where each step of the horizon has its own output unit.
 *
 * Unlike {@link predictFuture} (recursive), no prediction is fed back as an input, so errors
 * do not compound; the price is a model per horizon length. The values are in the units the
 * model was trained on: for scaled differences, unscale them and integrate from the last true
 * level (`Differencer.inverseTransform(diffs)` continues from the end of the fitted series).
 *
 * Args:
 *   model: an object with `predict({data, shape})` resolving to a `[1, horizon]` result.
 *   lastWindow: the last `lookBack` inputs, `number[]` (one feature) or `number[][]`
 *     (lookBack x features).
 *   horizon: the expected output width. Defaults to the width the model returns.
 *
 * @example
 * ```ts
 * const { x, y } = preprocessing.createDataset(scaled, { lookBack: 24, horizon: 12 });
 * const model = sequential([layers.lstm({ units: 64, inputShape: [24, 1] }), layers.dense({ units: 12 })]);
 * // ... compile, fit(x, y) ...
 * const next12 = await forecasting.predictDirect(model, scaled.slice(-24), { horizon: 12 });
 * ```
 * @throws {TypeError} (as a rejection) when `model` has no `predict` or an option is wrong.
 * @throws {RangeError} (as a rejection) for a ragged or non-finite window, a model output that
 *   is not `[1, width]`, a width other than `horizon`, or a non-finite prediction.
 */
export async function predictDirect(
  model: ForecastModel,
  lastWindow: number[] | number[][],
  options?: PredictDirectOptions,
): Promise<number[]> {
  checkModel(model, 'predictDirect.model');
  const opts = checkOptions<PredictDirectOptions>(options, 'predictDirect.options', ['horizon']);
  const horizon = opts.horizon === undefined ? undefined : integer(opts.horizon, 'predictDirect.options.horizon', { min: 1 });
  const window = readWindow(lastWindow, 'predictDirect.lastWindow');
  const [out] = await predictRows(model, [window], horizon, 'predictDirect');
  return out!;
}

/** @internal Rejects anything without a `predict` method. */
export function checkModel(model: unknown, name: string): void {
  if (typeof model !== 'object' || model === null || typeof (model as { predict?: unknown }).predict !== 'function') {
    throw typeError('an object with a predict(x) method', name, model);
  }
}

/**
 * @internal Predicts a batch of windows (each lookBack x features) in one call and returns one
 * row of `width` values per window, checking the output is `[windows, width]` (or `[windows]`
 * for width 1) and, when `horizon` is given, that `width === horizon`.
 */
export async function predictRows(
  model: ForecastModel,
  windows: readonly number[][][],
  horizon: number | undefined,
  fn: string,
): Promise<number[][]> {
  const n = windows.length;
  const lookBack = windows[0]!.length;
  const features = windows[0]![0]!.length;
  const data = new Float32Array(n * lookBack * features);
  let k = 0;
  for (const w of windows) for (const row of w) for (const v of row) data[k++] = v;
  const returned = await model.predict({ data, shape: [n, lookBack, features] });
  return outputRows(Array.isArray(returned) ? returned[0] : returned, n, horizon, fn);
}

/** @internal Splits a `[n, width]` prediction into rows, with the checks of {@link predictRows}. */
export function outputRows(result: unknown, n: number, horizon: number | undefined, fn: string): number[][] {
  const { data, shape } = (result ?? {}) as Partial<ForecastTensor>;
  if (!(ArrayBuffer.isView(data) || Array.isArray(data)) || !Array.isArray(shape)) {
    throw new TypeError(`Expected model.predict to resolve to { data, shape } in ${fn} but received ${describe(result)}`);
  }
  const values = data as ArrayLike<number>;
  const rank2 = shape.length === 2 && shape[0] === n;
  const rank1 = shape.length === 1 && shape[0] === n;
  const width = rank2 ? shape[1]! : 1;
  if (!(rank1 || rank2) || values.length !== n * width) {
    throw new RangeError(
      `Expected model.predict to return shape [${n}, horizon] in ${fn} (a Dense(horizon) output) but received shape [${shape.join(', ')}]`,
    );
  }
  if (horizon !== undefined && width !== horizon) {
    throw new RangeError(
      `Expected model.predict to return horizon = ${horizon} values per window in ${fn} but received ${width} (shape [${shape.join(', ')}]); ` +
        `train a Dense(${horizon}) output on createDataset(series, { lookBack, horizon: ${horizon} })`,
    );
  }
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    for (let j = 0; j < width; j++) {
      const v = Number(values[i * width + j]);
      if (!Number.isFinite(v)) throw new RangeError(`Expected finite predictions from model.predict in ${fn} but received ${v} at [${i}, ${j}]`);
      row.push(v);
    }
    rows.push(row);
  }
  return rows;
}
