/**
 * Helpers of the attention-layer tests: random weights for a whole model, the weights of each
 * layer (Keras order), and float64 references of Keras's attention math.
 */
import type { Functional, Layer, Tensor } from '../../../lib/index.js';
import { rng } from '../../helpers/random.js';

/** The weights of each non-input layer of `m`, in `m.getWeights()` order. */
export function weightsByLayer(m: Functional): Map<string, Tensor[]> {
  const all = m.getWeights();
  const out = new Map<string, Tensor[]>();
  let k = 0;
  for (const layer of m.layers as Layer[]) {
    if (layer.className === 'InputLayer') continue;
    const node = layer.inboundNodes[0]!;
    const n = layer.weightSpecs(node.inputs.map((t) => [...t.shape])).length;
    out.set(layer.name, all.slice(k, k + n));
    k += n;
  }
  if (k !== all.length) throw new Error(`weightsByLayer: counted ${k} weights of ${all.length}`);
  return out;
}

/** Sets every weight of `m` to uniform values in [-scale, scale). */
export function randomizeWeights(m: Functional, seed: number, scale = 0.5): void {
  const r = rng(seed);
  m.setWeights(m.getWeights().map((w) => ({ data: w.data.map(() => (2 * r() - 1) * scale), shape: w.shape })));
}

/** A float64 array view `[d0][d1]...` of a flat tensor, row-major. */
export class Nd {
  readonly strides: number[];
  constructor(readonly data: ArrayLike<number>, readonly shape: number[]) {
    this.strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  }
  at(...idx: number[]): number {
    let o = 0;
    idx.forEach((v, i) => (o += v * this.strides[i]!));
    return this.data[o]!;
  }
}

const nd = (t: { data: ArrayLike<number>; shape: number[] }) => new Nd(t.data, t.shape);

/** Masks: [batch][t] booleans, or undefined. */
export type Mask = boolean[][] | undefined;

/**
 * Keras Attention / AdditiveAttention in float64: `kind` dot (optionally scaled by `scale`),
 * concat (`concatWeight * sum(tanh(scale * (q + k)))`) or additive (`sum(scale[d] * tanh(q + k))`);
 * -1e9 where the value mask or the causal mask says no; softmax; weights @ value; zero rows where
 * the query mask is false. Returns [output [B, Tq, Dv], weights [B, Tq, Tv]] flat.
 */
export function attentionRef(
  kind: 'dot' | 'concat' | 'additive',
  q: { data: ArrayLike<number>; shape: number[] },
  v: { data: ArrayLike<number>; shape: number[] },
  k: { data: ArrayLike<number>; shape: number[] },
  opts: { scale?: ArrayLike<number>; concatWeight?: number; qMask?: Mask; vMask?: Mask; causal?: boolean } = {},
): [Float64Array, Float64Array] {
  const [B, Tq, D] = q.shape as [number, number, number];
  const [, Tv, Dv] = v.shape as [number, number, number];
  const Q = nd(q), K = nd(k), V = nd(v);
  const out = new Float64Array(B * Tq * Dv);
  const probs = new Float64Array(B * Tq * Tv);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < Tq; i++) {
      const s = new Float64Array(Tv);
      for (let j = 0; j < Tv; j++) {
        let acc = 0;
        for (let d = 0; d < D; d++) {
          const qv = Q.at(b, i, d), kv = K.at(b, j, d);
          if (kind === 'dot') acc += qv * kv;
          else if (kind === 'concat') acc += Math.tanh((opts.scale ? opts.scale[0]! : 1) * (qv + kv));
          else acc += (opts.scale ? opts.scale[d]! : 1) * Math.tanh(qv + kv);
        }
        if (kind === 'dot' && opts.scale) acc *= opts.scale[0]!;
        if (kind === 'concat') acc *= opts.concatWeight ?? 1;
        const keep = (opts.vMask ? opts.vMask[b]![j]! : true) && (!opts.causal || j <= i);
        s[j] = keep ? acc : acc - 1e9;
      }
      const top = Math.max(...s);
      let z = 0;
      for (let j = 0; j < Tv; j++) z += Math.exp(s[j]! - top);
      const qm = opts.qMask && !opts.qMask[b]![i] ? 0 : 1;
      for (let j = 0; j < Tv; j++) {
        const p = Math.exp(s[j]! - top) / z;
        probs[(b * Tq + i) * Tv + j] = p;
        for (let e = 0; e < Dv; e++) out[(b * Tq + i) * Dv + e]! += qm * p * V.at(b, j, e);
      }
    }
  }
  return [out, probs];
}

/**
 * Keras 3 MultiHeadAttention in float64, weights in Keras order (query/kernel [D, H, K],
 * query/bias [H, K], key/..., value/... [Dv, H, V], attention_output/kernel [H, V, O], bias [O]).
 * Returns [output [B, Tq, O], probabilities [B, H, Tq, Tv]] flat.
 */
