/**
 * The ONLY module that loads the addon. Everything else imports the typed
 * {@link binding} from here and never knows how the `.node` file was found.
 *
 * Thread defaults are applied before LibTorch loads (see `threads.ts`).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
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

/** Keras-format JSON of one layer of a Functional model: the layer, its name and its calls. */
export interface KerasFunctionalLayerJson extends KerasLayerJson {
  name: string;
  /** Keras 3: `[{ args, kwargs }]` with `__keras_tensor__` references; Keras 2: `[[['layer', node, tensor, kwargs], ...]]`. */
  inbound_nodes: unknown[];
}

/** Keras-format JSON of a Sequential model (what `model.json` stores under `model_config`). */
export interface SequentialSpecJson {
  class_name: 'Sequential';
  config: { name: string; layers: KerasLayerJson[] };
}

/** A Keras tensor reference in `input_layers` / `output_layers`: `[layer name, node index, tensor index]`. */
export type KerasTensorRef = [string, number, number];

/** Keras-format JSON of a Functional model (Keras 3 layout, as `model.to_json()` writes it). */
export interface FunctionalSpecJson {
  /** `keras.src.models.functional`: where Keras 3 finds the class. */
  module?: string;
  class_name: 'Functional';
  registered_name?: string;
  config: {
    name: string;
    trainable: boolean;
    layers: KerasFunctionalLayerJson[];
    /** One reference (a model built from one tensor) or a list of them. */
    input_layers: KerasTensorRef | KerasTensorRef[];
    output_layers: KerasTensorRef | KerasTensorRef[];
  };
}

/** The Keras JSON of any model: what `getConfig()` returns and `model.json` stores. */
export type ModelSpecJson = SequentialSpecJson | FunctionalSpecJson;

/** The engine's graph, derived in lib/serialization from the model's Keras JSON (Sequential or Functional). */
export interface EngineGraphJson {
  name: string;
  /** Model inputs in order; shape without batch (null = variable). */
  inputs: { name: string; shape: (number | null)[] }[];
  /** Every layer once (shared layers appear once), Keras JSON `{ class_name, config }`, config fully defaulted. */
  layers: KerasLayerJson[];
  /**
   * Calls of layers in topological order. `inputs` are [source, tensorIndex] pairs where sources
   * 0..inputs.length-1 are the model inputs (tensorIndex 0) and source inputs.length + k is node k's
   * outputs. Extra inputs of a recurrent layer after the first are its initial state tensors (Keras
   * initial_state); Attention takes [query, value] or [query, value, key].
   */
  nodes: { layer: number; inputs: [number, number][] }[];
  /** Model outputs, [source, tensorIndex]. */
  outputs: [number, number][];
}

/** Keras-format compile config (`compile_config` of a saved model), fully defaulted and resolved per output by TS. */
export interface CompileSpecJson {
  optimizer: KerasLayerJson;
  /** One loss per model output (Keras JSON), fully defaulted. */
  losses: KerasLayerJson[];
  /** One weight per model output (Keras loss_weights; 1 when not given). */
  loss_weights: number[];
  /** Metrics per model output: `[{ name (log key as the user wrote it), class_name }]`. */
  metrics: { name: string; class_name: string }[][];
  /**
   * Output names (the output layers' names), used for log keys when there are several outputs:
   * `loss` (weighted total incl. regularization), `<output>_loss`, `<output>_<metric>`; with one
   * output: `loss`, `<metric>`.
   */
  output_names: string[];
  /** Keras mixed-precision policy: 'float32', 'mixed_bfloat16' (CPU and CUDA), 'mixed_float16' (CUDA). */
  precision?: 'float32' | 'mixed_bfloat16' | 'mixed_float16';
}

