/**
 * ReduceLROnPlateau: lower the learning rate when a monitored quantity stops improving
 * (Keras 3's `keras.callbacks.ReduceLROnPlateau`).
 */
import * as v from '../../validate.js';
import { Callback, type Logs } from './callback.js';
import { isImprovement, modelOf, resolveMode, type MonitorMode } from './early-stopping.js';

/** The log key under which the learning rate of each epoch is recorded (Keras 3's key). */
export const LEARNING_RATE_LOG_KEY = 'lr';

/** Options of {@link reduceLROnPlateau}. */
export interface ReduceLROnPlateauArgs {
  /** Quantity to be monitored. Defaults to `'val_loss'`. */
  monitor?: string;
  /** Factor by which the learning rate is reduced: `newLr = lr * factor`; must be < 1. Defaults to `0.1`. */
  factor?: number;
  /** Epochs with no improvement after which the learning rate is reduced. Defaults to `10`. */
  patience?: number;
  /** 0: silent; 1: print a message when the learning rate is reduced. Defaults to `0`. */
  verbose?: number;
  /** `'min'`, `'max'`, or `'auto'` (inferred from the monitor's name). Defaults to `'auto'`. */
  mode?: MonitorMode;
  /** Threshold for measuring the new optimum; its sign is ignored. Defaults to `1e-4`. */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again. Defaults to `0`. */
  cooldown?: number;
  /** Lower bound on the learning rate. Defaults to `0`. */
  minLr?: number;
}

/** {@link ReduceLROnPlateauArgs} with every default filled in. */
export type ReduceLROnPlateauConfig = Required<ReduceLROnPlateauArgs>;

const OPTIONS: readonly (keyof ReduceLROnPlateauArgs)[] = [
  'monitor', 'factor', 'patience', 'verbose', 'mode', 'minDelta', 'cooldown', 'minLr',
];

/**
 * Reduce the learning rate when a metric has stopped improving.
 *
 * Models often benefit from lowering the learning rate by a factor of 2-10 once learning
 * stagnates. After `patience` epochs without an improvement larger than `minDelta`, the
 * optimizer's learning rate becomes `max(lr * factor, minLr)`, then `cooldown` epochs pass
 * before epochs without improvement count again. Each epoch's learning rate (before any
 * reduction) is written to the epoch logs as `lr` (Keras 3 writes `learning_rate`), so History and
 * the progress bar show it when they run after this callback.
 *
 * @example
 * ```ts
 * await model.fit(x, y, { epochs: 100, validationSplit: 0.2,
 *   callbacks: [reduceLROnPlateau({ factor: 0.2, patience: 5, minLr: 1e-3 })] });
 * ```
 * @throws {TypeError|RangeError} When an option has the wrong type or range (`factor >= 1`
 *   included), is unknown, or `mode` is `'auto'` and the direction of `monitor` cannot be inferred.
 */
export class ReduceLROnPlateau extends Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly verbose: number;
  readonly mode: MonitorMode;
  /** The absolute value of the `minDelta` option. */
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;

  /** Epochs since the last improvement or reduction. */
  wait = 0;
  /** Epochs of cooldown left. */
  cooldownCounter = 0;
  /** The best monitored value so far; `null` before the first monitored epoch. Kept across fits, as Keras does. */
  best: number | null = null;

  private readonly direction: 'min' | 'max';
  private warned = false;

  constructor(args?: ReduceLROnPlateauArgs) {
    super();
    const name = 'reduceLROnPlateau';
    const opts = v.checkOptions<ReduceLROnPlateauArgs>(args, name, OPTIONS);
    this.monitor = opts.monitor === undefined ? 'val_loss' : v.string(opts.monitor, `${name}.monitor`);
    this.factor =
      opts.factor === undefined ? 0.1 : v.number(opts.factor, `${name}.factor`, { min: 0, max: 1, maxExclusive: true });
    this.patience = opts.patience === undefined ? 10 : v.integer(opts.patience, `${name}.patience`, { min: 0 });
    this.verbose = opts.verbose === undefined ? 0 : v.integer(opts.verbose, `${name}.verbose`, { min: 0 });
    this.mode = opts.mode === undefined ? 'auto' : v.oneOf(opts.mode, `${name}.mode`, ['auto', 'min', 'max'] as const);
    this.minDelta = Math.abs(opts.minDelta === undefined ? 1e-4 : v.number(opts.minDelta, `${name}.minDelta`));
    this.cooldown = opts.cooldown === undefined ? 0 : v.integer(opts.cooldown, `${name}.cooldown`, { min: 0 });
    this.minLr = opts.minLr === undefined ? 0 : v.number(opts.minLr, `${name}.minLr`, { min: 0 });
    this.direction = resolveMode(this.monitor, this.mode, name);
  }

  /** The options with every default filled in. */
  getConfig(): ReduceLROnPlateauConfig {
    const { monitor, factor, patience, verbose, mode, minDelta, cooldown, minLr } = this;
    return { monitor, factor, patience, verbose, mode, minDelta, cooldown, minLr };
  }

  /** Whether the callback is cooling down after a reduction. */
  inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  override onTrainBegin(): void {
    this.cooldownCounter = 0;
    this.wait = 0;
  }

  override onEpochEnd(epoch: number, logs?: Logs): void {
    const model = modelOf(this, 'ReduceLROnPlateau');
    const optimizer = model.optimizer;
    if (logs) logs[LEARNING_RATE_LOG_KEY] = optimizer.learningRate;
    const current = logs?.[this.monitor];
    if (current === undefined) {
      if (!this.warned) {
        this.warned = true;
        console.warn(
          `Learning rate reduction is conditioned on metric \`${this.monitor}\` which is not available. ` +
            `Available metrics are: ${Object.keys(logs ?? {}).join(',')}.`,
        );
      }
      return;
    }
    if (this.best === null) this.best = this.direction === 'min' ? Infinity : -Infinity;

    if (this.inCooldown()) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    if (isImprovement(current, this.best, this.direction, this.minDelta)) {
      this.best = current;
      this.wait = 0;
      return;
    }
    if (this.inCooldown()) return;
    this.wait += 1;
    if (this.wait < this.patience) return;
    const oldLr = optimizer.learningRate;
    // Keras compares in float32 (its learning rate is a float32 variable), so a rate that
    // already sits at minLr up to float32 rounding is left alone.
    if (Math.fround(oldLr) > Math.fround(this.minLr)) {
      const newLr = Math.max(oldLr * this.factor, this.minLr);
      optimizer.learningRate = newLr;
      if (this.verbose > 0) {
        console.log(`\nEpoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${newLr}.`);
      }
      this.cooldownCounter = this.cooldown;
      this.wait = 0;
    }
  }
}

/**
 * Reduce the learning rate when a metric has stopped improving (Keras's `ReduceLROnPlateau`).
 * See {@link ReduceLROnPlateau} for the behaviour and {@link ReduceLROnPlateauArgs} for the options.
 *
 * @example
 * ```ts
 * const plateau = reduceLROnPlateau({ monitor: 'val_loss', factor: 0.5, patience: 3 });
 * ```
 * @throws {TypeError|RangeError} When an option is invalid or unknown.
 */
export function reduceLROnPlateau(args?: ReduceLROnPlateauArgs): ReduceLROnPlateau {
  return new ReduceLROnPlateau(args);
}
