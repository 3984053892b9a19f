/**
 * Monte-Carlo dropout intervals through the engine: predict with { training: true, seed }.
 */
import { describe, expect, it } from 'vitest';
import { forecasting, layers, sequential, type Sequential } from '../../../lib/index.js';

const T = 8;

/** Windows of a sine wave and their next value. */
function sine(n: number) {
  const x = Float32Array.from({ length: n * T }, (_, k) => Math.sin((Math.floor(k / T) + (k % T)) * 0.3));
  const y = Float32Array.from({ length: n }, (_, i) => Math.sin((i + T) * 0.3));
  return { x: { data: x, shape: [n, T, 1] }, y: { data: y, shape: [n, 1] } };
}

async function trained(model: Sequential): Promise<Sequential> {
  model.compile({ optimizer: 'adam', loss: 'mse' });
  const { x, y } = sine(64);
  await model.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, seed: 1 });
  return model;
}

const withDropout = () =>
  trained(sequential([layers.lstm({ units: 16, inputShape: [T, 1], dropout: 0.2, recurrentDropout: 0.2 }), layers.dense({ units: 1 })]));

describe('predictIntervals (native)', () => {
  it('gives lower < median < upper with nonzero width, reproducible from a seed', async () => {
    const model = await withDropout();
    const { x } = sine(10);
    const a = await forecasting.predictIntervals(model, x, { samples: 50, seed: 11 });
    expect(a.shape).toEqual([10, 1]);
    for (let i = 0; i < 10; i++) {
      expect(a.lower[i]!).toBeLessThan(a.median[i]!);
      expect(a.median[i]!).toBeLessThan(a.upper[i]!);
      expect(a.upper[i]! - a.lower[i]!).toBeGreaterThan(1e-4);
    }
    const b = await forecasting.predictIntervals(model, x, { samples: 50, seed: 11 });
    expect(Array.from(b.lower)).toEqual(Array.from(a.lower));
    expect(Array.from(b.upper)).toEqual(Array.from(a.upper));
    // Sample i is predict(x, { training: true, seed: seed + i }).
    const third = await model.predict(x, { training: true, seed: 13 });
    expect(Array.from(a.samples[2]!)).toEqual(Array.from(third.data));
    // A disjoint seed range (seed 12 would share 49 of the 50 samples, and with them, often, the quantiles).
    const c = await forecasting.predictIntervals(model, x, { samples: 50, seed: 1000 });
    expect(Array.from(c.lower)).not.toEqual(Array.from(a.lower));
    model.dispose();
  });

  it('works with a Dropout layer as the only dropout', async () => {
    const model = await trained(sequential([layers.lstm({ units: 16, inputShape: [T, 1] }), layers.dropout({ rate: 0.3 }), layers.dense({ units: 1 })]));
    const r = await forecasting.predictIntervals(model, sine(4).x, { samples: 30, seed: 1 });
    for (let i = 0; i < 4; i++) expect(r.upper[i]! - r.lower[i]!).toBeGreaterThan(1e-4);
    model.dispose();
  });

  it('refuses a model without dropout', async () => {
    const model = await trained(sequential([layers.lstm({ units: 8, inputShape: [T, 1] }), layers.dense({ units: 1 })]));
    await expect(forecasting.predictIntervals(model, sine(2).x)).rejects.toThrow(/predictIntervals needs a model with dropout/);
    await expect(forecasting.forecastIntervals(model, [0, 1, 2, 3, 4, 5, 6, 7], { steps: 3 })).rejects.toThrow(/forecastIntervals needs a model with dropout/);
    model.dispose();
  });
});

describe('forecastIntervals (native)', () => {
  it('samples recursive paths with dropout at every step; the band is ordered and reproducible', async () => {
    const model = await withDropout();
    const window = Array.from({ length: T }, (_, t) => Math.sin(t * 0.3));
    const a = await forecasting.forecastIntervals(model, window, { steps: 6, samples: 64, seed: 5 });
    expect(a.samples).toHaveLength(64);
    expect(a.samples[0]).toHaveLength(6);
    expect(new Set(a.samples.map((p) => p[0])).size).toBeGreaterThan(32); // every path draws its own masks
    for (let s = 0; s < 6; s++) {
      expect(a.lower[s]!).toBeLessThan(a.median[s]!);
      expect(a.median[s]!).toBeLessThan(a.upper[s]!);
    }
    const b = await forecasting.forecastIntervals(model, window, { steps: 6, samples: 64, seed: 5 });
    expect(b.samples).toEqual(a.samples);
    model.dispose();
  });
});
