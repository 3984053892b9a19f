/**
 * Optimizers through the engine: gradient clipping bounds the update, Adam's first step and
 * SGD's step match their closed forms computed from `model.gradients`.
 */
import { describe, expect, it } from 'vitest';
import { layers, optimizers, sequential, type AnyOptimizer, type Tensor } from '../../../lib/index.js';

const N = 16;
const T = 6;

/** A deterministic sequence batch; targets `target` (huge targets give huge gradients). */
function data(target: number) {
  const x = new Float32Array(N * T);
  for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.37) * 0.8;
  return { x: { data: x, shape: [N, T, 1] }, y: { data: new Float32Array(N).fill(target), shape: [N, 1] } };
}

let initial: Tensor[] | undefined;

/** LSTM(4) -> Dense(1), all built from the same initial weights. */
function lstmModel(optimizer: AnyOptimizer) {
  const model = sequential([layers.lstm({ units: 4, inputShape: [T, 1] }), layers.dense({ units: 1 })]);
  if (initial) model.setWeights(initial);
  else initial = model.getWeights();
  model.compile({ optimizer, loss: 'mse' });
  return model;
}

/** Trains one epoch of one batch and returns, per weight tensor, the change of each entry. */
async function oneStep(optimizer: AnyOptimizer, target = 1e4): Promise<{ before: Tensor[]; deltas: Float64Array[] }> {
  const model = lstmModel(optimizer);
  const { x, y } = data(target);
  const before = model.getWeights();
  await model.fit(x, y, { epochs: 1, batchSize: N, shuffle: false, verbose: 0 });
  const after = model.getWeights();
  model.dispose();
  return { before, deltas: after.map((w, i) => Float64Array.from(w.data, (v, k) => v - before[i]!.data[k]!)) };
}

const maxAbs = (d: Float64Array) => d.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const norm = (d: Float64Array) => Math.sqrt(d.reduce((s, v) => s + v * v, 0));

describe('gradient clipping bounds the update (SGD lr 1, one huge-loss batch)', () => {
  it('without clipping the change is huge', async () => {
    const { deltas } = await oneStep(optimizers.sgd({ learningRate: 1 }));
    expect(Math.max(...deltas.map(maxAbs))).toBeGreaterThan(10);
  });

  it('clipValue 0.01 bounds every entry, and the bound is reached', async () => {
    const { deltas } = await oneStep(optimizers.sgd({ learningRate: 1, clipValue: 0.01 }));
    for (const d of deltas) expect(maxAbs(d)).toBeLessThanOrEqual(0.01 + 1e-6);
    // The Dense bias gradient is hugely negative (targets far above outputs): its step is exactly +clipValue.
    expect(deltas[4]![0]).toBeCloseTo(0.01, 6);
  });

  it('clipNorm 0.05 bounds each tensor\'s change norm, and each tensor with a gradient reaches it', async () => {
    const { deltas } = await oneStep(optimizers.sgd({ learningRate: 1, clipNorm: 0.05 }));
    for (const d of deltas) {
      expect(norm(d)).toBeLessThanOrEqual(0.05 * (1 + 1e-5));
      expect(norm(d)).toBeGreaterThan(0.05 * 0.999);
    }
  });

  it('globalClipNorm 0.05 bounds the norm of all changes together', async () => {
    const { deltas } = await oneStep(optimizers.sgd({ learningRate: 1, globalClipNorm: 0.05 }));
    const global = Math.sqrt(deltas.reduce((s, d) => s + norm(d) ** 2, 0));
    expect(global).toBeLessThanOrEqual(0.05 * (1 + 1e-5));
    expect(global).toBeGreaterThan(0.05 * 0.999);
    // Unlike clipNorm, the tensors share one scale: the per-tensor norms are not all equal to the limit.
    expect(Math.min(...deltas.map(norm))).toBeLessThan(0.05 * 0.9);
  });
});

describe('closed-form steps', () => {
  it("Adam's first step is lr * g / (|g| + epsilon / sqrt(1 - beta2)) (~lr per entry), as Keras computes it", async () => {
    const lr = 0.01;
    const model = lstmModel(optimizers.adam({ learningRate: lr }));
    const { x, y } = data(3);
    const grads = await model.gradients(x, y);
    const before = model.getWeights();
    await model.fit(x, y, { epochs: 1, batchSize: N, shuffle: false, verbose: 0 });
    const after = model.getWeights();
    const eps = 1e-7;
    let moved = 0;
    after.forEach((w, i) => {
      w.data.forEach((v, k) => {
        const g = grads[i]!.data[k]!;
        // m1 = 0.1 g, v1 = 0.001 g^2, alpha = lr sqrt(1 - 0.999) / (1 - 0.9)
        const step = (lr * Math.sqrt(1 - 0.999)) / (1 - 0.9) * (0.1 * g) / (Math.sqrt(0.001 * g * g) + eps);
        expect(Math.abs(v - (before[i]!.data[k]! - step))).toBeLessThan(2e-6);
        if (Math.abs(g) > 1e-3) {
          expect(Math.abs(v - before[i]!.data[k]!)).toBeCloseTo(lr, 4);
          moved++;
        }
      });
    });
    expect(moved).toBeGreaterThan(20);
    model.dispose();
  });

  it('SGD lr 0.1 on Dense(1) linear regression: w - lr * grad, grad equal to the hand-derived MSE gradient', async () => {
    const model = sequential([layers.dense({ units: 1, inputShape: [3] })]);
    model.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'mse' });
    const w0 = [0.5, -0.25, 0.75];
    const b0 = 0.1;
    model.setWeights([{ data: Float32Array.from(w0), shape: [3, 1] }, { data: Float32Array.from([b0]), shape: [1] }]);
    const xs = [[1, 2, 3], [0.5, -1, 2], [-2, 0.25, 1], [3, 1, -1], [0, 0.5, 0.5]];
    const ys = [1, -2, 0.5, 4, 2];
    // dL/dw_j = 2/n sum_i (x_i . w + b - y_i) x_ij ; dL/db = 2/n sum_i (x_i . w + b - y_i)
    const n = xs.length;
    const gw = [0, 0, 0];
    let gb = 0;
    xs.forEach((row, i) => {
      const r = row.reduce((s, v, j) => s + v * w0[j]!, b0) - ys[i]!;
      row.forEach((v, j) => (gw[j]! += (2 / n) * r * v));
      gb += (2 / n) * r;
    });
    const grads = await model.gradients(xs, ys);
    expect(Array.from(grads[0]!.data)).toEqual(gw.map((g) => expect.closeTo(g, 5)));
    expect(grads[1]!.data[0]).toBeCloseTo(gb, 5);

    await model.fit(xs, ys, { epochs: 1, batchSize: n, shuffle: false, verbose: 0 });
    const [w, b] = model.getWeights();
    w0.forEach((v, j) => expect(w!.data[j]).toBeCloseTo(v - 0.1 * grads[0]!.data[j]!, 6));
    expect(b!.data[0]).toBeCloseTo(b0 - 0.1 * grads[1]!.data[0]!, 6);
    model.dispose();
  });
});
