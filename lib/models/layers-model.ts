/**
 * What every model kind shares (tfjs `LayersModel`, Keras `Model`): compile, fit, evaluate,
 * predict, gradients, weights, save and load, dispose. A subclass (Sequential, Functional)
 * supplies its Keras JSON ({@link LayersModel.getConfig}) and its architecture: the inputs,
 * outputs, shapes and weights the data checks use. The engine model is created lazily, the
 * first time it is needed (compile, predict, weights), from the engine graph derived from the
 * Keras JSON.
 */
import { fromNative, TorchError } from '../errors.js';
import { MODEL_IO, type ModelIo, type SavableModel } from '../io/model-io.js';
import { saveModel, type SaveArgs } from '../io/save-model.js';
import { loadWeightsFile, saveWeightsFile, type SaveWeightsArgs } from '../io/weights-file.js';
import type { ModelSpecJson, NativeTensor } from '../native.js';
import { compileToKeras, engineGraph } from '../serialization/keras-json.js';
import { pack, Tensor, type TensorInput } from '../tensor.js';
import { describe } from '../validate.js';
import type { CallbackModel } from '../training/callbacks/callback.js';
import type { History } from '../training/callbacks/history.js';
import { pyExp, pyFixed } from '../training/callbacks/progress-logger.js';
import type { AnyOptimizer } from '../training/optimizers.js';
import { type Architecture, checkWeights } from './architecture.js';
import { type CompileArgs, compileConfig, type CompileOutputs } from './compile-args.js';
import { evaluateOptions, type EvaluateArgs, gradientsOptions, type GradientsArgs, predictOptions, type PredictArgs } from './call-args.js';
import { type FitArgs, fitData, fitOptions, runFit } from './fit.js';
import { DEFAULT_ENGINE_OPTIONS, type Device, type EngineOptions } from './engine-options.js';
import { ModelEngine } from './model-engine.js';
import { checkXs, type ModelData } from './model-data.js';

function toTensor(t: NativeTensor): Tensor {
  return new Tensor(t.data, t.shape);
}

/** The outputs a compile config is resolved against. */
function compileOutputs(arch: Architecture): CompileOutputs {
  return { names: arch.outputs.map((o) => o.name), shapes: arch.outputs.map((o) => o.shape) };
}

/**
 * The base of every model: training, inference, weights, saving. Create models with
 * `sequential([...])` or `model({ inputs, outputs })`; `m instanceof LayersModel` holds for each.
 * Data (`x`, `y`) is one tensor, an array (one per input or output, by position) or an object
 * by input or output name, as in Keras.
 */
export abstract class LayersModel implements CallbackModel, SavableModel {
  /** The model's name. */
  readonly name: string;
  /** Set to true (from a callback) to stop training after the current batch or epoch. */
  stopTraining = false;

  /** The engine model and its lifecycle rules. @internal */
  protected readonly engine: ModelEngine;

  /** Where the model computes (`device`, `deterministic`), fixed when it is created. */
  readonly engineOptions: Readonly<EngineOptions>;

  protected constructor(name: string, options: EngineOptions = DEFAULT_ENGINE_OPTIONS) {
    this.name = name;
    this.engineOptions = Object.freeze({ ...options });
    this.engine = new ModelEngine({
      model: this,
      architecture: () => this.architecture(),
      graph: () => engineGraph(this.getConfig()),
      options: () => this.engineOptions,
    });
  }

  /** The device the model computes on, as asked for (`'cpu'`, `'cuda'`, `'cuda:N'`, `'auto'`). */
  get device(): Device {
    return this.engineOptions.device;
  }

  /** The model as Keras JSON (`{ class_name, config }`): what the engine's graph is derived from and what `save` writes. */
  abstract getConfig(): ModelSpecJson;

  /** Builds the architecture from the model's current layers, or throws a RangeError saying what to change. @internal */
  protected abstract architecture(): Architecture;

  /** The names of the model inputs, in order (the keys of `x` given as an object). */
  get inputNames(): string[] {
    return this.engine.architecture().inputs.map((i) => i.name);
  }

