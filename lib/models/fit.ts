/**
 * `model.fit()`: options, data checks, the validation split, and the dialogue with the
 * engine's training thread (batch reports, the epoch-end sync point, stop, abort).
 *
 * One native call trains all epochs. At each epoch end the engine waits: the callbacks run
 * here (History, ProgressLogger, the user's), then `resume()` answers whether to stop and
 * the learning rate for the next epoch. `resume()` is ALWAYS called, whatever a callback
 * throws, so the native thread is never left waiting.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { AbortError, fromNative, TorchError } from '../errors.js';
import type {
  NativeBatchReport,
  NativeEpochAnswer,
  NativeEpochReport,
  NativeFitOptions,
  NativeModel,
  NativeTensor,
} from '../native.js';
import { pack, type Packed, type TensorInput } from '../tensor.js';
import { Callback, type CallbackHooks, type CallbackModel, type Logs, type TrainingParams } from '../training/callbacks/callback.js';
import { CallbackList, normalizeCallbacks } from '../training/callbacks/callback-list.js';
import type { History } from '../training/callbacks/history.js';
import { ProgressLogger } from '../training/callbacks/progress-logger.js';
import { boolean, checkOptions, describe, integer, number } from '../validate.js';
import { seedOption, verboseOption } from './call-args.js';
import { type Architecture, checkX, checkY, sliceRows } from './architecture.js';
import type { CompileConfig } from './compile-args.js';

/** Options of `model.fit()`, Keras's in camelCase. */
export interface FitArgs {
  /** Index of the epoch to stop before (training runs `initialEpoch .. epochs - 1`). Defaults to `1`. */
  epochs?: number;
  /** Samples per gradient step. Defaults to `32`. */
  batchSize?: number;
  /** 0: silent; 1: a progress bar; 2: one line per epoch. Defaults to `1`. */
  verbose?: 0 | 1 | 2;
  /** Callbacks (instances or objects of hooks). A History is always added and returned. Defaults to `[]`. */
  callbacks?: (Callback | CallbackHooks)[];
  /**
   * Fraction in [0, 1) of the samples held out for validation: the LAST ones, taken before
   * shuffling (Keras semantics). Ignored when `validationData` is given. Defaults to `0`.
   */
  validationSplit?: number;
  /** `[xVal, yVal]` evaluated at each epoch end (`val_*` logs); overrides `validationSplit`. */
  validationData?: [TensorInput, TensorInput];
  /** Shuffle the training samples before each epoch. Defaults to `true`. */
  shuffle?: boolean;
  /** Epoch to start from (to resume a previous run). Defaults to `0`. */
  initialEpoch?: number;
  /** Seed for shuffling and dropout masks (reproducible runs). Defaults to a random draw. */
  seed?: number;
  /** Aborts training: `fit` rejects with an `AbortError` carrying the partial `history`. */
  signal?: AbortSignal;
}

/** The validated, defaulted fit options. */
export interface FitOptions {
  epochs: number;
  batchSize: number;
  verbose: 0 | 1 | 2;
  callbacks: Callback[];
  validationSplit: number;
  validationData: [unknown, unknown] | undefined;
  shuffle: boolean;
  initialEpoch: number;
  seed: number | undefined;
  signal: AbortSignal | undefined;
}

const FIT_OPTIONS = [
  'epochs', 'batchSize', 'verbose', 'callbacks', 'validationSplit', 'validationData', 'shuffle',
  'initialEpoch', 'seed', 'signal',
] as const;

/** Validates `fit` options and fills the defaults. */
export function fitOptions(args: unknown): FitOptions {
  const o = checkOptions<FitArgs>(args, 'fit', FIT_OPTIONS);
  let validationData: [unknown, unknown] | undefined;
  if (o.validationData !== undefined) {
    if (!Array.isArray(o.validationData) || o.validationData.length !== 2) {
      throw new TypeError(
        `Expected an array [xVal, yVal] for fit.validationData but received ${describe(o.validationData)}`,
      );
    }
    validationData = [o.validationData[0], o.validationData[1]];
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    throw new TypeError(`Expected an AbortSignal for fit.signal but received ${describe(o.signal)} of type ${typeof o.signal}`);
  }
  return {
    epochs: o.epochs === undefined ? 1 : integer(o.epochs, 'fit.epochs', { min: 1 }),
    batchSize: o.batchSize === undefined ? 32 : integer(o.batchSize, 'fit.batchSize', { min: 1 }),
    verbose: verboseOption(o.verbose, 'fit.verbose'),
    callbacks: normalizeCallbacks(o.callbacks, 'fit.callbacks'),
    validationSplit:
      o.validationSplit === undefined ? 0 : number(o.validationSplit, 'fit.validationSplit', { min: 0, max: 1, maxExclusive: true }),
    validationData,
    shuffle: o.shuffle === undefined ? true : boolean(o.shuffle, 'fit.shuffle'),
    initialEpoch: o.initialEpoch === undefined ? 0 : integer(o.initialEpoch, 'fit.initialEpoch', { min: 0 }),
    seed: seedOption(o.seed, 'fit.seed'),
    signal: o.signal,
  };
}

