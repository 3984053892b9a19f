/**
 * Inference latency as a user sees it: the wall time of `model.predict` on a batch of a given
 * size (the whole call, crossing and copies included), the median over several calls after a
 * warm-up.
 */
import type { Packed } from '../tensor.js';

/** What latency is measured on. */
export interface PredictingModel {
  predict(x: Packed, args?: { batchSize?: number }): Promise<unknown>;
}

/** `rows` samples of `x`, its rows repeated from the start when it has fewer. */
export function batchOf(x: Packed, rows: number): Packed {
  const n = x.shape[0]!;
  const stride = x.data.length / n;
  const data = new Float32Array(rows * stride);
  for (let r = 0; r < rows; r++) data.set(x.data.subarray((r % n) * stride, (r % n + 1) * stride), r * stride);
  return { data, shape: [rows, ...x.shape.slice(1)] };
}

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median milliseconds of `runs` predict calls on `batch` (one batch per call), after 2 warm-up calls. */
export async function predictLatencyMs(model: PredictingModel, batch: Packed, runs: number): Promise<number> {
  const batchSize = batch.shape[0]!;
  for (let i = 0; i < 2; i++) await model.predict(batch, { batchSize });
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await model.predict(batch, { batchSize });
    times.push(performance.now() - start);
  }
  return median(times);
}
