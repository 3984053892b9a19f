/**
 * attention, additiveAttention, multiHeadAttention, transformerEncoder and positionEmbedding
 * through the engine against float64 references written here (tfjs has none of them): masks
 * from `masking()` on query and value, causal masking, returned attention scores, a key input,
 * valueDim != keyDim, outputShape, pre- and post-norm. Float32 outputs agree within 1e-5.
 */
import { describe, expect, it } from 'vitest';
import { type Functional, input, layers, model, type SymbolicTensor, type Tensor } from '../../../lib/index.js';
import { expectClose, randomTensor } from '../numerics/helpers.js';
import { attentionRef, denseRef, layerNormRef, type Mask, mhaRef, randomizeWeights, weightsByLayer } from './helpers.js';

const TOL = 1e-5;

/** Random [B, T, D] data with the timesteps listed in `padded` (per sample) set to zero, and its mask. */
function paddedData(shape: [number, number, number], seed: number, padded: number[][]): [{ data: Float32Array; shape: number[] }, Mask] {
  const t = randomTensor(shape, seed);
  const [B, T, D] = shape;
  const mask: boolean[][] = [];
  for (let b = 0; b < B; b++) {
    mask.push([]);
    for (let i = 0; i < T; i++) {
      const pad = padded[b]?.includes(i) ?? false;
      mask[b]!.push(!pad);
      if (pad) t.data.fill(0, (b * T + i) * D, (b * T + i + 1) * D);
    }
  }
  return [t, mask];
}

/** Keeps the entries of rows [B, T, ...] whose mask is true (all rows without a mask). */
function rows(data: ArrayLike<number>, mask: Mask, B: number, T: number): number[] {
  const width = data.length / (B * T);
  const out: number[] = [];
  for (let b = 0; b < B; b++) for (let i = 0; i < T; i++) if (!mask || mask[b]![i]) for (let e = 0; e < width; e++) out.push(data[(b * T + i) * width + e]!);
  return out;
}

async function outputs(m: Functional, x: unknown): Promise<Tensor[]> {
  return m.predictOutputs(x as never);
}

describe('attention against a float64 reference', () => {
  it('dot scores, useScale, value and query masks, causal mask, returned scores', async () => {
    const q = input({ shape: [4, 3], name: 'q' });
    const v = input({ shape: [5, 3], name: 'v' });
    const layer = layers.attention({ useScale: true, useCausalMask: true, returnAttentionScores: true });
    const [out, scores] = layer.apply([layers.masking().apply(q), layers.masking().apply(v)]) as SymbolicTensor[];
    expect(out!.shape).toEqual([null, 4, 3]);
    expect(scores!.shape).toEqual([null, 4, 5]);
    const m = model({ inputs: [q, v], outputs: [out!, scores!] });
    m.setWeights([{ data: new Float32Array([0.7]), shape: [] }]);
    const [qd, qMask] = paddedData([2, 4, 3], 1, [[3], [1]]);
    const [vd, vMask] = paddedData([2, 5, 3], 2, [[2, 4], [3]]);
    const [o, s] = await outputs(m, { q: qd, v: vd });
    const [ro, rs] = attentionRef('dot', qd, vd, vd, { scale: [0.7], qMask, vMask, causal: true });
    expectClose(o!.data, ro, TOL, 'output');
    expectClose(s!.data, rs, TOL, 'scores');
    m.dispose();
  });

  it('concat scores with a key input', async () => {
    const q = input({ shape: [3, 4] });
    const v = input({ shape: [6, 2] });
    const k = input({ shape: [6, 4] });
    const out = layers.attention({ scoreMode: 'concat', useScale: true }).apply([q, v, k]) as SymbolicTensor;
    expect(out.shape).toEqual([null, 3, 2]);
    const m = model({ inputs: [q, v, k], outputs: out });
    m.setWeights([{ data: new Float32Array([0.6]), shape: [] }, { data: new Float32Array([1.3]), shape: [] }]);
    const qd = randomTensor([2, 3, 4], 3), vd = randomTensor([2, 6, 2], 4), kd = randomTensor([2, 6, 4], 5);
    const [o] = await outputs(m, [qd, vd, kd]);
    expectClose(o!.data, attentionRef('concat', qd, vd, kd, { scale: [0.6], concatWeight: 1.3 })[0], TOL, 'output');
    m.dispose();
  });
});

describe('additiveAttention against a float64 reference', () => {
  it('scaled additive scores with a value mask', async () => {
    const q = input({ shape: [3, 4] });
    const v = input({ shape: [5, 4] });
    const out = layers.additiveAttention().apply([q, layers.masking().apply(v)]) as SymbolicTensor;
    const m = model({ inputs: [q, v], outputs: out });
    randomizeWeights(m, 9);
    const scale = m.getWeights()[0]!;
    expect(scale.shape).toEqual([4]);
    const qd = randomTensor([2, 3, 4], 6);
    const [vd, vMask] = paddedData([2, 5, 4], 7, [[4], [1, 2]]);
    const [o] = await outputs(m, [qd, vd]);
    expectClose(o!.data, attentionRef('additive', qd, vd, vd, { scale: scale.data, vMask })[0], TOL, 'output');
    m.dispose();
  });
});

