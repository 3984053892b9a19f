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
import type { Packed, Tensor, TensorInput } from '../tensor.js';
import { Callback, type CallbackHooks, type CallbackModel, type Logs, type TrainingParams } from '../training/callbacks/callback.js';
import { CallbackList, normalizeCallbacks } from '../training/callbacks/callback-list.js';
import type { History } from '../training/callbacks/history.js';
import { ProgressLogger } from '../training/callbacks/progress-logger.js';
import { boolean, checkOptions, describe, integer, number } from '../validate.js';
import { seedOption, verboseOption } from './call-args.js';
import type { Architecture } from './architecture.js';
import { type CompileConfig, logKeys } from './compile-args.js';
import {
  checkClassWeight,
  checkSampleWeight,
  checkXs,
  checkYs,
  type ClassWeight,
  classWeightsToSampleWeight,
  type ModelData,
  sliceRows,
} from './model-data.js';

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
   * Fraction in [0, 1) of the samples held out for validation: the LAST ones of every input,
   * target and sample weight, taken before shuffling (Keras semantics). Ignored when
   * `validationData` is given. Defaults to `0`.
   */
  validationSplit?: number;
  /**
   * `[xVal, yVal]` or `[xVal, yVal, sampleWeightVal]` evaluated at each epoch end (`val_*` logs);
   * overrides `validationSplit`. `xVal`, `yVal` take the forms `x` and `y` take.
   */
  validationData?: [ModelData, ModelData] | [ModelData, ModelData, TensorInput | Tensor];
  /**
   * One weight per sample (`[samples]`), scaling each sample's loss: the loss is the mean over the
   * batch of `w_i * loss_i` (Keras's `sample_weight`); metrics are unweighted. Defaults to none.
   */
  sampleWeight?: TensorInput | Tensor;
  /**
   * Keras's `class_weight` for a model with one output: `{ classIndex: weight }` scales the loss
   * of the samples of each class (the class of a sample: the argmax of a one-hot target, the
   * index of a sparse one, `round(y)` of a binary one); classes not listed weigh 1. Multiplies
   * `sampleWeight` when both are given. Defaults to none.
   */
  classWeight?: ClassWeight;
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
  validationData: [unknown, unknown, unknown] | undefined;
  sampleWeight: unknown;
  classWeight: Map<number, number> | undefined;
  shuffle: boolean;
  initialEpoch: number;
  seed: number | undefined;
  signal: AbortSignal | undefined;
}

const FIT_OPTIONS = [
  'epochs', 'batchSize', 'verbose', 'callbacks', 'validationSplit', 'validationData', 'shuffle',
  'initialEpoch', 'seed', 'signal', 'sampleWeight', 'classWeight',
] as const;

