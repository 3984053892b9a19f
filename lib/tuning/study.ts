/**
 * Study (Optuna's): a direction, a sampler, a pruner and the trials run so far, optionally
 * persisted to a JSON file and resumed from it.
 */
import { contains, type Distribution } from './distributions.js';
import { copyTrial, type FrozenTrial, type JsonValue, lastStep, type ParamValue, type StudyView } from './frozen-trial.js';
import type { ParamGridSpec } from './parameter-grid.js';
import { MedianPruner, NopPruner, type Pruner } from './pruners.js';
import { randomSeed } from './random.js';
import { GridSampler } from './samplers/grid.js';
import { RandomSampler } from './samplers/random.js';
import type { Sampler } from './samplers/sampler.js';
import { TPESampler, type TPESamplerArgs } from './samplers/tpe.js';
import { readStudyFile, STUDY_FORMAT, STUDY_FORMAT_VERSION, type StudyFile, writeStudyFile, writeStudyFileSync } from './storage.js';
import { Trial, TrialPruned } from './trial.js';
import { checkOptions, describe, func, integer, isPlainObject, number, oneOf, string, typeError } from '../validate.js';

/** Options of {@link createStudy}. */
export interface CreateStudyArgs {
  /** Whether the objective is to be minimized or maximized. Defaults to `'minimize'` (or the stored one). */
  direction?: 'minimize' | 'maximize';
  /**
   * `'tpe'`, `'random'`, `'grid'` (needs `paramGrid`), or a sampler made by `tuning.tpeSampler(...)`,
   * `tuning.randomSampler()`, `tuning.gridSampler(...)`. Defaults to `'tpe'` (or the stored one).
   */
  sampler?: 'tpe' | 'random' | 'grid' | Sampler;
  /** The grid of the `'grid'` sampler. */
  paramGrid?: ParamGridSpec | readonly ParamGridSpec[];
  /**
   * Seed of every random draw of the samplers: the same seed and the same trial results give
   * the same suggestions, also across a resume. Defaults to the stored seed, else a random one.
   */
  seed?: number;
  /**
   * Path of a JSON file holding the study. An existing file is loaded (its trials kept, a
   * trial left RUNNING by a crash marked FAIL) and the study continues from it; the file is
   * rewritten atomically when each trial starts and ends. Defaults to no file.
   */
  storage?: string;
  /** `'median'`, `'none'`, or a pruner from `tuning.medianPruner(...)`. Defaults to `'median'` (as Optuna). */
  pruner?: 'median' | 'none' | Pruner;
  /** A name stored in the file. Defaults to the file's name, else `study`. */
  studyName?: string;
}

/** Options of {@link Study.optimize}. */
export interface OptimizeArgs {
  /** Trials to run in this call. Defaults to running until `timeout`, or until a grid is exhausted. */
  nTrials?: number;
  /** Seconds after which no new trial starts (a running one finishes). Defaults to none. */
  timeout?: number;
  /** Called after each trial with the study and the finished trial. Defaults to `[]`. */
  callbacks?: ((study: Study, trial: FrozenTrial) => void | Promise<void>)[];
}

/** An objective: gets a trial, resolves with the value to minimize or maximize. */
export type Objective = (trial: Trial) => number | Promise<number>;

const FIXED_PARAMS = 'fixedParams';

function samplerFrom(value: unknown, grid: unknown, stored: JsonValue): Sampler {
  if (value === undefined && isPlainObject(stored)) {
    // Resume with the stored settings when none are given.
    const s = stored as Record<string, JsonValue>;
    if (s.name === 'random') return new RandomSampler();
    if (s.name === 'grid' && Array.isArray(s.grid)) return new GridSampler(s.grid as unknown as ParamGridSpec[]);
    if (s.name === 'tpe') {
      const keys: (keyof TPESamplerArgs)[] = ['nStartupTrials', 'nEiCandidates', 'priorWeight', 'considerMagicClip', 'considerEndpoints'];
      return new TPESampler(Object.fromEntries(keys.filter((k) => s[k] !== undefined).map((k) => [k, s[k]])) as TPESamplerArgs);
    }
  }
  if (value === undefined || value === 'tpe') return new TPESampler();
  if (value === 'random') return new RandomSampler();
  if (value === 'grid') {
    if (grid === undefined) throw new TypeError("createStudy.paramGrid is required with sampler: 'grid'");
    return new GridSampler(grid as ParamGridSpec);
  }
  if (typeof value === 'string') return samplerFrom(oneOf(value, 'createStudy.sampler', ['tpe', 'random', 'grid']), grid, null);
  if (typeof value === 'object' && value !== null && typeof (value as Sampler).sample === 'function') return value as Sampler;
  throw typeError("'tpe', 'random', 'grid' or a sampler", 'createStudy.sampler', value);
}

