/**
 * The functional model (Keras `keras.Model(inputs, outputs)`, tfjs `tf.model`): a graph of
 * layers between `input()` tensors and output tensors, with several inputs and outputs and
 * shared layers. Compile, fit, evaluate, predict, weights and saving come from
 * {@link LayersModel}; this class holds the graph, its Keras JSON and its summary.
 */
import { fromNative } from '../errors.js';
import type { Layer } from '../layers/layer.js';
import { uniqueName } from '../layers/layer.js';
import type { SymbolicTensor } from '../layers/symbolic.js';
import type { FunctionalSpecJson, NativeLayerInfo } from '../native.js';
import { type FunctionalSpec, functionalFromKeras, functionalToKeras, orderCalls, type TensorRefSpec } from '../serialization/keras-json.js';
import { checkOptions, describe, isPlainObject, nearest, string } from '../validate.js';
import { type Architecture, buildFunctionalArchitecture } from './architecture.js';
import { functionalSpecFrom, replaySpec, tensorList } from './graph.js';
import { type DeviceArgs, ENGINE_OPTION_KEYS, engineOptions } from './engine-options.js';
import { LayersModel } from './layers-model.js';
import { commas, outputShapeText, summaryTable } from './summary.js';

/** Options of {@link model}. */
export interface ModelArgs extends DeviceArgs {
  /** The model inputs: an `input()` tensor or an array of them (their order is the order of `x`). Required. */
  inputs: SymbolicTensor | readonly SymbolicTensor[];
  /** The model outputs: a tensor or an array of them (their order is the order of `y` and of `predict`'s result). Required. */
  outputs: SymbolicTensor | readonly SymbolicTensor[];
  /** Name of the model. Defaults to `functional`, `functional_1`, ... (Keras 3's names). */
  name?: string;
}

/**
 * A functional model: layers called on symbolic tensors, from `input()` to the outputs. Make one
 * with {@link model}; `Functional.fromConfig(json)` reads Keras 3 and Keras 2 functional configs.
 *
 * @example
 * const seq = input({ shape: [24, 3], name: 'seq' });
 * const aux = input({ shape: [4], name: 'aux' });
 * const h = layers.lstm({ units: 32 }).apply(seq);
 * const value = layers.dense({ units: 1, name: 'value' }).apply(h);
 * const label = layers.dense({ units: 3, activation: 'softmax', name: 'label' }).apply(layers.dense({ units: 8 }).apply(aux));
 * const m = model({ inputs: [seq, aux], outputs: [value, label] });
 * m.compile({ optimizer: 'adam', loss: ['mse', 'sparse_categorical_crossentropy'], metrics: [['mae'], ['accuracy']] });
 * await m.fit({ seq: xSeq, aux: xAux }, { value: yValue, label: yLabel }, { epochs: 10 });
 */
export class Functional extends LayersModel {
  readonly #spec: FunctionalSpec;
  readonly #inputs: SymbolicTensor[];
  readonly #outputs: SymbolicTensor[];

  /**
   * @param args the options of {@link model}.
   * @throws {TypeError} inputs or outputs that are not SymbolicTensors, an unknown option.
   * @throws {RangeError} an input not made by `input()`, a graph the outputs cannot be reached
   *   from the inputs in, two layers with one name, a layer that cannot take its inputs' shapes.
   */
  constructor(args: ModelArgs) {
    if (!isPlainObject(args)) throw new TypeError(`Expected an options object { inputs, outputs } for model but received ${describe(args)}`);
    const o = checkOptions<ModelArgs>(args, 'model', ['inputs', 'outputs', 'name', ...ENGINE_OPTION_KEYS]);
    const inputs = tensorList(o.inputs, 'model.inputs');
    const outputs = tensorList(o.outputs, 'model.outputs');
    const name = o.name === undefined ? uniqueName('functional') : string(o.name, 'model.name');
    const spec = functionalSpecFrom(name, inputs, outputs);
    buildFunctionalArchitecture(spec);
    super(name, engineOptions(o as unknown as Record<string, unknown>, 'model'));
    this.#spec = spec;
    this.#inputs = inputs.tensors;
    this.#outputs = outputs.tensors;
  }

  /**
   * Builds a model from Keras JSON: what {@link getConfig} returns, a saved `model.json`'s
   * `model_config`, or a Keras 3 / Keras 2 functional `config.json`. Layers are validated as the
   * factories validate them, and called again as the JSON says.
   */
  static fromConfig(json: unknown): Functional {
    const spec = functionalFromKeras(json);
    const { inputs, outputs } = replaySpec(spec);
    return new Functional({
      inputs: spec.singleInput && inputs.length === 1 ? inputs[0]! : inputs,
      outputs: spec.singleOutput && outputs.length === 1 ? outputs[0]! : outputs,
      name: spec.name,
    });
  }

