/**
 * The engine works off the event loop: timers keep firing during fit and predict, abort and
 * dispose stop a running fit cleanly, concurrent calls get ERR_BUSY, and memory stays bounded.
 */
import { describe, expect, it } from 'vitest';
import { AbortError, layers, optimizers, sequential, TorchError, type Sequential } from '../../../lib/index.js';

function sequences(n: number, t: number) {
  return {
    x: { data: Float32Array.from({ length: n * t }, (_, i) => Math.sin(i * 0.1)), shape: [n, t, 1] },
    y: { data: Float32Array.from({ length: n }, (_, i) => Math.cos(i * 0.1)), shape: [n, 1] },
  };
}

function lstm(units: number, t: number, optimizer: Parameters<Sequential['compile']>[0]['optimizer'] = 'adam', loss = 'mse') {
  const model = sequential([layers.lstm({ units, inputShape: [t, 1] }), layers.dense({ units: 1 })]);
  model.compile({ optimizer, loss });
  return model;
}

/** Counts the ticks of a 5 ms interval while `work` runs; returns them with the ideal count. */
async function ticksDuring(work: () => Promise<unknown>): Promise<{ ticks: number; ideal: number; maxGap: number }> {
  let ticks = 0;
  let last = performance.now();
  let maxGap = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    ticks++;
  }, 5);
  const start = performance.now();
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  const elapsed = performance.now() - start;
  maxGap = Math.max(maxGap, performance.now() - last);
  return { ticks, ideal: elapsed / 5, maxGap };
}

const rejection = async (p: Promise<unknown>): Promise<unknown> => p.then(() => expect.fail('expected a rejection'), (e: unknown) => e);

describe('the event loop keeps running', () => {
  it('a 5 ms interval keeps firing during a multi-second fit', async () => {
    const model = lstm(32, 30);
    const { x, y } = sequences(1024, 30);
    // Train for about two seconds, whatever the machine's speed.
    const start = performance.now();
    const stopAfter2s = { onEpochEnd: () => { if (performance.now() - start > 2000) model.stopTraining = true; } };
    const { ticks, ideal, maxGap } = await ticksDuring(() => model.fit(x, y, { epochs: 1000, batchSize: 32, verbose: 0, callbacks: [stopAfter2s] }));
    expect(ideal).toBeGreaterThan(300); // at least 1.5 s
    // A blocked loop gives ~0 ticks and one gap as long as the fit; the margins leave room for
    // a 2-core machine shared with the other test worker (the training thread takes one core).
    expect(ticks).toBeGreaterThanOrEqual(0.2 * ideal);
    expect(maxGap).toBeLessThan(500);
    model.dispose();
  });

  it('a 5 ms interval keeps firing during predict of a large batch', async () => {
    const model = lstm(32, 30);
    // Large enough to take a few hundred ms with the fused inference kernel on a fast machine.
    const { x } = sequences(65536, 30);
    const { ticks, ideal, maxGap } = await ticksDuring(() => model.predict(x, { batchSize: 2048 }));
    expect(ideal).toBeGreaterThan(60); // at least 0.3 s: long enough for a blocked loop to show
    expect(ticks).toBeGreaterThanOrEqual(0.2 * ideal);
    expect(maxGap).toBeLessThan(500);
    model.dispose();
  });
});