function prunerFrom(value: unknown): Pruner {
  if (value === undefined || value === 'median') return new MedianPruner();
  if (value === 'none') return new NopPruner();
  if (typeof value === 'string') oneOf(value, 'createStudy.pruner', ['median', 'none']);
  if (typeof value === 'object' && value !== null && typeof (value as Pruner).prune === 'function') return value as Pruner;
  throw typeError("'median', 'none' or a pruner", 'createStudy.pruner', value);
}

/** A study: run trials with {@link optimize}, read them with {@link trials} and {@link bestTrial}. */
/** A trial record with nothing recorded yet. */
function emptyTrial(number: number, state: FrozenTrial['state'], systemAttrs: FrozenTrial['systemAttrs']): FrozenTrial {
  return {
    number,
    state,
    params: {},
    distributions: {},
    value: null,
    intermediateValues: {},
    datetimeStart: null,
    datetimeComplete: null,
    durationMs: null,
    userAttrs: {},
    systemAttrs,
  };
}

export class Study {
  readonly direction: 'minimize' | 'maximize';
  readonly seed: number;
  readonly studyName: string;
  /** The study file, if any. */
  readonly storage: string | undefined;
  readonly sampler: Sampler;
  readonly pruner: Pruner;
  readonly #trials: FrozenTrial[];
  readonly #view: StudyView;
  #running = false;

  /** @internal Use {@link createStudy}. */
  constructor(args: {
    direction: 'minimize' | 'maximize';
    seed: number;
    studyName: string;
    storage: string | undefined;
    sampler: Sampler;
    pruner: Pruner;
    trials: FrozenTrial[];
  }) {
    this.direction = args.direction;
    this.seed = args.seed;
    this.studyName = args.studyName;
    this.storage = args.storage;
    this.sampler = args.sampler;
    this.pruner = args.pruner;
    this.#trials = args.trials;
    const trials = this.#trials;
    this.#view = { direction: this.direction, seed: this.seed, get trialRecords() { return trials; } };
  }

  /** Every trial, in number order (copies). */
  get trials(): FrozenTrial[] {
    return this.#trials.map(copyTrial);
  }

  /**
   * The best COMPLETE trial (the first one on ties).
   * @throws {Error} when no trial has completed.
   */
  get bestTrial(): FrozenTrial {
    let best: FrozenTrial | undefined;
    for (const t of this.#trials) {
      if (t.state !== 'COMPLETE') continue;
      if (!best || (this.direction === 'minimize' ? t.value! < best.value! : t.value! > best.value!)) best = t;
    }
    if (!best) throw new Error('No trials are completed yet');
    return copyTrial(best);
  }

  /** The best trial's value. */
  get bestValue(): number {
    return this.bestTrial.value!;
  }

  /** The best trial's parameters. */
  get bestParams(): Record<string, ParamValue> {
    return this.bestTrial.params;
  }

  /** The study as stored in its file. */
  toJSON(): StudyFile {
    return {
      format: STUDY_FORMAT,
      version: STUDY_FORMAT_VERSION,
      studyName: this.studyName,
      direction: this.direction,
      seed: this.seed,
      sampler: this.sampler.toJSON() as JsonValue,
      pruner: this.pruner.toJSON() as JsonValue,
      trials: this.#trials,
    };
  }

