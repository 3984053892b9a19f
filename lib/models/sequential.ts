/**
 * The Sequential model (Keras `keras.Sequential`): a stack of layers with compile, fit,
 * evaluate, predict and summary. The engine model is created lazily, the first time it is
 * needed (compile, predict, weights, or a summary of a model with a known input shape).
 */
import { fromNative, TorchError } from '../errors.js';
import { type AnyLayer, isLayer, layerFromSpec, layerSpec } from '../layers/index.js';
import { uniqueName } from '../layers/layer.js';
import { MODEL_IO, type ModelIo } from '../io/model-io.js';
import { saveModel, type SaveArgs } from '../io/save-model.js';
import { loadWeightsFile, saveWeightsFile, type SaveWeightsArgs } from '../io/weights-file.js';
import type { ModelSpecJson, NativeModel, NativeTensor } from '../native.js';
import { compileToKeras, modelFromKeras, modelToKeras } from '../serialization/keras-json.js';
import { pack, Tensor, type TensorInput } from '../tensor.js';
import type { CallbackModel } from '../training/callbacks/callback.js';
import type { History } from '../training/callbacks/history.js';
import { pyExp, pyFixed } from '../training/callbacks/progress-logger.js';
import type { AnyOptimizer } from '../training/optimizers.js';
import { checkOptions, describe, isPlainObject, string } from '../validate.js';
import { type Architecture, buildArchitecture, checkUniqueNames, checkWeights, checkX, checkY, layerLabel } from './architecture.js';
import { type CompileArgs, compileConfig, type CompileConfig } from './compile-args.js';
import { getBinding } from './engine.js';
import { evaluateOptions, type EvaluateArgs, gradientsOptions, type GradientsArgs, predictOptions, type PredictArgs } from './call-args.js';
import { atFitSyncPoint, type FitArgs, fitOptions, runFit } from './fit.js';
import { summaryText } from './summary.js';

/** Options of {@link sequential}. */
export interface SequentialArgs {
  /** Name of the model. Defaults to `sequential`, `sequential_1`, ... */
  name?: string;
}

function disposedError(): TorchError {
  return new TorchError('ERR_DISPOSED', 'The model was disposed; create a new one');
}

function busyError(what: string, syncPointOk = false): TorchError {
  const where = syncPointOk ? ', or call it from an epoch-end or train-begin/end callback' : '';
  return new TorchError('ERR_BUSY', `Cannot ${what} while fit is running on this model; await fit (or abort it) first${where}`);
}

function toTensor(t: NativeTensor): Tensor {
  return new Tensor(t.data, t.shape);
}

/**
 * A linear stack of layers.
 *
 * @example
 * const model = sequential([
 *   layers.lstm({ units: 64, inputShape: [10, 1], returnSequences: true, dropout: 0.2 }),
 *   layers.lstm({ units: 32, recurrentDropout: 0.1 }),
 *   layers.dense({ units: 1 }),
 * ]);
 * model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
 * const history = await model.fit(x, y, { epochs: 100, batchSize: 32, validationSplit: 0.2 });
 */
export class Sequential implements CallbackModel {
  /** The model's name. */
  readonly name: string;
  /** Set to true (from a callback) to stop training after the current batch or epoch. */
  stopTraining = false;

  #layers: AnyLayer[] = [];
  #native: NativeModel | undefined;
  #arch: Architecture | undefined;
  #compile: CompileConfig | undefined;
  /** The learning rate the engine uses now. */
  #engineLr: number | undefined;
  /** Weights of the layers that existed before an `add` after the model was built. */
  #carry: NativeTensor[] | undefined;
  #busy = false;
  #disposed = false;

