/**
 * An int8 model: the inference-only twin of a float model that `quantize(model)` makes and
 * `loadModel(dir)` reads back. Same Keras JSON, same predict; Dense and LSTM weight matrices
 * stored as int8 with a float scale per output column, run by LibTorch's int8 engine.
 */
import { fromNative, TorchError } from '../errors.js';
import { saveQuantizedModel, type QuantizedSaveArgs } from '../io/quantized-io.js';
import type { ModelSpecJson, NativeLayerInfo, NativeQuantizedModel, NativeTensor } from '../native.js';
import { engineGraph } from '../serialization/keras-json.js';
import { int8Engine } from '../quantization/engine.js';
import { checkInput, type ModelInput, modelInput } from '../quantization/input.js';
import { copyWeight, floatWeight, type QuantizedWeight } from '../quantization/int8-weights.js';
import type { QuantizationMode } from '../quantization/options.js';
import type { QuantizationReport } from '../quantization/report.js';
import { pack, Tensor, type TensorInput } from '../tensor.js';
import { boolean, checkOptions, describe, integer } from '../validate.js';
import { getBinding } from './engine.js';
import { kerasShape, memorySize } from './summary.js';

/** How a model is quantized: the mode and the LibTorch int8 engine that runs it. */
export interface QuantizationInfo {
  mode: QuantizationMode;
  /** `onednn`, `x86` or `fbgemm`. */
  engine: string;
}

/** Options of {@link QuantizedModel.predict}. */
export interface QuantizedPredictArgs {
  /** Samples per batch. Defaults to `32`. */
  batchSize?: number;
  /** Only `false`: an int8 model runs inference only (Monte-Carlo dropout needs the float model). Defaults to `false`. */
  training?: false;
}

/** Sets the report of a model made by `quantize`. @internal */
export const SET_REPORT: unique symbol = Symbol('torch-lstm.quantizedReport');

function disposedError(): TorchError {
  return new TorchError('ERR_DISPOSED', 'The quantized model was disposed; quantize or load it again');
}

function predictOptions(args: unknown): number {
  const o = checkOptions<QuantizedPredictArgs>(args, 'predict', ['batchSize', 'training']);
  if (o.training !== undefined && boolean(o.training, 'predict.training')) {
    throw new RangeError('Expected false for predict.training but received true: a quantized model runs inference only (use the float model for Monte-Carlo dropout)');
  }
  return o.batchSize === undefined ? 32 : integer(o.batchSize, 'predict.batchSize', { min: 1 });
}

