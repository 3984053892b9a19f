/**
 * Model-level searches: `gridSearch`, `randomSearch`, `tpeSearch`. Each trial builds a model
 * from its parameters, trains it, and scores it by the `objective` log key (`val_loss` unless
 * told otherwise).
 *
 * - Parameter routing: `batchSize` and `epochs` go to `fit`; every other parameter goes to
 *   `build`. `fit` may be a function of all the parameters, for data that depends on one
 *   (a `lookBack` changes the windows).
 * - A trial's value is its best epoch's objective, and its model keeps that epoch's weights
 *   (Keras Tuner's semantics); the per-epoch history is kept with the trial.
 * - With a pruner, a callback reports the objective at each epoch end and, when the pruner
 *   says so, sets `model.stopTraining`: the trial ends PRUNED.
 * - Only the best model is kept: the others are disposed as soon as they are beaten.
 * - With `storage`, the study file persists every trial and a rerun continues it: `nTrials`
 *   counts the finished (COMPLETE or PRUNED) trials of the whole study. When the best trial
 *   came from an earlier run, its model is rebuilt and retrained with its parameters.
 */
import type { FitArgs } from '../models/fit.js';
import type { Sequential } from '../models/sequential.js';
import type { Tensor, TensorInput } from '../tensor.js';
import { Callback, type Logs } from '../training/callbacks/callback.js';
import { checkOptions, func, integer, isPlainObject, oneOf, typeError } from '../validate.js';
import { checkDistribution, type Distribution } from './distributions.js';
import type { FrozenTrial, JsonValue, ParamValue, TrialState } from './frozen-trial.js';
import type { Combination, ParamGridSpec } from './parameter-grid.js';
import type { Pruner } from './pruners.js';
import { GridSampler } from './samplers/grid.js';
import { RandomSampler } from './samplers/random.js';
import type { Sampler } from './samplers/sampler.js';
import { TPESampler, type TPESamplerArgs } from './samplers/tpe.js';
import { createStudy, type Study } from './study.js';
import { type Trial, TrialPruned, type ValueOf } from './trial.js';

/** The parameters that go to `fit` instead of `build`. */
export const FIT_PARAMS = ['batchSize', 'epochs'] as const;

type FitParamName = (typeof FIT_PARAMS)[number];

/** Each trial's training data and fit options: `model.fit(x, y, options)` in one object. */
export interface SearchFitArgs extends FitArgs {
  x: TensorInput;
  y: TensorInput;
}

/** The parameter values of a search space. */
export type SpaceParams<S extends Record<string, Distribution>> = { [K in keyof S]: ValueOf<S[K]> };

/** What `build` receives: the parameters without those routed to `fit`. */
export type BuildParams<P> = Omit<P, FitParamName>;

/** Options shared by the three searches. */
export interface SearchArgs<P> {
  /** Makes a compiled model from a trial's parameters (all but `batchSize` and `epochs`). */
  build: (params: BuildParams<P>) => Sequential | Promise<Sequential>;
  /** Training data and fit options, or a function of the trial's parameters returning them. */
  fit: SearchFitArgs | ((params: P) => SearchFitArgs | Promise<SearchFitArgs>);
  /** The log key scored at each epoch end. Defaults to `'val_loss'`. */
  objective?: string;
  /** Defaults to `'minimize'` for loss and error keys (`loss`, `mae`, `mse`, `rmse`, `mape`, `*error*`); else required. */
  direction?: 'minimize' | 'maximize';
  /** A study file to persist to and resume from (see {@link createStudy}). Defaults to none. */
  storage?: string;
  /** Seed of the sampler and of each trial's fit (unless `fit.seed` is given). Defaults to a random one. */
  seed?: number;
  /** `'median'` or a pruner from `tuning.medianPruner(...)`. Defaults to no pruning. */
  pruner?: 'median' | 'none' | Pruner;
  /** Parameters to try first, before sampling (only when the study is new). Defaults to `[]`. */
  enqueue?: Partial<P>[];
  /** 0: silent; 1: one line per trial. Defaults to `1`. */
  verbose?: 0 | 1;
}

/** One trial of a search. */
export interface SearchTrial<P> {
  number: number;
  params: P;
  /** Per-epoch logs of the trial's fit (`loss`, `val_loss`, ...). */
  history: Record<string, number[]>;
  /** The best epoch's objective (COMPLETE), the last reported one (PRUNED), else `null`. */
  value: number | null;
  durationMs: number | null;
  state: TrialState;
}

/** What a search resolves with. */
export interface SearchResult<P> {
  /** Every finished trial, in order (those of earlier runs of a stored study included). */
  trials: SearchTrial<P>[];
  bestTrial: SearchTrial<P>;
  bestParams: P;
  bestValue: number;
  /** The best trial's model, with its best epoch's weights; dispose it when done. */
  bestModel: Sequential;
  /** The underlying study. */
  study: Study;
}