/** Validates `fit` options and fills the defaults. */
export function fitOptions(args: unknown): FitOptions {
  const o = checkOptions<FitArgs>(args, 'fit', FIT_OPTIONS);
  let validationData: [unknown, unknown, unknown] | undefined;
  if (o.validationData !== undefined) {
    if (!Array.isArray(o.validationData) || (o.validationData.length !== 2 && o.validationData.length !== 3)) {
      throw new TypeError(
        `Expected an array [xVal, yVal] (or [xVal, yVal, sampleWeightVal]) for fit.validationData but received ${describe(o.validationData)}`,
      );
    }
    validationData = [o.validationData[0], o.validationData[1], o.validationData[2]];
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
    sampleWeight: o.sampleWeight,
    classWeight: o.classWeight === undefined ? undefined : checkClassWeight(o.classWeight, 'fit.classWeight'),
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

/** Training or validation data once checked: one tensor per input and per output, and the sample weights. */
export interface FitData {
  xs: Packed[];
  ys: Packed[];
  sampleWeight: Packed | null;
}

/** Splits off the LAST `fraction` of the samples (before any shuffling) of every array, as Keras does. */
export function splitValidation(data: FitData, fraction: number): { train: FitData; validation: FitData } {
  const n = data.xs[0]!.shape[0]!;
  const splitAt = Math.floor(n * (1 - fraction));
  if (splitAt <= 0 || splitAt >= n) {
    throw new RangeError(
      `fit.x has ${n} samples, too few to split into training and validation sets with validationSplit ${fraction}`,
    );
  }
  const part = (from: number, to: number): FitData => ({
    xs: data.xs.map((x) => sliceRows(x, from, to)),
    ys: data.ys.map((y) => sliceRows(y, from, to)),
    sampleWeight: data.sampleWeight && sliceRows(data.sampleWeight, from, to),
  });
  return { train: part(0, splitAt), validation: part(splitAt, n) };
}

/**
 * Checks `x`, `y` and the sample weights of a fit (or its validation data) and packs them;
 * `classWeight` becomes per-sample weights. `path` names them (`fit`, `fit.validationData`).
 */
export function fitData(
  arch: Architecture,
  compile: CompileConfig,
  x: unknown,
  y: unknown,
  sampleWeight: unknown,
  classWeight: Map<number, number> | undefined,
  names: { x: string; y: string; sampleWeight: string; classWeight: string },
): FitData {
  const xs = checkXs(arch, x, names.x);
  const ys = checkYs(arch, compile.losses, xs, y, names.y, names.x);
  const n = xs[0]!.shape[0]!;
  let sw = sampleWeight === undefined || sampleWeight === null ? undefined : checkSampleWeight(sampleWeight, n, names.sampleWeight, names.x);
  if (classWeight) {
    const sparse = compile.losses[0]?.className === 'SparseCategoricalCrossentropy';
    sw = classWeightsToSampleWeight(classWeight, arch, ys[0]!, sparse, sw, names.classWeight, names.y);
  }
  return { xs, ys, sampleWeight: sw ?? null };
}

function abortError(signal: AbortSignal, history: History | undefined): AbortError {
  const err = new AbortError('fit was aborted', { cause: signal.reason });
  err.history = history;
  return err;
}

function toNative(p: Packed): NativeTensor {
  return { data: p.data, shape: p.shape };
}

function dataToNative(d: FitData): { xs: NativeTensor[]; ys: NativeTensor[]; sampleWeight: NativeTensor | null } {
  return { xs: d.xs.map(toNative), ys: d.ys.map(toNative), sampleWeight: d.sampleWeight && toNative(d.sampleWeight) };
}

/** Runs one training job; resolves with its History. The caller holds the model's busy flag. */
export async function runFit(ctx: FitContext, xIn: unknown, yIn: unknown, o: FitOptions): Promise<History> {
  if (o.signal?.aborted) throw abortError(o.signal, undefined);
  const { native, arch, compile } = ctx;
  let train = fitData(arch, compile, xIn, yIn, o.sampleWeight, o.classWeight, {
    x: 'fit.x', y: 'fit.y', sampleWeight: 'fit.sampleWeight', classWeight: 'fit.classWeight',
  });
  let validation: FitData | null = null;
  if (o.validationData) {
    const [vx, vy, vw] = o.validationData;
    validation = fitData(arch, compile, vx, vy, vw, undefined, {
      x: 'fit.validationData[0]', y: 'fit.validationData[1]', sampleWeight: 'fit.validationData[2]', classWeight: '',
    });
  } else if (o.validationSplit > 0) {
    ({ train, validation } = splitValidation(train, o.validationSplit));
  }

  const params: TrainingParams = {
    epochs: o.epochs,
    steps: Math.ceil(train.xs[0]!.shape[0]! / o.batchSize),
    verbose: o.verbose,
    metrics: logKeys(compile),
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
        const t = dataToNative(train);
        const job = native.fit(
          t.xs,
          t.ys,
          t.sampleWeight,
          validation && dataToNative(validation),
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
