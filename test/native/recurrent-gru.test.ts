/**
 * GRU and SimpleRNN forward numerics with identical weights: against @tensorflow/tfjs (GRU with
 * resetAfter false, the only convention tfjs has; SimpleRNN tanh/relu), against a float64 GRU
 * reference written here for resetAfter true (Keras's default), and the fused kernel against the
 * cell loop in outputs and gradients.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { layers, sequential, type Sequential, type Tensor } from '../../lib/index.js';
import { expectClose, randomTensor, rng } from './numerics/helpers.js';

const TOL = 1e-5;

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

/** Every weight replaced by U(-0.8, 0.8) (biases included, so a gate-order slip shows). */
function randomize(model: Sequential, seed: number): Tensor[] {
  const r = rng(seed);
  model.setWeights(model.getWeights().map((w) => ({ data: w.data.map(() => 1.6 * r() - 0.8), shape: w.shape })));
  return model.getWeights();
}

async function tfjsOutputs(layer: tf.layers.Layer, inputShape: [number, number], weights: Tensor[], x: { data: Float32Array; shape: number[] }): Promise<Float32Array[]> {
  const inp = tf.input({ shape: inputShape });
  const out = layer.apply(inp) as tf.SymbolicTensor | tf.SymbolicTensor[];
  const model = tf.model({ inputs: inp, outputs: out });
  layer.setWeights(weights.map((w) => tf.tensor(w.data, w.shape)));
  const xt = tf.tensor(x.data, x.shape);
  const pred = model.predict(xt);
  const list = Array.isArray(pred) ? pred : [pred];
  const data = list.map((t) => t.dataSync() as Float32Array);
  tf.dispose([xt, ...list]);
  model.dispose();
  return data;
}

interface Case {
  returnSequences?: boolean;
  returnState?: boolean;
  goBackwards?: boolean;
  useBias?: boolean;
  activation?: 'tanh' | 'relu';
}

const B = 4, T = 6, F = 3, U = 5;

describe('GRU (resetAfter false) vs tfjs, same weights', () => {
  const cases: [string, Case][] = [
    ['last output', {}],
    ['returnSequences', { returnSequences: true }],
    ['goBackwards + returnSequences + returnState', { returnSequences: true, returnState: true, goBackwards: true }],
    ['no bias', { useBias: false }],
  ];
  for (const [i, [label, c]] of cases.entries()) {
    it(label, async () => {
      const ours = sequential([layers.gru({ units: U, inputShape: [T, F], resetAfter: false, ...c })]);
      const weights = randomize(ours, 100 + i);
      expect(weights.map((w) => w.shape)).toEqual(c.useBias === false ? [[F, 3 * U], [U, 3 * U]] : [[F, 3 * U], [U, 3 * U], [3 * U]]);
      const x = randomTensor([B, T, F], 200 + i);
      const theirs = await tfjsOutputs(
        tf.layers.gru({ units: U, recurrentActivation: 'sigmoid', returnSequences: c.returnSequences ?? false, returnState: c.returnState ?? false, goBackwards: c.goBackwards ?? false, useBias: c.useBias ?? true }),
        [T, F], weights, x,
      );
      const got = await ours.predictOutputs(x);
      expect(got.length).toBe(theirs.length);
      got.forEach((t, k) => expectClose(t.data, theirs[k]!, TOL, `output ${k}`));
      expect(Math.max(...theirs[0]!.map(Math.abs))).toBeGreaterThan(1e-2);
      ours.dispose();
    });
  }
});

describe('SimpleRNN vs tfjs, same weights', () => {
  for (const [i, c] of ([{}, { activation: 'relu', returnSequences: true }, { goBackwards: true, returnState: true }] as Case[]).entries()) {
    it(JSON.stringify(c), async () => {
      const ours = sequential([layers.simpleRNN({ units: U, inputShape: [T, F], ...c })]);
      const weights = randomize(ours, 300 + i);
      const x = randomTensor([B, T, F], 400 + i);
      const theirs = await tfjsOutputs(
        tf.layers.simpleRNN({ units: U, activation: c.activation ?? 'tanh', returnSequences: c.returnSequences ?? false, returnState: c.returnState ?? false, goBackwards: c.goBackwards ?? false }),
        [T, F], weights, x,
      );
      const got = await ours.predictOutputs(x);
      got.forEach((t, k) => expectClose(t.data, theirs[k]!, TOL, `output ${k}`));
      ours.dispose();
    });
  }
});

