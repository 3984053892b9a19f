/**
 * ModelCheckpoint: save the model or its weights during training (Keras 3's
 * `keras.callbacks.ModelCheckpoint`), at each epoch end, where the engine is paused.
 */
import { formatTemplate, type TemplateValue } from '../../io/path-template.js';
import { WEIGHTS_SUFFIX } from '../../io/weights-file.js';
import * as v from '../../validate.js';
import { Callback, type CallbackModel, type Logs } from './callback.js';
import type { MonitorMode } from './early-stopping.js';
import { pyFixed } from './progress-logger.js';

/** Options of {@link modelCheckpoint}. */
export interface ModelCheckpointArgs {
  /**
   * Where to save: a model directory (`model.save`), or with `saveWeightsOnly` a file ending in
   * `.weights.safetensors`. May hold Python format fields filled at each save with `epoch`
   * (1-based) and the epoch's logs: `'ckpt/epoch{epoch:02d}-{val_loss:.4f}'`.
   */
  filepath: string;
  /** The log to compare with `saveBestOnly`. Defaults to `'val_loss'`. */
  monitor?: string;
  /** 0: silent; 1: a message at each save (or skipped save). Defaults to `0`. */
  verbose?: number;
  /** Save only when `monitor` improves on the best value so far. Defaults to `false`. */
  saveBestOnly?: boolean;
  /** Save only the weights (`model.saveWeights`), not the whole model. Defaults to `false`. */
  saveWeightsOnly?: boolean;
  /**
   * `'min'`, `'max'`, or `'auto'`: maximise when `monitor` contains `acc` or starts with
   * `fmeasure`, else minimise (Keras's rule). Defaults to `'auto'`.
   */
  mode?: MonitorMode;
  /**
   * `'epoch'`: save at each epoch end. A number of batches (Keras's other choice) is refused:
   * the engine pauses only at epoch ends. Defaults to `'epoch'`.
   */
  saveFreq?: 'epoch';
  /** With `saveBestOnly`, the value `monitor` must beat first. Defaults to none (`inf` or `-inf`). */
  initialValueThreshold?: number;
}

/** {@link ModelCheckpointArgs} with every default filled in. */
export interface ModelCheckpointConfig extends Required<Omit<ModelCheckpointArgs, 'initialValueThreshold'>> {
  initialValueThreshold: number | null;
}

const OPTIONS: readonly (keyof ModelCheckpointArgs)[] = [
  'filepath', 'monitor', 'verbose', 'saveBestOnly', 'saveWeightsOnly', 'mode', 'saveFreq', 'initialValueThreshold',
];

/** The model methods a checkpoint calls (a Sequential has them). */
interface SavingModel extends CallbackModel {
  save(dir: string, args?: { overwrite?: boolean }): Promise<void>;
  saveWeights(file: string, args?: { overwrite?: boolean }): Promise<void>;
}

function savingModel(model: CallbackModel | undefined): SavingModel {
  if (!model) throw new Error('ModelCheckpoint has no model: call setModel() (fit does this) before its hooks run');
  const m = model as Partial<SavingModel>;
  if (typeof m.save !== 'function' || typeof m.saveWeights !== 'function') {
    throw new TypeError('ModelCheckpoint needs a model with save() and saveWeights() (a Sequential)');
  }
  return model as SavingModel;
}

/**
 * Save the model or its weights at each epoch end, every time or only when `monitor`
 * improves (Keras 3's ModelCheckpoint, with the same file-name templating and messages).
 *
 * A whole model is saved with `model.save(path)` (a directory, written atomically, with the
 * optimizer state so training can resume); `saveWeightsOnly` writes `model.saveWeights(path)`
 * (one `.weights.safetensors` file, written atomically). Training waits for the save.
 *
 * @example
 * ```ts
 * await model.fit(x, y, { epochs: 50, validationSplit: 0.2, callbacks: [
 *   modelCheckpoint({ filepath: 'ckpt/best.weights.safetensors', saveWeightsOnly: true, saveBestOnly: true }),
 * ] });
 * await model.loadWeights('ckpt/best.weights.safetensors'); // the best epoch's weights
 * ```
 * @throws {TypeError|RangeError} an invalid or unknown option, a `saveFreq` in batches, a
 *   weights-only `filepath` without the `.weights.safetensors` suffix (or a model directory with it).
 */
export class ModelCheckpoint extends Callback {
  readonly filepath: string;
  readonly monitor: string;
  readonly verbose: number;
  readonly saveBestOnly: boolean;
  readonly saveWeightsOnly: boolean;
  readonly mode: MonitorMode;
  readonly saveFreq: 'epoch';
  readonly initialValueThreshold: number | null;
  /** The best monitored value so far (kept across fits, as Keras does). */
  best: number;

  private readonly direction: 'min' | 'max';
  private warned = false;

