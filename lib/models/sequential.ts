/**
 * The Sequential model (Keras `keras.Sequential`): a stack of layers, with `add` and summary.
 * Compile, fit, evaluate, predict, weights and saving come from {@link LayersModel}, which
 * builds the engine model lazily from this stack's Keras JSON and architecture.
 */
import { fromNative } from '../errors.js';
import { InputLayer } from '../layers/input-layer.js';
import { type AnyLayer, isLayer } from '../layers/index.js';
import { uniqueName } from '../layers/layer.js';
import type { SequentialSpecJson } from '../native.js';
import { modelFromKeras, modelToKeras } from '../serialization/keras-json.js';
import type { Tensor } from '../tensor.js';
import { checkOptions, describe, isPlainObject, string } from '../validate.js';
import { type Architecture, buildArchitecture, checkUniqueNames } from './architecture.js';
import type { PredictArgs } from './call-args.js';
import { type DeviceArgs, ENGINE_OPTION_KEYS, engineOptions } from './engine-options.js';
import { LayersModel } from './layers-model.js';
import type { ModelData } from './model-data.js';
import { summaryText } from './summary.js';

/** Options of {@link sequential}. */
export interface SequentialArgs extends DeviceArgs {
  /** Name of the model. Defaults to `sequential`, `sequential_1`, ... */
  name?: string;
}

/** The model's name from `args`: checked, or the next free `sequential_<n>`. */
function modelName(args: SequentialArgs | undefined): string {
  const o = checkOptions<SequentialArgs>(args, 'sequential', ['name', ...ENGINE_OPTION_KEYS]);
  return o.name === undefined ? uniqueName('sequential') : string(o.name, 'sequential.name');
}

function checkLayer(layer: unknown, name: string): asserts layer is AnyLayer {
  if (layer instanceof InputLayer) {
    throw new TypeError(`Expected a layer for ${name} but received the InputLayer "${layer.name}"; give the first layer an inputShape instead`);
  }
  if (!isLayer(layer)) {
    throw new TypeError(
      `Expected a layer (layers.lstm(...), layers.dense(...), layers.dropout(...)) for ${name} but received ${describe(layer)} of type ${
        layer === null ? 'null' : isPlainObject(layer) ? 'object' : typeof layer
      }`,
    );
  }
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
export class Sequential extends LayersModel {
  #layers: AnyLayer[] = [];

  constructor(layers?: readonly AnyLayer[], args?: SequentialArgs) {
    super(modelName(args), engineOptions(args as Record<string, unknown> | undefined, 'sequential'));
    if (layers !== undefined) {
      if (!Array.isArray(layers)) throw new TypeError(`Expected an array of layers for sequential.layers but received ${describe(layers)} of type ${typeof layers}`);
      layers.forEach((layer, i) => checkLayer(layer, `sequential.layers[${i}]`));
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
    return new Sequential(spec.layers, { name: spec.name });
  }

  /** The layers, in order (a copy of the list). */
  get layers(): AnyLayer[] {
    return [...this.#layers];
  }

  /**
   * Appends a layer. When the model is already built, it is rebuilt on next use (as Keras
   * does): the existing layers keep their weights, the new one is initialized, and the
   * optimizer state starts afresh.
   * @throws {RangeError} when the stack becomes invalid (checked at once when the input shape is known).
   */
  add(layer: AnyLayer): void {
    this.engine.assertUsable('add a layer');
    checkLayer(layer, 'add.layer');
    const next = [...this.#layers, layer];
    checkUniqueNames(next);
    if (next[0]!.inputShape) buildArchitecture(next);
    this.engine.rebuildOnNextUse();
    this.#layers = next;
  }

  /**
   * Prints a Keras-style table of the layers (with the LSTM kernel the engine runs in
   * training and in inference, and why) and returns it.
   * @param printFn where the text goes. Defaults to `console.log`.
   */
  summary(printFn: (text: string) => void = console.log): string {
    this.engine.assertNotDisposed();
    if (typeof printFn !== 'function') throw new TypeError(`Expected a function for summary.printFn but received ${describe(printFn)}`);
    const kernels = new Map<string, { training: string; inference: string; reason: string }>();
    let arch: Architecture | undefined;
    if (this.#layers[0]?.inputShape) {
      const built = this.engine.built();
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
   * Predictions for `x` (`[samples, timesteps, features]`, nested arrays or `{ data, shape }`),
   * computed off the event loop in batches: the output tensor. When the last layer is an LSTM
   * with `returnState`, this is its main output; {@link predictOutputs} gives `[output, h, c]`.
   *
   * @param args `batchSize` (Defaults to `32`), `training` (Monte-Carlo dropout), `seed`.
   * @example
   * const yhat = await model.predict(xTest);
   * yhat.shape; // [samples, 1]
   * @throws {TypeError|RangeError} for malformed `x`; rejects with a TorchError from the engine.
   */
  override async predict(x: ModelData, args?: PredictArgs): Promise<Tensor> {
    const outputs = await this.predictOutputs(x, args);
    return outputs[0]!;
  }

  /** The model as Keras JSON (`{ class_name: 'Sequential', config: { name, layers } }`). */
  getConfig(): SequentialSpecJson {
    return modelToKeras({ name: this.name, layers: this.#layers });
  }

  /** The architecture of the stack, built from the layers as they are now. @internal */
  protected architecture(): Architecture {
    return buildArchitecture(this.#layers);
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
export function sequential(layers?: readonly AnyLayer[] | ({ layers?: readonly AnyLayer[] } & SequentialArgs), args?: SequentialArgs): Sequential {
  if (isPlainObject(layers)) {
    const o = checkOptions<{ layers?: readonly AnyLayer[] } & SequentialArgs>(layers, 'sequential', ['layers', 'name', ...ENGINE_OPTION_KEYS]);
    const { layers: list, ...rest } = o;
    return new Sequential(list, rest);
  }
  return new Sequential(layers as readonly AnyLayer[] | undefined, args);
}