function commas(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * An int8 (dynamically quantized) model. Make one with `quantize(model)`, or read a saved one
 * with `loadModel(dir)`; it predicts as the float model does, from int8 weights.
 *
 * @example
 * const q = await quantize(model, { mode: 'int8-dynamic', validationData: { x: xTest, y: yTest } });
 * q.report.bytes.ratio; // ~3.5
 * const yhat = await q.predict(xTest);
 * await q.save('models/co2-int8');
 */
export class QuantizedModel {
  /** The model's name (the float model's). */
  readonly name: string;
  /** The mode and the int8 engine that runs the model. */
  readonly quantization: QuantizationInfo;
  readonly #spec: ModelSpecJson;
  readonly #input: ModelInput;
  #native: NativeQuantizedModel | undefined;
  #report: QuantizationReport | null = null;

  /**
   * Quantizes `weights` (the float model's, Keras order and layout) for the model `spec` (its
   * Keras JSON). Use `quantize(model)` or `loadModel(dir)` rather than this constructor.
   * @internal
   * @throws {TypeError|RangeError} a spec torch-lstm cannot read; {@link TorchError} no int8 engine, weights that do not fit.
   */
  constructor(spec: ModelSpecJson, weights: readonly NativeTensor[], mode: QuantizationMode = 'int8-dynamic') {
    this.#input = modelInput(spec);
    this.#spec = structuredClone(spec);
    this.name = spec.config.name;
    int8Engine();
    const graph = engineGraph(this.#spec);
    const callSite = new Error();
    try {
      this.#native = new (getBinding().QuantizedModel)(graph, weights.map((w) => ({ data: w.data, shape: [...w.shape] })));
      this.quantization = { mode, engine: this.#native.info().engine };
    } catch (err) {
      throw fromNative(err, callSite);
    }
  }

  /**
   * What `quantize` measured: sizes, latency float32 vs int8, metrics on the validation data.
   * `null` for a model read by `loadModel` (timings belong to the machine that measured them).
   */
  get report(): QuantizationReport | null {
    return this.#report;
  }

  /** @internal */
  [SET_REPORT](report: QuantizationReport): void {
    this.#report = report;
  }

  /** Whether {@link dispose} was called. */
  get isDisposed(): boolean {
    return this.#native === undefined;
  }

  #engine(): NativeQuantizedModel {
    if (!this.#native) throw disposedError();
    return this.#native;
  }

  #call<T>(work: (native: NativeQuantizedModel) => T): T {
    const native = this.#engine();
    const callSite = new Error();
    try {
      return work(native);
    } catch (err) {
      throw fromNative(err, callSite);
    }
  }

  /**
   * Predictions for `x` (the model's output), computed off the event loop in batches.
   *
   * @param x inputs `[samples, timesteps, features]`, nested arrays or `{ data, shape }`.
   * @param args `batchSize` (Defaults to `32`).
   * @example
   * const yhat = await q.predict(xTest, { batchSize: 256 });
   * @throws (as a rejection) {@link TypeError|RangeError} malformed `x` or options;
   *   {@link TorchError} `ERR_DISPOSED`, or an engine error.
   */
  async predict(x: TensorInput, args?: QuantizedPredictArgs): Promise<Tensor> {
    const outputs = await this.predictOutputs(x, args);
    return outputs[0]!;
  }

  /**
   * Every output for `x`: `[output]`, or `[output, h, c]` when the last layer is an LSTM with
   * `returnState`.
   * @example
   * const [output] = await q.predictOutputs(x);
   */
  async predictOutputs(x: TensorInput, args?: QuantizedPredictArgs): Promise<Tensor[]> {
    const native = this.#engine();
    const batchSize = predictOptions(args);
    const px = pack(x, 'predict.x');
    checkInput(this.#input, px, 'predict.x');
    const callSite = new Error();
    let out: NativeTensor[];
    try {
      out = await native.predict([px], batchSize);
    } catch (err) {
      throw fromNative(err, callSite);
    }
    return out.map((t) => new Tensor(t.data, t.shape));
  }

  /** The model as Keras JSON: the float model's document, unchanged. */
  getConfig(): ModelSpecJson {
    return structuredClone(this.#spec);
  }

  /**
   * The weights as float32 tensors in Keras order and layout: the int8 matrices dequantized
   * (`int8 * scale`), what the model computes with. A float model given these
   * (`setWeights`) predicts as this model does up to the int8 activation rounding.
   */
  getWeights(): Tensor[] {
    return this.getQuantizedWeights().map((w) => {
      const t = floatWeight(w);
      return new Tensor(t.data, t.shape);
    });
  }

  /**
   * The weights as stored, in Keras order: int8 matrices (Keras layout `[in, out]`) with one
   * scale per column, float32 biases; `name` is `<layer>/<weight>` (`lstm/kernel`).
   */
  getQuantizedWeights(): QuantizedWeight[] {
    return this.#call((native) => native.getWeights()).map(copyWeight);
  }

  /** Weight bytes, int8 (with scales and float biases) and float32 (the float model's). */
  weightBytes(): { float32: number; int8: number } {
    const info = this.#call((native) => native.info());
    return { float32: info.floatBytes, int8: info.bytes };
  }

  /**
   * Prints a Keras-style table of the layers with how each runs (`int8 dynamic (onednn)`), and
   * the weight size before and after quantization; returns the text.
   * @param printFn where the text goes. Defaults to `console.log`.
   */
  summary(printFn: (text: string) => void = console.log): string {
    if (typeof printFn !== 'function') throw new TypeError(`Expected a function for summary.printFn but received ${describe(printFn)}`);
    const infos: NativeLayerInfo[] = this.#call((native) => native.describe());
    const bytes = this.weightBytes();
    const rows = infos.map((l) => [
      `${l.name} (${l.className})`,
      kerasShape(l.outputShape),
      commas(l.params),
      l.kernel ? l.kernel.inference : l.params === 0 ? '- (no weights)' : 'float32',
    ]);
    const header = ['Layer (type)', 'Output Shape', 'Param #', 'Runs as'];
    const widths = [29, 22, 12, 24].map((min, c) => Math.max(min, ...[header, ...rows].map((r) => r[c]!.length + 3)));
    const line = (cells: readonly string[]): string => cells.map((c, i) => ` ${c}`.padEnd(widths[i]!)).join('').trimEnd();
    const total = widths.reduce((a, b) => a + b, 0);
    const thin = '_'.repeat(total);
    const thick = '='.repeat(total);
    const out = [`Model: "${this.name}" (${this.quantization.mode}, ${this.quantization.engine} engine)`, thin, line(header), thick];
    rows.forEach((r, i) => {
      out.push(line(r));
      out.push(i === rows.length - 1 ? thick : thin);
    });
    const params = infos.reduce((s, l) => s + l.params, 0);
    out.push(`Total params: ${commas(params)}`);
    out.push(
      `Weights: ${memorySize(bytes.float32)} float32 -> ${memorySize(bytes.int8)} int8 with scales and float biases ` +
        `(${(bytes.float32 / bytes.int8).toFixed(2)}x smaller)`,
    );
    const reasons = [...new Set(infos.flatMap((l) => (l.kernel?.reason ? [l.kernel.reason] : [])))];
    if (reasons.length > 0) out.push(`Int8 weights: ${reasons.join('; ')}`);
    out.push(thin);
    const text = out.join('\n');
    printFn(text);
    return text;
  }

  /**
   * Saves the model to the directory `dir` as float models are saved (`model.json`,
   * `weights.safetensors`, written atomically), with `quantization` in `model.json` and the
   * int8 matrices stored as `I8` tensors (`lstm/kernel`, Keras layout) next to their scales
   * (`lstm/kernel.scales`, F32). `loadModel(dir)` reads it back into the same int8 model.
   *
   * @example
   * await q.save('models/co2-int8');
   * const again = await loadModel('models/co2-int8'); // a QuantizedModel, identical predictions
   * @throws (as a rejection) `EEXIST` when `dir` exists and `overwrite` is false (or holds other files);
   *   {@link TorchError} `ERR_DISPOSED`.
   */
  async save(dir: string, args?: QuantizedSaveArgs): Promise<void> {
    this.#engine();
    await saveQuantizedModel(this, dir, args);
  }

  /** `JSON.stringify(q)` gives the Keras JSON of {@link getConfig}. */
  toJSON(): ModelSpecJson {
    return this.getConfig();
  }

  /** Frees the engine's memory (when a running predict ends). Later calls fail with `ERR_DISPOSED`. */
  dispose(): void {
    const native = this.#native;
    this.#native = undefined;
    native?.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