  constructor(args: ModelCheckpointArgs) {
    super();
    const name = 'modelCheckpoint';
    if (args === undefined) throw new TypeError(`Expected an options object with a filepath for ${name} but received undefined`);
    const o = v.checkOptions<ModelCheckpointArgs>(args, name, OPTIONS);
    this.filepath = v.string(o.filepath, `${name}.filepath`);
    if (this.filepath.length === 0) throw new RangeError(`Expected a non-empty path for ${name}.filepath but received ""`);
    this.monitor = o.monitor === undefined ? 'val_loss' : v.string(o.monitor, `${name}.monitor`);
    this.verbose = o.verbose === undefined ? 0 : v.integer(o.verbose, `${name}.verbose`, { min: 0 });
    this.saveBestOnly = o.saveBestOnly === undefined ? false : v.boolean(o.saveBestOnly, `${name}.saveBestOnly`);
    this.saveWeightsOnly = o.saveWeightsOnly === undefined ? false : v.boolean(o.saveWeightsOnly, `${name}.saveWeightsOnly`);
    this.mode = o.mode === undefined ? 'auto' : v.oneOf(o.mode, `${name}.mode`, ['auto', 'min', 'max'] as const);
    if (o.saveFreq !== undefined && o.saveFreq !== 'epoch') {
      const batches = typeof o.saveFreq === 'number';
      throw new RangeError(
        `Expected 'epoch' for ${name}.saveFreq but received ${v.describe(o.saveFreq)}` +
          (batches ? '; saving every N batches is not supported: the engine pauses (and a checkpoint can be taken) only at epoch ends' : ''),
      );
    }
    this.saveFreq = 'epoch';
    this.initialValueThreshold =
      o.initialValueThreshold === undefined || o.initialValueThreshold === null ? null : v.number(o.initialValueThreshold, `${name}.initialValueThreshold`);
    if (this.saveWeightsOnly && !this.filepath.endsWith(WEIGHTS_SUFFIX)) {
      throw new RangeError(
        `When saveWeightsOnly is true, ${name}.filepath must end in "${WEIGHTS_SUFFIX}" but received ${v.describe(this.filepath)}`,
      );
    }
    if (!this.saveWeightsOnly && this.filepath.endsWith('.safetensors')) {
      throw new RangeError(
        `${name}.filepath ${v.describe(this.filepath)} names a safetensors file, but a whole model is saved as a directory; ` +
          'pass saveWeightsOnly: true to save only the weights, or a directory path',
      );
    }
    const auto = this.monitor.includes('acc') || this.monitor.startsWith('fmeasure') ? 'max' : 'min';
    this.direction = this.mode === 'auto' ? auto : this.mode;
    this.best = this.initialValueThreshold ?? (this.direction === 'min' ? Infinity : -Infinity);
  }

  /** The options with every default filled in. */
  getConfig(): ModelCheckpointConfig {
    const { filepath, monitor, verbose, saveBestOnly, saveWeightsOnly, mode, saveFreq, initialValueThreshold } = this;
    return { filepath, monitor, verbose, saveBestOnly, saveWeightsOnly, mode, saveFreq, initialValueThreshold };
  }

  /** The path of the save at the end of `epoch` (0-based; 1-based in the name, as Keras). */
  filePathFor(epoch: number, logs: Logs = {}): string {
    const values: Record<string, TemplateValue> = { ...logs, epoch: { int: epoch + 1 } };
    return formatTemplate(this.filepath, values);
  }

  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    const model = savingModel(this.model);
    const filepath = this.filePathFor(epoch, logs);
    if (this.saveBestOnly) {
      const current = logs[this.monitor];
      if (current === undefined) {
        if (!this.warned) console.warn(`Can save best model only with ${this.monitor} available, skipping.`);
        this.warned = true;
        return;
      }
      const improved = this.direction === 'min' ? current < this.best : current > this.best;
      if (!improved) {
        this.log(`\nEpoch ${epoch + 1}: ${this.monitor} did not improve from ${pyFixed(this.best, 5)}`);
        return;
      }
      this.log(`\nEpoch ${epoch + 1}: ${this.monitor} improved from ${pyFixed(this.best, 5)} to ${pyFixed(current, 5)}, saving model to ${filepath}`);
      this.best = current;
    } else {
      this.log(`\nEpoch ${epoch + 1}: saving model to ${filepath}`);
    }
    if (this.saveWeightsOnly) await model.saveWeights(filepath, { overwrite: true });
    else await model.save(filepath, { overwrite: true });
  }

  private log(message: string): void {
    if (this.verbose > 0) process.stdout.write(`${message}\n`);
  }
}

/**
 * Save the model or its weights during training (Keras's `ModelCheckpoint`). See
 * {@link ModelCheckpoint} for the behaviour and {@link ModelCheckpointArgs} for the options.
 *
 * @example
 * ```ts
 * const checkpoint = modelCheckpoint({ filepath: 'ckpt/epoch{epoch:02d}-{val_loss:.4f}', saveBestOnly: true });
 * ```
 * @throws {TypeError|RangeError} When an option is invalid or unknown.
 */
export function modelCheckpoint(args: ModelCheckpointArgs): ModelCheckpoint {
  return new ModelCheckpoint(args);
}
