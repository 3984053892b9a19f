/**
 * EarlyStopping: stop training when a monitored quantity has stopped improving (Keras 3's
 * `keras.callbacks.EarlyStopping`), plus the monitor/mode logic it shares with
 * ReduceLROnPlateau.
 */
import type { Tensor } from '../../tensor.js';
import * as v from '../../validate.js';
import { Callback, type CallbackModel, type Logs } from './callback.js';

/** Which way a monitored quantity should move. */
export type MonitorMode = 'auto' | 'min' | 'max';

const MODES: readonly MonitorMode[] = ['auto', 'min', 'max'];

/**
 * Keras metric names (and compile aliases) with the direction of the metric's `_direction`.
 * Keras reads the direction from the compiled metric object; we only have the log key, so
 * the names Keras gives its metrics stand in for the objects.
 */
const METRIC_DIRECTION: ReadonlyMap<string, 'min' | 'max'> = new Map([
  ...[
    'accuracy', 'acc', 'binary_accuracy', 'categorical_accuracy', 'sparse_categorical_accuracy',
    'top_k_categorical_accuracy', 'sparse_top_k_categorical_accuracy', 'auc', 'precision', 'recall',
    'f1_score', 'fbeta_score', 'r2_score', 'r2', 'cosine_similarity', 'iou', 'mean_iou',
    'pearson_correlation', 'concordance_correlation',
  ].map((name) => [name, 'max'] as const),
  ...[
    'mse', 'mae', 'mape', 'msle', 'rmse', 'mean_squared_error', 'mean_absolute_error',
    'mean_absolute_percentage_error', 'mean_squared_logarithmic_error', 'root_mean_squared_error',
    'logcosh', 'log_cosh_error', 'hinge', 'squared_hinge', 'categorical_hinge', 'poisson', 'kld',
    'kl_divergence', 'bce', 'binary_crossentropy', 'categorical_crossentropy',
    'sparse_categorical_crossentropy',
  ].map((name) => [name, 'min'] as const),
]);

/**
 * Resolves `mode: 'auto'` the way Keras 3 does: `loss` (with or without `val_`) is minimised,
 * a known metric goes the way Keras's metric object says. Names Keras cannot place are an error
 * (Keras raises the same at the first epoch end); we add Keras 3.0's suffix rule
 * (`...acc`, `...accuracy`, `...auc` maximised, `...loss` minimised) for custom metric names.
 * `name` is the option path of the callback (`earlyStopping`) for the error message.
 */
export function resolveMode(monitor: string, mode: MonitorMode, name: string): 'min' | 'max' {
  if (mode !== 'auto') return mode;
  const metric = monitor.startsWith('val_') ? monitor.slice(4) : monitor;
  if (metric === 'loss') return 'min';
  const known = METRIC_DIRECTION.get(metric);
  if (known) return known;
  if (/(acc|accuracy|auc)$/.test(metric)) return 'max';
  if (metric.endsWith('loss')) return 'min';
  throw new RangeError(
    `Cannot tell whether ${name}.monitor "${monitor}" should be minimized or maximized; ` +
      `pass ${name}.mode 'min' or 'max'`,
  );
}

/** Keras's `_is_improvement`: beats the reference by more than `minDelta` in the mode's direction. */
export function isImprovement(
  value: number,
  reference: number | null,
  direction: 'min' | 'max',
  minDelta: number,
): boolean {
  if (reference === null) return true;
  return direction === 'min' ? value + minDelta < reference : value - minDelta > reference;
}

/** The model of a callback, or a clear error when a callback is driven without one. */
export function modelOf(callback: Callback, name: string): CallbackModel {
  if (callback.model === undefined) {
    throw new Error(`${name} has no model: call setModel() (fit does this) before its hooks run`);
  }
  return callback.model;
}

/** Options of {@link earlyStopping}. */
export interface EarlyStoppingArgs {
  /** Quantity to be monitored. Defaults to `'val_loss'`. */
  monitor?: string;
  /** Minimum change that counts as an improvement; its sign is ignored. Defaults to `0`. */
  minDelta?: number;
  /** Epochs with no improvement after which training stops. Defaults to `0`. */
  patience?: number;
  /** 0: silent; 1: print a message when the callback acts. Defaults to `0`. */
  verbose?: number;
  /** `'min'`, `'max'`, or `'auto'` (inferred from the monitor's name). Defaults to `'auto'`. */
  mode?: MonitorMode;
  /** Value the monitor must beat before `patience` restarts. Defaults to `null`. */
  baseline?: number | null;
  /** Restore the weights of the best epoch when training ends. Defaults to `false`. */
  restoreBestWeights?: boolean;
  /** Epochs of warm-up before monitoring starts. Defaults to `0`. */
  startFromEpoch?: number;
}

/** {@link EarlyStoppingArgs} with every default filled in. */
export type EarlyStoppingConfig = Required<EarlyStoppingArgs>;

const EARLY_STOPPING_OPTIONS: readonly (keyof EarlyStoppingArgs)[] = [
  'monitor', 'minDelta', 'patience', 'verbose', 'mode', 'baseline', 'restoreBestWeights', 'startFromEpoch',
];