const COMMON_KEYS = ['build', 'fit', 'objective', 'direction', 'storage', 'seed', 'pruner', 'enqueue', 'verbose'] as const;
const MINIMIZE = /(loss|error|^(val_)?(mae|mse|rmse|mape|msle|smape|mase)$)/;
const MAXIMIZE = /^(val_)?(acc|accuracy|auc|r2|precision|recall)$/;

function inferDirection(objective: string, given: unknown, name: string): 'minimize' | 'maximize' {
  if (given !== undefined) return oneOf(given, `${name}.direction`, ['minimize', 'maximize']);
  if (MINIMIZE.test(objective)) return 'minimize';
  if (MAXIMIZE.test(objective)) return 'maximize';
  throw new TypeError(`Cannot tell whether to minimize or maximize "${objective}"; pass ${name}.direction`);
}

function checkFitArgs(fit: unknown, name: string, objective: string): SearchFitArgs {
  if (!isPlainObject(fit)) throw typeError('an object { x, y, ...fit options }', name, fit);
  if (fit.x === undefined || fit.y === undefined) throw new TypeError(`Expected training data x and y in ${name}`);
  if (objective.startsWith('val_') && !fit.validationSplit && fit.validationData === undefined) {
    throw new RangeError(`The objective "${objective}" needs validation data: set ${name}.validationSplit or ${name}.validationData`);
  }
  return fit as unknown as SearchFitArgs;
}

/** Reports the objective to the trial (if any) at each epoch end, keeps the best weights, prunes. */
class TrialCallback extends Callback {
  best = NaN;
  bestEpoch = -1;
  lastEpoch = -1;
  bestWeights: Tensor[] | undefined;
  pruned = false;

  constructor(
    private readonly trial: Trial | undefined,
    private readonly objective: string,
    private readonly minimize: boolean,
    private readonly usePruner: boolean,
  ) {
    super();
  }

  override onEpochEnd(epoch: number, logs?: Logs): void {
    const value = logs?.[this.objective];
    if (value === undefined) {
      throw new RangeError(`The objective "${this.objective}" is not among the epoch logs (${Object.keys(logs ?? {}).join(', ')})`);
    }
    this.lastEpoch = epoch;
    this.trial?.report(value, epoch);
    const better = Number.isNaN(this.best) ? !Number.isNaN(value) : this.minimize ? value < this.best : value > this.best;
    if (better) {
      this.best = value;
      this.bestEpoch = epoch;
      this.bestWeights = this.model!.getWeights();
    }
    if (this.usePruner && this.trial?.shouldPrune()) {
      this.pruned = true;
      this.model!.stopTraining = true;
    }
  }

  /** Puts the best epoch's weights back when a later epoch was worse. */
  restoreBest(model: Sequential): void {
    if (this.bestWeights && this.bestEpoch !== this.lastEpoch) model.setWeights(this.bestWeights);
  }
}

interface Runner<P> {
  /** The trial's parameters, suggested through the trial. */
  params(trial: Trial): P;
  sampler: Sampler;
  nTrials: number | undefined;
  name: string;
}

function split<P extends Record<string, unknown>>(params: P): { build: BuildParams<P>; fit: Partial<Record<FitParamName, number>> } {
  const build: Record<string, unknown> = {};
  const fit: Partial<Record<FitParamName, number>> = {};
  for (const [k, v] of Object.entries(params)) {
    if ((FIT_PARAMS as readonly string[]).includes(k)) fit[k as FitParamName] = v as number;
    else build[k] = v;
  }
  return { build: build as BuildParams<P>, fit };
}

