/**
 * Trial: what an objective receives (Optuna's `Trial`): it suggests parameter values, reports
 * intermediate values and asks whether to stop.
 */
import {
  type CategoricalChoice,
  categoricalDistribution,
  checkDistribution,
  type Distribution,
  type FloatArgs,
  floatDistribution,
  type IntArgs,
  intDistribution,
  sameDistribution,
} from './distributions.js';
import { copyTrial, type FrozenTrial, type JsonValue, type ParamValue } from './frozen-trial.js';
import { integer, string, typeError } from '../validate.js';

/**
 * Thrown by an objective to end its trial as PRUNED (Optuna's `TrialPruned`).
 *
 * @example
 * if (trial.shouldPrune()) throw new tuning.TrialPruned();
 */
export class TrialPruned extends Error {
  constructor(message = 'Trial was pruned') {
    super(message);
    this.name = 'TrialPruned';
  }
}

/** What a trial needs from its study. @internal */
export interface TrialHost {
  /** A value for `name` (a fixed one for an enqueued trial, else the sampler's). */
  suggest(record: FrozenTrial, name: string, distribution: Distribution): ParamValue;
  shouldPrune(record: FrozenTrial): boolean;
}

/** The value type a distribution yields. */
export type ValueOf<D extends Distribution> = D extends { kind: 'categorical'; choices: readonly (infer T)[] } ? T : number;

/** A running trial, handed to the objective. */
export class Trial {
  readonly #host: TrialHost;
  readonly #record: FrozenTrial;

  /** @internal Created by `study.optimize`. */
  constructor(host: TrialHost, record: FrozenTrial) {
    this.#host = host;
    this.#record = record;
  }

  /** The trial's number in its study (0-based, continuing across resumed runs). */
  get number(): number {
    return this.#record.number;
  }

  /** The values suggested so far (a copy). */
  get params(): Record<string, ParamValue> {
    return { ...this.#record.params };
  }

  /** The reported values, by step (a copy). */
  get intermediateValues(): Record<number, number> {
    return { ...this.#record.intermediateValues };
  }

  /** The trial as recorded now (a copy). */
  snapshot(): FrozenTrial {
    return copyTrial(this.#record);
  }

  /**
   * An integer in [low, high] (Optuna's `suggest_int`). Suggesting a name again returns the
   * same value.
   * @example
   * const units = trial.suggestInt('units', 16, 256, { log: true });
   * @throws {TypeError|RangeError} invalid bounds or options, or the name was suggested from another distribution.
   */
  suggestInt(name: string, low: number, high: number, args?: IntArgs): number {
    return this.suggest(name, intDistribution(low, high, args, `suggestInt("${name}")`));
  }

  /**
   * A real in [low, high] (Optuna's `suggest_float`).
   * @example
   * const lr = trial.suggestFloat('learningRate', 1e-4, 1e-2, { log: true });
   */
  suggestFloat(name: string, low: number, high: number, args?: FloatArgs): number {
    return this.suggest(name, floatDistribution(low, high, args, `suggestFloat("${name}")`));
  }

  /**
   * One of `choices` (Optuna's `suggest_categorical`).
   * @example
   * const optimizer = trial.suggestCategorical('optimizer', ['adam', 'rmsprop']);
   */
  suggestCategorical<const T extends CategoricalChoice>(name: string, choices: readonly T[]): T {
    return this.suggest(name, categoricalDistribution<T>(choices, `suggestCategorical("${name}")`));
  }

  /** A value drawn from `distribution` (`tuning.int(...)`, `tuning.float(...)`, `tuning.categorical(...)`). */
  suggest<D extends Distribution>(name: string, distribution: D): ValueOf<D> {
    this.#assertRunning('suggest');
    string(name, 'trial.suggest.name');
    const d = checkDistribution(distribution, `trial.suggest("${name}")`);
    const r = this.#record;
    if (name in r.distributions) {
      if (!sameDistribution(r.distributions[name]!, d)) {
        throw new RangeError(`Parameter "${name}" of trial ${r.number} was already suggested from another distribution`);
      }
      return r.params[name] as ValueOf<D>;
    }
    const value = this.#host.suggest(r, name, d);
    r.params[name] = value;
    r.distributions[name] = d;
    return value as ValueOf<D>;
  }

  /**
   * Records the objective's value at `step` (an epoch), for pruning and for TPE's ranking of
   * pruned trials (Optuna's `report`). A second report at the same step is ignored.
   * @throws {TypeError|RangeError} a value that is not a number, a step that is not an integer >= 0.
   */
  report(value: number, step: number): void {
    this.#assertRunning('report');
    if (typeof value !== 'number') throw typeError('a number', 'trial.report.value', value);
    integer(step, 'trial.report.step', { min: 0 });
    if (step in this.#record.intermediateValues) return;
    this.#record.intermediateValues[step] = value;
  }

  /** Whether the study's pruner would stop this trial now (Optuna's `should_prune`). */
  shouldPrune(): boolean {
    this.#assertRunning('shouldPrune');
    return this.#host.shouldPrune(this.#record);
  }

  /** Attaches JSON data to the trial (stored in the study file). */
  setUserAttr(key: string, value: JsonValue): void {
    this.#assertRunning('setUserAttr');
    string(key, 'trial.setUserAttr.key');
    this.#record.userAttrs[key] = structuredClone(value);
  }

  #assertRunning(what: string): void {
    if (this.#record.state !== 'RUNNING') {
      throw new Error(`Cannot ${what}: trial ${this.#record.number} has finished (${this.#record.state})`);
    }
  }
}