/**
 * Stop training when a monitored quantity has stopped improving.
 *
 * At each epoch end the monitored value (from the epoch logs) is compared with the best so
 * far; after `patience` epochs without an improvement larger than `minDelta`,
 * `model.stopTraining` is set. With `restoreBestWeights`, the weights of the best epoch are
 * put back when training ends (whether or not it stopped early), as Keras 3 does.
 *
 * @example
 * ```ts
 * await model.fit(x, y, { epochs: 100, validationSplit: 0.2,
 *   callbacks: [earlyStopping({ monitor: 'val_loss', patience: 5, restoreBestWeights: true })] });
 * ```
 * @throws {TypeError|RangeError} When an option has the wrong type or range, is unknown, or
 *   `mode` is `'auto'` and the direction of `monitor` cannot be inferred.
 */
export class EarlyStopping extends Callback {
  readonly monitor: string;
  /** The absolute value of the `minDelta` option. */
  readonly minDelta: number;
  readonly patience: number;
  readonly verbose: number;
  readonly mode: MonitorMode;
  readonly baseline: number | null;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;

  /** Epochs since the last improvement (Keras's `wait`). */
  wait = 0;
  /** The epoch at which training was stopped; 0 when it was not stopped. */
  stoppedEpoch = 0;
  /** The epoch with the best monitored value so far. */
  bestEpoch = 0;
  /** The best monitored value so far; `null` before the first monitored epoch. */
  best: number | null = null;

  private readonly direction: 'min' | 'max';
  private bestWeights: Tensor[] | null = null;
  private warned = false;

  constructor(args?: EarlyStoppingArgs) {
    super();
    const name = 'earlyStopping';
    const opts = v.checkOptions<EarlyStoppingArgs>(args, name, EARLY_STOPPING_OPTIONS);
    this.monitor = opts.monitor === undefined ? 'val_loss' : v.string(opts.monitor, `${name}.monitor`);
    this.minDelta = Math.abs(opts.minDelta === undefined ? 0 : v.number(opts.minDelta, `${name}.minDelta`));
    this.patience = opts.patience === undefined ? 0 : v.integer(opts.patience, `${name}.patience`, { min: 0 });
    this.verbose = opts.verbose === undefined ? 0 : v.integer(opts.verbose, `${name}.verbose`, { min: 0 });
    this.mode = opts.mode === undefined ? 'auto' : v.oneOf(opts.mode, `${name}.mode`, MODES);
    this.baseline =
      opts.baseline === undefined || opts.baseline === null ? null : v.number(opts.baseline, `${name}.baseline`);
    this.restoreBestWeights =
      opts.restoreBestWeights === undefined ? false : v.boolean(opts.restoreBestWeights, `${name}.restoreBestWeights`);
    this.startFromEpoch =
      opts.startFromEpoch === undefined ? 0 : v.integer(opts.startFromEpoch, `${name}.startFromEpoch`, { min: 0 });
    this.direction = resolveMode(this.monitor, this.mode, name);
  }

  /** The options with every default filled in. */
  getConfig(): EarlyStoppingConfig {
    const { monitor, minDelta, patience, verbose, mode, baseline, restoreBestWeights, startFromEpoch } = this;
    return { monitor, minDelta, patience, verbose, mode, baseline, restoreBestWeights, startFromEpoch };
  }

  override onTrainBegin(): void {
    // Reset so that one instance can serve several fit calls.
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = null;
    this.bestWeights = null;
    this.bestEpoch = 0;
  }

  override onEpochEnd(epoch: number, logs?: Logs): void {
    const current = this.monitorValue(logs);
    if (current === undefined || epoch < this.startFromEpoch) return;
    const model = modelOf(this, 'EarlyStopping');

    this.wait += 1;
    const improved = isImprovement(current, this.best, this.direction, this.minDelta);
    if (this.restoreBestWeights && (improved || this.bestWeights === null)) {
      // The first monitored epoch's weights are the best until something beats them.
      this.bestWeights = model.getWeights();
      this.bestEpoch = epoch;
    }
    if (improved) {
      this.best = current;
      this.bestEpoch = epoch;
      // Patience restarts only when the value beats both the previous best and the baseline.
      if (this.baseline === null || isImprovement(current, this.baseline, this.direction, this.minDelta)) {
        this.wait = 0;
      }
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      model.stopTraining = true;
    }
  }

  override onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose > 0) {
      console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    }
    if (this.restoreBestWeights && this.bestWeights !== null) {
      if (this.verbose > 0) {
        console.log(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      }
      modelOf(this, 'EarlyStopping').setWeights(this.bestWeights);
    }
  }

  private monitorValue(logs: Logs | undefined): number | undefined {
    const value = logs?.[this.monitor];
    if (value === undefined && !this.warned) {
      this.warned = true;
      console.warn(
        `Early stopping conditioned on metric \`${this.monitor}\` which is not available. ` +
          `Available metrics are: ${Object.keys(logs ?? {}).join(',')}`,
      );
    }
    return value;
  }
}

/**
 * Stop training when a monitored quantity has stopped improving (Keras's `EarlyStopping`).
 * See {@link EarlyStopping} for the behaviour and {@link EarlyStoppingArgs} for the options.
 *
 * @example
 * ```ts
 * const stop = earlyStopping({ patience: 3, restoreBestWeights: true });
 * ```
 * @throws {TypeError|RangeError} When an option is invalid or unknown.
 */
export function earlyStopping(args?: EarlyStoppingArgs): EarlyStopping {
  return new EarlyStopping(args);
}
