/**
 * backtest: rolling-origin evaluation of a forecasting model against the naive baselines,
 * with every transform fitted on its fold's training window only.
 */
import { mae, mape, rmse } from '../metrics/regression.js';
import { mase, rmsse, smape } from '../metrics/forecast.js';
import type { FitArgs } from '../models/fit.js';
import { createDataset } from '../preprocessing/create-dataset.js';
import type { Series, Transformer } from '../preprocessing/pipeline.js';
import type { BacktestFoldLike, BacktestResultLike } from '../reports/backtest-chart.js';
import { boolean, checkOptions, describe, func, integer, isPlainObject, oneOf, typeError } from '../validate.js';
import { checkModel, predictRows } from './direct.js';
import type { ForecastModel } from './predict-future.js';

/** What {@link backtest} needs from a model: Keras-style `fit`, `predict`, and optionally `dispose`. */
export interface BacktestModel extends ForecastModel {
  fit(x: number[][][], y: number[] | number[][], args?: FitArgs): Promise<unknown>;
  dispose?(): void;
}

/** What `build` receives: the fold it builds a model for. */
export interface BacktestFoldInfo {
  /** The fold's index, from 0. */
  index: number;
  /** Half-open `[start, end)` indices of the training window in `data`. */
  trainRange: [number, number];
  /** Half-open `[start, end)` indices of the test window in `data`. */
  testRange: [number, number];
  /** Time steps per input window: the model's input shape is `[lookBack, 1]`. */
  lookBack: number;
  /** Outputs per window: the model ends in `Dense(horizon)`. */
  horizon: number;
  /** `seed + index` when `seed` is given (also fit's seed for this fold), else `undefined`. */
  seed: number | undefined;
}

/** `fit` options of {@link backtest}: `model.fit`'s, without the per-run ones. */
export interface BacktestFitArgs extends Pick<FitArgs, 'epochs' | 'batchSize' | 'validationSplit' | 'shuffle' | 'signal'> {
  /** 0: silent; 1: progress bar; 2: a line per epoch. Defaults to `0` (not fit's `1`). */
  verbose?: 0 | 1 | 2;
  /** Callbacks for every fold's fit, or a function giving each fold its own. Defaults to none. */
  callbacks?: FitArgs['callbacks'] | ((fold: BacktestFoldInfo) => FitArgs['callbacks']);
}

/** Options of {@link backtest}. */
export interface BacktestOptions {
  /** Returns a new compiled model for a fold (may be async). Required. */
  build: (fold: BacktestFoldInfo) => BacktestModel | Promise<BacktestModel>;
  /** The univariate series, oldest first (levels: metrics are computed on it). Required. */
  data: number[];
  /** Time steps per input window. Required. */
  lookBack: number;
  /** Steps predicted from each forecast origin (direct multi-output when > 1). Defaults to `1`. */
  horizon?: number;
  /** `'expanding'`: every fold trains from the start; `'sliding'`: on the last `trainSize` steps. Defaults to `'expanding'`. */
  strategy?: 'expanding' | 'sliding';
  /** Number of folds (test windows). Defaults to `5`. */
  folds?: number;
  /** Steps per test window. Defaults to `floor(data.length / (folds + 1))` (scikit-learn's `TimeSeriesSplit`). */
  testSize?: number;
  /** Training steps per fold with `'sliding'`. Defaults to the first fold's training length. */
  trainSize?: number;
  /** Train a new model per fold; `false` trains once, on the first fold, and reuses it. Defaults to `true`. */
  refit?: boolean;
  /** Returns a fresh, unfitted transform (e.g. a Differencer + MinMaxScaler Pipeline), fitted per fold. Defaults to none. */
  transform?: () => Transformer;
  /** Options of each fold's `model.fit`. Defaults to `{ verbose: 0 }`. */
  fit?: BacktestFitArgs;
  /** Season length for the seasonal-naive baseline and MASE. Defaults to `12`. */
  seasonalPeriod?: number;
  /** Base seed: fold `k` builds and fits with `seed + k`. Defaults to random. */
  seed?: number;
  /** Called after each fold with its result (progress reporting). Defaults to none. */
  onFoldEnd?: (fold: BacktestFold) => void | Promise<void>;
}