describe('abort', () => {
  // SGD on MAE with targets far above the output: the Dense bias gradient is exactly -1, so the
  // bias counts the optimizer steps the engine took (steps = change / learning rate).
  const lr = 1e-3;
  const stepsTaken = (before: number, model: Sequential) => Math.round((model.getWeights()[4]!.data[0]! - before) / lr);
  const slow = () => {
    const model = lstm(64, 50, optimizers.sgd({ learningRate: lr }), 'mae');
    const { x } = sequences(640, 50);
    return { model, x, y: { data: new Float32Array(640).fill(1e6), shape: [640, 1] } };
  };

  it('an abort after the first batch stops within two more batches; fit rejects with an AbortError carrying the history', async () => {
    const { model, x, y } = slow();
    const bias0 = model.getWeights()[4]!.data[0]!;
    const controller = new AbortController();
    let batches = 0;
    const err = await rejection(model.fit(x, y, {
      epochs: 3, batchSize: 64, verbose: 0, signal: controller.signal,
      callbacks: [{ onBatchEnd: () => { batches++; controller.abort(); } }],
    }));
    expect(err).toBeInstanceOf(AbortError);
    expect((err as AbortError).history).toMatchObject({ epoch: [] });
    expect(batches).toBeLessThanOrEqual(3);
    const steps = stepsTaken(bias0, model);
    expect(steps).toBeGreaterThanOrEqual(1);
    expect(steps).toBeLessThanOrEqual(3); // of 30
    // The model is usable afterwards.
    const history = await model.fit({ data: x.data.subarray(0, 64 * 50), shape: [64, 50, 1] },
      { data: y.data.subarray(0, 64), shape: [64, 1] }, { epochs: 1, batchSize: 64, verbose: 0 });
    expect(history.epoch).toEqual([0]);
    model.dispose();
  });

  it('an abort at an epoch end keeps the epochs trained in the AbortError history', async () => {
    const model = lstm(4, 5);
    const { x, y } = sequences(32, 5);
    const controller = new AbortController();
    const err = await rejection(model.fit(x, y, {
      epochs: 10, batchSize: 16, verbose: 0, signal: controller.signal,
      callbacks: [{ onEpochEnd: (epoch) => { if (epoch === 1) controller.abort(new Error('enough')); } }],
    }));
    expect(err).toBeInstanceOf(AbortError);
    expect((err as AbortError).cause).toEqual(new Error('enough'));
    const history = (err as AbortError).history as { epoch: number[]; history: Record<string, number[]> };
    expect(history.epoch).toEqual([0, 1]);
    expect(history.history.loss).toHaveLength(2);
    model.dispose();
  });

  it('an already-aborted signal rejects at once without training', async () => {
    const model = lstm(4, 5);
    const { x, y } = sequences(32, 5);
    const before = model.getWeights().map((w) => Array.from(w.data));
    let hooks = 0;
    const start = performance.now();
    const err = await rejection(model.fit(x, y, { epochs: 50, verbose: 0, signal: AbortSignal.abort(), callbacks: [{ onTrainBegin: () => void hooks++ }] }));
    expect(performance.now() - start).toBeLessThan(100);
    expect(err).toBeInstanceOf(AbortError);
    expect(hooks).toBe(0);
    expect(model.getWeights().map((w) => Array.from(w.data))).toEqual(before);
    model.dispose();
  });
});

describe('one job at a time', () => {
  it('a second fit, predict or weight access while fit runs rejects with ERR_BUSY; the first fit completes', async () => {
    const model = lstm(16, 20);
    const { x, y } = sequences(256, 20);
    // Enough epochs that the fit still runs 30 ms in (the fused training kernel runs one of these
    // epochs in a few milliseconds).
    const first = model.fit(x, y, { epochs: 60, batchSize: 32, verbose: 0 });
    const second = await rejection(model.fit(x, y, { epochs: 1, verbose: 0 }));
    expect(second).toBeInstanceOf(TorchError);
    expect((second as TorchError).code).toBe('ERR_BUSY');
    const predicted = await rejection(model.predict(x));
    expect((predicted as TorchError).code).toBe('ERR_BUSY');
    expect(() => model.getWeights()).toThrow(expect.objectContaining({ code: 'ERR_BUSY' }));
    // Still busy once the engine is stepping.
    await new Promise((r) => setTimeout(r, 30));
    expect((await rejection(model.predict(x)) as TorchError).code).toBe('ERR_BUSY');
    const history = await first;
    expect(history.epoch).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect((await model.predict(x)).shape).toEqual([256, 1]);
  });

  it('predict, evaluate and getWeights work inside onEpochEnd', async () => {
    const model = lstm(8, 10);
    const { x, y } = sequences(64, 10);
    const seen: { weights: number[]; prediction: number[]; loss: number }[] = [];
    await model.fit(x, y, {
      epochs: 3, batchSize: 16, verbose: 0,
      callbacks: [{ async onEpochEnd() {
        const prediction = await model.predict(x);
        const { loss } = await model.evaluate(x, y, { verbose: 0 });
        seen.push({ weights: Array.from(model.getWeights()[0]!.data), prediction: Array.from(prediction.data), loss: loss! });
      } }],
    });
    expect(seen).toHaveLength(3);
    expect(seen[1]!.weights).not.toEqual(seen[0]!.weights);
    // What the callback saw at the last epoch end is the final model.
    expect(seen[2]!.weights).toEqual(Array.from(model.getWeights()[0]!.data));
    expect(seen[2]!.prediction).toEqual(Array.from((await model.predict(x)).data));
    expect(seen[2]!.loss).toBeCloseTo((await model.evaluate(x, y, { verbose: 0 })).loss!, 6);
    model.dispose();
  });
});

