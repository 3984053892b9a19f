/**
 * A small backtest through the engine: 2 expanding folds on a synthetic seasonal series.
 */
import { describe, expect, it } from 'vitest';
import { forecasting, layers, preprocessing, reports, sequential, type Sequential } from '../../../lib/index.js';

describe('backtest (native)', () => {
  it('trains, forecasts and scores 2 folds with a per-fold Differencer + MinMaxScaler, then disposes', async () => {
    const n = 144;
    const data = Array.from({ length: n }, (_, t) => 100 + 0.25 * t + 4 * Math.sin((2 * Math.PI * t) / 12) + 0.3 * Math.sin(t * 1.7));
    const models: Sequential[] = [];
    const started = performance.now();
    const result = await forecasting.backtest({
      data,
      lookBack: 12,
      folds: 2,
      testSize: 12,
      seed: 3,
      transform: () => new preprocessing.Pipeline([new preprocessing.Differencer(), new preprocessing.MinMaxScaler()]),
      build: ({ lookBack }) => {
        const model = sequential([layers.lstm({ units: 16, inputShape: [lookBack, 1] }), layers.dense({ units: 1 })]);
        model.compile({ optimizer: 'adam', loss: 'mse' });
        models.push(model);
        return model;
      },
      fit: { epochs: 25, batchSize: 16 },
    });
    const seconds = (performance.now() - started) / 1000;
    expect(seconds).toBeLessThan(20);
    expect(result.folds.map((f) => [f.trainRange, f.testRange])).toEqual([[[0, 120], [120, 132]], [[0, 132], [132, 144]]]);
    for (const f of result.folds) {
      expect(f.predicted).toHaveLength(12);
      expect(f.history?.loss).toHaveLength(25);
      for (const v of Object.values(f.metrics)) expect(Number.isFinite(v)).toBe(true);
      expect(f.fitMs).toBeGreaterThan(0);
    }
    // The sine's differences repeat: a trained LSTM should beat repeating last year's value (which misses the trend).
    expect(result.aggregate.mase).toBeLessThan(result.aggregate.seasonalNaive_mase!);
    expect(models).toHaveLength(2);
    for (const m of models) await expect(m.predict([[[0]]])).rejects.toMatchObject({ code: 'ERR_DISPOSED' });
    expect(reports.backtestChartSvg(result, { series: data })).toContain('<svg');
  });
});
