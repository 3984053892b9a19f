/**
 * Keras `fit` semantics through the engine: learning, the validation split, validation data,
 * seeds, initialEpoch, shuffle, and evaluate/losses against closed forms computed in JS.
 */
import { describe, expect, it } from 'vitest';
import { callbacks, layers, losses, metrics, sequential, type Tensor } from '../../../lib/index.js';

const T = 8;

/** Windows of a sine wave (x: T steps, y: the next value). */
function sine(n: number, phase = 0) {
  const x = new Float32Array(n * T);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < T; t++) x[i * T + t] = Math.sin((i + t + phase) * 0.3);
    y[i] = Math.sin((i + T + phase) * 0.3);
  }
  return { x: { data: x, shape: [n, T, 1] }, y: { data: y, shape: [n, 1] } };
}

function lstmModel(units = 8, loss: Parameters<ReturnType<typeof sequential>['compile']>[0]['loss'] = 'mse') {
  const model = sequential([layers.lstm({ units, inputShape: [T, 1] }), layers.dense({ units: 1 })]);
  model.compile({ optimizer: 'adam', loss, metrics: ['mae'] });
  return model;
}

const relClose = (a: number, b: number, rel = 1e-5) => expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(b)));
const flat = (ws: Tensor[]) => ws.map((w) => Array.from(w.data));

describe('fit', () => {
  it('loss falls at least 5x in 30 epochs on sine next-step prediction', async () => {
    const model = sequential([layers.lstm({ units: 16, inputShape: [T, 1] }), layers.dense({ units: 1 })]);
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const { x, y } = sine(160);
    const { history } = await model.fit(x, y, { epochs: 30, batchSize: 16, verbose: 0, seed: 1 });
    const loss = history.loss!;
    expect(loss).toHaveLength(30);
    expect(loss[0]! / loss[29]!).toBeGreaterThanOrEqual(5);
    model.dispose();
  });

  it('validationSplit 0.25 holds out the LAST quarter, before shuffling', async () => {
    // The first 30 samples have target 0, the last 10 target 100.
    const n = 40;
    const x = { data: Float32Array.from({ length: n * T }, (_, i) => Math.sin(i)), shape: [n, T, 1] };
    const y = { data: Float32Array.from({ length: n }, (_, i) => (i < 30 ? 0 : 100)), shape: [n, 1] };
    const model = lstmModel();
    let batches = 0;
    const history = await model.fit(x, y, {
      epochs: 2, batchSize: 10, verbose: 0, validationSplit: 0.25, callbacks: [{ onBatchEnd: () => void batches++ }],
    });
    expect(batches).toBe(2 * 3); // 30 training samples in batches of 10
    expect(Math.max(...history.history.loss!)).toBeLessThan(10);
    expect(Math.min(...history.history.val_loss!)).toBeGreaterThan(1000);
    const val = await model.evaluate({ data: x.data.subarray(30 * T), shape: [10, T, 1] }, { data: y.data.subarray(30), shape: [10, 1] }, { verbose: 0 });
    relClose(history.history.val_loss!.at(-1)!, val.loss!);
    model.dispose();
  });

  it('validationData gives the val_loss that evaluate gives after the last epoch', async () => {
    const model = lstmModel();
    const train = sine(64);
    const val = sine(24, 100);
    const history = await model.fit(train.x, train.y, { epochs: 3, batchSize: 16, verbose: 0, validationData: [val.x, val.y] });
    const ev = await model.evaluate(val.x, val.y, { verbose: 0, batchSize: 7 });
    relClose(history.history.val_loss!.at(-1)!, ev.loss!);
    relClose(history.history.val_mae!.at(-1)!, ev.mae!);
    model.dispose();
  });

  it('a seed makes runs from the same weights identical; another seed differs when shuffling', async () => {
    const { x, y } = sine(48);
    const first = lstmModel();
    const w0 = first.getWeights();
    const run = async (seed: number, shuffle: boolean) => {
      const m = lstmModel();
      m.setWeights(w0);
      const h = await m.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, seed, shuffle });
      const out = { history: h.history, weights: flat(m.getWeights()) };
      m.dispose();
      return out;
    };
    const a = await run(7, true);
    const b = await run(7, true);
    const c = await run(8, true);
    expect(b).toEqual(a);
    expect(c.history.loss).not.toEqual(a.history.loss);
    expect(c.weights).not.toEqual(a.weights);
    // shuffle: false with the same seed is reproducible too, and (no dropout) the seed then changes nothing.
    const d = await run(7, false);
    const e = await run(7, false);
    const f = await run(9, false);
    expect(e).toEqual(d);
    expect(f).toEqual(d);
    expect(d.weights).not.toEqual(a.weights);
    first.dispose();
  });

  it('initialEpoch 2, epochs 5 runs 3 epochs numbered 2, 3, 4', async () => {
    const model = lstmModel(4);
    const { x, y } = sine(16);
    const begun: number[] = [];
    const history = await model.fit(x, y, {
      epochs: 5, initialEpoch: 2, batchSize: 8, verbose: 0, callbacks: [callbacks.lambdaCallback({ onEpochBegin: (e) => void begun.push(e) })],
    });
    expect(history.epoch).toEqual([2, 3, 4]);
    expect(begun).toEqual([2, 3, 4]);
    expect(history.history.loss).toHaveLength(3);
    model.dispose();
  });
});