/** What `runFit` needs from the model. */
export interface FitContext {
  /** The model as callbacks see it (`stopTraining`, weights, optimizer). */
  model: CallbackModel;
  native: NativeModel;
  arch: Architecture;
  compile: CompileConfig;
  isDisposed(): boolean;
  /** Makes the engine use `optimizer.learningRate` from now on (recompiles if needed). */
  syncLearningRate(): void;
  /** Records that the engine received `lr` through `resume`. */
  learningRateSent(lr: number): void;
  /** The learning rate the engine uses now. */
  currentEngineLearningRate(): number;
}

/**
 * The model whose fit callbacks are running at a sync point (train begin/end, epoch begin/end:
 * the engine is not stepping), carried through the callbacks' async continuations.
 */
const syncPoint = new AsyncLocalStorage<CallbackModel>();

/**
 * Whether the caller runs inside a callback of `model`'s fit at a sync point, where predict,
 * evaluate and weight access are allowed (code outside the callbacks still gets `ERR_BUSY`).
 */
export function atFitSyncPoint(model: CallbackModel): boolean {
  return syncPoint.getStore() === model;
}

/** Splits off the LAST `fraction` of the samples (before any shuffling), as Keras does. */
export function splitValidation(
  x: Packed,
  y: Packed,
  fraction: number,
): { train: { x: Packed; y: Packed }; validation: { x: Packed; y: Packed } } {
  const n = x.shape[0]!;
  const splitAt = Math.floor(n * (1 - fraction));
  if (splitAt <= 0 || splitAt >= n) {
    throw new RangeError(
      `fit.x has ${n} samples, too few to split into training and validation sets with validationSplit ${fraction}`,
    );
  }
  return {
    train: { x: sliceRows(x, 0, splitAt), y: sliceRows(y, 0, splitAt) },
    validation: { x: sliceRows(x, splitAt, n), y: sliceRows(y, splitAt, n) },
  };
}

function abortError(signal: AbortSignal, history: History | undefined): AbortError {
  const err = new AbortError('fit was aborted', { cause: signal.reason });
  err.history = history;
  return err;
}

function toNative(p: Packed): NativeTensor {
  return { data: p.data, shape: p.shape };
}