  /**
   * The names of the model outputs, in order: the output layers' names (the keys of `y` and of
   * `compile`'s per-output options given as objects, and the prefix of per-output log keys).
   */
  get outputNames(): string[] {
    return this.engine.architecture().outputs.map((o) => o.name);
  }

  /** The compiled optimizer; its `learningRate` may be changed between epochs. */
  get optimizer(): AnyOptimizer {
    const compile = this.engine.compileConfig;
    if (!compile) throw new TorchError('ERR_NOT_COMPILED', 'The model has no optimizer yet; call model.compile() first');
    return compile.optimizer;
  }

  /**
   * Configures training: optimizer, loss, metrics (per output for a model with several). Builds
   * the engine model (so a Sequential's first layer needs its `inputShape`). Compiling again
   * resets the optimizer state, as in Keras.
   *
   * @example
   * model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
   * twoHeads.compile({ optimizer: 'adam', loss: { value: 'mse', label: 'sparse_categorical_crossentropy' },
   *   lossWeights: { value: 1, label: 0.5 }, metrics: { value: ['mae'], label: ['accuracy'] } });
   * @throws {TypeError|RangeError} a wrong option (naming the output); {@link TorchError} `ERR_BUSY` during fit.
   */
  compile(args: CompileArgs): void {
    this.engine.assertUsable('compile');
    let arch: Architecture;
    try {
      arch = this.engine.architecture();
    } catch (err) {
      compileConfig(args);
      throw err;
    }
    this.engine.compile(compileConfig(args, compileOutputs(arch)));
  }

  /**
   * Trains the model (Keras `fit`). Resolves with the History of the run.
   *
   * @param x the inputs: one tensor, an array (one per input) or an object by input name.
   * @param y the targets, likewise per output.
   * @throws (as a rejection) {@link TorchError} `ERR_BUSY` when a fit already runs,
   *   `ERR_NOT_COMPILED`, `ERR_DISPOSED`; `AbortError` when `signal` aborts; a callback's error.
   */
  async fit(x: ModelData, y: ModelData, args?: FitArgs): Promise<History> {
    const engine = this.engine;
    engine.assertUsable('start another fit');
    const options = fitOptions(args);
    const { native, arch, compile } = engine.compiled('fit');
    return engine.whileBusy(() =>
      runFit(
        {
          model: this,
          native,
          arch,
          compile,
          isDisposed: () => engine.disposed,
          syncLearningRate: () => engine.syncLearningRate(),
          learningRateSent: (lr) => engine.learningRateSent(lr),
          currentEngineLearningRate: () => engine.engineLearningRate!,
        },
        x,
        y,
        options,
      ),
    );
  }

  /**
   * Loss and metrics on the given data (Keras `evaluate(..., return_dict=True)`), e.g.
   * `{ loss: 0.012, mae: 0.081 }`; with several outputs also `<output>_loss`, `<output>_<metric>`.
   */
  async evaluate(x: ModelData, y: ModelData, args?: EvaluateArgs): Promise<Record<string, number>> {
    this.engine.assertUsable('evaluate', true);
    const { batchSize, verbose, sampleWeight } = evaluateOptions(args);
    const { native, arch, compile } = this.engine.compiled('evaluate');
    const data = fitData(arch, compile, x, y, sampleWeight, undefined, {
      x: 'evaluate.x', y: 'evaluate.y', sampleWeight: 'evaluate.sampleWeight', classWeight: '',
    });
    const callSite = new Error();
    let logs: Record<string, number>;
    try {
      logs = await native.evaluate(data.xs, data.ys, data.sampleWeight, batchSize);
    } catch (err) {
      throw fromNative(err, callSite);
    }
    if (verbose > 0) {
      const steps = Math.ceil(data.xs[0]!.shape[0]! / batchSize);
      const values = Object.entries(logs).map(([k, v]) => `${k}: ${Math.abs(v) > 1e-3 ? pyFixed(v, 4) : pyExp(v, 4)}`);
      process.stdout.write(`${steps}/${steps} - ${values.join(' - ')}\n`);
    }
    return { ...logs };
  }

