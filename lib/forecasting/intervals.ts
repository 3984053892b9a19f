/**
 * Prediction intervals from Monte-Carlo dropout (Gal & Ghahramani 2016): predict many times
 * with dropout left on, and read the spread of the samples.
 */
import { pack, type TensorInput } from '../tensor.js';
import { checkOptions, describe, func, integer, isPlainObject, number, typeError } from '../validate.js';
import { checkModel, outputRows, readWindow } from './direct.js';
import type { ForecastTensor } from './predict-future.js';

/**
 * What Monte-Carlo dropout needs from a model: `predict` honouring `{ training: true, seed }`
 * (a torch-lstm `Sequential` does), and ideally `getConfig()` (Keras JSON) so that a model
 * without dropout is refused before any sampling.
 */
export interface MonteCarloModel {
  predict(
    x: ForecastTensor,
    args?: { training?: boolean; seed?: number; batchSize?: number },
  ): Promise<ForecastTensor | ForecastTensor[]>;
  getConfig?(): unknown;
}

/** Options shared by {@link predictIntervals} and {@link forecastIntervals}. */
export interface IntervalOptions {
  /** Monte-Carlo samples (predict calls or paths), an integer >= 2. Defaults to `100`. */
  samples?: number;
  /** Central coverage of `lower`..`upper`, in (0, 1). Defaults to `0.9` (the 5% and 95% quantiles). */
  level?: number;
  /** More quantiles to report in `quantiles`, each in [0, 1]. Defaults to none. */
  quantiles?: number[];
  /** Seed of the dropout masks: sample (or step) `i` uses `seed + i`. Defaults to a random draw per call. */
  seed?: number;
  /** Samples per batch inside each predict call. Defaults to predict's default (`32`). */
  batchSize?: number;
}

/** Options of {@link forecastIntervals}. */
export interface ForecastIntervalOptions extends IntervalOptions {
  /** Values to forecast per path, an integer >= 1. Required. */
  steps: number;
  /** The window column the model predicts. Defaults to `0`. */
  targetColumn?: number;
  /**
   * Maps each sampled path (model units, `steps` values) to the units to summarize, e.g.
   * `(p) => pipeline.inverseTransform(p)` for scaled differences -> levels. Quantiles are taken
   * AFTER this mapping: the quantile of integrated differences is not the integral of their
   * quantiles. Defaults to the identity.
   */
  inverse?: (path: number[]) => number[];
}

/** The summary of Monte-Carlo samples; every field is aligned with the model's output (flattened). */
export interface IntervalSummary<V> {
  /** Mean of the samples. */
  mean: V;
  /** The 0.5 quantile. */
  median: V;
  /** The `(1 - level) / 2` quantile. */
  lower: V;
  /** The `(1 + level) / 2` quantile. */
  upper: V;
  /** The coverage `lower`..`upper` aims at. */
  level: number;
  /** Every quantile computed, keyed by its value (`'0.05'`, `'0.5'`, `'0.95'`, and the asked ones). */
  quantiles: Record<string, V>;
}

/** What {@link predictIntervals} returns: float32 values laid out like `predict(x).data`. */
export interface PredictIntervals extends IntervalSummary<Float32Array> {
  /** The shape of one prediction, e.g. `[batch, 1]`. */
  shape: number[];
  /** Each sample's output (`samples` arrays laid out like `predict(x).data`). */
  samples: Float32Array[];
}

/** What {@link forecastIntervals} returns: one value per forecast step. */
export interface ForecastIntervals extends IntervalSummary<number[]> {
  /** The sampled paths (after `inverse`), `samples` x `steps`. */
  samples: number[][];
}

const KEYS = ['samples', 'level', 'quantiles', 'seed', 'batchSize'] as const;