/** Validation data of a fit, aligned as the training data is. */
export interface NativeValidationData {
  xs: NativeTensor[];
  ys: NativeTensor[];
  sampleWeight: NativeTensor | null;
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

/** Options of one native training job (validated and defaulted in TS). */
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

/** What the training thread reports after a batch (when batch reports are wanted). */
export interface NativeBatchReport {
  epoch: number;
  batch: number;
  /** Batches per epoch. */
  steps: number;
  size: number;
  /** Running means over the epoch so far, Keras log keys. */
  logs: Record<string, number>;
}

/** What the training thread reports at each epoch end, before it waits for the answer. */
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

/** The engine model built from an {@link EngineGraphJson}: weights, compile, train, predict. */
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
  /**
   * Every model output in order, for the model inputs `xs` (in order). `training` keeps dropout
   * active (Monte-Carlo dropout), masks seeded by `seed`.
   */
  predict(xs: NativeTensor[], batchSize: number, training?: boolean, seed?: number): Promise<NativeTensor[]>;
  /**
   * Inference computed at once on the calling thread when it is tiny (a few samples through a
   * small model, the engine's lean loops: microseconds, less than the hop to the thread pool):
   * every output, or `null` when the call is not tiny or the model is not free; then `predict`.
   */
  predictSmall?(xs: NativeTensor[]): NativeTensor[] | null;
  /**
   * Loss and metrics (Keras log keys). `ys` are aligned to each output's shape by TS; `sampleWeight`
   * is float32 `[n]` (loss = mean over the batch of w_i * loss_i; metrics unweighted).
   */
  evaluate(xs: NativeTensor[], ys: NativeTensor[], sampleWeight: NativeTensor | null, batchSize: number): Promise<Record<string, number>>;
  /** Gradients of the (unregularized) loss w.r.t. each weight, in getWeights order. */
  gradients(xs: NativeTensor[], ys: NativeTensor[], sampleWeight: NativeTensor | null, training: boolean, seed?: number): Promise<NativeTensor[]>;
  /**
   * Trains on a dedicated native thread. `onEpoch` is called at each epoch end; the
   * worker waits until `resume(answer)` is called. Resolves when training ends.
   */
  fit(
    xs: NativeTensor[],
    ys: NativeTensor[],
    sampleWeight: NativeTensor | null,
    validation: NativeValidationData | null,
    options: NativeFitOptions,
    onBatch: (report: NativeBatchReport) => void,
    onEpoch: (report: NativeEpochReport, resume: (answer: NativeEpochAnswer) => void) => void,
  ): Promise<void>;
  /**
   * Asks a running fit to stop after the batch in flight: at once (abort, dispose), or, with
   * `finishEpoch`, after validating and reporting the current epoch (Keras's `stopTraining`).
   */
  requestStop(finishEpoch?: boolean): void;
  /** Stateful RNNs: zeroes their carried states. */
  resetStates(): void;
  /** Frees the engine's memory now, or when a running job ends. */
  dispose(): void;
}

/** The optimizer's state, as saved in `optimizer.safetensors`. */
export interface NativeOptimizerState {
  iterations: number;
  learningRate: number;
  /** Slot tensors named "<slot>/<weight index>", e.g. "momentums/0", "velocities/3". */
  tensors: Record<string, NativeTensor>;
}

/** The thread pools LibTorch and the BLAS use. */
export interface ThreadInfo {
  /** ATen intra-op threads. */
  intraOp: number;
  /** ATen inter-op threads. */
  interOp: number;
  /** OpenBLAS threads, or -1 where the BLAS offers no such control. */
  blas: number;
}

/** One weight of an int8 model in Keras's layout: int8 matrices with per-column scales, or float biases. */
export interface NativeQuantizedWeight {
  name: string;
  shape: number[];
  data: Int8Array | Float32Array;
  /** Per output channel (column) scales of an int8 matrix; absent for float biases. */
  scales?: Float32Array;
}

/** An inference-only int8 (dynamic quantization) twin of a float model. */
export interface NativeQuantizedModel {
  /** Every model output in order, for the model inputs `xs` (in order). */
  predict(xs: NativeTensor[], batchSize: number): Promise<NativeTensor[]>;
  describe(): NativeLayerInfo[];
  /** The int8 engine used and the weight bytes (int8 with scales and biases) vs float32. */
  info(): { engine: string; bytes: number; floatBytes: number };
  getWeights(): NativeQuantizedWeight[];
  dispose(): void;
}