describe('evaluate and losses against JS closed forms', () => {
  const n = 40;
  const { x } = sine(n);
  // Targets away from zero so MAPE is well conditioned, spread so errors cover both Huber regimes.
  const y = { data: Float32Array.from({ length: n }, (_, i) => 1 + 1.5 * Math.cos(i * 0.7) ** 2), shape: [n, 1] };

  it('evaluate returns loss and each metric equal to lib/metrics on predict', async () => {
    const model = sequential([layers.lstm({ units: 6, inputShape: [T, 1] }), layers.dense({ units: 1 })]);
    model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae', 'mse', 'rmse', 'mape'] });
    const pred = (await model.predict(x)) as Tensor;
    const ev = await model.evaluate(x, y, { verbose: 0, batchSize: 16 });
    expect(Object.keys(ev).sort()).toEqual(['loss', 'mae', 'mape', 'mse', 'rmse']);
    relClose(ev.loss!, metrics.mse(y, pred));
    relClose(ev.mse!, metrics.mse(y, pred));
    relClose(ev.mae!, metrics.mae(y, pred));
    relClose(ev.rmse!, metrics.rmse(y, pred));
    relClose(ev.mape!, metrics.mape(y, pred));
    model.dispose();
  });

  const lossCases = [
    ['huber (delta 0.5)', losses.huber({ delta: 0.5 }), (e: number) => (Math.abs(e) <= 0.5 ? 0.5 * e * e : 0.5 * Math.abs(e) - 0.125)],
    ["'huber' (delta 1)", 'huber', (e: number) => (Math.abs(e) <= 1 ? 0.5 * e * e : Math.abs(e) - 0.5)],
    ['logcosh', 'logcosh', (e: number) => Math.log(Math.cosh(e))],
  ] as const;

  // Errors from about -2 to 2, so both Huber regimes occur.
  const yLoss = { data: Float32Array.from({ length: n }, (_, i) => 2 * Math.sin(i * 0.7)), shape: [n, 1] };

  it.each(lossCases)('%s equals its closed form on predict outputs', async (name, loss, f) => {
    const model = lstmModel(6, loss);
    const pred = (await model.predict(x)) as Tensor;
    const errors = Array.from(pred.data, (p, i) => p - yLoss.data[i]!);
    if (name.startsWith('huber')) {
      const delta = name.includes('0.5') ? 0.5 : 1;
      expect(errors.filter((e) => Math.abs(e) <= delta).length).toBeGreaterThan(3);
      expect(errors.filter((e) => Math.abs(e) > delta).length).toBeGreaterThan(3);
    }
    const expected = errors.reduce((s, e) => s + f(e), 0) / n;
    const ev = await model.evaluate(x, yLoss, { verbose: 0 });
    relClose(ev.loss!, expected);
    model.dispose();
  });
});