  constructor(layers?: readonly AnyLayer[], args?: SequentialArgs) {
    const o = checkOptions<SequentialArgs>(args, 'sequential', ['name']);
    this.name = o.name === undefined ? uniqueName('sequential') : string(o.name, 'sequential.name');
    if (layers !== undefined) {
      if (!Array.isArray(layers)) throw new TypeError(`Expected an array of layers for sequential.layers but received ${describe(layers)} of type ${typeof layers}`);
      layers.forEach((layer, i) => this.#checkLayer(layer, `sequential.layers[${i}]`));
      checkUniqueNames(layers);
      if (layers[0]?.inputShape) buildArchitecture(layers);
      this.#layers = [...layers];
    }
  }

  /**
   * Builds a model from Keras JSON: what {@link getConfig} returns, a saved `model.json`, or a
   * Keras `config.json`. Layers are validated as the factories validate them.
   */
  static fromConfig(json: unknown): Sequential {
    const spec = modelFromKeras(json);
    return new Sequential(spec.layers.map((l, i) => layerFromSpec(l, `layers[${i}]`)), { name: spec.name });
  }

  /** The layers, in order (a copy of the list). */
  get layers(): AnyLayer[] {
    return [...this.#layers];
  }

  /** The compiled optimizer; its `learningRate` may be changed between epochs. */
  get optimizer(): AnyOptimizer {
    if (!this.#compile) throw new TorchError('ERR_NOT_COMPILED', 'The model has no optimizer yet; call model.compile() first');
    return this.#compile.optimizer;
  }

  /**
   * Appends a layer. When the model is already built, it is rebuilt on next use (as Keras
   * does): the existing layers keep their weights, the new one is initialized, and the
   * optimizer state starts afresh.
   * @throws {RangeError} when the stack becomes invalid (checked at once when the input shape is known).
   */
  add(layer: AnyLayer): void {
    this.#assertUsable('add a layer');
    this.#checkLayer(layer, 'add.layer');
    const next = [...this.#layers, layer];
    checkUniqueNames(next);
    if (next[0]!.inputShape) buildArchitecture(next);
    if (this.#native) {
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
    this.#layers = next;
  }

  /**
   * Configures training: optimizer, loss, metrics. Builds the engine model (so the first layer
   * needs its `inputShape`). Compiling again resets the optimizer state, as in Keras.
   *
   * @example
   * model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
   * @throws {TypeError|RangeError} a wrong option; {@link TorchError} `ERR_BUSY` during fit.
   */
  compile(args: CompileArgs): void {
    this.#assertUsable('compile');
    this.#compileWith(compileConfig(args));
  }

  #compileWith(config: CompileConfig): void {
    const native = this.#ensureNative().native;
    const callSite = new Error();
    try {
      native.compile(compileToKeras(config));
    } catch (err) {
      throw fromNative(err, callSite);
    }
    this.#compile = config;
    this.#engineLr = config.optimizer.learningRate;
  }

  /**
   * Prints a Keras-style table of the layers (with the LSTM kernel the engine runs in
   * training and in inference, and why) and returns it.
   * @param printFn where the text goes. Defaults to `console.log`.
   */
  summary(printFn: (text: string) => void = console.log): string {
    if (this.#disposed) throw disposedError();
    if (typeof printFn !== 'function') throw new TypeError(`Expected a function for summary.printFn but received ${describe(printFn)}`);
    const kernels = new Map<string, { training: string; inference: string; reason: string }>();
    let arch: Architecture | undefined;
    if (this.#layers[0]?.inputShape) {
      const built = this.#ensureNative();
      arch = built.arch;
      const callSite = new Error();
      try {
        for (const info of built.native.describe()) if (info.kernel) kernels.set(info.name, info.kernel);
      } catch (err) {
        throw fromNative(err, callSite);
      }
    }
    const text = summaryText(this.name, this.#layers, arch, kernels);
    printFn(text);
    return text;
  }

  /**
   * Trains the model (Keras `fit`). Resolves with the History of the run.
   *
   * @throws (as a rejection) {@link TorchError} `ERR_BUSY` when a fit already runs,
   *   `ERR_NOT_COMPILED`, `ERR_DISPOSED`; `AbortError` when `signal` aborts; a callback's error.
   */
  async fit(x: TensorInput, y: TensorInput, args?: FitArgs): Promise<History> {
    this.#assertUsable('start another fit');
    const options = fitOptions(args);
    const { native, arch, compile } = this.#ensureCompiled('fit');
    this.#busy = true;
    try {
      return await runFit(
        {
          model: this,
          native,
          arch,
          compile,
          isDisposed: () => this.#disposed,
          syncLearningRate: () => this.#syncLearningRate(),
          learningRateSent: (lr) => {
            this.#engineLr = lr;
          },
          currentEngineLearningRate: () => this.#engineLr!,
        },
        x,
        y,
        options,
      );
    } finally {
      this.#busy = false;
    }
  }

  /**
   * Loss and metrics on the given data (Keras `evaluate(..., return_dict=True)`), e.g.
   * `{ loss: 0.012, mae: 0.081 }`.
   */
  async evaluate(x: TensorInput, y: TensorInput, args?: EvaluateArgs): Promise<Record<string, number>> {
    this.#assertUsable('evaluate', true);
    const { batchSize, verbose } = evaluateOptions(args);
    const { native, arch } = this.#ensureCompiled('evaluate');
    const px = pack(x, 'evaluate.x');
    checkX(arch, px, 'evaluate.x');
    const py = checkY(arch, px, pack(y, 'evaluate.y'), 'evaluate.y', 'evaluate.x');
    const callSite = new Error();
    let logs: Record<string, number>;
    try {
      logs = await native.evaluate(px, py, batchSize);
    } catch (err) {
      throw fromNative(err, callSite);
    }
    if (verbose > 0) {
      const steps = Math.ceil(px.shape[0]! / batchSize);
      const values = Object.entries(logs).map(([k, v]) => `${k}: ${Math.abs(v) > 1e-3 ? pyFixed(v, 4) : pyExp(v, 4)}`);
      process.stdout.write(`${steps}/${steps} - ${values.join(' - ')}\n`);
    }
    return { ...logs };
  }

  /**
   * Predictions for `x` (the model's output), computed off the event loop in batches.
   *
   * @param x inputs `[samples, timesteps, features]`, nested arrays or `{ data, shape }`.
   * @param args `batchSize` (Defaults to `32`).
   * @returns the output tensor. When the last layer is an LSTM with `returnState`, this is
   *   its main output; {@link predictOutputs} gives `[output, h, c]`.
   * @example
   * const yhat = await model.predict(xTest);
   * yhat.shape; // [samples, 1]
   * @throws {TypeError|RangeError} for malformed `x`; rejects with a TorchError from the engine.
   */
  async predict(x: TensorInput, args?: PredictArgs): Promise<Tensor> {
    const outputs = await this.predictOutputs(x, args);
    return outputs[0]!;
  }

  /**
   * Every output of the model for `x`: `[output]`, or `[output, h, c]` when the last layer is
   * an LSTM with `returnState` (Keras's `predict` result for such a model).
   *
   * @example
   * const [output, h, c] = await model.predictOutputs(x);
   */
  async predictOutputs(x: TensorInput, args?: PredictArgs): Promise<Tensor[]> {
    this.#assertUsable('predict', true);
    const { batchSize, training, seed } = predictOptions(args);
    const { native, arch } = this.#ensureNative();
    const px = pack(x, 'predict.x');
    checkX(arch, px, 'predict.x');
    const callSite = new Error();
    let out: NativeTensor[];
    try {
      out = await native.predict(px, batchSize, training, seed);
    } catch (err) {
      throw fromNative(err, callSite);
    }
    return out.map(toTensor);
  }

  /**
   * Gradients of the loss w.r.t. each weight, in {@link getWeights} order (for debugging,
   * and checked against finite differences in the tests).
   */
  async gradients(x: TensorInput, y: TensorInput, args?: GradientsArgs): Promise<Tensor[]> {
    this.#assertUsable('compute gradients');
    const { training, seed } = gradientsOptions(args);
    const { native, arch } = this.#ensureCompiled('gradients');
    const px = pack(x, 'gradients.x');
    checkX(arch, px, 'gradients.x');
    const py = checkY(arch, px, pack(y, 'gradients.y'), 'gradients.y', 'gradients.x');
    const callSite = new Error();
    try {
      const grads = await native.gradients(px, py, training, seed);
      return grads.map(toTensor);
    } catch (err) {
      throw fromNative(err, callSite);
    }
  }

  /**
   * The weights, in Keras order and layout (LSTM: kernel, recurrent kernel, bias; gates i, f, c, o).
   * @throws {TorchError} `ERR_BUSY` while fit runs, except from its train and epoch callbacks
   *   (the same holds for {@link setWeights}, {@link predict} and {@link evaluate}).
   */
  getWeights(): Tensor[] {
    this.#assertUsable('read weights', true);
    const { native } = this.#ensureNative();
    const callSite = new Error();
    try {
      return native.getWeights().map(toTensor);
    } catch (err) {
      throw fromNative(err, callSite);
    }
  }

  /**
   * Sets every weight, in {@link getWeights} order; each shape is checked here (LSTM kernel
   * `[inputDim, 4*units]`, recurrent kernel `[units, 4*units]`, bias `[4*units]`, gates
   * i, f, c, o; Dense kernel `[in, out]`, bias `[out]`).
   */
  setWeights(weights: readonly (Tensor | TensorInput)[]): void {
    this.#assertUsable('set weights', true);
    const { native, arch } = this.#ensureNative();
    const packed = checkWeights(arch, weights);
    const callSite = new Error();
    try {
      native.setWeights(packed);
    } catch (err) {
      throw fromNative(err, callSite);
    }
  }

  /** The model as Keras JSON (`{ class_name: 'Sequential', config: { name, layers } }`). */
  getConfig(): ModelSpecJson {
    return modelToKeras({ name: this.name, layers: this.#layers.map(layerSpec) });
  }

  /**
   * Saves the model to the directory `dir` (Keras `model.save`): `model.json` (the Keras JSON,
   * compile config, versions), `weights.safetensors` (`lstm/kernel`, ..., readable by Python's
   * safetensors) and `optimizer.safetensors`, written atomically: a crash mid-save leaves the
   * previous save intact. Read it back with `loadModel(dir)`. Allowed in epoch-end callbacks.
   *
   * @example
   * await model.save('models/co2');
   * const again = await loadModel('models/co2');
   * @throws (as a rejection) `EEXIST` when `dir` exists and `overwrite` is false (or holds other
   *   files); {@link TorchError} `ERR_BUSY` during fit outside its callbacks.
   */
  async save(dir: string, args?: SaveArgs): Promise<void> {
    this.#assertUsable('save', true);
    await saveModel(this, dir, args);
  }

  /**
   * Saves only the weights to a file ending in `.weights.safetensors` (Keras `save_weights`),
   * atomically, a tensor per weight named `<layer>/<weight>`.
   *
   * @example
   * await model.saveWeights('ckpt/best.weights.safetensors');
   * @throws (as a rejection) {@link RangeError} a name without the suffix; `EEXIST` without overwrite.
   */
  async saveWeights(filepath: string, args?: SaveWeightsArgs): Promise<void> {
    this.#assertUsable('save weights', true);
    await saveWeightsFile(this, filepath, args);
  }

  /**
   * Sets the weights from a safetensors file (Keras `load_weights`), matched by name
   * (`lstm/kernel`, ...) with every name and shape checked.
   *
   * @example
   * await model.loadWeights('ckpt/best.weights.safetensors');
   * @throws (as a rejection) `ModelFileError` a missing, truncated or foreign file, a missing tensor, a shape mismatch.
   */
  async loadWeights(filepath: string): Promise<void> {
    this.#assertUsable('load weights', true);
    await loadWeightsFile(this, filepath);
  }

  /** Weight names, compile config and optimizer state for saving and loading. @internal */
  [MODEL_IO](): ModelIo {
    return {
      weightNames: () =>
        this.#ensureNative().arch.layers.flatMap((built, i) =>
          built.weights.map((w) => ({ name: `${built.layer.name}/${w.name}`, shape: [...w.shape], layer: layerLabel(i, built.layer) })),
        ),
      compileConfig: () => (this.#compile ? compileToKeras(this.#compile) : null),
      getOptimizerState: () => {
        this.#assertUsable('read the optimizer state', true);
        if (!this.#compile) return null;
        return this.#callNative((native) => native.getOptimizerState());
      },
      compileFrom: (config) => {
        this.#assertUsable('compile');
        this.#compileWith(config);
      },
      setOptimizerState: (state) => {
        this.#assertUsable('set the optimizer state', true);
        const lr = this.optimizer.learningRate;
        this.#callNative((native) => native.setOptimizerState({ ...state, learningRate: lr }));
        this.#engineLr = lr;
      },
    };
  }

  /** `JSON.stringify(model)` gives the Keras JSON of {@link getConfig}. */
  toJSON(): ModelSpecJson {
    return this.getConfig();
  }

  /**
   * Frees the engine's memory. During fit, training stops and memory is freed when the job
   * ends (fit rejects with `ERR_DISPOSED`). Later calls fail with `ERR_DISPOSED`.
   */
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

  [Symbol.dispose](): void {
    this.dispose();
  }

  #checkLayer(layer: unknown, name: string): asserts layer is AnyLayer {
    if (!isLayer(layer)) {
      throw new TypeError(
        `Expected a layer (layers.lstm(...), layers.dense(...), layers.dropout(...)) for ${name} but received ${describe(layer)} of type ${
          layer === null ? 'null' : isPlainObject(layer) ? 'object' : typeof layer
        }`,
      );
    }
  }

  #callNative<T>(call: (native: NativeModel) => T): T {
    const { native } = this.#ensureNative();
    const callSite = new Error();
    try {
      return call(native);
    } catch (err) {
      throw fromNative(err, callSite);
    }
  }

  #assertNotDisposed(): void {
    if (this.#disposed) throw disposedError();
  }

  /** Not disposed, and no fit running (or, with `syncPointOk`, called from fit's callbacks at a sync point). */
  #assertUsable(what: string, syncPointOk = false): void {
    this.#assertNotDisposed();
    if (this.#busy && !(syncPointOk && atFitSyncPoint(this))) throw busyError(what, syncPointOk);
  }

  #ensureNative(): { native: NativeModel; arch: Architecture } {
    this.#assertNotDisposed();
    if (this.#native && this.#arch) return { native: this.#native, arch: this.#arch };
    const arch = buildArchitecture(this.#layers);
    const spec = this.getConfig();
    const callSite = new Error();
    let native: NativeModel;
    try {
      native = new (getBinding().Model)(spec);
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

  #ensureCompiled(what: string): { native: NativeModel; arch: Architecture; compile: CompileConfig } {
    this.#assertNotDisposed();
    if (!this.#compile) {
      throw new TorchError(
        'ERR_NOT_COMPILED',
        `The model must be compiled before ${what}; call model.compile({ optimizer: 'adam', loss: 'mse' }) first`,
      );
    }
    const built = this.#ensureNative();
    return { ...built, compile: this.#compile };
  }

  /**
   * A learning rate set outside training (`model.optimizer.learningRate = 1e-4` between two
   * fits) reaches the engine by recompiling, which resets the optimizer state. Changes made by
   * callbacks during fit travel through the epoch-end answer and keep the state.
   */
  #syncLearningRate(): void {
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
}

/**
 * Creates a Sequential model (Keras `keras.Sequential`); also accepts tfjs's
 * `sequential({ layers, name })`.
 *
 * @example
 * const model = sequential([layers.lstm({ units: 32, inputShape: [10, 1] }), layers.dense({ units: 1 })]);
 * @throws {TypeError} a value that is not a layer; {@link RangeError} an invalid stack
 *   (e.g. stacked LSTMs without `returnSequences`), checked at once when the input shape is known.
 */
export function sequential(layers?: readonly AnyLayer[] | { layers?: readonly AnyLayer[]; name?: string }, args?: SequentialArgs): Sequential {
  if (isPlainObject(layers)) {
    const o = checkOptions<{ layers?: readonly AnyLayer[]; name?: string }>(layers, 'sequential', ['layers', 'name']);
    return new Sequential(o.layers, o.name === undefined ? undefined : { name: o.name });
  }
  return new Sequential(layers as readonly AnyLayer[] | undefined, args);
}