/** One fold of a {@link BacktestResult}. */
export interface BacktestFold extends BacktestFoldLike {
  index: number;
  trainRange: [number, number];
  testRange: [number, number];
  /** True levels over `testRange`. */
  actual: number[];
  /** The model's predictions over `testRange`, in levels. */
  predicted: number[];
  /** `naive` (last value at the origin) and `seasonalNaive` (same season one period earlier). */
  baselines: { naive: number[]; seasonalNaive: number[] };
  /** `mae`, `rmse`, `mape`, `smape`, `mase`, `rmsse`, and each again as `naive_*` and `seasonalNaive_*`. */
  metrics: Record<string, number>;
  /** Whether a model was trained for this fold (`false` for later folds with `refit: false`). */
  trained: boolean;
  /** The fit History's logs (`loss`, `val_loss`, ...) when a model was trained and returned them. */
  history?: Record<string, number[]>;
  /** Wall time of this fold's build + fit, and of the whole fold, in milliseconds. */
  fitMs: number;
  durationMs: number;
}

/** What {@link backtest} returns; a `reports.BacktestResultLike`. */
export interface BacktestResult extends BacktestResultLike {
  folds: BacktestFold[];
  /** The mean of each metric over the folds. */
  aggregate: Record<string, number>;
  /** Wall time of the whole backtest in milliseconds. */
  durationMs: number;
}

const KEYS = [
  'build', 'data', 'lookBack', 'horizon', 'strategy', 'folds', 'testSize', 'trainSize', 'refit', 'transform',
  'fit', 'seasonalPeriod', 'seed', 'onFoldEnd',
] as const;
const FIT_KEYS = ['epochs', 'batchSize', 'validationSplit', 'shuffle', 'signal', 'verbose', 'callbacks'] as const;

/**
 * Rolling-origin backtest (time-series cross-validation): splits the end of `data` into
 * `folds` consecutive test windows of `testSize` steps, trains a model on the steps before
 * each (`'expanding'`: all of them; `'sliding'`: the last `trainSize`), forecasts the test
 * window, and scores the forecast next to the naive and seasonal-naive baselines.
 *
 * Per fold, with training window `[a, s)` and test window `[s, e)`:
 * 1. `transform()` gives a fresh transform, fitted on `data[a..s)` ONLY; the model trains on
 *    `createDataset(transform(data[a..s)), { lookBack, horizon })`, so every target is inside the
 *    training window.
 * 2. Forecast origins are `o = s, s + horizon, ...`: from each, the model predicts
 *    `data[o .. o + horizon)` from the TRUE history `data[a..o)` (transformed by the fold's
 *    fitted transform, applied to that history alone), all origins in one predict call. With
 *    `horizon: 1` this is one-step-ahead prediction over the whole test window; with more, the
 *    direct strategy (the model ends in `Dense(horizon)`; the last block is cut at `e`).
 * 3. Predictions are mapped back to levels by inverting the transform's steps last to first
 *    (a `Pipeline`'s `steps`, or the transform itself). A step that offers `inverseOneStep`
 *    (a `Differencer`) depends on the levels before the values it restores: it is inverted
 *    with `inverseTransform(block, { initial })`, `initial` being the true history up to the
 *    origin as seen at that step. So a Differencer + MinMaxScaler prediction is unscaled,
 *    then integrated from the TRUE last level(s) before the origin: `data[o - 1] + diff` for
 *    one step, recursively within a direct block. Other steps (scalers) invert pointwise.
 *    A transform may drop leading rows (as a Differencer does) but must stay aligned with
 *    the end of its input; backtest checks, on each fold's last training value, that inverting
 *    the transformed true value gives it back, and throws otherwise.
 * 4. Metrics on levels: MAE, RMSE, MAPE, sMAPE, MASE (scaled by the seasonal-naive in-sample
 *    error on `data[a..s)`, period `seasonalPeriod`) and RMSSE (M5: lag-1 scale), for the
 *    model and for the baselines, which forecast from the same origins: `naive` repeats
 *    `data[o - 1]`, `seasonalNaive` is `data[o - m + (j mod m)]` for step `j` of the block.
 *
 * `aggregate` holds each metric's mean over the folds. Models come from `build` and are
 * disposed here. With `refit: false` the first fold's model AND transform serve every fold
 * (the model only knows that fold's scaling); later folds do not train.
 *
 * @example
 * ```ts
 * const result = await forecasting.backtest({
 *   data: co2, lookBack: 24, folds: 5, testSize: 24, seed: 7,
 *   transform: () => new preprocessing.Pipeline([new preprocessing.Differencer(), new preprocessing.MinMaxScaler()]),
 *   build: ({ seed }) => { const m = sequential([...]); m.compile({ optimizer: 'adam', loss: 'mse' }); return m; },
 *   fit: { epochs: 60, batchSize: 32, validationSplit: 0.2 },
 * });
 * result.aggregate.mase; result.aggregate.seasonalNaive_mase;
 * ```
 * @throws {TypeError} (as a rejection) for a missing or mistyped option, an unknown option,
 *   or a `build` that does not return a model.
 * @throws {RangeError} (as a rejection) for options out of range, folds that do not fit in
 *   `data`, a training window too short for `lookBack + horizon` windows or the season, a
 *   model output of the wrong width, or a transform that does not invert.
 */