/** Keras GRUCell (resetAfter true) in float64; returns the sequence [B, T, U] in processing order. */
function gruResetAfterRef(x: { data: Float32Array }, w: Tensor[], goBackwards: boolean): Float64Array {
  const [k, rk, bias] = [w[0]!.data, w[1]!.data, w[2]!.data];
  const W = 3 * U;
  const seq = new Float64Array(B * T * U);
  for (let b = 0; b < B; b++) {
    let h = new Float64Array(U);
    for (let s = 0; s < T; s++) {
      const t = goBackwards ? T - 1 - s : s;
      const xz = new Float64Array(W), hz = new Float64Array(W);
      for (let j = 0; j < W; j++) {
        let a = bias[j]!, r = bias[W + j]!;
        for (let f = 0; f < F; f++) a += x.data[(b * T + t) * F + f]! * k[f * W + j]!;
        for (let q = 0; q < U; q++) r += h[q]! * rk[q * W + j]!;
        xz[j] = a;
        hz[j] = r;
      }
      const next = new Float64Array(U);
      for (let j = 0; j < U; j++) {
        const z = 1 / (1 + Math.exp(-(xz[j]! + hz[j]!)));
        const r = 1 / (1 + Math.exp(-(xz[U + j]! + hz[U + j]!)));
        const hh = Math.tanh(xz[2 * U + j]! + r * hz[2 * U + j]!);
        next[j] = z * h[j]! + (1 - z) * hh;
        seq[(b * T + s) * U + j] = next[j]!;
      }
      h = next;
    }
  }
  return seq;
}

describe('GRU resetAfter true (Keras default) vs a float64 reference', () => {
  for (const goBackwards of [false, true]) {
    it(`fused at::gru and the cell loop, goBackwards ${goBackwards}`, async () => {
      const fused = sequential([layers.gru({ units: U, inputShape: [T, F], returnSequences: true, goBackwards, useCudnn: true })]);
      const weights = randomize(fused, 500);
      expect(weights[2]!.shape).toEqual([2, 3 * U]);
      const loop = sequential([layers.gru({ units: U, inputShape: [T, F], returnSequences: true, goBackwards, useCudnn: false })]);
      loop.setWeights(weights);
      const x = randomTensor([B, T, F], 600);
      const ref = gruResetAfterRef(x, weights, goBackwards);
      expectClose((await fused.predict(x) as Tensor).data, ref, TOL, 'fused');
      expectClose((await loop.predict(x) as Tensor).data, ref, TOL, 'loop');
      expect(fused.summary(() => {})).toMatch(/fused at::gru/);
      expect(loop.summary(() => {})).toMatch(/useCudnn=false/);
      fused.dispose();
      loop.dispose();
    });
  }
});

describe('fused vs loop gradients from TS', () => {
  const makers: [string, (useCudnn: boolean) => ReturnType<typeof layers.gru> | ReturnType<typeof layers.lstm>][] = [
    ['GRU', (useCudnn) => layers.gru({ units: U, inputShape: [T, F], useCudnn })],
    ['LSTM', (useCudnn) => layers.lstm({ units: U, inputShape: [T, F], useCudnn, goBackwards: true })],
  ];
  for (const [name, make] of makers) {
    it(name, async () => {
      const build = (useCudnn: boolean) => {
        const m = sequential([make(useCudnn), layers.dense({ units: 2 })]);
        m.compile({ optimizer: 'sgd', loss: 'mse' });
        return m;
      };
      const a = build(true), b = build(false);
      b.setWeights(randomize(a, 700));
      const x = randomTensor([B, T, F], 701), y = randomTensor([B, 2], 702);
      expectClose((await a.predict(x) as Tensor).data, (await b.predict(x) as Tensor).data, TOL, 'outputs');
      const ga = await a.gradients(x, y), gb = await b.gradients(x, y);
      ga.forEach((g, i) => expectClose(g.data, gb[i]!.data, 1e-4, `gradient ${i}`));
      a.dispose();
      b.dispose();
    });
  }
});

describe('weight regularizers on recurrent layers', () => {
  it('add exactly l1 * sum|w| + l2 * sum(w^2) to the loss', async () => {
    const x = randomTensor([B, T, F], 800), y = randomTensor([B, U], 801);
    const build = (reg: boolean) => {
      const m = sequential([
        layers.gru({
          units: U, inputShape: [T, F],
          ...(reg ? { kernelRegularizer: { className: 'L2', config: { l2: 0.01 } }, recurrentRegularizer: 'l1', biasRegularizer: { className: 'L1L2', config: { l1: 0.2, l2: 0.3 } } } : {}),
        } as never),
      ]);
      m.compile({ optimizer: 'sgd', loss: 'mse' });
      return m;
    };
    const plain = build(false), reg = build(true);
    const weights = randomize(plain, 802);
    reg.setWeights(weights);
    const sum = (w: Tensor, f: (v: number) => number) => Array.from(w.data).reduce((s, v) => s + f(v), 0);
    const penalty =
      0.01 * sum(weights[0]!, (v) => v * v) + 0.01 * sum(weights[1]!, Math.abs) + 0.2 * sum(weights[2]!, Math.abs) + 0.3 * sum(weights[2]!, (v) => v * v);
    const base = (await plain.evaluate(x, y, { verbose: 0 })).loss!;
    const total = (await reg.evaluate(x, y, { verbose: 0 })).loss!;
    expect(Math.abs(total - base - penalty)).toBeLessThan(1e-4 * Math.max(1, penalty));
    plain.dispose();
    reg.dispose();
  });
});
