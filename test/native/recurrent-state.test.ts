/**
 * Stateful recurrent layers (the carry across calls, `resetStates()`, the fixed batch size),
 * initial states through the functional API, and the peephole LSTM against a float64
 * reference written here.
 */
import { describe, expect, it } from 'vitest';
import { input, layers, model, sequential, TorchError, type Tensor } from '../../lib/index.js';
import { expectClose, randomTensor, rng } from './numerics/helpers.js';

const TOL = 1e-5;

/** Columns [from, from + n) of a [B, T, F] tensor. */
function steps(x: { data: Float32Array; shape: number[] }, from: number, n: number): { data: Float32Array; shape: number[] } {
  const [B, T, F] = x.shape as [number, number, number];
  const data = new Float32Array(B * n * F);
  for (let b = 0; b < B; b++) data.set(x.data.slice((b * T + from) * F, (b * T + from + n) * F), b * n * F);
  return { data, shape: [B, n, F] };
}

describe('stateful recurrent layers', () => {
  for (const kind of ['lstm', 'gru', 'simpleRNN'] as const) {
    it(`${kind}: two halves of a sequence equal the whole; resetStates starts over`, async () => {
      const make = (stateful: boolean) =>
        sequential([layers[kind]({ units: 4, inputShape: [null, 3], stateful, name: 'rnn' } as never)]);
      const stateful = make(true);
      const plain = make(false);
      plain.setWeights(stateful.getWeights());
      const x = randomTensor([3, 8, 3], 1);
      await stateful.predict(steps(x, 0, 5), { batchSize: 3 });
      const second = (await stateful.predict(steps(x, 5, 3), { batchSize: 3 })) as Tensor;
      const whole = (await plain.predict(x)) as Tensor;
      expectClose(second.data, whole.data, TOL, 'carried');
      stateful.resetStates();
      const fresh = (await stateful.predict(steps(x, 5, 3), { batchSize: 3 })) as Tensor;
      expectClose(fresh.data, ((await plain.predict(steps(x, 5, 3))) as Tensor).data, TOL, 'after reset');
      await expect(stateful.predict(randomTensor([2, 4, 3], 2))).rejects.toThrow(/stateful and carries states for a batch of 3 samples but received a batch of 2/);
      stateful.dispose();
      plain.dispose();
    });
  }

  it('trains with a fixed batch size (no gradient across batches) and reports a wrong one', async () => {
    const m = sequential([layers.lstm({ units: 4, inputShape: [5, 2], stateful: true }), layers.dense({ units: 1 })]);
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const x = randomTensor([8, 5, 2], 3), y = randomTensor([8, 1], 4);
    const history = await m.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
    expect(history.history.loss!.every(Number.isFinite)).toBe(true);
    m.resetStates();
    await expect(m.fit(x, y, { epochs: 1, batchSize: 3, shuffle: false, verbose: 0 })).rejects.toThrow(TorchError);
    m.dispose();
  });
});

describe('initial states through the functional API', () => {
  it('an encoder LSTM state starts a decoder; zeros as initial state equal no initial state', async () => {
    const x = input({ shape: [6, 3] });
    const h0 = input({ shape: [4] });
    const c0 = input({ shape: [4] });
    const out = layers.lstm({ units: 4, name: 'dec' }).apply(x, { initialState: [h0, c0] });
    const m = model({ inputs: [x, h0, c0], outputs: out });
    const plain = sequential([layers.lstm({ units: 4, inputShape: [6, 3], name: 'dec' })]);
    plain.setWeights(m.getWeights());
    const xs = randomTensor([2, 6, 3], 5);
    const zeros = { data: new Float32Array(8), shape: [2, 4] };
    const withZeros = (await m.predict([xs, zeros, zeros])) as Tensor;
    expectClose(withZeros.data, ((await plain.predict(xs)) as Tensor).data, TOL, 'zero states');
    const given = (await m.predict([xs, randomTensor([2, 4], 6), randomTensor([2, 4], 7)])) as Tensor;
    expect(Array.from(given.data)).not.toEqual(Array.from(withZeros.data));
    m.dispose();
    plain.dispose();
  });

  it('a GRU takes one initial state', async () => {
    const x = input({ shape: [5, 2] });
    const h0 = input({ shape: [3] });
    const m = model({ inputs: [x, h0], outputs: layers.gru({ units: 3 }).apply([x, h0]) });
    const y = (await m.predict([randomTensor([2, 5, 2], 8), randomTensor([2, 3], 9)])) as Tensor;
    expect(y.shape).toEqual([2, 3]);
    m.dispose();
  });
});

