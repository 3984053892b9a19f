import { describe, expect, it } from 'vitest';
import { backtest, type BacktestFoldInfo, type BacktestModel } from '../../../lib/forecasting/backtest.js';
import * as forecasting from '../../../lib/forecasting/index.js';
import { mae, mase } from '../../../lib/metrics/index.js';
import { Differencer, MinMaxScaler, Pipeline, type Series } from '../../../lib/preprocessing/index.js';
import type { BacktestResultLike } from '../../../lib/reports/backtest-chart.js';

/** A seasonal series with a trend and deterministic wiggles. */
const series = (n: number) => Array.from({ length: n }, (_, t) => 50 + 0.2 * t + 3 * Math.sin((2 * Math.PI * t) / 12) + ((t * 7) % 5) * 0.3);

interface Log {
  built: BacktestFoldInfo[];
  fits: { x: number[][][]; y: unknown; args: unknown }[];
  predicts: { shape: number[]; data: Float32Array }[];
  disposed: number;
}

/**
 * A fake model. `predictRow(window)` gives the output row for one window (its values, oldest
 * first); the default repeats the window's last value (persistence in model units).
 */
function fakeFactory(predictRow: (w: number[]) => number[] = (w) => [w[w.length - 1]!]) {
  const log: Log = { built: [], fits: [], predicts: [], disposed: 0 };
  const build = (fold: BacktestFoldInfo): BacktestModel => {
    log.built.push(fold);
    return {
      async fit(x, y, args) {
        log.fits.push({ x, y, args });
        return { history: { loss: [2, 1] } };
      },
      async predict(x) {
        log.predicts.push({ shape: [...x.shape], data: Float32Array.from(x.data) });
        const [n, lookBack] = x.shape as [number, number];
        const rows = Array.from({ length: n }, (_, i) => predictRow(Array.from(x.data.subarray(i * lookBack, (i + 1) * lookBack))));
        return { data: Float32Array.from(rows.flat()), shape: [n, rows[0]!.length] };
      },
      dispose() {
        log.disposed++;
      },
    };
  };
  return { build, log };
}

/** Differencer and MinMaxScaler that record what they are fitted on and what they transform. */
function recordingPipeline(record: { diffFit: number[][]; scaleFit: number[][]; transformed: number[][] }) {
  class RecordingDifferencer extends Differencer {
    override fit(X: Series): this {
      record.diffFit.push([...(X as number[])]);
      return super.fit(X);
    }
    override transform<T extends Series>(X: T): T {
      record.transformed.push([...(X as number[])]);
      return super.transform(X);
    }
  }
  class RecordingScaler extends MinMaxScaler {
    override fit(X: Series): this {
      record.scaleFit.push([...(X as number[])]);
      return super.fit(X);
    }
  }
  return () => new Pipeline([new RecordingDifferencer(), new RecordingScaler()]);
}

const diff = (v: number[]) => v.slice(1).map((x, i) => x - v[i]!);