  /** Every layer, input layers first, in Keras's order (a shared layer once). A copy of the list. */
  get layers(): Layer[] {
    return [...this.#spec.layers];
  }

  /** The model's input tensors, in order. */
  get inputs(): SymbolicTensor[] {
    return [...this.#inputs];
  }

  /** The model's output tensors, in order. */
  get outputs(): SymbolicTensor[] {
    return [...this.#outputs];
  }

  /**
   * The layer named `name` (Keras `get_layer`).
   * @throws {RangeError} no such layer (with the nearest name).
   */
  getLayer(name: string): Layer {
    const found = this.#spec.layers.find((l) => l.name === name);
    if (found) return found;
    const near = nearest(String(name), this.#spec.layers.map((l) => l.name));
    throw new RangeError(`The model has no layer ${JSON.stringify(name)}` + (near ? `; did you mean "${near}"?` : ''));
  }

  /**
   * Prints Keras's table of the layers, with the calls each takes its inputs from ("Connected
   * to", `lstm[0][0]`: output 0 of call 0 of `lstm`) and the recurrent kernel the engine runs in
   * training and in inference; returns the text.
   * @param printFn where the text goes. Defaults to `console.log`.
   */
  summary(printFn: (text: string) => void = console.log): string {
    this.engine.assertNotDisposed();
    if (typeof printFn !== 'function') throw new TypeError(`Expected a function for summary.printFn but received ${describe(printFn)}`);
    const built = this.engine.built();
    const kernels = new Map<string, NonNullable<NativeLayerInfo['kernel']>>();
    const callSite = new Error();
    try {
      for (const info of built.native.describe()) if (info.kernel) kernels.set(info.name, info.kernel);
    } catch (err) {
      throw fromNative(err, callSite);
    }
    const arch = built.arch;
    const byLayer = new Map(arch.layers.map((b) => [b.layer, b]));
    const ref = (r: TensorRefSpec) => `${this.#spec.layers[r.layer]!.name}[${r.node}][${r.tensor}]`;
    const rows = this.#spec.layers.map((layer, i) => {
      const b = byLayer.get(layer);
      const shapes = b ? b.outputShapes : [[null, ...(layer.inputShape ?? [])]];
      const connected = this.#spec.calls[i]!.flatMap((call) => call.inputs.map(ref));
      return [
        `${layer.name} (${layer.className})`,
        outputShapeText(shapes),
        commas(b?.params ?? 0),
        connected.length === 0 ? '-' : connected.map((c, k) => (k < connected.length - 1 ? `${c},` : c)).join('\n'),
      ];
    });
    const recurrent = this.#spec.layers
      .filter((l) => kernels.has(l.name))
      .map((l) => ({ label: `${l.name} (${l.className})`, kernel: kernels.get(l.name)! }));
    const text = summaryTable(this.name, ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'], [29, 26, 12, 22], rows, arch.totalParams, recurrent);
    printFn(text);
    return text;
  }

  /** The model as Keras JSON, Keras 3's format (`{ class_name: 'Functional', config: { name, layers, input_layers, output_layers } }`). */
  getConfig(): FunctionalSpecJson {
    const arch = this.engine.architecture();
    // Tensor shapes for the `__keras_tensor__` references: the architecture's nodes come in orderCalls' order.
    const shapes = new Map<string, (number | null)[]>();
    this.#spec.inputs.forEach((r) => shapes.set(`${r.layer}/0/0`, [null, ...(this.#spec.layers[r.layer]!.inputShape ?? [])]));
    orderCalls(this.#spec).forEach(([l, n], k) => arch.nodes[k]!.outputShapes.forEach((s, t) => shapes.set(`${l}/${n}/${t}`, [...s])));
    return functionalToKeras(this.#spec, (r) => shapes.get(`${r.layer}/${r.node}/${r.tensor}`) ?? []);
  }

  /** The architecture of the graph. @internal */
  protected architecture(): Architecture {
    return buildFunctionalArchitecture(this.#spec);
  }
}

/**
 * Creates a functional model (Keras `keras.Model(inputs, outputs)`, tfjs `tf.model`) from
 * `input()` tensors and the tensors layers made from them.
 *
 * @example
 * const inputs = input({ shape: [T, F] });
 * const lstmOut = layers.lstm({ units: 64, returnSequences: true }).apply(inputs);
 * const pooled = layers.lstm({ units: 32 }).apply(lstmOut);
 * const outputs = layers.dense({ units: 1 }).apply(pooled);
 * const m = model({ inputs, outputs });
 * @throws {TypeError|RangeError} see {@link Functional}'s constructor.
 */
export function model(args: ModelArgs): Functional {
  return new Functional(args);
}
