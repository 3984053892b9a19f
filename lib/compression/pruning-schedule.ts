/**
 * Pruning schedules (tfmot's `tfmot.sparsity.keras.PolynomialDecay` and `ConstantSparsity`):
 * at each step, whether to recompute the masks and the sparsity to prune to.
 *
 * A step here is an EPOCH: masks change only at fit's epoch-end sync point (the engine trains
 * each epoch in one native call), so {@link pruneCallback} calls the schedule with the number of
 * completed epochs (step 0 before the first epoch, step `e + 1` at the end of epoch `e`). The
 * formulas are tfmot's; only the unit of `beginStep`, `endStep` and `frequency` differs, which
 * is why `frequency` defaults to `1` here rather than tfmot's `100` (batches).
 */
import * as v from '../validate.js';
import { sparsityOption } from './prune.js';

/** What a schedule says for one step. */
export interface PruningStep {
  /** Whether the masks are recomputed at this step (tfmot's `should_prune`). */
  prune: boolean;
  /** The sparsity in [0, 1) to prune to when `prune` is true. */
  sparsity: number;
}

/** A pruning schedule: Keras JSON through `getConfig()`, the step rule through `at(step)`. */
export abstract class PruningSchedule {
  /** Step to begin pruning at. */
  abstract readonly beginStep: number;
  /** Last step to prune at; `-1`: prune until training ends. */
  abstract readonly endStep: number;
  /** Prune only every `frequency` steps from `beginStep`. */
  abstract readonly frequency: number;

  /** The sparsity the schedule gives for `step` (whether or not it prunes there). */
  protected abstract sparsityAt(step: number): number;

  /** `{ class_name, config }` in tfmot's snake_case. */
  abstract getConfig(): { class_name: string; config: Record<string, number> };

  /**
   * Whether to prune at `step` and to which sparsity: prune when `beginStep <= step <= endStep`
   * (or `endStep` is -1) and `(step - beginStep) % frequency === 0` (tfmot's rule).
   */
  at(step: number): PruningStep {
    v.integer(step, 'step', { min: 0 });
    const inRange = step >= this.beginStep && (step <= this.endStep || this.endStep < 0);
    return { prune: inRange && (step - this.beginStep) % this.frequency === 0, sparsity: this.sparsityAt(step) };
  }
}

/** Options of {@link polynomialDecay}, tfmot's in camelCase. */
export interface PolynomialDecayArgs {
  /** Sparsity at `beginStep`, in [0, 1). Defaults to `0`. */
  initialSparsity?: number;
  /** Sparsity from `endStep` on, in [0, 1). Required. */
  finalSparsity: number;
  /** Epoch count at which pruning begins. Defaults to `0` (before the first epoch). */
  beginStep?: number;
  /** Epoch count at which `finalSparsity` is reached; > `beginStep`. Required. */
  endStep: number;
  /** Exponent of the decay. Defaults to `3`. */
  power?: number;
  /** Recompute the masks every `frequency` epochs. Defaults to `1`. */
  frequency?: number;
}

/** tfmot's PolynomialDecay: `final + (initial - final) * (1 - p)^power`, `p = clip((step - begin) / (end - begin), 0, 1)`. */
export class PolynomialDecay extends PruningSchedule {
  readonly initialSparsity: number;
  readonly finalSparsity: number;
  readonly beginStep: number;
  readonly endStep: number;
  readonly power: number;
  readonly frequency: number;

  constructor(args: PolynomialDecayArgs) {
    super();
    const name = 'pruningSchedule.polynomialDecay';
    if (args === undefined) throw v.typeError('an options object with finalSparsity and endStep', name, args);
    const o = v.checkOptions<PolynomialDecayArgs>(args, name, [
      'initialSparsity', 'finalSparsity', 'beginStep', 'endStep', 'power', 'frequency',
    ]);
    this.initialSparsity = o.initialSparsity === undefined ? 0 : sparsityOption(o.initialSparsity, `${name}.initialSparsity`);
    this.finalSparsity = sparsityOption(o.finalSparsity, `${name}.finalSparsity`);
    this.beginStep = o.beginStep === undefined ? 0 : v.integer(o.beginStep, `${name}.beginStep`, { min: 0 });
    this.endStep = v.integer(o.endStep, `${name}.endStep`, { min: this.beginStep + 1 });
    this.power = o.power === undefined ? 3 : v.number(o.power, `${name}.power`, { min: 0, minExclusive: true });
    this.frequency = o.frequency === undefined ? 1 : v.integer(o.frequency, `${name}.frequency`, { min: 1 });
  }