describe('backtest', () => {
  it('splits expanding folds at the end and scores a persistence model exactly as the naive baseline', async () => {
    const data = series(100);
    const { build, log } = fakeFactory();
    const result = await backtest({ build, data, lookBack: 5, folds: 4, testSize: 10, seasonalPeriod: 12, seed: 3 });
    expect(result.folds.map((f) => [f.trainRange, f.testRange])).toEqual([
      [[0, 60], [60, 70]], [[0, 70], [70, 80]], [[0, 80], [80, 90]], [[0, 90], [90, 100]],
    ]);
    for (const f of result.folds) {
      const [s, e] = f.testRange;
      expect(f.actual).toEqual(data.slice(s, e));
      expect(f.predicted.map((v) => Math.fround(v))).toEqual(data.slice(s - 1, e - 1).map((v) => Math.fround(v)));
      expect(f.baselines.naive).toEqual(data.slice(s - 1, e - 1));
      expect(f.baselines.seasonalNaive).toEqual(data.slice(s - 12, e - 12));
      expect(f.metrics.mae).toBeCloseTo(f.metrics.naive_mae!, 5);
      expect(f.metrics.seasonalNaive_mase).toBeCloseTo(mase(f.actual, f.baselines.seasonalNaive, { train: data.slice(0, s), period: 12 }), 12);
      expect(f.trained).toBe(true);
      expect(f.history).toEqual({ loss: [2, 1] });
    }
    expect(Object.keys(result.folds[0]!.metrics)).toEqual([
      'mae', 'rmse', 'mape', 'smape', 'mase', 'rmsse',
      'naive_mae', 'naive_rmse', 'naive_mape', 'naive_smape', 'naive_mase', 'naive_rmsse',
      'seasonalNaive_mae', 'seasonalNaive_rmse', 'seasonalNaive_mape', 'seasonalNaive_smape', 'seasonalNaive_mase', 'seasonalNaive_rmsse',
    ]);
    const meanMae = result.folds.reduce((s, f) => s + f.metrics.mae!, 0) / 4;
    expect(result.aggregate.mae).toBeCloseTo(meanMae, 12);
    // One predict call per fold with every origin's window; one fit per fold, seeded seed + k, silent.
    expect(log.predicts.map((p) => p.shape)).toEqual([[10, 5, 1], [10, 5, 1], [10, 5, 1], [10, 5, 1]]);
    expect(log.fits.map((f) => (f.args as { seed: number; verbose: number }).seed)).toEqual([3, 4, 5, 6]);
    expect(log.fits.every((f) => (f.args as { verbose: number }).verbose === 0)).toBe(true);
    expect(log.built.map((b) => b.seed)).toEqual([3, 4, 5, 6]);
    expect(log.disposed).toBe(4);
    const shaped: BacktestResultLike = result; // conforms to the reports' type
    expect(shaped.folds).toHaveLength(4);
  });

  it('fits each fold\'s transform on its training window only: no leakage', async () => {
    const data = series(100);
    const run = async (values: number[]) => {
      const record = { diffFit: [] as number[][], scaleFit: [] as number[][], transformed: [] as number[][] };
      const { build, log } = fakeFactory();
      const result = await backtest({ build, data: values, lookBack: 4, folds: 4, testSize: 10, transform: recordingPipeline(record) });
      return { result, record, log };
    };
    const { result, record, log } = await run(data);
    result.folds.forEach((f, k) => {
      const train = data.slice(...f.trainRange);
      expect(record.diffFit[k]).toEqual(train); // the Differencer saw the training window, nothing more
      expect(record.scaleFit[k]).toEqual(diff(train)); // the scaler saw its differences
      // Every training target comes from the training window (scaled differences of it).
      const scaled = new MinMaxScaler().fit(diff(train)).transform(diff(train));
      expect(log.fits[k]!.y).toEqual(scaled.slice(4));
    });
    // Every series the transform saw while forecasting ends before the value being forecast.
    const lengths = record.transformed.map((t) => t.length);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(99);
    for (const t of record.transformed) expect(t).toEqual(data.slice(0, t.length));

    // Poison the future from position 75 on: nothing at or before 75 may change.
    const poisoned = data.map((v, t) => (t >= 75 ? v + 1000 : v));
    const again = await run(poisoned);
    expect(again.record.diffFit.slice(0, 2)).toEqual(record.diffFit.slice(0, 2));
    expect(again.record.scaleFit.slice(0, 2)).toEqual(record.scaleFit.slice(0, 2));
    expect(again.result.folds[0]!.predicted).toEqual(result.folds[0]!.predicted);
    expect(again.result.folds[1]!.predicted.slice(0, 6)).toEqual(result.folds[1]!.predicted.slice(0, 6)); // positions 70..75
    expect(again.result.folds[1]!.predicted[6]).not.toEqual(result.folds[1]!.predicted[6]); // 76 sees data[75]
  });

  it('maps Differencer + MinMaxScaler predictions back to levels from the TRUE previous level', async () => {
    const data = series(80);
    const { build } = fakeFactory(() => [0.5]); // always the middle of the scaled range
    const transform = () => new Pipeline([new Differencer(), new MinMaxScaler()]);
    const result = await backtest({ build, data, lookBack: 6, folds: 2, testSize: 8, transform });
    for (const f of result.folds) {
      const d = diff(data.slice(...f.trainRange));
      const middle = (Math.min(...d) + Math.max(...d)) / 2;
      const [s, e] = f.testRange;
      const expected = data.slice(s - 1, e - 1).map((v) => v + middle);
      f.predicted.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 9));
    }
  });

  it('forecasts direct blocks of horizon steps from origins horizon apart, integrated within each block', async () => {
    const data = series(90);
    const { build, log } = fakeFactory(() => [0.5, 0.5, 0.5]);
    const transform = () => new Pipeline([new Differencer(), new MinMaxScaler()]);
    const result = await forecasting.backtest({ build, data, lookBack: 6, horizon: 3, folds: 2, testSize: 8, transform, seasonalPeriod: 4 });
    expect(log.built[0]!.horizon).toBe(3);
    expect(log.predicts.map((p) => p.shape)).toEqual([[3, 6, 1], [3, 6, 1]]); // origins s, s+3, s+6 (the last block cut to 2)
    expect((log.fits[0]!.y as number[][])[0]).toHaveLength(3);
    for (const f of result.folds) {
      const d = diff(data.slice(...f.trainRange));
      const middle = (Math.min(...d) + Math.max(...d)) / 2;
      const [s] = f.testRange;
      f.predicted.forEach((v, i) => {
        const origin = s + 3 * Math.floor(i / 3);
        const j = i % 3;
        expect(v).toBeCloseTo(data[origin - 1]! + middle * (j + 1), 9);
        expect(f.baselines.naive[i]).toBe(data[origin - 1]);
        expect(f.baselines.seasonalNaive[i]).toBe(data[origin - 4 + (j % 4)]);
      });
      expect(f.predicted).toHaveLength(8);
    }
  });

  it('with refit: false trains once on the first fold and reuses model and transform', async () => {
    const data = series(100);
    const record = { diffFit: [] as number[][], scaleFit: [] as number[][], transformed: [] as number[][] };
    const { build, log } = fakeFactory();
    const seen: number[] = [];
    const result = await backtest({
      build, data, lookBack: 4, folds: 3, testSize: 10, refit: false, transform: recordingPipeline(record),
      onFoldEnd: (f) => void seen.push(f.index),
    });
    expect(log.built).toHaveLength(1);
    expect(log.fits).toHaveLength(1);
    expect(record.diffFit).toEqual([data.slice(0, 70)]);
    expect(result.folds.map((f) => f.trained)).toEqual([true, false, false]);
    expect(result.folds[1]!.fitMs).toBe(0);
    expect(log.disposed).toBe(1);
    expect(seen).toEqual([0, 1, 2]);
  });

  it('slides a fixed-length training window', async () => {
    const data = series(100);
    const { build } = fakeFactory();
    const a = await backtest({ build, data, lookBack: 4, folds: 3, testSize: 10, strategy: 'sliding' });
    expect(a.folds.map((f) => f.trainRange)).toEqual([[0, 70], [10, 80], [20, 90]]);
    const b = await backtest({ build, data, lookBack: 4, folds: 3, testSize: 10, strategy: 'sliding', trainSize: 30 });
    expect(b.folds.map((f) => f.trainRange)).toEqual([[40, 70], [50, 80], [60, 90]]);
    const c = await backtest({ build, data, lookBack: 4 }); // scikit-learn's default test size: 100 // 6
    expect(c.folds.map((f) => f.testRange)).toEqual([[20, 36], [36, 52], [52, 68], [68, 84], [84, 100]]);
  });

  it('passes fit options through, with per-fold callbacks from a function', async () => {
    const { build, log } = fakeFactory();
    const marker = { onEpochEnd: () => undefined };
    await backtest({
      build, data: series(60), lookBack: 4, folds: 2, testSize: 5,
      fit: { epochs: 3, batchSize: 8, validationSplit: 0.2, verbose: 2, callbacks: (fold) => (fold.index === 0 ? [marker] : []) },
    });
    expect(log.fits.map((f) => f.args)).toEqual([
      { verbose: 2, epochs: 3, batchSize: 8, validationSplit: 0.2, callbacks: [marker] },
      { verbose: 2, epochs: 3, batchSize: 8, validationSplit: 0.2, callbacks: [] },
    ]);
  });

  it('disposes the model when a fold fails', async () => {
    let disposed = 0;
    const failing = (): BacktestModel => ({
      fit: async () => { throw new Error('boom'); },
      predict: async () => ({ data: new Float32Array(1), shape: [1, 1] }),
      dispose: () => void disposed++,
    });
    await expect(backtest({ build: failing, data: series(60), lookBack: 4, folds: 2, testSize: 5 })).rejects.toThrow('boom');
    expect(disposed).toBe(1);
  });

  it('rejects bad options, short folds, wrong widths and transforms that do not invert', async () => {
    const { build } = fakeFactory();
    const data = series(60);
    await expect(backtest({ build, data, lookBack: 4, fold: 2 } as never)).rejects.toThrow(/Unknown option "fold" for backtest; did you mean "folds"\?/);
    await expect(backtest({ build, data, lookBack: 4, trainSize: 20 })).rejects.toThrow(/trainSize applies to strategy 'sliding' only/);
    await expect(backtest({ build, data, lookBack: 4, strategy: 'rolling' as never })).rejects.toThrow(/backtest\.strategy/);
    await expect(backtest({ build, data, lookBack: 4, folds: 6, testSize: 10 })).rejects.toThrow(/folds \* testSize = 6 \* 10 = 60 to be less than backtest\.data's 60 values/);
    await expect(backtest({ build, data, lookBack: 4, folds: 5, testSize: 10 })).rejects.toThrow(/more than seasonalPeriod = 12 training steps per fold .* the first fold has 10/);
    await expect(backtest({ build, data, lookBack: 40, folds: 2, testSize: 10 })).rejects.toThrow(/at least lookBack \+ horizon = 41 transformed training values in backtest fold 0 \(train \[0, 40\)\)/);
    await expect(backtest({ build, data, lookBack: 4, horizon: 2, folds: 2, testSize: 10 })).rejects.toThrow(/horizon = 2 values per window in backtest fold 0/);
    await expect(backtest({ build, data: [1, NaN], lookBack: 1 })).rejects.toThrow(/finite number at backtest\.data\[1\]/);
    await expect(backtest({ build, data, lookBack: 4, fit: { epoch: 3 } as never })).rejects.toThrow(/Unknown option "epoch" for backtest\.fit; did you mean "epochs"\?/);
    await expect(backtest({ build: () => ({}) as never, data, lookBack: 4, folds: 2, testSize: 10 })).rejects.toThrow(/backtest\.build\(fold 0\)/);
    // A differencer without inverseOneStep: its inverse continues from the end of the training data, not from the true history.
    const naiveDiff = () => ({
      fit() { return this; },
      transform: (x: number[]) => diff(x),
      fitTransform: (x: number[]) => diff(x),
      inverseTransform: (x: number[]) => x,
    });
    await expect(backtest({ build, data, lookBack: 4, folds: 2, testSize: 10, transform: naiveDiff as never })).rejects.toThrow(
      /backtest\.transform does not invert in fold 0/,
    );
  });
});