describe('dispose during fit', () => {
  for (const when of ['onBatchEnd', 'onEpochEnd'] as const) {
    it(`from ${when}: fit rejects with ERR_DISPOSED, later calls too, and a new model trains`, async () => {
      const model = lstm(16, 20);
      const { x, y } = sequences(256, 20);
      const hooks = { [when]: () => model.dispose() };
      const err = await rejection(model.fit(x, y, { epochs: 5, batchSize: 32, verbose: 0, callbacks: [hooks] }));
      expect(err).toBeInstanceOf(TorchError);
      expect((err as TorchError).code).toBe('ERR_DISPOSED');
      expect(((await rejection(model.predict(x))) as TorchError).code).toBe('ERR_DISPOSED');
      expect(() => model.getWeights()).toThrow(expect.objectContaining({ code: 'ERR_DISPOSED' }));
      const fresh = lstm(16, 20);
      const history = await fresh.fit(x, y, { epochs: 2, batchSize: 32, verbose: 0 });
      expect(history.history.loss!.every(Number.isFinite)).toBe(true);
      fresh.dispose();
    });
  }
});

describe('memory', () => {
  it('RSS stays bounded over 310 predicts and 19 fits of fresh, disposed models', async () => {
    // One timestep of 1000 features: every call copies megabytes, so a per-call leak shows.
    const features = 1000;
    const make = () => {
      const model = sequential([layers.lstm({ units: 4, inputShape: [1, features] }), layers.dense({ units: 1 })]);
      model.compile({ optimizer: 'adam', loss: 'mse' });
      return model;
    };
    const big = (n: number) => ({ data: Float32Array.from({ length: n * features }, (_, i) => (i % 97) / 97), shape: [n, 1, features] });
    const xp = big(512); // 2 MB per predict
    const xf = big(2048); // 8 MB per fit
    const yf = { data: new Float32Array(2048), shape: [2048, 1] };
    const predictor = make();
    const predicts = async (k: number) => { for (let i = 0; i < k; i++) await predictor.predict(xp, { batchSize: 512 }); };
    const fits = async (k: number) => {
      for (let i = 0; i < k; i++) {
        const m = make();
        await m.fit(xf, yf, { epochs: 1, batchSize: 512, verbose: 0 });
        m.dispose();
      }
    };
    await predicts(30);
    await fits(3);
    // RSS moves in steps that are not leaks (a malloc arena for another pool thread, glibc
    // raising its mmap threshold after a large free): a leak grows in every segment, since
    // every call copies megabytes. So: 4 segments of 70 predicts and 4 fits (~140 MB of
    // copies each); at least one of them must stay flat, and all of them together bounded.
    const mb = () => process.memoryUsage().rss / 2 ** 20;
    const base = mb();
    const growth: number[] = [];
    for (let s = 0; s < 4; s++) {
      const before = mb();
      await predicts(70);
      await fits(4);
      growth.push(mb() - before);
    }
    expect(Math.min(...growth)).toBeLessThan(20);
    expect(mb() - base).toBeLessThan(400);
    predictor.dispose();
  });
});