  /**
   * Queues a trial with fixed parameters (Optuna's `enqueue_trial`): the next trial that starts
   * takes these values for the names it suggests (others are sampled). Use it to evaluate the
   * defaults, or a known good point, first.
   * @example
   * study.enqueueTrial({ units: 64, dropout: 0.2 });
   */
  enqueueTrial(params: Record<string, ParamValue>): void {
    if (!isPlainObject(params)) throw typeError('an object of parameter values', 'study.enqueueTrial.params', params);
    for (const [k, v] of Object.entries(params)) {
      const ok = v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
      if (!ok) throw typeError('a string, finite number, boolean or null', `study.enqueueTrial.params.${k}`, v);
    }
    this.#trials.push(emptyTrial(this.#trials.length, 'WAITING', { [FIXED_PARAMS]: { ...params } }));
    if (this.storage) writeStudyFileSync(this.storage, this.toJSON());
  }

  /**
   * Runs trials one after another: each calls `objective(trial)`; a returned number completes
   * the trial, a thrown {@link TrialPruned} prunes it, a returned non-number or NaN fails it (a
   * warning is emitted), any other error fails it and rejects `optimize` with that error
   * (Optuna's default). With `storage`, the file is rewritten when each trial starts and ends.
   *
   * @example
   * await study.optimize(async (trial) => {
   *   const x = trial.suggestFloat('x', -10, 10);
   *   return (x - 2) ** 2;
   * }, { nTrials: 50 });
   */
  async optimize(objective: Objective, args?: OptimizeArgs): Promise<void> {
    const o = checkOptions<OptimizeArgs>(args, 'optimize', ['nTrials', 'timeout', 'callbacks']);
    func(objective, 'optimize.objective');
    const nTrials = o.nTrials === undefined ? undefined : integer(o.nTrials, 'optimize.nTrials', { min: 0 });
    const timeout = o.timeout === undefined ? undefined : number(o.timeout, 'optimize.timeout', { min: 0, minExclusive: true });
    const callbacks = o.callbacks ?? [];
    if (!Array.isArray(callbacks)) throw typeError('an array of functions', 'optimize.callbacks', callbacks);
    callbacks.forEach((cb, i) => func(cb, `optimize.callbacks[${i}]`));
    if (nTrials === undefined && timeout === undefined && !this.sampler.isExhausted) {
      throw new TypeError('optimize needs nTrials or timeout (or a grid sampler, which stops when its grid is exhausted)');
    }
    if (this.#running) throw new Error('optimize is already running on this study; await it first');
    this.#running = true;
    try {
      const started = performance.now();
      for (let done = 0; nTrials === undefined || done < nTrials; done++) {
        if (timeout !== undefined && (performance.now() - started) / 1000 >= timeout) break;
        const waiting = this.#trials.some((t) => t.state === 'WAITING');
        if (!waiting && this.sampler.isExhausted?.(this.#view)) break;
        const record = await this.#startTrial();
        const error = await this.#runTrial(objective, record);
        for (const cb of callbacks) await cb(this, copyTrial(record));
        if (error) throw error.error;
      }
    } finally {
      this.#running = false;
    }
  }

  async #persist(): Promise<void> {
    if (this.storage) await writeStudyFile(this.storage, this.toJSON());
  }

  async #startTrial(): Promise<FrozenTrial> {
    let record = this.#trials.find((t) => t.state === 'WAITING');
    if (!record) {
      record = emptyTrial(this.#trials.length, 'RUNNING', {});
      this.#trials.push(record);
    }
    record.state = 'RUNNING';
    record.datetimeStart = new Date().toISOString();
    try {
      this.sampler.beforeTrial?.(this.#view, record);
    } catch (err) {
      record.state = 'FAIL';
      record.failReason = (err as Error).message;
      record.datetimeComplete = new Date().toISOString();
      record.durationMs = 0;
      await this.#persist();
      throw err;
    }
    await this.#persist();
    return record;
  }

  /** Runs the objective on a started trial and records the outcome; returns an error to rethrow. */
  async #runTrial(objective: Objective, record: FrozenTrial): Promise<{ error: unknown } | undefined> {
    const host = {
      suggest: (r: FrozenTrial, name: string, d: Distribution): ParamValue => this.#suggest(r, name, d),
      shouldPrune: (r: FrozenTrial): boolean => this.pruner.prune(this.#view, r),
    };
    const trial = new Trial(host, record);
    const t0 = performance.now();
    let error: { error: unknown } | undefined;
    try {
      const value: unknown = await objective(trial);
      if (typeof value !== 'number' || Number.isNaN(value)) {
        record.state = 'FAIL';
        record.failReason = `The objective returned ${describe(value)}, not a number`;
        process.emitWarning(`Trial ${record.number} failed: ${record.failReason}`, 'TuningWarning');
      } else {
        record.state = 'COMPLETE';
        record.value = value;
      }
    } catch (err) {
      if (err instanceof TrialPruned) {
        record.state = 'PRUNED';
        const step = lastStep(record);
        const last = step === undefined ? NaN : record.intermediateValues[step]!;
        record.value = Number.isNaN(last) ? null : last;
      } else {
        record.state = 'FAIL';
        record.failReason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        error = { error: err };
      }
    }
    record.durationMs = performance.now() - t0;
    record.datetimeComplete = new Date().toISOString();
    await this.#persist();
    return error;
  }

  #suggest(record: FrozenTrial, name: string, d: Distribution): ParamValue {
    const fixed = record.systemAttrs[FIXED_PARAMS];
    if (isPlainObject(fixed) && name in fixed) {
      const v = fixed[name] as ParamValue;
      if (!contains(d, v)) {
        throw new RangeError(`The enqueued value ${describe(v)} of "${name}" lies outside the distribution it is suggested from`);
      }
      return v;
    }
    return this.sampler.sample(this.#view, record, name, d);
  }
}

/**
 * Creates a study, or loads it from `storage` and continues it (Optuna's `create_study` with
 * `load_if_exists=True`).
 *
 * @example
 * const study = tuning.createStudy({ direction: 'minimize', sampler: 'tpe', seed: 42, storage: 'study.json' });
 * await study.optimize(async (trial) => (trial.suggestFloat('x', -10, 10) - 2) ** 2, { nTrials: 30 });
 * study.bestParams; // { x: 2.0... }
 * @throws {TypeError|RangeError} an invalid option; a stored study whose direction or seed
 *   differs from the given one; a file that is not a study file.
 */
export function createStudy(args?: CreateStudyArgs): Study {
  const o = checkOptions<CreateStudyArgs>(args, 'createStudy', ['direction', 'sampler', 'paramGrid', 'seed', 'storage', 'pruner', 'studyName']);
  const direction = o.direction === undefined ? undefined : oneOf(o.direction, 'createStudy.direction', ['minimize', 'maximize']);
  const seed = o.seed === undefined ? undefined : integer(o.seed, 'createStudy.seed', { min: 0, max: 0xffffffff });
  const storage = o.storage === undefined ? undefined : string(o.storage, 'createStudy.storage');
  const studyName = o.studyName === undefined ? undefined : string(o.studyName, 'createStudy.studyName');
  const stored = storage ? readStudyFile(storage) : undefined;
  if (stored) {
    if (direction !== undefined && direction !== stored.direction) {
      throw new RangeError(`createStudy.direction is '${direction}' but the study in ${storage} is '${stored.direction}'`);
    }
    if (seed !== undefined && seed !== stored.seed) {
      throw new RangeError(`createStudy.seed is ${seed} but the study in ${storage} was created with seed ${stored.seed}; omit seed to continue it`);
    }
    for (const t of stored.trials) {
      if (t.state !== 'RUNNING') continue;
      t.state = 'FAIL';
      t.failReason = 'The process running this trial stopped before it finished';
    }
  }
  const study = new Study({
    direction: stored?.direction ?? direction ?? 'minimize',
    seed: stored?.seed ?? seed ?? randomSeed(),
    studyName: stored?.studyName ?? studyName ?? (storage ? storage.replace(/^.*[\\/]/, '').replace(/\.json$/i, '') : 'study'),
    storage,
    sampler: samplerFrom(o.sampler, o.paramGrid, stored?.sampler ?? null),
    pruner: prunerFrom(o.pruner),
    trials: stored?.trials ?? [],
  });
  if (storage) writeStudyFileSync(storage, study.toJSON());
  return study;
}
