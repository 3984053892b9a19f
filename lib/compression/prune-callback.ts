/**
 * Gradual magnitude pruning during `fit` (tfmot's `UpdatePruningStep` with a pruning
 * schedule): at fit's epoch-end sync point the masks are recomputed from the current weights
 * to the sparsity the schedule gives, and the engine keeps the pruned weights at zero through
 * every optimizer step of the following epochs.
 */
import { Callback, type Logs } from '../training/callbacks/callback.js';
import * as v from '../validate.js';
import type { PruningScope } from './magnitude.js';
import { applyMagnitudePruning, includeOption, prunableModel, type PruningReport, scopeOption } from './prune.js';
import { PruningSchedule } from './pruning-schedule.js';

/** Options of {@link pruneCallback}. */
export interface PruneCallbackArgs {
  /** When to prune and to which sparsity (`compression.pruningSchedule.*`), in epochs. Required. */
  schedule: PruningSchedule;
  /** `'global'` (one threshold over all included weights) or `'layer'` (per weight tensor). Defaults to `'global'`. */
  scope?: PruningScope;
  /** What to prune, as `prune`'s `include`. Defaults to `['kernel', 'recurrent_kernel']`. */
  include?: string[];
  /** 0: silent; 1: a line at each mask update. Defaults to `0`. */
  verbose?: 0 | 1;
}

/** One mask update of a {@link PruneCallback}. */
export interface PruningUpdate {
  /** Completed epochs when the masks were set (0: before the first epoch). */
  step: number;
  report: PruningReport;
}

/**
 * Prunes gradually during fit; see {@link pruneCallback}. The schedule's step is the number of
 * completed epochs: step `initialEpoch` before the first epoch of a fit, then step `e + 1` at
 * the end of epoch `e`. Masks stay on the model after fit; remove them with `stripPruning`.
 */
export class PruneCallback extends Callback {
  readonly schedule: PruningSchedule;
  readonly scope: PruningScope;
  readonly include: readonly string[] | undefined;
  readonly verbose: 0 | 1;
  /** Every mask update so far, oldest first. */
  readonly updates: PruningUpdate[] = [];
  #started = false;

  constructor(args: PruneCallbackArgs) {
    super();
    if (args === undefined) throw v.typeError('an options object with a schedule', 'pruneCallback', args);
    const o = v.checkOptions<PruneCallbackArgs>(args, 'pruneCallback', ['schedule', 'scope', 'include', 'verbose']);
    if (!(o.schedule instanceof PruningSchedule)) {
      throw v.typeError('a schedule from compression.pruningSchedule (polynomialDecay, constantSparsity)', 'pruneCallback.schedule', o.schedule);
    }
    this.schedule = o.schedule;
    this.scope = scopeOption(o.scope, 'pruneCallback.scope');
    this.include = includeOption(o.include, 'pruneCallback.include');
    this.verbose = o.verbose === undefined ? 0 : (v.integer(o.verbose, 'pruneCallback.verbose', { min: 0, max: 1 }) as 0 | 1);
  }

  /** The report of the latest mask update; `undefined` before the first. */
  get lastReport(): PruningReport | undefined {
    return this.updates[this.updates.length - 1]?.report;
  }

  override onTrainBegin(_logs?: Logs): void {
    prunableModel(this.model, 'pruneCallback.model');
    this.#started = false;
  }

  override onEpochBegin(epoch: number, _logs?: Logs): void {
    // The first epoch of a fit: the masks for `initialEpoch` completed epochs (tfmot prunes at step 0 too).
    if (this.#started) return;
    this.#started = true;
    this.update(epoch);
  }

  override onEpochEnd(epoch: number, _logs?: Logs): void {
    this.update(epoch + 1);
  }

  private update(step: number): void {
    const { prune, sparsity } = this.schedule.at(step);
    if (!prune) return;
    const report = applyMagnitudePruning(prunableModel(this.model, 'pruneCallback.model'), sparsity, this.scope, this.include, 'pruneCallback');
    this.updates.push({ step, report });
    if (this.verbose > 0) {
      process.stdout.write(
        `\nEpoch ${step}: PruneCallback pruned to ${(report.sparsity * 100).toFixed(2)}% sparsity (${report.paramsPruned} of ${report.prunableParams} weights).\n`,
      );
    }
  }
}

/**
 * A callback that prunes gradually during `fit`: at each step of `schedule` (steps are
 * completed epochs, since masks change at fit's epoch-end sync point) the smallest-magnitude
 * weights are masked to the schedule's sparsity, and stay zero through the optimizer steps that
 * follow. Use `polynomialDecay` with an `endStep` below `epochs` to fine-tune at the final
 * sparsity for the remaining epochs. Pass `initialEpoch` to `fit` to continue a schedule.
 * With `earlyStopping({ restoreBestWeights: true })`, give it `startFromEpoch: endStep`: weights
 * restored from a less sparse epoch are masked with the current masks, not re-tuned.
 *
 * @example
 * const schedule = compression.pruningSchedule.polynomialDecay({ initialSparsity: 0, finalSparsity: 0.5, beginStep: 0, endStep: 8 });
 * await model.fit(x, y, { epochs: 12, callbacks: [compression.pruneCallback({ schedule })] });
 * compression.stripPruning(model);
 * @throws {TypeError|RangeError} a wrong option, named by its path (`pruneCallback.schedule`).
 */
export function pruneCallback(args: PruneCallbackArgs): PruneCallback {
  return new PruneCallback(args);
}