/**
 * Monte-Carlo dropout prediction intervals: calls `model.predict(x, { training: true, seed: seed + i })`
 * `samples` times, so each call draws fresh dropout masks (a sample of the approximate
 * posterior predictive), and summarizes the samples per output value: mean, median, the
 * `level` central interval, and any extra quantiles.
 *
 * Quantiles interpolate linearly between order statistics (numpy's default `'linear'`).
 * The band reflects the model's uncertainty about its weights as dropout approximates it; it
 * does not include the noise of the data itself, so it is usually too narrow: check its
 * coverage on held-out data before trusting the nominal `level`. A model without dropout
 * would give zero-width intervals and is refused.
 *
 * Options:
 *   samples: number of predict calls, an integer >= 2. Defaults to `100`.
 *   level: central coverage of `lower`..`upper`, in (0, 1). Defaults to `0.9`.
 *   quantiles: extra quantiles in [0, 1] for `quantiles`. Defaults to none.
 *   seed: sample `i` uses seed `seed + i`, so a seed reproduces the result. Defaults to random masks.
 *   batchSize: passed to predict. Defaults to predict's `32`.
 *
 * @example
 * ```ts
 * const band = await forecasting.predictIntervals(model, xTest, { samples: 200, level: 0.9, seed: 1 });
 * band.lower; band.median; band.upper; // Float32Array, one value per predict(xTest) value
 * ```
 * @throws {TypeError} (as a rejection) for a model without `predict`, a malformed `x` or a wrong option.
 * @throws {RangeError} (as a rejection) for an option out of range, or a model without dropout
 *   (no `dropout`, `recurrentDropout` or Dropout `rate` above 0; intervals would have zero width).
 */
export async function predictIntervals(
  model: MonteCarloModel,
  x: TensorInput,
  options?: IntervalOptions,
): Promise<PredictIntervals> {
  const fn = 'predictIntervals';
  checkModel(model, `${fn}.model`);
  const o = intervalOptions(options, fn, KEYS);
  requireDropout(model, fn);
  const packed = pack(x, `${fn}.x`);
  const samples: Float32Array[] = [];
  let shape: number[] = [];
  for (let i = 0; i < o.samples; i++) {
    const returned = await model.predict(
      { data: packed.data, shape: [...packed.shape] },
      { training: true, ...(o.seed === undefined ? {} : { seed: o.seed + i }), ...(o.batchSize === undefined ? {} : { batchSize: o.batchSize }) },
    );
    const out = Array.isArray(returned) ? returned[0] : returned;
    if (!out || !(ArrayBuffer.isView(out.data) || Array.isArray(out.data)) || !Array.isArray(out.shape)) {
      throw new TypeError(`Expected model.predict to resolve to { data, shape } in ${fn} but received ${describe(out)}`);
    }
    if (i === 0) shape = [...out.shape];
    else if (out.data.length !== samples[0]!.length) {
      throw new RangeError(`Expected every sample in ${fn} to hold ${samples[0]!.length} values but sample ${i} holds ${out.data.length}`);
    }
    samples.push(Float32Array.from(out.data));
  }
  const summary = summarize(samples, o, fn);
  const f32 = (v: Float64Array): Float32Array => Float32Array.from(v);
  return {
    mean: f32(summary.mean),
    median: f32(summary.median),
    lower: f32(summary.lower),
    upper: f32(summary.upper),
    level: o.level,
    quantiles: Object.fromEntries(Object.entries(summary.quantiles).map(([k, v]) => [k, f32(v)])),
    shape,
    samples,
  };
}

/**
 * Monte-Carlo dropout intervals for a recursive multi-step forecast: `samples` paths, each
 * continued step by step as {@link predictFuture} does (the prediction becomes the next
 * window's last row, the other features carried forward), with dropout active at EVERY step,
 * so each path's uncertainty compounds as its forecast does.
 *
 * The paths run together: each step is one `predict` call on a `[samples, lookBack, features]`
 * batch (every row draws its own masks) with seed `seed + step`. Summaries are per step, after
 * `inverse` maps each path to the units you want (levels, for a model of scaled differences).
 *
 * Options:
 *   steps: values per path, an integer >= 1. Required.
 *   samples, level, quantiles, seed: as {@link predictIntervals}. `samples` defaults to `100`.
 *   batchSize: passed to predict. Defaults to `samples` (one batch per step).
 *   targetColumn: the window column the model predicts. Defaults to `0`.
 *   inverse: maps each path to the summarized units. Defaults to the identity.
 *
 * @example
 * ```ts
 * const prep = new preprocessing.Pipeline([new preprocessing.Differencer(), new preprocessing.MinMaxScaler()]);
 * const scaled = prep.fitTransform(levels);
 * // ... train the model on windows of `scaled` ...
 * const band = await forecasting.forecastIntervals(model, scaled.slice(-24), {
 *   steps: 12, samples: 200, seed: 1, inverse: (path) => prep.inverseTransform(path),
 * });
 * reports.forecastChartSvg({ ..., forecast: band.median, intervals: { lower: band.lower, upper: band.upper, level: band.level } });
 * ```
 * @throws {TypeError} / {RangeError} (as rejections) as {@link predictIntervals}, and for a
 *   ragged window, a model returning other than one value per path, or an `inverse` that does
 *   not return `steps` finite numbers.
 */