/** Runs one training job; resolves with its History. The caller holds the model's busy flag. */
export async function runFit(ctx: FitContext, xIn: unknown, yIn: unknown, o: FitOptions): Promise<History> {
  if (o.signal?.aborted) throw abortError(o.signal, undefined);
  const { native, arch, compile } = ctx;
  const x = pack(xIn as TensorInput, 'fit.x');
  checkX(arch, x, 'fit.x');
  const y = checkY(arch, x, pack(yIn as TensorInput, 'fit.y'), 'fit.y', 'fit.x');
  let train = { x, y };
  let validation: { x: Packed; y: Packed } | null = null;
  if (o.validationData) {
    const vx = pack(o.validationData[0] as TensorInput, 'fit.validationData[0]');
    checkX(arch, vx, 'fit.validationData[0]');
    const vy = checkY(arch, vx, pack(o.validationData[1] as TensorInput, 'fit.validationData[1]'), 'fit.validationData[1]', 'fit.validationData[0]');
    validation = { x: vx, y: vy };
  } else if (o.validationSplit > 0) {
    ({ train, validation } = splitValidation(x, y, o.validationSplit));
  }

  const params: TrainingParams = {
    epochs: o.epochs,
    steps: Math.ceil(train.x.shape[0]! / o.batchSize),
    verbose: o.verbose,
    metrics: ['loss', ...compile.metrics.map((m) => m.name)],
    doValidation: validation !== null,
  };
  const list = new CallbackList(o.callbacks, {
    addHistory: true,
    addProgbar: o.verbose > 0,
    model: ctx.model,
    params,
    name: 'fit.callbacks',
  });
  const history = list.history!;
  const userBatchHooks = list.callbacks.some(
    (cb) => !(cb instanceof ProgressLogger) && cb.onBatchEnd !== Callback.prototype.onBatchEnd,
  );
  const nativeOptions: NativeFitOptions = {
    epochs: o.epochs,
    initialEpoch: o.initialEpoch,
    batchSize: o.batchSize,
    shuffle: o.shuffle,
    reportBatches: o.verbose === 1 || userBatchHooks,
    ...(o.seed === undefined ? {} : { seed: o.seed }),
  };

  const model = ctx.model;
  model.stopTraining = false;
  let failure: { error: unknown } | undefined;
  let aborted = false;
  let lastLogs: Logs = {};
  /** `finishEpoch`: Keras's stopTraining (the epoch ends, with validation and its hooks); else abort now. */
  const requestStop = (finishEpoch = false): void => {
    try {
      native.requestStop(finishEpoch);
    } catch {
      // The job may have ended or the model been disposed; nothing left to stop.
    }
  };
  const fail = (error: unknown): void => {
    failure ??= { error };
    requestStop();
  };
  const onAbort = (): void => {
    aborted = true;
    requestStop();
  };

  /** Runs hooks at a sync point (no job running, or the engine paused at an epoch end). */
  const atSyncPoint = (hooks: () => Promise<void>): Promise<void> => syncPoint.run(model, hooks);

  const onBatch = (report: NativeBatchReport): void => {
    // Reports queued before an abort are dropped: no user hook runs after the signal fired.
    if (failure || aborted || ctx.isDisposed()) return;
    void list.onBatchEnd(report.batch, { ...report.logs });
    // flush() surfaces an error a batch hook threw; stopTraining set there stops after this batch.
    list.flush().then(
      () => {
        if (model.stopTraining) requestStop(true);
      },
      fail,
    );
  };

  const onEpoch = (report: NativeEpochReport, resume: (answer: NativeEpochAnswer) => void): void => {
    void (async () => {
      const answer: NativeEpochAnswer = { stop: true };
      try {
        if (failure || aborted || ctx.isDisposed()) return;
        const logs: Logs = { ...report.logs };
        await atSyncPoint(() => list.onEpochEnd(report.epoch, logs));
        lastLogs = logs;
        const last = report.epoch + 1 >= o.epochs;
        if (!model.stopTraining && !last && !aborted && !ctx.isDisposed()) await atSyncPoint(() => list.onEpochBegin(report.epoch + 1));
        answer.stop = model.stopTraining || aborted || ctx.isDisposed();
        const lr = model.optimizer.learningRate;
        if (lr !== ctx.currentEngineLearningRate()) answer.learningRate = lr;
      } catch (error) {
        fail(error);
        answer.stop = true;
        delete answer.learningRate;
      } finally {
        try {
          resume(answer);
          if (answer.learningRate !== undefined) ctx.learningRateSent(answer.learningRate);
        } catch (error) {
          fail(fromNative(error));
        }
      }
    })();
  };

  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await atSyncPoint(() => list.onTrainBegin());
    if (o.initialEpoch < o.epochs) {
      await atSyncPoint(() => list.onEpochBegin(o.initialEpoch));
      if (aborted) throw abortError(o.signal!, history);
      ctx.syncLearningRate();
      const callSite = new Error();
      let nativeError: unknown;
      try {
        const job = native.fit(
          toNative(train.x),
          toNative(train.y),
          validation && { x: toNative(validation.x), y: toNative(validation.y) },
          nativeOptions,
          onBatch,
          onEpoch,
        );
        if (model.stopTraining) requestStop(true);
        await job;
      } catch (error) {
        nativeError = error;
      }
      try {
        await list.flush();
      } catch (error) {
        failure ??= { error };
      }
      if (ctx.isDisposed()) {
        throw new TorchError('ERR_DISPOSED', 'The model was disposed during fit; training stopped and its memory was freed');
      }
      if (failure) throw failure.error;
      if (nativeError !== undefined) throw fromNative(nativeError, callSite);
      if (aborted) throw abortError(o.signal!, history);
    }
    await atSyncPoint(() => list.onTrainEnd(lastLogs));
    return history;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
}
