/**
 * Pruners (Optuna's): decide, from the values a trial has reported, whether to stop it early.
 *
 * `MedianPruner` is `PercentilePruner(50)`: at a checked step k, the trial is pruned when its
 * best reported value so far is worse than the median of the COMPLETE trials' values at step k.
 * Nothing is pruned until `nStartupTrials` trials have completed, before step `nWarmupSteps`,
 * between the checks every `intervalSteps` steps, or when fewer than `nMinTrials` completed
 * trials reported at step k. A trial whose reported values are all NaN is pruned.
 */
import { type FrozenTrial, lastStep, type StudyView } from './frozen-trial.js';
import { checkOptions, integer, number } from '../validate.js';

export interface Pruner {
  /** Whether `trial` (running, with its reported values) should stop now. */
  prune(study: StudyView, trial: FrozenTrial): boolean;
  /** The settings, as stored in the study file. */
  toJSON(): { name: string; [key: string]: number | string };
}

/** Options of {@link percentilePruner} and {@link medianPruner}. */
export interface MedianPrunerArgs {
  /** Pruning starts once this many trials have completed. Defaults to `5`. */
  nStartupTrials?: number;
  /** Steps before this one are never pruned (steps start at 0). Defaults to `0`. */
  nWarmupSteps?: number;
  /** Steps between checks, counted from `nWarmupSteps`. Defaults to `1`. */
  intervalSteps?: number;
  /** Completed trials that must have reported at the step for a verdict. Defaults to `1`. */
  nMinTrials?: number;
}

export interface PercentilePrunerArgs extends MedianPrunerArgs {
  /** The percentile kept, in [0, 100] (25: prune what is not in the best 25%). */
  percentile: number;
}

/** numpy's `nanpercentile` with linear interpolation. */
export function nanPercentile(values: readonly number[], q: number): number {
  const v = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const rank = (q / 100) * (v.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return v[lo]! + (v[hi]! - v[lo]!) * (rank - lo);
}

/** Optuna's `_is_first_in_interval_step`: the first report at or after the latest check point. */
function isFirstInIntervalStep(step: number, steps: readonly number[], warmup: number, interval: number): boolean {
  const nearestLowerPruningStep = Math.floor((step - warmup) / interval) * interval + warmup;
  let secondLast = -1;
  for (const s of steps) if (s > secondLast && s !== step) secondLast = s;
  return secondLast < nearestLowerPruningStep;
}

/** Prunes a trial whose best value so far is outside the given percentile of completed trials at the same step. */
export class PercentilePruner implements Pruner {
  readonly percentile: number;
  readonly nStartupTrials: number;
  readonly nWarmupSteps: number;
  readonly intervalSteps: number;
  readonly nMinTrials: number;
  readonly #name: string;

  constructor(args: PercentilePrunerArgs, name = 'percentilePruner') {
    const o = checkOptions<PercentilePrunerArgs>(args, name, ['percentile', 'nStartupTrials', 'nWarmupSteps', 'intervalSteps', 'nMinTrials']);
    this.#name = name;
    this.percentile = number(o.percentile, `${name}.percentile`, { min: 0, max: 100 });
    this.nStartupTrials = o.nStartupTrials === undefined ? 5 : integer(o.nStartupTrials, `${name}.nStartupTrials`, { min: 0 });
    this.nWarmupSteps = o.nWarmupSteps === undefined ? 0 : integer(o.nWarmupSteps, `${name}.nWarmupSteps`, { min: 0 });
    this.intervalSteps = o.intervalSteps === undefined ? 1 : integer(o.intervalSteps, `${name}.intervalSteps`, { min: 1 });
    this.nMinTrials = o.nMinTrials === undefined ? 1 : integer(o.nMinTrials, `${name}.nMinTrials`, { min: 1 });
  }

  prune(study: StudyView, trial: FrozenTrial): boolean {
    const completed = study.trialRecords.filter((t) => t.state === 'COMPLETE');
    if (completed.length === 0 || completed.length < this.nStartupTrials) return false;
    const step = lastStep(trial);
    if (step === undefined || step < this.nWarmupSteps) return false;
    const steps = Object.keys(trial.intermediateValues).map(Number);
    if (!isFirstInIntervalStep(step, steps, this.nWarmupSteps, this.intervalSteps)) return false;

    const maximize = study.direction === 'maximize';
    const own = Object.values(trial.intermediateValues).filter((v) => !Number.isNaN(v));
    if (own.length === 0) return true;
    const best = maximize ? Math.max(...own) : Math.min(...own);

    const atStep = completed.filter((t) => step in t.intermediateValues).map((t) => t.intermediateValues[step]!);
    if (atStep.length < this.nMinTrials) return false;
    const p = nanPercentile(atStep, maximize ? 100 - this.percentile : this.percentile);
    if (Number.isNaN(p)) return false;
    return maximize ? best < p : best > p;
  }

  toJSON(): { name: string; percentile: number; nStartupTrials: number; nWarmupSteps: number; intervalSteps: number; nMinTrials: number } {
    return {
      name: this.#name === 'medianPruner' ? 'median' : 'percentile',
      percentile: this.percentile,
      nStartupTrials: this.nStartupTrials,
      nWarmupSteps: this.nWarmupSteps,
      intervalSteps: this.intervalSteps,
      nMinTrials: this.nMinTrials,
    };
  }
}

/** Optuna's `MedianPruner`: a {@link PercentilePruner} at the 50th percentile. */
export class MedianPruner extends PercentilePruner {
  constructor(args?: MedianPrunerArgs) {
    const o = checkOptions<MedianPrunerArgs>(args, 'medianPruner', ['nStartupTrials', 'nWarmupSteps', 'intervalSteps', 'nMinTrials']);
    super({ ...o, percentile: 50 }, 'medianPruner');
  }
}

/** Never prunes (Optuna's `NopPruner`). */
export class NopPruner implements Pruner {
  prune(): boolean {
    return false;
  }

  toJSON(): { name: string } {
    return { name: 'none' };
  }
}

/**
 * A pruner that stops a trial whose best value so far is worse than the median of the
 * completed trials' values at the same step (Optuna's `MedianPruner`).
 *
 * @example
 * const study = tuning.createStudy({ pruner: tuning.medianPruner({ nStartupTrials: 3, nWarmupSteps: 2 }) });
 * @throws {TypeError|RangeError} an unknown or invalid option.
 */
export function medianPruner(args?: MedianPrunerArgs): MedianPruner {
  return new MedianPruner(args);
}

/**
 * A pruner that keeps the trials within the given percentile at each step (Optuna's
 * `PercentilePruner`); `percentile: 50` is the median pruner.
 *
 * @example
 * tuning.percentilePruner({ percentile: 25, nWarmupSteps: 3 });
 */
export function percentilePruner(args: PercentilePrunerArgs): PercentilePruner {
  return new PercentilePruner(args);
}