  /**
   * Predictions for `x`, computed off the event loop in batches: the output tensor of a model
   * with one output, or one tensor per output (Keras). {@link predictOutputs} always gives the array.
   * A tiny call (a few samples through a small model: microseconds of work, less than the hop to
   * the thread pool) is computed at once instead, and the promise is already settled.
   *
   * @param x inputs: one tensor (`[samples, timesteps, features]`, nested arrays or `{ data, shape }`),
   *   an array (one per input) or an object by input name.
   * @param args `batchSize` (Defaults to `32`), `training`, `seed`.
   * @example
   * const yhat = await model.predict(xTest);
   * const [value, label] = (await twoHeads.predict({ seq, aux })) as Tensor[];
   * @throws {TypeError|RangeError} for malformed `x`; rejects with a TorchError from the engine.
   */
  async predict(x: ModelData, args?: PredictArgs): Promise<Tensor | Tensor[]> {
    const outputs = await this.predictOutputs(x, args);
    return outputs.length === 1 ? outputs[0]! : outputs;
  }

  /**
   * Every output of the model for `x`, in order (for a Sequential whose last layer is an LSTM
   * with `returnState`: `[output, h, c]`).
   *
   * @example
   * const [output, h, c] = await model.predictOutputs(x);
   */
  async predictOutputs(x: ModelData, args?: PredictArgs): Promise<Tensor[]> {
    this.engine.assertUsable('predict', true);
    const { batchSize, training, seed } = predictOptions(args);
    const { native, arch } = this.engine.built();
    const xs = checkXs(arch, x, 'predict.x');
    if (!training && native.predictSmall) {
      // A tiny call is computed here and now: no hop to the pool, no call-site capture (which
      // alone costs more than the lean loops); an error still throws with this stack.
      let small: NativeTensor[] | null;
      try {
        small = native.predictSmall(xs);
      } catch (err) {
        throw fromNative(err, new Error());
      }
      if (small) return small.map(toTensor);
    }
    const callSite = new Error();
    let out: NativeTensor[];
    try {
      out = await native.predict(xs, batchSize, training, seed);
    } catch (err) {
      throw fromNative(err, callSite);
    }
    return out.map(toTensor);
  }

  /**
   * Gradients of the loss w.r.t. each weight, in {@link getWeights} order (for debugging,
   * and checked against finite differences in the tests).
   */
  async gradients(x: ModelData, y: ModelData, args?: GradientsArgs): Promise<Tensor[]> {
    this.engine.assertUsable('compute gradients');
    const { training, seed, sampleWeight } = gradientsOptions(args);
    const { native, arch, compile } = this.engine.compiled('gradients');
    const data = fitData(arch, compile, x, y, sampleWeight, undefined, {
      x: 'gradients.x', y: 'gradients.y', sampleWeight: 'gradients.sampleWeight', classWeight: '',
    });
    const callSite = new Error();
    try {
      const grads = await native.gradients(data.xs, data.ys, data.sampleWeight, training, seed);
      return grads.map(toTensor);
    } catch (err) {
      throw fromNative(err, callSite);
    }
  }

  /**
   * Zeroes the carried states of the model's stateful recurrent layers (Keras `reset_states`);
   * nothing to do for a model without any.
   * @throws {TorchError} `ERR_BUSY` during fit outside its callbacks; `ERR_DISPOSED`.
   */
  resetStates(): void {
    this.engine.assertUsable('reset states', true);
    this.engine.call((native) => native.resetStates());
  }

  /**
   * The weights, in Keras order and layout (LSTM: kernel, recurrent kernel, bias; gates i, f, c, o).
   * @throws {TorchError} `ERR_BUSY` while fit runs, except from its train and epoch callbacks
   *   (the same holds for {@link setWeights}, {@link predict} and {@link evaluate}).
   */
  getWeights(): Tensor[] {
    this.engine.assertUsable('read weights', true);
    return this.engine.call((native) => native.getWeights()).map(toTensor);
  }

  /**
   * Sets every weight, in {@link getWeights} order; each shape is checked here (LSTM kernel
   * `[inputDim, 4*units]`, recurrent kernel `[units, 4*units]`, bias `[4*units]`, gates
   * i, f, c, o; Dense kernel `[in, out]`, bias `[out]`).
   */
  setWeights(weights: readonly (Tensor | TensorInput)[]): void {
    this.engine.assertUsable('set weights', true);
    const { native, arch } = this.engine.built();
    const packed = checkWeights(arch, weights);
    const callSite = new Error();
    try {
      native.setWeights(packed);
    } catch (err) {
      throw fromNative(err, callSite);
    }
  }

