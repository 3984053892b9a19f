/**
 * A model's engine side, shared by every model kind: the native model (built lazily from the
 * model's Keras JSON and architecture), the compile config, the learning rate the engine uses,
 * weights carried across a rebuild, and the rules for when the model may be used (not
 * disposed; not while fit runs, except from fit's callbacks at a sync point).
 */
import { fromNative, TorchError } from '../errors.js';
import type { EngineGraphJson, NativeModel, NativeTensor } from '../native.js';
import { compileToKeras } from '../serialization/keras-json.js';
import type { CallbackModel } from '../training/callbacks/callback.js';
import type { EngineOptions } from './engine-options.js';
import type { Architecture } from './architecture.js';
import type { CompileConfig } from './compile-args.js';
import { getBinding } from './engine.js';
import { atFitSyncPoint } from './fit.js';

/** What the engine builds from, asked for each time the native model is (re)built. */
export interface EngineSource {
  /** The model as fit's callbacks see it (to tell its sync points). */
  model: CallbackModel;
  /** The architecture (shapes, weights); throws a RangeError saying what to change. */
  architecture(): Architecture;
  /** The engine graph the addon builds from (derived from the model's Keras JSON). */
  graph(): EngineGraphJson;
  /** Where the model computes. */
  options(): EngineOptions;
}

function disposedError(): TorchError {
  return new TorchError('ERR_DISPOSED', 'The model was disposed; create a new one');
}

function busyError(what: string, syncPointOk = false): TorchError {
  const where = syncPointOk ? ', or call it from an epoch-end or train-begin/end callback' : '';
  return new TorchError('ERR_BUSY', `Cannot ${what} while fit is running on this model; await fit (or abort it) first${where}`);
}

/** The native model of one model and its lifecycle. @internal */
export class ModelEngine {
  readonly #source: EngineSource;
  #native: NativeModel | undefined;
  #arch: Architecture | undefined;
  #compile: CompileConfig | undefined;
  /** The learning rate the engine uses now. */
  #engineLr: number | undefined;
  /** Weights of the layers that existed before the model was last rebuilt. */
  #carry: NativeTensor[] | undefined;
  #busy = false;
  #disposed = false;

  constructor(source: EngineSource) {
    this.#source = source;
  }

  /** Whether {@link dispose} was called. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** The compile config; `undefined` before compile. */
  get compileConfig(): CompileConfig | undefined {
    return this.#compile;
  }

  /** The learning rate the engine uses now; `undefined` before compile. */
  get engineLearningRate(): number | undefined {
    return this.#engineLr;
  }

  /** Records that the engine now uses `lr` (sent through fit's `resume` or an optimizer state). */
  learningRateSent(lr: number): void {
    this.#engineLr = lr;
  }

  assertNotDisposed(): void {
    if (this.#disposed) throw disposedError();
  }

  /** Not disposed, and no fit running (or, with `syncPointOk`, called from fit's callbacks at a sync point). */
  assertUsable(what: string, syncPointOk = false): void {
    this.assertNotDisposed();
    if (this.#busy && !(syncPointOk && atFitSyncPoint(this.#source.model))) throw busyError(what, syncPointOk);
  }

  /** Runs `job` (a fit) holding the busy flag. */
  async whileBusy<T>(job: () => Promise<T>): Promise<T> {
    this.#busy = true;
    try {
      return await job();
    } finally {
      this.#busy = false;
    }
  }

  /** The native model and architecture, building them (with carried weights and compile config) when needed. */
  built(): { native: NativeModel; arch: Architecture } {
    this.assertNotDisposed();
    if (this.#native && this.#arch) return { native: this.#native, arch: this.#arch };
    const arch = this.#source.architecture();
    const graph = this.#source.graph();
    const callSite = new Error();
    let native: NativeModel;
    try {
      native = new (getBinding().Model)(graph, this.#source.options());
    } catch (err) {
      throw fromNative(err, callSite);
    }
    try {
      if (this.#carry) {
        const fresh = native.getWeights();
        native.setWeights([...this.#carry, ...fresh.slice(this.#carry.length)]);
      }
      if (this.#compile) {
        native.compile(compileToKeras(this.#compile));
        this.#engineLr = this.#compile.optimizer.learningRate;
      }
    } catch (err) {
      native.dispose();
      throw fromNative(err, callSite);
    }
    this.#carry = undefined;
    this.#native = native;
    this.#arch = arch;
    return { native, arch };
  }

  /** The architecture: the built one, or one made now from the model as it is (nothing is built). */
  architecture(): Architecture {
    return this.#arch ?? this.#source.architecture();
  }

  /** As {@link built}, with the compile config; `ERR_NOT_COMPILED` before compile. */
  compiled(what: string): { native: NativeModel; arch: Architecture; compile: CompileConfig } {
    this.assertNotDisposed();
    if (!this.#compile) {
      throw new TorchError(
        'ERR_NOT_COMPILED',
        `The model must be compiled before ${what}; call model.compile({ optimizer: 'adam', loss: 'mse' }) first`,
      );
    }
    const built = this.built();
    return { ...built, compile: this.#compile };
  }

  /** Compiles the engine model with `config` (building it first); resets the optimizer state. */
  compile(config: CompileConfig): void {
    const native = this.built().native;
    const callSite = new Error();
    try {
      native.compile(compileToKeras(config));
    } catch (err) {
      throw fromNative(err, callSite);
    }
    this.#compile = config;
    this.#engineLr = config.optimizer.learningRate;
  }

  /** Calls the native model synchronously, turning its errors into TorchErrors with the caller's stack. */
  call<T>(call: (native: NativeModel) => T): T {
    const { native } = this.built();
    const callSite = new Error();
    try {
      return call(native);
    } catch (err) {
      throw fromNative(err, callSite);
    }
  }

  /**
   * A learning rate set outside training (`model.optimizer.learningRate = 1e-4` between two
   * fits) reaches the engine by recompiling, which resets the optimizer state. Changes made by
   * callbacks during fit travel through the epoch-end answer and keep the state.
   */
  syncLearningRate(): void {
    const compile = this.#compile!;
    if (compile.optimizer.learningRate === this.#engineLr) return;
    const callSite = new Error();
    try {
      this.#native!.compile(compileToKeras(compile));
    } catch (err) {
      throw fromNative(err, callSite);
    }
    this.#engineLr = compile.optimizer.learningRate;
  }

  /**
   * Frees the native model so that the next use rebuilds it from the (changed) architecture;
   * the weights it had go to the first layers of the new one. Nothing to do when not built.
   */
  rebuildOnNextUse(): void {
    if (!this.#native) return;
    const callSite = new Error();
    try {
      this.#carry = this.#native.getWeights();
      this.#native.dispose();
    } catch (err) {
      throw fromNative(err, callSite);
    }
    this.#native = undefined;
    this.#arch = undefined;
  }

  /** Frees the native model; during fit it is stopped, and freed when the job ends. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#carry = undefined;
    const native = this.#native;
    this.#native = undefined;
    if (!native) return;
    try {
      if (this.#busy) native.requestStop();
    } finally {
      native.dispose();
    }
  }
}