export async function forecastIntervals(
  model: MonteCarloModel,
  lastWindow: number[] | number[][],
  options: ForecastIntervalOptions,
): Promise<ForecastIntervals> {
  const fn = 'forecastIntervals';
  checkModel(model, `${fn}.model`);
  if (options === undefined) throw typeError('an options object with steps', `${fn}.options`, options);
  const o = intervalOptions(options, fn, [...KEYS, 'steps', 'targetColumn', 'inverse']);
  const opts = options as Partial<ForecastIntervalOptions>;
  const steps = integer(opts.steps, `${fn}.options.steps`, { min: 1 });
  const window = readWindow(lastWindow, `${fn}.lastWindow`);
  const lookBack = window.length;
  const features = window[0]!.length;
  const target = integer(opts.targetColumn ?? 0, `${fn}.options.targetColumn`, { min: 0, max: features - 1 });
  const inverse = opts.inverse === undefined ? undefined : (func(opts.inverse, `${fn}.options.inverse`) as (p: number[]) => unknown);
  requireDropout(model, fn);

  const n = o.samples;
  const rowSize = lookBack * features;
  // All paths' windows, packed [n, lookBack, features]; shifted in place after each step.
  const data = new Float32Array(n * rowSize);
  const flatWindow = window.flat();
  for (let i = 0; i < n; i++) data.set(flatWindow, i * rowSize);
  const paths: number[][] = Array.from({ length: n }, () => []);
  for (let step = 0; step < steps; step++) {
    const returned = await model.predict(
      { data: Float32Array.from(data), shape: [n, lookBack, features] },
      { training: true, batchSize: o.batchSize ?? n, ...(o.seed === undefined ? {} : { seed: o.seed + step }) },
    );
    const rows = outputRows(Array.isArray(returned) ? returned[0] : returned, n, 1, `${fn} (step ${step})`);
    for (let i = 0; i < n; i++) {
      const value = rows[i]![0]!;
      paths[i]!.push(value);
      const base = i * rowSize;
      const last = data.slice(base + rowSize - features, base + rowSize);
      data.copyWithin(base, base + features, base + rowSize);
      last[target] = value;
      data.set(last, base + rowSize - features);
    }
  }
  const mapped = inverse === undefined ? paths : paths.map((p, i) => checkPath(inverse([...p]), steps, `${fn}.options.inverse(samples[${i}])`));
  const summary = summarize(mapped.map((p) => Float64Array.from(p)), o, fn);
  const arr = (v: Float64Array): number[] => Array.from(v);
  return {
    mean: arr(summary.mean),
    median: arr(summary.median),
    lower: arr(summary.lower),
    upper: arr(summary.upper),
    level: o.level,
    quantiles: Object.fromEntries(Object.entries(summary.quantiles).map(([k, v]) => [k, arr(v)])),
    samples: mapped,
  };
}

/**
 * Whether the model's Keras config holds any dropout above 0: `dropout` or `recurrent_dropout`
 * of a recurrent layer, or the `rate` of a Dropout layer. `undefined` when the model has no
 * readable `getConfig()`.
 */
export function hasDropout(model: { getConfig?: () => unknown }): boolean | undefined {
  if (typeof model.getConfig !== 'function') return undefined;
  const config = model.getConfig() as { config?: { layers?: unknown } } | undefined;
  const layers = config?.config?.layers;
  if (!Array.isArray(layers)) return undefined;
  return layers.some((layer: unknown) => {
    if (!isPlainObject(layer) || !isPlainObject(layer.config)) return false;
    const c = layer.config;
    const positive = (v: unknown): boolean => typeof v === 'number' && v > 0;
    return (
      positive(c.dropout) || positive(c.recurrent_dropout) || positive(c.recurrentDropout) ||
      (layer.class_name === 'Dropout' && positive(c.rate))
    );
  });
}