async function runSearch<P extends Record<string, unknown>>(args: SearchArgs<P>, runner: Runner<P>): Promise<SearchResult<P>> {
  const name = runner.name;
  func(args.build, `${name}.build`);
  const objective = args.objective === undefined ? 'val_loss' : String(args.objective);
  const direction = inferDirection(objective, args.direction, name);
  const minimize = direction === 'minimize';
  if (typeof args.fit !== 'function') checkFitArgs(args.fit, `${name}.fit`, objective);
  if (args.verbose !== undefined && args.verbose !== 0 && args.verbose !== 1) {
    throw new RangeError(`Expected 0 or 1 for ${name}.verbose but received ${String(args.verbose)}`);
  }
  const verbose = args.verbose !== 0;
  const usePruner = args.pruner !== undefined && args.pruner !== 'none';
  const study = createStudy({
    direction,
    sampler: runner.sampler,
    pruner: args.pruner ?? 'none',
    ...(args.seed === undefined ? {} : { seed: args.seed }),
    ...(args.storage === undefined ? {} : { storage: args.storage }),
  });
  if (study.trials.length === 0) {
    if (args.enqueue !== undefined && !Array.isArray(args.enqueue)) throw typeError('an array of parameter objects', `${name}.enqueue`, args.enqueue);
    for (const p of args.enqueue ?? []) study.enqueueTrial(p as Record<string, ParamValue>);
  }
  const better = (a: number, b: number): boolean => (minimize ? a < b : a > b);
  let kept: { number: number; value: number; model: Sequential } | undefined;

  /** Builds and trains one model; resolves with it and its callback's findings. */
  const train = async (params: P, trial: Trial | undefined, fitSeed: number) => {
    const routed = split(params);
    const spec = typeof args.fit === 'function' ? checkFitArgs(await args.fit(params), `${name}.fit(params)`, objective) : args.fit;
    const model = await args.build(routed.build);
    if (!model || typeof model.fit !== 'function' || typeof model.dispose !== 'function') {
      throw typeError('a model (sequential([...]), compiled)', `${name}.build(params)`, model);
    }
    try {
      const { x, y, callbacks = [], ...options } = spec;
      const cb = new TrialCallback(trial, objective, minimize, usePruner);
      const history = await model.fit(x, y, { verbose: 0, seed: fitSeed, ...options, ...routed.fit, callbacks: [...callbacks, cb] });
      return { model, history: history.history, cb };
    } catch (err) {
      model.dispose();
      throw err;
    }
  };

  /** Each trial's fit seed (unless the fit options give one): reproducible from the study's seed. */
  const seedOf = (n: number): number => (study.seed * 1000003 + n) % 2147483647;

  const objectiveFn = async (trial: Trial): Promise<number> => {
    const params = runner.params(trial);
    const { model, history, cb } = await train(params, trial, seedOf(trial.number));
    trial.setUserAttr('history', history as unknown as JsonValue);
    if (cb.pruned) {
      model.dispose();
      throw new TrialPruned(`Trial ${trial.number} was pruned at epoch ${cb.lastEpoch}`);
    }
    const value = cb.best;
    if (Number.isNaN(value)) {
      model.dispose();
      return NaN;
    }
    cb.restoreBest(model);
    if (!kept || better(value, kept.value)) {
      kept?.model.dispose();
      kept = { number: trial.number, value, model };
    } else {
      model.dispose();
    }
    return value;
  };

  const finished = (): number => study.trials.filter((t) => t.state === 'COMPLETE' || t.state === 'PRUNED').length;
  const remaining = runner.nTrials === undefined ? undefined : Math.max(0, runner.nTrials - finished());
  const started = performance.now();
  try {
    if (remaining === undefined || remaining > 0) {
      await study.optimize(objectiveFn, {
        ...(remaining === undefined ? {} : { nTrials: remaining }),
        callbacks: verbose ? [(s, t) => console.log(trialLine(s, t, objective))] : [],
      });
    }
    const best = study.bestTrial;
    let bestModel: Sequential;
    if (kept && kept.number === best.number) {
      bestModel = kept.model;
      kept = undefined;
    } else {
      // The best trial ran in an earlier process: rebuild and retrain it.
      if (verbose) console.log(`Retraining the best trial ${best.number} (from ${study.storage})`);
      const params = best.params as P;
      const retrained = await train(params, undefined, seedOf(best.number));
      retrained.cb.restoreBest(retrained.model);
      bestModel = retrained.model;
    }
    if (verbose) console.log(`Search done in ${((performance.now() - started) / 1000).toFixed(1)} s: best trial ${best.number}, ${objective} ${fmt(best.value!)}`);
    const trials = study.trials.filter((t) => t.state !== 'WAITING' && t.state !== 'RUNNING').map((t) => searchTrial<P>(t));
    const bestTrial = trials.find((t) => t.number === best.number)!;
    return { trials, bestTrial, bestParams: bestTrial.params, bestValue: best.value!, bestModel, study };
  } finally {
    kept?.model.dispose();
  }
}

function fmt(v: number): string {
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toFixed(4) : v.toExponential(3);
}