/** What the addon exports. */
export interface NativeBinding {
  /** Builds the engine model from its graph (see `engineGraph` in lib/serialization). */
  /** `options`: where the model computes (`device` 'cpu' | 'cuda' | 'cuda:N' | 'auto', `deterministic`). */
  Model: new (graph: EngineGraphJson, options?: { device?: string; deterministic?: boolean }) => NativeModel;
  /** Built from a float model's graph and weights (Keras order; dequantized int8 weights rebuild the same model). */
  QuantizedModel: new (graph: EngineGraphJson, weights: NativeTensor[]) => NativeQuantizedModel;
  /** `int8Engine`: the quantized engine used for int8 models here ('' when none). */
  versions(): { torch: string; addon: string; cuda: boolean; int8Engine: string };
  getThreadInfo(): ThreadInfo;
  setNumThreads(intraOp: number, blas: number): void;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const packageRoot = path.resolve(here, '..');

let cached: NativeBinding | undefined;
let loadError: TorchError | undefined;

/** One place the addon may be: a prebuild shipped in the package, or a build from source. */
interface AddonCandidate {
  kind: 'prebuild' | 'source build';
  /** Absolute path of the `.node` file. */
  file: string;
  /** The `try` entry `bindings` resolves to `file` (source builds only). */
  bindingsTry?: string[];
}

/** This system's libc tag, as prebuildify and node-gyp-build name it. */
function libcTag(): string {
  return process.platform === 'linux' && existsSync('/etc/alpine-release') ? 'musl' : 'glibc';
}

/**
 * The prebuilds for this platform, best first: `prebuilds/<platform>-<arch>/<name>[.<tag>...].node`
 * named by prebuildify. A tag that does not fit this process (`abi<N>`, `uv<N>`, `armv<N>`,
 * `glibc`/`musl`, `electron`) rules a file out, as node-gyp-build's rules do; `napi` and no tag fit.
 */
function prebuildCandidates(): AddonCandidate[] {
  const dir = path.join(packageRoot, 'prebuilds', `${process.platform}-${process.arch}`);
  const expected: AddonCandidate[] = [{ kind: 'prebuild', file: path.join(dir, `torch-lstm.${libcTag()}.node`) }];
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.node'));
  } catch {
    return expected;
  }
  const fits = (tag: string): boolean => {
    if (tag === 'napi' || tag === 'node') return true;
    if (tag === 'glibc' || tag === 'musl') return tag === libcTag();
    if (tag === 'electron') return false;
    let m = /^abi(\d+)$/.exec(tag);
    if (m) return m[1] === process.versions.modules;
    m = /^uv(\d+)$/.exec(tag);
    if (m) return m[1] === process.versions.uv?.split('.')[0];
    return !/^armv\d+$/.test(tag) || process.arch === 'arm';
  };
  const usable = names.filter((n) => n.split('.').slice(1, -1).every(fits));
  const score = (n: string): number => n.split('.').length + (n.startsWith('torch-lstm.') ? 100 : 0);
  usable.sort((a, b) => score(b) - score(a));
  return usable.length > 0 ? usable.map((n) => ({ kind: 'prebuild', file: path.join(dir, n) })) : expected;
}

/** Source builds, the `bindings` way (cmake-js or `npm run build:gyp`). */
const SOURCE_TRIES = [
  ['module_root', 'build', 'Release', 'bindings'],
  ['module_root', 'build', 'Debug', 'bindings'],
  ['module_root', 'build-gyp', 'Release', 'bindings'],
];

const mtime = (file: string): number => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
};

/**
 * The search order: the prebuild for this platform first, then the source builds. One exception
 * for a development checkout: a source build NEWER than the prebuild goes first, so rebuilding
 * after `npm run prebuild` never leaves a stale prebuild in charge.
 */