export function mhaRef(
  w: Tensor[],
  useBias: boolean,
  q: { data: ArrayLike<number>; shape: number[] },
  v: { data: ArrayLike<number>; shape: number[] },
  k: { data: ArrayLike<number>; shape: number[] },
  opts: { qMask?: Mask; vMask?: Mask; causal?: boolean } = {},
): [Float64Array, Float64Array] {
  let n = 0;
  const next = () => w[n++]!;
  const wq = next(), bq = useBias ? next() : undefined;
  const wk = next(), bk = useBias ? next() : undefined;
  const wv = next(), bv = useBias ? next() : undefined;
  const wo = next(), bo = useBias ? next() : undefined;
  const [B, Tq] = q.shape as [number, number];
  const Tv = v.shape[1]!;
  const [, H, Kd] = wq.shape as [number, number, number];
  const Vd = wv.shape[2]!;
  const O = wo.data.length / (H * Vd);
  const project = (x: { data: ArrayLike<number>; shape: number[] }, kernel: Tensor, bias: Tensor | undefined) => {
    const [bn, t, din] = x.shape as [number, number, number];
    const size = kernel.shape[2]!;
    const X = nd(x), W = nd(kernel), Bb = bias ? nd(bias) : undefined;
    const y = new Float64Array(bn * t * H * size);
    for (let b = 0; b < bn; b++)
      for (let i = 0; i < t; i++)
        for (let h = 0; h < H; h++)
          for (let e = 0; e < size; e++) {
            let acc = Bb ? Bb.at(h, e) : 0;
            for (let d = 0; d < din; d++) acc += X.at(b, i, d) * W.at(d, h, e);
            y[((b * t + i) * H + h) * size + e] = acc;
          }
    return new Nd(y, [bn, t, H, size]);
  };
  const Qp = project(q, wq, bq), Kp = project(k, wk, bk), Vp = project(v, wv, bv);
  const probs = new Float64Array(B * H * Tq * Tv);
  const ctx = new Float64Array(B * Tq * H * Vd);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < H; h++)
      for (let i = 0; i < Tq; i++) {
        const s = new Float64Array(Tv);
        for (let j = 0; j < Tv; j++) {
          let acc = 0;
          for (let e = 0; e < Kd; e++) acc += Qp.at(b, i, h, e) * Kp.at(b, j, h, e);
          acc /= Math.sqrt(Kd);
          const keep = (opts.qMask ? opts.qMask[b]![i]! : true) && (opts.vMask ? opts.vMask[b]![j]! : true) && (!opts.causal || j <= i);
          s[j] = keep ? acc : acc - 1e9;
        }
        const top = Math.max(...s);
        let z = 0;
        for (let j = 0; j < Tv; j++) z += Math.exp(s[j]! - top);
        for (let j = 0; j < Tv; j++) {
          const p = Math.exp(s[j]! - top) / z;
          probs[((b * H + h) * Tq + i) * Tv + j] = p;
          for (let e = 0; e < Vd; e++) ctx[((b * Tq + i) * H + h) * Vd + e]! += p * Vp.at(b, j, h, e);
        }
      }
  const out = new Float64Array(B * Tq * O);
  for (let b = 0; b < B; b++)
    for (let i = 0; i < Tq; i++)
      for (let o = 0; o < O; o++) {
        let acc = bo ? bo.data[o]! : 0;
        for (let h = 0; h < H; h++) for (let e = 0; e < Vd; e++) acc += ctx[((b * Tq + i) * H + h) * Vd + e]! * wo.data[(h * Vd + e) * O + o]!;
        out[(b * Tq + i) * O + o] = acc;
      }
  return [out, probs];
}

/** Keras LayerNormalization over the last axis in float64 (x flat [rows, d]). */
export function layerNormRef(x: ArrayLike<number>, d: number, eps: number, gamma?: ArrayLike<number>, beta?: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / d; r++) {
    let mean = 0, variance = 0;
    for (let j = 0; j < d; j++) mean += x[r * d + j]! / d;
    for (let j = 0; j < d; j++) variance += (x[r * d + j]! - mean) ** 2 / d;
    for (let j = 0; j < d; j++) {
      out[r * d + j] = ((x[r * d + j]! - mean) / Math.sqrt(variance + eps)) * (gamma ? gamma[j]! : 1) + (beta ? beta[j]! : 0);
    }
  }
  return out;
}

/** y = act(x W + b) on the last axis in float64 (x flat [rows, in], W [in, out]). */
export function denseRef(x: ArrayLike<number>, inDim: number, w: Tensor, b: Tensor | undefined, act: (v: number) => number = (v) => v): Float64Array {
  const outDim = w.shape[1]!;
  const rows = x.length / inDim;
  const out = new Float64Array(rows * outDim);
  for (let r = 0; r < rows; r++)
    for (let o = 0; o < outDim; o++) {
      let acc = b ? b.data[o]! : 0;
      for (let i = 0; i < inDim; i++) acc += x[r * inDim + i]! * w.data[i * outDim + o]!;
      out[r * outDim + o] = act(acc);
    }
  return out;
}