export async function backtest(options: BacktestOptions): Promise<BacktestResult> {
  const started = performance.now();
  const o = resolve(options);
  const folds = splits(o);
  const out: BacktestFold[] = [];
  let shared: { model: BacktestModel; transform: Transformer | undefined } | undefined;
  try {
    for (const info of folds) {
      const foldStarted = performance.now();
      const [a, s] = info.trainRange;
      const [, e] = info.testRange;
      let model: BacktestModel;
      let transform: Transformer | undefined;
      let history: Record<string, number[]> | undefined;
      let fitMs = 0;
      const train = info.index === 0 || o.refit;
      if (train) {
        transform = o.transform ? freshTransform(o.transform, info.index) : undefined;
        const trainPart = o.data.slice(a, s);
        const z = transform ? (transform.fit(trainPart), oneD(transform.transform(trainPart), info.index)) : trainPart;
        if (z.length < o.lookBack + o.horizon) {
          throw new RangeError(
            `Expected at least lookBack + horizon = ${o.lookBack + o.horizon} transformed training values in backtest fold ${info.index} ` +
              `(train [${a}, ${s})) but the transform left ${z.length}; use fewer folds, a smaller testSize or a larger trainSize`,
          );
        }
        const { x, y } = createDataset(z, { lookBack: o.lookBack, horizon: o.horizon });
        model = await o.build({ ...info });
        checkModel(model, `backtest.build(fold ${info.index})`);
        if (typeof (model as Partial<BacktestModel>).fit !== 'function') throw typeError('a model with fit()', `backtest.build(fold ${info.index})`, model);
        shared = { model, transform };
        const fitStarted = performance.now();
        const { callbacks, ...fitRest } = o.fit;
        const fitArgs: FitArgs = { verbose: 0, ...fitRest, ...(info.seed === undefined ? {} : { seed: info.seed }) };
        const cbs = typeof callbacks === 'function' ? callbacks({ ...info }) : callbacks;
        if (cbs !== undefined) fitArgs.callbacks = cbs;
        const fitted = await model.fit(x, y, fitArgs);
        fitMs = performance.now() - fitStarted;
        history = historyOf(fitted);
      } else {
        ({ model, transform } = shared!);
      }

      // Forecast origins, their input windows (from the true history), and levels before each.
      const origins: number[] = [];
      for (let origin = s; origin < e; origin += o.horizon) origins.push(origin);
      const steps = transform ? stepsOf(transform) : [];
      const stages = origins.map((origin) => stageHistories(steps, o.data.slice(a, origin), info.index));
      const windows = stages.map((st) => st[st.length - 1]!.slice(-o.lookBack).map((v) => [v]));
      checkInverts(steps, o.data.slice(a, s), info.index);
      const rows = await predictRows(model, windows, o.horizon, `backtest fold ${info.index}`);
      const predicted: number[] = [];
      const naive: number[] = [];
      const seasonalNaive: number[] = [];
      origins.forEach((origin, k) => {
        const length = Math.min(o.horizon, e - origin);
        const block = rows[k]!.slice(0, length);
        predicted.push(...invert(steps, block, stages[k]!));
        for (let j = 0; j < length; j++) {
          naive.push(o.data[origin - 1]!);
          seasonalNaive.push(o.data[origin - o.seasonalPeriod + (j % o.seasonalPeriod)]!);
        }
      });
      const actual = o.data.slice(s, e);
      const trainLevels = o.data.slice(a, s);
      const metrics: Record<string, number> = {
        ...score(actual, predicted, trainLevels, o.seasonalPeriod, ''),
        ...score(actual, naive, trainLevels, o.seasonalPeriod, 'naive_'),
        ...score(actual, seasonalNaive, trainLevels, o.seasonalPeriod, 'seasonalNaive_'),
      };
      const fold: BacktestFold = {
        index: info.index,
        trainRange: info.trainRange,
        testRange: info.testRange,
        actual,
        predicted,
        baselines: { naive, seasonalNaive },
        metrics,
        trained: train,
        ...(history ? { history } : {}),
        fitMs,
        durationMs: performance.now() - foldStarted,
      };
      out.push(fold);
      if (o.refit) {
        shared = undefined;
        model.dispose?.();
      }
      if (o.onFoldEnd) await o.onFoldEnd(fold);
    }
  } finally {
    shared?.model.dispose?.();
  }
  const aggregate: Record<string, number> = {};
  for (const key of Object.keys(out[0]!.metrics)) aggregate[key] = out.reduce((sum, f) => sum + f.metrics[key]!, 0) / out.length;
  return { folds: out, aggregate, durationMs: performance.now() - started };
}