function addonCandidates(): AddonCandidate[] {
  const prebuilds = prebuildCandidates();
  const sources: AddonCandidate[] = SOURCE_TRIES.map((t) => ({
    kind: 'source build',
    file: path.join(packageRoot, ...t.slice(1, -1), 'torch_lstm.node'),
    bindingsTry: t,
  }));
  const newestPrebuild = Math.max(...prebuilds.map((c) => mtime(c.file)));
  const fresher = sources.filter((c) => newestPrebuild >= 0 && mtime(c.file) > newestPrebuild);
  return [...fresher, ...prebuilds, ...sources.filter((c) => !fresher.includes(c))];
}

/** What the prebuild's `<file>.libtorch.json` (written by scripts/prebuild.mjs) says it needs. */
function prebuildNeeds(file: string): string | undefined {
  try {
    const meta = JSON.parse(readFileSync(file.replace(/\.node$/, '.libtorch.json'), 'utf8')) as { summary?: string };
    return meta.summary;
  } catch {
    return undefined;
  }
}

const firstLine = (err: unknown): string => (err instanceof Error ? err.message.split('\n')[0]! : String(err));

/** Loads the addon once; a failure is one helpful, multi-line {@link TorchError}. */
export function binding(): NativeBinding {
  if (cached) return cached;
  if (loadError) throw loadError;
  applyThreadEnvironment();
  const require = createRequire(import.meta.url);
  const bindings = require('bindings') as (opts: { bindings: string; module_root: string; try?: string[][] }) => NativeBinding;
  const tried: string[] = [];
  let firstError: unknown;
  let firstReason: string | undefined;
  let prebuildFailed: string | undefined;
  for (const candidate of addonCandidates()) {
    const where = `${candidate.kind} ${path.relative(packageRoot, candidate.file)}`;
    if (!existsSync(candidate.file)) {
      tried.push(`${where}: ${candidate.kind === 'prebuild' ? 'no prebuild for this platform' : 'not built'}`);
      continue;
    }
    try {
      cached = candidate.bindingsTry
        ? bindings({ bindings: 'torch_lstm', module_root: packageRoot, try: [candidate.bindingsTry] })
        : (require(candidate.file) as NativeBinding);
      return cached;
    } catch (err) {
      // dlopen errors start with the file's absolute path: already on the line.
      const reason = firstLine(err).replace(`${candidate.file}: `, '');
      if (firstError === undefined) {
        firstError = err;
        firstReason = `${where}: ${reason}`;
      }
      tried.push(`${where}: ${reason}`);
      if (candidate.kind === 'prebuild') prebuildFailed ??= prebuildNeeds(candidate.file);
    }
  }
  // A development checkout has lib/ (TypeScript sources); an installed package has not.
  const checkout = existsSync(path.join(packageRoot, 'lib', 'native.ts'));
  loadError = new TorchError(
    'ERR_NATIVE_LOAD',
    [
      `torch-lstm could not load its native addon on ${process.platform}-${process.arch} (Node ${process.version}).`,
      `Cause: ${firstReason ?? `no addon found: not built, and no prebuild fits ${process.platform}-${process.arch}-${libcTag()}`}`,
      'Tried:',
      ...tried.map((t) => `  - ${t}`),
      'What to do:',
      ...(prebuildFailed ? [`  - the prebuild was ${prebuildFailed}: install that LibTorch, or build from source;`] : []),
      ...(checkout
        ? [
            '  - run `npm run setup` to install LibTorch (Debian/Ubuntu: libtorch-dev) and `npm run build` to build the addon;',
            '  - or point LIBTORCH (or Torch_DIR) at an unpacked LibTorch and rebuild with `npm run build`;',
          ]
        : [
            `  - to build from source: \`node ${path.join(packageRoot, 'scripts', 'install.mjs')} --build\` (needs a C++ compiler,`,
            '    CMake >= 3.18 and LibTorch: set LIBTORCH (or Torch_DIR) to an unpacked LibTorch, or on Debian/Ubuntu it installs libtorch-dev);',
          ]),
      '  - if LibTorch lives outside the system paths, add its lib/ folder to LD_LIBRARY_PATH.',
    ].join('\n'),
    { cause: firstError },
  );
  throw loadError;
}