describe('PeepholeLSTM vs a float64 reference', () => {
  it('returnSequences + returnState, weights in Keras order', async () => {
    const B = 3, T = 6, F = 2, U = 4;
    const m = sequential([layers.peepholeLstm({ units: U, inputShape: [T, F], returnSequences: true, returnState: true })]);
    const r = rng(10);
    m.setWeights(m.getWeights().map((w) => ({ data: w.data.map(() => 1.6 * r() - 0.8), shape: w.shape })));
    const w = m.getWeights();
    expect(w.map((t) => t.shape)).toEqual([[F, 4 * U], [U, 4 * U], [4 * U], [U], [U], [U]]);
    const [k, rk, bias, pi, pf, po] = w.map((t) => t.data);
    const x = randomTensor([B, T, F], 11);
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    const seq = new Float64Array(B * T * U), hs = new Float64Array(B * U), cs = new Float64Array(B * U);
    for (let b = 0; b < B; b++) {
      let h = new Float64Array(U), c = new Float64Array(U);
      for (let t = 0; t < T; t++) {
        const z = new Float64Array(4 * U);
        for (let j = 0; j < 4 * U; j++) {
          let s = bias![j]!;
          for (let f = 0; f < F; f++) s += x.data[(b * T + t) * F + f]! * k![f * 4 * U + j]!;
          for (let q = 0; q < U; q++) s += h[q]! * rk![q * 4 * U + j]!;
          z[j] = s;
        }
        const hn = new Float64Array(U), cn = new Float64Array(U);
        for (let j = 0; j < U; j++) {
          const i = sig(z[j]! + pi![j]! * c[j]!);
          const f = sig(z[U + j]! + pf![j]! * c[j]!);
          cn[j] = f * c[j]! + i * Math.tanh(z[2 * U + j]!);
          const o = sig(z[3 * U + j]! + po![j]! * cn[j]!);
          hn[j] = o * Math.tanh(cn[j]!);
          seq[(b * T + t) * U + j] = hn[j]!;
        }
        h = hn;
        c = cn;
      }
      hs.set(h, b * U);
      cs.set(c, b * U);
    }
    const [out, h, c] = await m.predictOutputs(x);
    expectClose(out!.data, seq, TOL, 'sequence');
    expectClose(h!.data, hs, TOL, 'h');
    expectClose(c!.data, cs, TOL, 'c');
    // LibTorch's fused kernel has no peepholes; the fused CPU kernel has (this predict ran it).
    expect(m.summary(() => {})).toContain(
      'fused CPU kernel, analytic backward (CPU; cell loop elsewhere) / fused CPU kernel (CPU; cell loop elsewhere)' +
        ' - a peephole cell needs the cell loop (except on the CPU: the fused CPU kernel)',
    );
    m.dispose();
  });
});

describe('int8 quantization keeps what it cannot quantize in float', () => {
  it('a PeepholeLSTM (no int8 twin) predicts exactly as the float model', async () => {
    const { quantize } = await import('../../lib/quantization/index.js');
    const m = sequential([layers.peepholeLstm({ units: 4, inputShape: [5, 2] })]);
    const x = randomTensor([3, 5, 2], 12);
    const q = await quantize(m, { batchSizes: [] });
    const [a] = await q.predictOutputs(x);
    expectClose(a!.data, ((await m.predict(x)) as Tensor).data, 1e-6, 'quantized peephole');
    q.dispose();
    m.dispose();
  });
});
