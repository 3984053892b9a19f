/**
 * Shared helpers of the numerics tests: the seeded PRNG (test/helpers/random.ts), random tensors, comparisons, and a
 * float64 JS reference of a Keras LSTM forward pass (for activations where tfjs and Keras 3
 * disagree, e.g. hard_sigmoid).
 */
import { expect } from 'vitest';
import { rng } from '../../helpers/random.js';

/** Also exported here, for the numerics tests that take it with the other helpers. */
export { rng };

/** A `{data, shape}` tensor of uniform values in [lo, hi). */
export function randomTensor(shape: number[], seed: number, lo = -2, hi = 2): { data: Float32Array; shape: number[] } {
  const r = rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = lo + (hi - lo) * r();
  return { data, shape };
}

/** Largest absolute difference; fails on a shape or length mismatch. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

/** Expects element-wise |a - b| <= tol (and equal lengths), reporting the worst index. */
export function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what = ''): void {
  expect(a.length, `${what} length`).toBe(b.length);
  let worst = -1;
  let worstDiff = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (Number.isNaN(d) || d > worstDiff) {
      worstDiff = Number.isNaN(d) ? Infinity : d;
      worst = i;
    }
  }
  expect(worstDiff, `${what} worst |diff| at flat index ${worst}: ${worst >= 0 ? `${a[worst]} vs ${b[worst]}` : ''}`).toBeLessThanOrEqual(tol);
}

export type Act = (x: number) => number;

export const ACT: Record<string, Act> = {
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  hard_sigmoid: (x) => Math.min(Math.max(x + 3, 0), 6) / 6,
  relu: (x) => Math.max(x, 0),
  linear: (x) => x,
};

export interface LstmRefWeights {
  kernel: ArrayLike<number>; // [in, 4u]
  recurrent: ArrayLike<number>; // [u, 4u]
  bias?: ArrayLike<number>; // [4u]
}

export interface LstmRefResult {
  /** [batch, T, u] in processing order. */
  seq: Float64Array;
  h: Float64Array;
  c: Float64Array;
  /** Every gate pre-activation z (i, f, c, o) and every cell state c, for kink checks. */
  gatePre: number[];
  candPre: number[];
  cells: number[];
}

/**
 * Keras LSTM forward in float64: z = x W + h U + b, i = ra(z_i), f = ra(z_f), g = a(z_c),
 * o = ra(z_o), c = f c + i g, h = o a(c). `x` is [batch, T, in] row-major.
 */
export function lstmRef(
  x: { data: ArrayLike<number>; shape: number[] },
  w: LstmRefWeights,
  units: number,
  activation: Act,
  recurrentActivation: Act,
  goBackwards = false,
): LstmRefResult {
  const [batch, T, inDim] = x.shape as [number, number, number];
  const u = units;
  const seq = new Float64Array(batch * T * u);
  const hAll = new Float64Array(batch * u);
  const cAll = new Float64Array(batch * u);
  const gatePre: number[] = [];
  const candPre: number[] = [];
  const cells: number[] = [];
  for (let b = 0; b < batch; b++) {
    let h = new Float64Array(u);
    let c = new Float64Array(u);
    for (let step = 0; step < T; step++) {
      const t = goBackwards ? T - 1 - step : step;
      const z = new Float64Array(4 * u);
      for (let j = 0; j < 4 * u; j++) {
        let s = w.bias ? w.bias[j]! : 0;
        for (let k = 0; k < inDim; k++) s += x.data[(b * T + t) * inDim + k]! * w.kernel[k * 4 * u + j]!;
        for (let k = 0; k < u; k++) s += h[k]! * w.recurrent[k * 4 * u + j]!;
        z[j] = s;
      }
      const hn = new Float64Array(u);
      const cn = new Float64Array(u);
      for (let j = 0; j < u; j++) {
        const zi = z[j]!, zf = z[u + j]!, zc = z[2 * u + j]!, zo = z[3 * u + j]!;
        gatePre.push(zi, zf, zo);
        candPre.push(zc);
        cn[j] = recurrentActivation(zf) * c[j]! + recurrentActivation(zi) * activation(zc);
        cells.push(cn[j]!);
        hn[j] = recurrentActivation(zo) * activation(cn[j]!);
        seq[(b * T + step) * u + j] = hn[j]!;
      }
      h = hn;
      c = cn;
    }
    hAll.set(h, b * u);
    cAll.set(c, b * u);
  }
  return { seq, h: hAll, c: cAll, gatePre, candPre, cells };
}

/** Last step of a [batch, T, u] sequence: [batch, u]. */
export function lastStep(seq: ArrayLike<number>, batch: number, T: number, u: number): Float64Array {
  const out = new Float64Array(batch * u);
  for (let b = 0; b < batch; b++) for (let j = 0; j < u; j++) out[b * u + j] = seq[(b * T + T - 1) * u + j]!;
  return out;
}

/** Dense on the last axis: rows [n, in] -> [n, out]. */
export function denseRef(x: ArrayLike<number>, n: number, kernel: ArrayLike<number>, bias: ArrayLike<number> | undefined, inDim: number, outDim: number, act: Act = ACT.linear!): Float64Array {
  const out = new Float64Array(n * outDim);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < outDim; j++) {
      let s = bias ? bias[j]! : 0;
      for (let k = 0; k < inDim; k++) s += x[r * inDim + k]! * kernel[k * outDim + j]!;
      out[r * outDim + j] = act(s);
    }
  }
  return out;
}
