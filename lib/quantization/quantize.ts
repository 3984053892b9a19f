/**
 * `quantize(model, { mode: 'int8-dynamic' })`: the int8 twin of a float model, and a report
 * of what it gains and costs (bytes, latency at batch 1 and 256, error on held-out data).
 */
import { QuantizedModel, SET_REPORT } from '../models/quantized-model.js';
import type { ModelSpecJson } from '../native.js';
import type { Tensor, TensorInput } from '../tensor.js';
import { describe } from '../validate.js';
import { int8Engine } from './engine.js';
import { checkInput, modelInput } from './input.js';
import { type QuantizeArgs, quantizeOptions } from './options.js';
import { measureLatency, type QuantizationReport, validationMetrics } from './report.js';

/** What `quantize` needs of a float model: what every torch-lstm model (`sequential([...])`, `loadModel(dir)`) has. */
export interface QuantizableModel {
  readonly name: string;
  getConfig(): ModelSpecJson;
  getWeights(): Tensor[];
  predict(x: TensorInput, args?: { batchSize?: number }): Promise<Tensor>;
}

function checkModel(model: unknown): asserts model is QuantizableModel {
  if (model instanceof QuantizedModel) {
    throw new RangeError(`Expected a float model for quantize.model but received a QuantizedModel ("${model.name}"): it is quantized already`);
  }
  const m = model as Partial<QuantizableModel> | null;
  if (typeof m !== 'object' || m === null || typeof m.getConfig !== 'function' || typeof m.getWeights !== 'function' || typeof m.predict !== 'function') {
    throw new TypeError(`Expected a model (sequential([...]) or loadModel(dir)) for quantize.model but received ${describe(model)} of type ${model === null ? 'null' : typeof model}`);
  }
}

/**
 * Quantizes a trained model for inference (the article's section 3.3 and 6.3): with
 * `mode: 'int8-dynamic'`, the weight matrices of every Dense and LSTM layer become int8 with one
 * float scale per output column (per channel), biases and activations stay float32 (the
 * activations are quantized on the fly at each matrix product), run by the int8 engine LibTorch
 * offers here (ONEDNN, X86 or FBGEMM; never QNNPACK on x86, where it is slower than float32).
 * The float model is left as it was.
 *
 * The returned model's `report` says what it gains and costs, measured here: weight bytes
 * before and after, median predict latency of both models at each of `batchSizes` (one warm-up,
 * then `repeats` calls each, interleaved) and throughput, and with `validationData` both
 * models' RMSE and MAE and the relative RMSE change.
 *
 * @param model a trained float model (its first layer has an inputShape).
 * @param args `mode` (Defaults to `'int8-dynamic'`), `validationData` (Defaults to none),
 *   `batchSizes` (Defaults to `[1, 256]`), `repeats` (Defaults to `20`).
 * @example
 * const q = await quantize(model, { mode: 'int8-dynamic', validationData: { x: xTest, y: yTest } });
 * console.log(q.report.bytes.ratio, q.report.latencyMs.batch256, q.report.metrics?.rmseDelta);
 * await q.save('models/co2-int8');
 * @throws (as a rejection) {@link TypeError|RangeError} a bad option (an unknown mode gets a
 *   "did you mean"), data that does not fit the model; {@link TorchError} `ERR_TORCH` when this
 *   LibTorch has no int8 engine torch-lstm uses, `ERR_BUSY` while the model trains.
 */
export async function quantize(model: QuantizableModel, args?: QuantizeArgs): Promise<QuantizedModel & { readonly report: QuantizationReport }> {
  checkModel(model);
  const options = quantizeOptions(args);
  const spec = model.getConfig();
  const input = modelInput(spec);
  if (options.validationData) checkInput(input, options.validationData.x, 'quantize.validationData.x');
  let sample: number[] | undefined;
  if (options.batchSizes.length > 0) {
    const given = options.validationData?.x.shape.slice(1);
    sample = input.shape.map((d, k) => d ?? given?.[k] ?? -1);
    if (sample.includes(-1)) {
      throw new RangeError(
        `The model's input [samples, ${input.shape.map((d) => d ?? 'null').join(', ')}] has a free dimension, so latency cannot be timed on a fixed shape; ` +
          'pass quantize.validationData (its shape is used) or batchSizes: []',
      );
    }
  }
  int8Engine();
  const q = new QuantizedModel(spec, model.getWeights(), options.mode);
  try {
    const models = { float32: model, int8: q };
    const bytes = q.weightBytes();
    const timing = sample ? await measureLatency(models, sample, options.batchSizes, options.repeats) : { latencyMs: {}, throughput: {} };
    const metrics = options.validationData
      ? await validationMetrics(models, options.validationData, Math.max(32, ...options.batchSizes), 'quantize.validationData')
      : null;
    const report: QuantizationReport = {
      engine: q.quantization.engine,
      bytes: { ...bytes, ratio: bytes.float32 / bytes.int8 },
      ...timing,
      repeats: options.repeats,
      metrics,
    };
    q[SET_REPORT](report);
    return q as QuantizedModel & { readonly report: QuantizationReport };
  } catch (err) {
    q.dispose();
    throw err;
  }
}