function trialLine(study: Study, t: FrozenTrial, objective: string): string {
  const params = Object.entries(t.params)
    .map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(3) : String(v)}`)
    .join(' ');
  const value = t.value === null ? '-' : fmt(t.value);
  let best = '';
  try {
    const b = study.bestTrial;
    best = `; best: trial ${b.number} (${fmt(b.value!)})`;
  } catch {
    // no completed trial yet
  }
  return `Trial ${t.number} ${t.state} ${objective}=${value} in ${((t.durationMs ?? 0) / 1000).toFixed(1)} s [${params}]${best}`;
}

function searchTrial<P>(t: FrozenTrial): SearchTrial<P> {
  const h = t.userAttrs.history;
  return {
    number: t.number,
    params: t.params as P,
    history: (isPlainObject(h) ? h : {}) as Record<string, number[]>,
    value: t.value,
    durationMs: t.durationMs,
    state: t.state,
  };
}

function checkSpace(space: unknown, name: string): Record<string, Distribution> {
  if (!isPlainObject(space) || Object.keys(space).length === 0) {
    throw typeError('an object of distributions (tuning.int, tuning.float, tuning.categorical)', name, space);
  }
  return Object.fromEntries(Object.entries(space).map(([k, d]) => [k, checkDistribution(d, `${name}.${k}`)]));
}

function spaceRunner<S extends Record<string, Distribution>>(
  space: S,
  sampler: Sampler,
  nTrials: unknown,
  name: string,
): Runner<SpaceParams<S>> {
  const checked = checkSpace(space, `${name}.space`);
  const n = integer(nTrials, `${name}.nTrials`, { min: 1 });
  return {
    name,
    sampler,
    nTrials: n,
    params: (trial) => Object.fromEntries(Object.entries(checked).map(([k, d]) => [k, trial.suggest(k, d)])) as SpaceParams<S>,
  };
}

/**
 * Tries every combination of a parameter grid (scikit-learn's `GridSearchCV` order, see
 * {@link parameterGrid}) and keeps the best model.
 *
 * @example
 * const result = await tuning.gridSearch({
 *   build: ({ units, dropout }) => {
 *     const m = sequential([layers.lstm({ units, dropout, inputShape: [24, 1] }), layers.dense({ units: 1 })]);
 *     m.compile({ optimizer: 'adam', loss: 'mse' });
 *     return m;
 *   },
 *   paramGrid: { units: [32, 64, 128], dropout: [0.1, 0.2, 0.3], batchSize: [16, 32, 64] },
 *   fit: { x, y, epochs: 20, validationSplit: 0.2 },
 * });
 * result.bestParams; // { batchSize: 32, dropout: 0.1, units: 64 }
 * @throws (as a rejection) invalid options; the first error a trial throws.
 */
export async function gridSearch<const G extends ParamGridSpec>(
  args: SearchArgs<Combination<G>> & { paramGrid: G | readonly G[] },
): Promise<SearchResult<Combination<G>>> {
  checkOptions(args, 'gridSearch', [...COMMON_KEYS, 'paramGrid']);
  const sampler = new GridSampler(args.paramGrid as ParamGridSpec | readonly ParamGridSpec[]);
  const choices = new Map<string, ParamValue[]>();
  for (const point of sampler.grid) {
    for (const [k, v] of Object.entries(point)) {
      const list = choices.get(k) ?? [];
      if (!list.includes(v as ParamValue)) list.push(v as ParamValue);
      choices.set(k, list);
    }
  }
  return runSearch(args, {
    name: 'gridSearch',
    sampler,
    nTrials: sampler.grid.length,
    params: (trial) => {
      const keys = Object.keys(sampler.pointOf(trial.snapshot()));
      return Object.fromEntries(keys.map((k) => [k, trial.suggestCategorical(k, choices.get(k)!)])) as Combination<G>;
    },
  });
}

/**
 * Draws `nTrials` parameter sets at random from `space` (Optuna's `RandomSampler`).
 *
 * @example
 * await tuning.randomSearch({ build, fit, space: { units: tuning.int(16, 256, { log: true }) }, nTrials: 20, seed: 1 });
 */
export async function randomSearch<S extends Record<string, Distribution>>(
  args: SearchArgs<SpaceParams<S>> & { space: S; nTrials: number },
): Promise<SearchResult<SpaceParams<S>>> {
  checkOptions(args, 'randomSearch', [...COMMON_KEYS, 'space', 'nTrials']);
  return runSearch(args, spaceRunner(args.space, new RandomSampler(), args.nTrials, 'randomSearch'));
}

/**
 * Bayesian search with a Tree-structured Parzen Estimator (Optuna's `TPESampler` defaults:
 * 10 random startup trials, then 24 candidates from l(x) ranked by l(x)/g(x)), optionally
 * pruning with the median rule.
 *
 * @example
 * const result = await tuning.tpeSearch({
 *   build, fit: { x, y, epochs: 20, validationSplit: 0.2 },
 *   space: { units: tuning.int(16, 256, { log: true }), dropout: tuning.float(0, 0.5) },
 *   nTrials: 30, seed: 42, pruner: 'median', storage: 'tpe-study.json',
 * });
 */
export async function tpeSearch<S extends Record<string, Distribution>>(
  args: SearchArgs<SpaceParams<S>> & { space: S; nTrials: number; sampler?: TPESamplerArgs },
): Promise<SearchResult<SpaceParams<S>>> {
  checkOptions(args, 'tpeSearch', [...COMMON_KEYS, 'space', 'nTrials', 'sampler']);
  return runSearch(args, spaceRunner(args.space, new TPESampler(args.sampler), args.nTrials, 'tpeSearch'));
}