describe('multiHeadAttention against a float64 reference', () => {
  it('heads, key input, valueDim != keyDim, outputShape, masks, causal mask, returned scores', async () => {
    const q = input({ shape: [4, 6], name: 'q' });
    const v = input({ shape: [5, 3], name: 'v' });
    const k = input({ shape: [5, 5], name: 'k' });
    const mha = layers.multiHeadAttention({ numHeads: 3, keyDim: 2, valueDim: 4, outputShape: 7, useCausalMask: true, returnAttentionScores: true });
    const [out, scores] = mha.apply([layers.masking().apply(q), layers.masking().apply(v), k]) as SymbolicTensor[];
    expect(out!.shape).toEqual([null, 4, 7]);
    expect(scores!.shape).toEqual([null, 3, 4, 5]);
    const m = model({ inputs: [q, v, k], outputs: [out!, scores!] });
    randomizeWeights(m, 12);
    const w = weightsByLayer(m).get(mha.name)!;
    expect(w.map((t) => t.shape)).toEqual([[6, 3, 2], [3, 2], [5, 3, 2], [3, 2], [3, 3, 4], [3, 4], [3, 4, 7], [7]]);
    const [qd, qMask] = paddedData([2, 4, 6], 1, [[2], []]);
    const [vd, vMask] = paddedData([2, 5, 3], 2, [[3], [1, 4]]);
    const kd = randomTensor([2, 5, 5], 3);
    const [o, s] = await outputs(m, { q: qd, v: vd, k: kd });
    const [ro, rs] = mhaRef(w, true, qd, vd, kd, { qMask, vMask, causal: true });
    // Fully masked query rows are Keras's near-uniform float32 artefact: compare the kept rows.
    expectClose(rows(o!.data, qMask, 2, 4), rows(ro, qMask, 2, 4), TOL, 'output');
    const keptScores: number[] = [], refScores: number[] = [];
    for (let b = 0; b < 2; b++) for (let h = 0; h < 3; h++) for (let i = 0; i < 4; i++) {
      if (!qMask![b]![i]) continue;
      for (let j = 0; j < 5; j++) {
        keptScores.push(s!.data[((b * 3 + h) * 4 + i) * 5 + j]!);
        refScores.push(rs[((b * 3 + h) * 4 + i) * 5 + j]!);
      }
    }
    expectClose(keptScores, refScores, TOL, 'scores');
    m.dispose();
  });

  it('self-attention without bias', async () => {
    const x = input({ shape: [5, 4] });
    const out = layers.multiHeadAttention({ numHeads: 2, keyDim: 3, useBias: false }).apply([x, x]) as SymbolicTensor;
    const m = model({ inputs: x, outputs: out });
    randomizeWeights(m, 4);
    const xd = randomTensor([3, 5, 4], 8);
    const [o] = await outputs(m, xd);
    expectClose(o!.data, mhaRef(m.getWeights(), false, xd, xd, xd)[0], TOL, 'output');
    m.dispose();
  });
});

describe('transformerEncoder against a float64 composition of the keras_hub block', () => {
  for (const normalizeFirst of [false, true]) {
    it(`${normalizeFirst ? 'pre' : 'post'}-norm with a padding mask`, async () => {
      const x = input({ shape: [5, 6] });
      const enc = layers.transformerEncoder({ intermediateDim: 10, numHeads: 2, normalizeFirst });
      const m = model({ inputs: x, outputs: enc.apply(layers.masking().apply(x)) as SymbolicTensor });
      randomizeWeights(m, 21);
      const w = m.getWeights();
      expect(w).toHaveLength(16);
      const [xd, mask] = paddedData([3, 5, 6], 5, [[], [4], [0, 3]]);
      const [o] = await outputs(m, xd);
      const rowsN = 15;
      const norm = (v: ArrayLike<number>, g: number) => layerNormRef(v, 6, 1e-5, w[g]!.data, w[g + 1]!.data);
      const a = normalizeFirst ? norm(xd.data, 8) : xd.data;
      const att = mhaRef(w.slice(0, 8), true, { data: a, shape: [3, 5, 6] }, { data: a, shape: [3, 5, 6] }, { data: a, shape: [3, 5, 6] }, { qMask: mask, vMask: mask })[0];
      let y: ArrayLike<number> = att.map((v, i) => v + xd.data[i]!);
      if (!normalizeFirst) y = norm(y, 8);
      const h = normalizeFirst ? norm(y, 10) : y;
      const ff = denseRef(denseRef(h, 6, w[12]!, w[13]!, (v) => Math.max(v, 0)), 10, w[14]!, w[15]!);
      let z: ArrayLike<number> = ff.map((v, i) => v + y[i]!);
      if (!normalizeFirst) z = norm(z, 10);
      expect(z.length).toBe(rowsN * 6);
      expectClose(rows(o!.data, mask, 3, 5), rows(z, mask, 3, 5), TOL, 'output');
      m.dispose();
    });
  }
});

describe('positionEmbedding', () => {
  it('adds the first T learned positions (keras_hub contract: the layer returns only the embeddings)', async () => {
    const x = input({ shape: [4, 3] });
    const pos = layers.positionEmbedding({ sequenceLength: 6 }).apply(x);
    const m = model({ inputs: x, outputs: layers.add().apply([x, pos]) as SymbolicTensor });
    const [e] = m.getWeights();
    expect(e!.shape).toEqual([6, 3]);
    const xd = randomTensor([2, 4, 3], 1);
    const [o] = await outputs(m, xd);
    const ref = Array.from(xd.data, (v, i) => v + e!.data[i % 12]!);
    expectClose(o!.data, ref, TOL, 'x + positions');
    m.dispose();
  });
});
