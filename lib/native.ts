/**
 * The ONLY module that loads the addon. Everything else imports the typed
 * {@link binding} from here and never knows how the `.node` file was found.
 *
 * Thread defaults are applied before LibTorch loads (see `threads.ts`).
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { TorchError } from './errors.js';
import { applyThreadEnvironment } from './threads.js';

/** A float32 tensor as it crosses the boundary. */
export interface NativeTensor {
  data: Float32Array;
  shape: number[];
}

/** Keras-format JSON of one layer: `{ class_name, config: {...snake_case} }`. */
export interface KerasLayerJson {
  class_name: string;
  config: Record<string, unknown>;
}

/** Keras-format JSON of a Sequential model (what `model.json` stores under `model_config`). */
export interface ModelSpecJson {
  class_name: 'Sequential';
  config: { name: string; layers: KerasLayerJson[] };
}

/** Keras-format compile config (`compile_config` of a saved Keras model), fully defaulted by TS. */
export interface CompileSpecJson {
  optimizer: KerasLayerJson;
  loss: KerasLayerJson;
  /** Metrics with their log key (`mae`) and canonical Keras class (`MeanAbsoluteError`). */
  metrics: { name: string; class_name: string }[];
}

/** How one layer runs, as the engine decided it. */
export interface NativeLayerInfo {
  name: string;
  className: string;
  outputShape: (number | null)[];
  params: number;
  /** Recurrent layers only: the kernel used in training and in inference, and why. */
  kernel?: { training: string; inference: string; reason: string };
}

export interface NativeFitOptions {
  epochs: number;
  initialEpoch: number;
  batchSize: number;
  shuffle: boolean;
  /** Seed for shuffling and dropout masks; absent: drawn from the global generator. */
  seed?: number;
  /** Whether the batch callback is wanted at all (verbose 1 or batch hooks). */
  reportBatches: boolean;
}

export interface NativeBatchReport {
  epoch: number;
  batch: number;
  /** Batches per epoch. */
  steps: number;
  size: number;
  /** Running means over the epoch so far, Keras log keys. */
  logs: Record<string, number>;
}

export interface NativeEpochReport {
  epoch: number;
  /** Epoch means; `val_*` when validation data was given; `lr` always. */
  logs: Record<string, number>;
}

/** What TS answers at each epoch end before the next epoch starts. */
export interface NativeEpochAnswer {
  stop: boolean;
  /** New learning rate for the following epochs. */
  learningRate?: number;
}

export interface NativeModel {
  /** Layer table with the kernel choice made by the engine. */
  describe(): NativeLayerInfo[];
  /** Weights in Keras order and layout. Allowed while idle or paused at an epoch end. */
  getWeights(): NativeTensor[];
  setWeights(weights: NativeTensor[]): void;
  /** Sets optimizer, loss and metrics; resets optimizer state. */
  compile(config: CompileSpecJson): void;
  /** The optimizer's state (compiled models): step count, learning rate, slot tensors by "<slot>/<weight index>". */
  getOptimizerState(): NativeOptimizerState;
  /** Restores a state from getOptimizerState (shapes checked against the weights). */
  setOptimizerState(state: NativeOptimizerState): void;
  /**
   * Pruning masks in getWeights order (`null`: not masked; `[]` clears all). Masked entries are
   * zeroed now and after every optimizer step, so pruned weights stay pruned through fine-tuning.
   */
  setWeightMasks(masks: (NativeTensor | null)[]): void;
  /** `training` keeps dropout active (Monte-Carlo dropout), masks seeded by `seed`. */
  predict(x: NativeTensor, batchSize: number, training?: boolean, seed?: number): Promise<NativeTensor[]>;
  evaluate(x: NativeTensor, y: NativeTensor, batchSize: number): Promise<Record<string, number>>;
  /** Gradients of the (unregularized) loss w.r.t. each weight, in getWeights order. */
  gradients(x: NativeTensor, y: NativeTensor, training: boolean, seed?: number): Promise<NativeTensor[]>;
  /**
   * Trains on a dedicated native thread. `onEpoch` is called at each epoch end; the
   * worker waits until `resume(answer)` is called. Resolves when training ends.
   */
  fit(
    x: NativeTensor,
    y: NativeTensor,
    validation: { x: NativeTensor; y: NativeTensor } | null,
    options: NativeFitOptions,
    onBatch: (report: NativeBatchReport) => void,
    onEpoch: (report: NativeEpochReport, resume: (answer: NativeEpochAnswer) => void) => void,
  ): Promise<void>;
  /**
   * Asks a running fit to stop after the batch in flight: at once (abort, dispose), or, with
   * `finishEpoch`, after validating and reporting the current epoch (Keras's `stopTraining`).
   */
  requestStop(finishEpoch?: boolean): void;
  /** Frees the engine's memory now, or when a running job ends. */
  dispose(): void;
}

export interface NativeOptimizerState {
  iterations: number;
  learningRate: number;
  /** Slot tensors named "<slot>/<weight index>", e.g. "momentums/0", "velocities/3". */
  tensors: Record<string, NativeTensor>;
}

export interface ThreadInfo {
  /** ATen intra-op threads. */
  intraOp: number;
  /** ATen inter-op threads. */
  interOp: number;
  /** OpenBLAS threads, or -1 where the BLAS offers no such control. */
  blas: number;
}

export interface NativeBinding {
  Model: new (spec: ModelSpecJson) => NativeModel;
  versions(): { torch: string; addon: string; cuda: boolean };
  getThreadInfo(): ThreadInfo;
  setNumThreads(intraOp: number, blas: number): void;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const packageRoot = path.resolve(here, '..');

let cached: NativeBinding | undefined;
let loadError: TorchError | undefined;

/** Loads the addon once; a failure is one helpful, multi-line {@link TorchError}. */
export function binding(): NativeBinding {
  if (cached) return cached;
  if (loadError) throw loadError;
  applyThreadEnvironment();
  const require = createRequire(import.meta.url);
  try {
    const bindings = require('bindings') as (opts: { bindings: string; module_root: string; try?: string[][] }) => NativeBinding;
    cached = bindings({
      bindings: 'torch_lstm',
      module_root: packageRoot,
      try: [
        ['module_root', 'build', 'Release', 'bindings'],
        ['module_root', 'build', 'Debug', 'bindings'],
        ['module_root', 'build-gyp', 'Release', 'bindings'],
        ['module_root', 'prebuilds', 'platform-arch', 'bindings'],
      ],
    });
    return cached;
  } catch (err) {
    const cause = err instanceof Error ? err.message.split('\n')[0] : String(err);
    loadError = new TorchError(
      'ERR_NATIVE_LOAD',
      [
        `torch-lstm could not load its native addon on ${process.platform}-${process.arch} (Node ${process.version}).`,
        `Cause: ${cause}`,
        'What to do:',
        '  - run `npm run setup` to install LibTorch (Debian/Ubuntu: libtorch-dev) and `npm run build` to build the addon;',
        '  - or point LIBTORCH (or Torch_DIR) at an unpacked LibTorch and rebuild with `npm run build`;',
        '  - if LibTorch lives outside the system paths, add its lib/ folder to LD_LIBRARY_PATH.',
      ].join('\n'),
      { cause: err },
    );
    throw loadError;
  }
}