  /**
   * Sets pruning masks (used by `compression.prune`): one per weight in {@link getWeights}
   * order, `null` for a weight left unmasked, or `null` instead of the array to remove every
   * mask. Where a mask is 0 the weight is zeroed at once, after every optimizer step and after
   * {@link setWeights}, so pruned weights stay pruned through fine-tuning; any other value keeps
   * the weight. Removing the masks leaves the weights as they are (pruned ones stay zero until
   * training moves them). The masks live in the engine model: a change of architecture
   * (`add`) drops them. Allowed where {@link setWeights} is (also in fit's epoch callbacks).
   *
   * @example
   * const kernel = model.getWeights()[0]!;
   * model.setWeightMasks([new Tensor(kernel.data.map((v) => (Math.abs(v) < 0.05 ? 0 : 1)), kernel.shape), null, null]);
   * model.setWeightMasks(null); // unmask again
   * @throws {TypeError|RangeError} not an array, a wrong count or shape; {@link TorchError}
   *   `ERR_BUSY` during fit outside its callbacks.
   */
  setWeightMasks(masks: readonly (Tensor | TensorInput | null)[] | null): void {
    this.engine.assertUsable('set weight masks', true);
    const { native, arch } = this.engine.built();
    const specs = arch.layers.flatMap((b) => b.weights.map((w) => ({ shape: w.shape, label: `${b.layer.name}/${w.name}` })));
    if (masks !== null && !Array.isArray(masks)) {
      throw new TypeError(`Expected an array of ${specs.length} masks or null for setWeightMasks.masks but received ${describe(masks)}`);
    }
    if (masks !== null && masks.length !== specs.length) {
      throw new RangeError(
        `Expected ${specs.length} masks for setWeightMasks (${specs.map((s) => s.label).join(', ')}) but received ${masks.length}`,
      );
    }
    const packed = (masks ?? []).map((m, i) => {
      if (m === null) return null;
      const p = pack(m, `setWeightMasks.masks[${i}]`);
      const spec = specs[i]!;
      if (p.shape.length !== spec.shape.length || p.shape.some((d, k) => d !== spec.shape[k])) {
        throw new RangeError(
          `Expected masks[${i}] (${spec.label}) of shape [${spec.shape.join(', ')}] but received [${p.shape.join(', ')}]`,
        );
      }
      return p;
    });
    const callSite = new Error();
    try {
      native.setWeightMasks(packed);
    } catch (err) {
      throw fromNative(err, callSite);
    }
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
    this.engine.assertUsable('save', true);
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
    this.engine.assertUsable('save weights', true);
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
    this.engine.assertUsable('load weights', true);
    await loadWeightsFile(this, filepath);
  }

  /** Weight names, compile config and optimizer state for saving and loading. @internal */
  [MODEL_IO](): ModelIo {
    const engine = this.engine;
    return {
      weightNames: () =>
        engine.built().arch.layers.flatMap((built) =>
          built.weights.map((w) => ({ name: `${built.layer.name}/${w.name}`, shape: [...w.shape], layer: built.label })),
        ),
      compileOutputs: () => compileOutputs(engine.architecture()),
      compileConfig: () => {
        const compile = engine.compileConfig;
        return compile ? compileToKeras(compile) : null;
      },
      getOptimizerState: () => {
        engine.assertUsable('read the optimizer state', true);
        if (!engine.compileConfig) return null;
        return engine.call((native) => native.getOptimizerState());
      },
      compileFrom: (config) => {
        engine.assertUsable('compile');
        engine.compile(config);
      },
      setOptimizerState: (state) => {
        engine.assertUsable('set the optimizer state', true);
        const lr = this.optimizer.learningRate;
        engine.call((native) => native.setOptimizerState({ ...state, learningRate: lr }));
        engine.learningRateSent(lr);
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
    this.engine.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