type Resolved = Required<Omit<BacktestOptions, 'transform' | 'trainSize' | 'testSize' | 'seed' | 'onFoldEnd' | 'fit'>> & {
  transform: (() => Transformer) | undefined;
  testSize: number;
  trainSize: number | undefined;
  seed: number | undefined;
  onFoldEnd: BacktestOptions['onFoldEnd'];
  fit: BacktestFitArgs;
};

function resolve(options: unknown): Resolved {
  if (options === undefined) throw typeError('an options object', 'backtest.options', options);
  const o = checkOptions<BacktestOptions>(options, 'backtest', KEYS);
  const build = func(o.build, 'backtest.build') as BacktestOptions['build'];
  if (!Array.isArray(o.data)) throw typeError('a number[] (a univariate series)', 'backtest.data', o.data);
  o.data.forEach((v, i) => {
    if (typeof v !== 'number') throw new TypeError(`Expected a number at backtest.data[${i}] but received ${describe(v)}`);
    if (!Number.isFinite(v)) throw new RangeError(`Expected a finite number at backtest.data[${i}] but received ${v}`);
  });
  const data = [...o.data];
  const folds = integer(o.folds ?? 5, 'backtest.folds', { min: 1 });
  const strategy = oneOf(o.strategy ?? 'expanding', 'backtest.strategy', ['expanding', 'sliding'] as const);
  const testSize = integer(o.testSize ?? Math.floor(data.length / (folds + 1)), 'backtest.testSize', { min: 1 });
  if (o.trainSize !== undefined && strategy !== 'sliding') {
    throw new RangeError(`backtest.trainSize applies to strategy 'sliding' only, but strategy is '${strategy}'`);
  }
  const fit = o.fit === undefined ? {} : o.fit;
  if (!isPlainObject(fit)) throw typeError('an options object', 'backtest.fit', fit);
  checkOptions<BacktestFitArgs>(fit, 'backtest.fit', FIT_KEYS);
  const fitArgs = fit as BacktestFitArgs;
  if (fitArgs.callbacks !== undefined && typeof fitArgs.callbacks !== 'function' && !Array.isArray(fitArgs.callbacks)) {
    throw typeError('an array of callbacks or a function (fold) => callbacks', 'backtest.fit.callbacks', fitArgs.callbacks);
  }
  return {
    build,
    data,
    lookBack: integer(o.lookBack, 'backtest.lookBack', { min: 1 }),
    horizon: integer(o.horizon ?? 1, 'backtest.horizon', { min: 1 }),
    strategy,
    folds,
    testSize,
    trainSize: o.trainSize === undefined ? undefined : integer(o.trainSize, 'backtest.trainSize', { min: 1 }),
    refit: boolean(o.refit ?? true, 'backtest.refit'),
    transform: o.transform === undefined ? undefined : (func(o.transform, 'backtest.transform') as () => Transformer),
    fit: fitArgs,
    seasonalPeriod: integer(o.seasonalPeriod ?? 12, 'backtest.seasonalPeriod', { min: 1 }),
    seed: o.seed === undefined ? undefined : integer(o.seed, 'backtest.seed', { min: 0, max: Number.MAX_SAFE_INTEGER - 1_000_000 }),
    onFoldEnd: o.onFoldEnd === undefined ? undefined : (func(o.onFoldEnd, 'backtest.onFoldEnd') as BacktestOptions['onFoldEnd']),
  };
}

