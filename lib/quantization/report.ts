/**
 * What `quantize` reports: weight bytes before and after, predict latency and throughput of
 * the float32 and the int8 model (measured here, through `predict` from JS, the two models
 * timed interleaved so a busy machine slows them alike), and both models' errors on the
 * validation data.
 */
import type { Packed, Tensor, TensorInput } from '../tensor.js';

/** A number for each model. */
export interface FloatVsInt8 {
  float32: number;
  int8: number;
}

/** Root mean squared error and mean absolute error against the targets. */
export interface ErrorMetrics {
  rmse: number;
  mae: number;
}

/** The report of `quantize` (also `quantizedModel.report`). */
export interface QuantizationReport {
  /** The LibTorch int8 engine (`onednn`, `x86`, `fbgemm`). */
  engine: string;
  /** Weight bytes: float32, int8 (with the per-column scales and the float biases), and float32 / int8. */
  bytes: FloatVsInt8 & { ratio: number };
  /** Median predict latency in milliseconds per batch size: `latencyMs.batch1`, `latencyMs.batch256`. */
  latencyMs: Record<`batch${number}`, FloatVsInt8>;
  /** Samples per second at each batch size (batch size / median latency). */
  throughput: Record<`batch${number}`, FloatVsInt8>;
  /** Timed calls per batch size and model. */
  repeats: number;
  /**
   * Errors on `validationData` (`null` without it); `rmseDelta` is the relative change of the
   * RMSE, `(int8 - float32) / float32` (0.01: 1% worse).
   */
  metrics: { float32: ErrorMetrics; int8: ErrorMetrics; rmseDelta: number } | null;
}

/** A model `quantize` can time: anything with the models' `predict`. */
export interface Predictor {
  predict(x: TensorInput, args?: { batchSize?: number }): Promise<Tensor>;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** `n` samples of `sample` shape, uniform in [0, 1) from a fixed seed (timing does not depend on the values). */
export function syntheticInput(n: number, sample: readonly number[]): Packed {
  const data = new Float32Array(n * sample.reduce((a, b) => a * b, 1));
  let state = 0x2545f491;
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = state / 2 ** 32;
  }
  return { data, shape: [n, ...sample] };
}

/**
 * Median latency of each model at each batch size: one warm-up call each, then `repeats`
 * calls each, interleaved, the order alternating from one repeat to the next.
 */
export async function measureLatency(
  models: { float32: Predictor; int8: Predictor },
  sample: readonly number[],
  batchSizes: readonly number[],
  repeats: number,
): Promise<{ latencyMs: QuantizationReport['latencyMs']; throughput: QuantizationReport['throughput'] }> {
  const latencyMs: QuantizationReport['latencyMs'] = {};
  const throughput: QuantizationReport['throughput'] = {};
  for (const n of batchSizes) {
    const x = syntheticInput(n, sample);
    const times: { float32: number[]; int8: number[] } = { float32: [], int8: [] };
    const time = async (which: 'float32' | 'int8', record: boolean): Promise<void> => {
      const started = performance.now();
      await models[which].predict(x, { batchSize: n });
      if (record) times[which].push(performance.now() - started);
    };
    await time('float32', false);
    await time('int8', false);
    for (let r = 0; r < repeats; r++) {
      const order: ('float32' | 'int8')[] = r % 2 === 0 ? ['float32', 'int8'] : ['int8', 'float32'];
      for (const which of order) await time(which, true);
    }
    const lat = { float32: median(times.float32), int8: median(times.int8) };
    latencyMs[`batch${n}`] = lat;
    throughput[`batch${n}`] = { float32: (n * 1000) / lat.float32, int8: (n * 1000) / lat.int8 };
  }
  return { latencyMs, throughput };
}

/** RMSE and MAE of `predicted` against `target` (same number of values). */
export function errorMetrics(predicted: ArrayLike<number>, target: ArrayLike<number>): ErrorMetrics {
  let se = 0;
  let ae = 0;
  for (let i = 0; i < target.length; i++) {
    const d = predicted[i]! - target[i]!;
    se += d * d;
    ae += Math.abs(d);
  }
  return { rmse: Math.sqrt(se / target.length), mae: ae / target.length };
}

/** `(int8 - float32) / float32`; 0 when both are 0. */
export function relativeDelta(float32: number, int8: number): number {
  if (float32 === 0) return int8 === 0 ? 0 : Infinity;
  return (int8 - float32) / float32;
}

/**
 * Both models' errors on `{ x, y }`, predicting at `batchSize`. `y` must hold as many values
 * as the output (`[n]` for an output `[n, 1]` is fine, as in Keras).
 * @throws (as a rejection) {@link RangeError} a `y` that does not match the output; the models' errors.
 */
export async function validationMetrics(
  models: { float32: Predictor; int8: Predictor },
  data: { x: Packed; y: Packed },
  batchSize: number,
  name: string,
): Promise<NonNullable<QuantizationReport['metrics']>> {
  const f = await models.float32.predict(data.x, { batchSize });
  const q = await models.int8.predict(data.x, { batchSize });
  if (f.data.length !== data.y.data.length) {
    throw new RangeError(`Expected ${name}.y of shape [${f.shape.join(', ')}] (the model output for ${name}.x) but received [${data.y.shape.join(', ')}]`);
  }
  const float32 = errorMetrics(f.data, data.y.data);
  const int8 = errorMetrics(q.data, data.y.data);
  return { float32, int8, rmseDelta: relativeDelta(float32.rmse, int8.rmse) };
}