function requireDropout(model: MonteCarloModel, fn: string): void {
  if (hasDropout(model) === false) throw noDropoutError(fn);
}

function noDropoutError(fn: string): RangeError {
  return new RangeError(
    `${fn} needs a model with dropout: Monte-Carlo dropout samples of a model without any would all be equal (zero-width intervals). ` +
      'Give an LSTM layer dropout or recurrentDropout, or add a layers.dropout({ rate }) layer, and train it with that dropout',
  );
}

interface Resolved {
  samples: number;
  level: number;
  quantiles: number[];
  seed: number | undefined;
  batchSize: number | undefined;
}

function intervalOptions(options: unknown, fn: string, keys: readonly string[]): Resolved {
  const o = checkOptions<IntervalOptions>(options, `${fn}.options`, keys);
  const samples = integer(o.samples ?? 100, `${fn}.options.samples`, { min: 2 });
  const level = number(o.level ?? 0.9, `${fn}.options.level`, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  let quantiles: number[] = [];
  if (o.quantiles !== undefined) {
    if (!Array.isArray(o.quantiles)) throw typeError('an array of numbers in [0, 1]', `${fn}.options.quantiles`, o.quantiles);
    quantiles = o.quantiles.map((q, i) => number(q, `${fn}.options.quantiles[${i}]`, { min: 0, max: 1 }));
  }
  const seed = o.seed === undefined ? undefined : integer(o.seed, `${fn}.options.seed`, { min: 0, max: Number.MAX_SAFE_INTEGER - 1_000_000 });
  const batchSize = o.batchSize === undefined ? undefined : integer(o.batchSize, `${fn}.options.batchSize`, { min: 1 });
  return { samples, level, quantiles, seed, batchSize };
}

/** `'0.05'` for 0.05 and for (1 - 0.9) / 2 = 0.04999999999999999. */
function quantileKey(q: number): string {
  return String(Number(q.toPrecision(12)));
}

/** Mean and quantiles per position over equally long sample vectors. */
function summarize(
  samples: readonly ArrayLike<number>[],
  o: Resolved,
  fn: string,
): { mean: Float64Array; median: Float64Array; lower: Float64Array; upper: Float64Array; quantiles: Record<string, Float64Array> } {
  const n = samples.length;
  const size = samples[0]!.length;
  const lowerKey = quantileKey((1 - o.level) / 2);
  const upperKey = quantileKey((1 + o.level) / 2);
  const keys = [...new Set([lowerKey, '0.5', upperKey, ...o.quantiles.map(quantileKey)])];
  const quantiles: Record<string, Float64Array> = Object.fromEntries(keys.map((k) => [k, new Float64Array(size)]));
  const mean = new Float64Array(size);
  const column = new Float64Array(n);
  let spread = false;
  for (let j = 0; j < size; j++) {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      column[i] = samples[i]![j]!;
      sum += column[i]!;
    }
    mean[j] = sum / n;
    column.sort();
    if (column[n - 1]! > column[0]!) spread = true;
    for (const k of keys) quantiles[k]![j] = quantileOfSorted(column, Number(k));
  }
  if (!spread) {
    throw new RangeError(
      `Expected Monte-Carlo samples that differ in ${fn}, but all ${n} are identical (zero-width intervals): the model has no active dropout, or its predict ignores { training: true }`,
    );
  }
  return { mean, median: quantiles['0.5']!, lower: quantiles[lowerKey]!, upper: quantiles[upperKey]!, quantiles };
}

/** numpy's `'linear'` quantile of sorted values. */
function quantileOfSorted(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function checkPath(value: unknown, steps: number, name: string): number[] {
  if (!Array.isArray(value) && !(value instanceof Float32Array) && !(value instanceof Float64Array)) {
    throw typeError(`an array of ${steps} numbers`, name, value);
  }
  const path = Array.from(value as ArrayLike<unknown>);
  if (path.length !== steps) throw new RangeError(`Expected ${steps} values (one per step) from ${name} but received ${path.length}`);
  return path.map((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`Expected a finite number at ${name}[${i}] but received ${describe(v)}`);
    return v;
  });
}