  protected sparsityAt(step: number): number {
    const p = Math.min(1, Math.max(0, (step - this.beginStep) / (this.endStep - this.beginStep)));
    return this.finalSparsity + (this.initialSparsity - this.finalSparsity) * Math.pow(1 - p, this.power);
  }

  getConfig(): { class_name: string; config: Record<string, number> } {
    return {
      class_name: 'PolynomialDecay',
      config: {
        initial_sparsity: this.initialSparsity,
        final_sparsity: this.finalSparsity,
        power: this.power,
        begin_step: this.beginStep,
        end_step: this.endStep,
        frequency: this.frequency,
      },
    };
  }
}

/** Options of {@link constantSparsity}, tfmot's in camelCase. */
export interface ConstantSparsityArgs {
  /** The sparsity to prune to, in [0, 1). Required. */
  targetSparsity: number;
  /** Epoch count at which pruning begins. Defaults to `0` (before the first epoch). */
  beginStep?: number;
  /** Last epoch count to prune at; `-1` prunes until training ends. Defaults to `-1`. */
  endStep?: number;
  /** Recompute the masks every `frequency` epochs. Defaults to `1`. */
  frequency?: number;
}

/** tfmot's ConstantSparsity: the same sparsity at every pruning step. */
export class ConstantSparsity extends PruningSchedule {
  readonly targetSparsity: number;
  readonly beginStep: number;
  readonly endStep: number;
  readonly frequency: number;

  constructor(args: ConstantSparsityArgs) {
    super();
    const name = 'pruningSchedule.constantSparsity';
    if (args === undefined) throw v.typeError('an options object with targetSparsity', name, args);
    const o = v.checkOptions<ConstantSparsityArgs>(args, name, ['targetSparsity', 'beginStep', 'endStep', 'frequency']);
    this.targetSparsity = sparsityOption(o.targetSparsity, `${name}.targetSparsity`);
    this.beginStep = o.beginStep === undefined ? 0 : v.integer(o.beginStep, `${name}.beginStep`, { min: 0 });
    const end = o.endStep === undefined ? -1 : v.integer(o.endStep, `${name}.endStep`);
    if (end !== -1 && end < this.beginStep) throw v.rangeError(`-1 or an integer >= beginStep (${this.beginStep})`, `${name}.endStep`, end);
    this.endStep = end;
    this.frequency = o.frequency === undefined ? 1 : v.integer(o.frequency, `${name}.frequency`, { min: 1 });
  }

  protected sparsityAt(_step: number): number {
    return this.targetSparsity;
  }

  getConfig(): { class_name: string; config: Record<string, number> } {
    return {
      class_name: 'ConstantSparsity',
      config: { target_sparsity: this.targetSparsity, begin_step: this.beginStep, end_step: this.endStep, frequency: this.frequency },
    };
  }
}

/**
 * Pruning schedules for {@link pruneCallback}, tfmot's, with steps counted in epochs.
 *
 * @example
 * // 0% before the first epoch, rising to 50% at the end of epoch 10, fine-tuning after that.
 * const schedule = compression.pruningSchedule.polynomialDecay({ initialSparsity: 0, finalSparsity: 0.5, beginStep: 0, endStep: 10 });
 * schedule.at(5); // { prune: true, sparsity: 0.4375 }
 * @throws {TypeError|RangeError} an unknown or out-of-range option, named by its path.
 */
export const pruningSchedule = {
  /** Sparsity rising from `initialSparsity` at `beginStep` to `finalSparsity` at `endStep` (cubic by default). */
  polynomialDecay: (args: PolynomialDecayArgs): PolynomialDecay => new PolynomialDecay(args),
  /** `targetSparsity` at every pruning step from `beginStep`. */
  constantSparsity: (args: ConstantSparsityArgs): ConstantSparsity => new ConstantSparsity(args),
} as const;