/** The folds' ranges, checked to fit in the data. */
function splits(o: Resolved): BacktestFoldInfo[] {
  const n = o.data.length;
  const firstTest = n - o.folds * o.testSize;
  if (firstTest < 1) {
    throw new RangeError(
      `Expected folds * testSize = ${o.folds} * ${o.testSize} = ${o.folds * o.testSize} to be less than backtest.data's ${n} values, to leave training data`,
    );
  }
  const trainSize = o.strategy === 'sliding' ? (o.trainSize ?? firstTest) : firstTest;
  if (trainSize > firstTest) {
    throw new RangeError(`Expected backtest.trainSize <= ${firstTest} (the steps before the first test window) but received ${trainSize}`);
  }
  if (trainSize <= o.seasonalPeriod) {
    throw new RangeError(
      `Expected more than seasonalPeriod = ${o.seasonalPeriod} training steps per fold (for the seasonal-naive baseline and MASE) but the first fold has ${trainSize}`,
    );
  }
  return Array.from({ length: o.folds }, (_, index) => {
    const s = firstTest + index * o.testSize;
    return {
      index,
      trainRange: [o.strategy === 'sliding' ? s - trainSize : 0, s] as [number, number],
      testRange: [s, s + o.testSize] as [number, number],
      lookBack: o.lookBack,
      horizon: o.horizon,
      seed: o.seed === undefined ? undefined : o.seed + index,
    };
  });
}

function freshTransform(factory: () => Transformer, index: number): Transformer {
  const t = factory();
  for (const m of ['fit', 'transform', 'inverseTransform'] as const) {
    if (typeof t !== 'object' || t === null || typeof (t as unknown as Record<string, unknown>)[m] !== 'function') {
      throw typeError(`a transformer (with fit, transform and inverseTransform; missing ${m})`, `backtest.transform() (fold ${index})`, t);
    }
  }
  return t;
}

/** A Pipeline's steps (any object with a `steps` array), or the transform itself. */
function stepsOf(t: Transformer): Transformer[] {
  const steps = (t as { steps?: unknown }).steps;
  return Array.isArray(steps) ? (steps as Transformer[]) : [t];
}

/** `stages[0]` is `history`; `stages[i + 1]` is `stages[i]` through `steps[i]` (fitted). */
function stageHistories(steps: readonly Transformer[], history: number[], index: number): number[][] {
  const stages = [history];
  for (const step of steps) stages.push(oneD(step.transform(stages[stages.length - 1]!), index));
  return stages;
}

/** Inverts a block of predictions, last step first; history-dependent steps restart from the true stage history. */
function invert(steps: readonly Transformer[], block: number[], stages: number[][]): number[] {
  let v: Series = block;
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i]! as Transformer & { inverseOneStep?: unknown };
    v = typeof step.inverseOneStep === 'function'
      ? (step.inverseTransform as (x: Series, opts: { initial: Series }) => Series)(v, { initial: stages[i]! })
      : step.inverseTransform(v);
  }
  return oneD(v, -1);
}

/**
 * Inverting the transformed last training value (from the history before it) must give it
 * back: catches transforms that misalign rows or whose inverse ignores the true history.
 */
function checkInverts(steps: readonly Transformer[], historyAndNext: number[], index: number): void {
  if (steps.length === 0) return;
  const stages = stageHistories(steps, historyAndNext, index);
  const before = stageHistories(steps, historyAndNext.slice(0, -1), index);
  const z = stages[stages.length - 1]!;
  const restored = invert(steps, [z[z.length - 1]!], before)[0]!;
  const truth = historyAndNext[historyAndNext.length - 1]!;
  if (!(Math.abs(restored - truth) <= 1e-6 * Math.max(1, Math.abs(truth)))) {
    throw new RangeError(
      `backtest.transform does not invert in fold ${index}: the transformed last training value ${truth} maps back to ${restored}. ` +
        'A transform must keep its output aligned with the end of its input, and a step whose inverse needs the levels before it must offer inverseOneStep and inverseTransform(values, { initial })',
    );
  }
}

function oneD(value: unknown, index: number): number[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'number')) {
    throw typeError('a number[] (univariate series)', `backtest.transform output (fold ${index})`, value);
  }
  return value as number[];
}

function historyOf(fitted: unknown): Record<string, number[]> | undefined {
  const h = (fitted as { history?: unknown } | undefined)?.history;
  return isPlainObject(h) ? Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Array.isArray(v) ? [...(v as number[])] : []])) : undefined;
}

function score(actual: number[], predicted: number[], train: number[], period: number, prefix: string): Record<string, number> {
  return {
    [`${prefix}mae`]: mae(actual, predicted),
    [`${prefix}rmse`]: rmse(actual, predicted),
    [`${prefix}mape`]: mape(actual, predicted),
    [`${prefix}smape`]: smape(actual, predicted),
    [`${prefix}mase`]: mase(actual, predicted, { train, period }),
    [`${prefix}rmsse`]: rmsse(actual, predicted, { train }),
  };
}
