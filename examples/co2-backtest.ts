/**
 * Rolling-origin backtest of the article's LSTM on the monthly Mauna Loa CO2 record
 * (data/co2-concentration.csv), next to the naive and seasonal-naive baselines.
 *
 * 1. Load the series and fill the few missing months by linear interpolation (as co2-forecast).
 * 2. 5 expanding folds: the last 5 x 24 months are cut into five 2-year test windows; fold k
 *    trains on every month before its window.
 * 3. Per fold, a fresh Differencer + MinMaxScaler is fitted on that fold's training months
 *    only, the article's model (LSTM(64, returnSequences, dropout 0.2) -> LSTM(32,
 *    recurrentDropout 0.1) -> Dense(1)) trains on windows of 24 scaled differences, and
 *    predicts each test month one step ahead from the TRUE history, integrated back to ppm
 *    from the true previous month.
 * 4. MASE (scaled by the in-sample seasonal-naive error, m = 12) per fold and averaged, for the
 *    LSTM, naive (last month) and seasonal naive (same month last year); an HTML report.
 *
 * Options: --epochs N (default 60), --folds N (default 5), --test-size N (default 24),
 * --look-back N (default 24), --seed N (default 7), --out DIR (default demo-output).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { callbacks, forecasting, initializers, layers, optimizers, preprocessing, reports, sequential, versions } from 'torch-lstm';
import { loadMonthly } from './co2-data.js';
import { option } from './options.js';

const epochs = option('epochs', 60);
const folds = option('folds', 5);
const testSize = option('test-size', 24);
const lookBack = option('look-back', 24);
const seed = option('seed', 7);
const outDir = path.resolve(option('out', 'demo-output'));

// --- 1. Load the monthly series and fill missing months (examples/co2-data.ts) ----------------
const { dates, values: co2 } = loadMonthly();
const month = (i: number) => dates[i]!.toISOString().slice(0, 7);
console.log(`torch-lstm ${versions().torchLstm} on LibTorch ${versions().torch}`);
console.log(
  `Mauna Loa CO2: ${co2.length} months (${month(0)} .. ${month(co2.length - 1)}); ${folds} expanding folds of ${testSize} test months, ` +
    `lookBack ${lookBack}, up to ${epochs} epochs per fold\n`,
);

// --- 2-4. The backtest --------------------------------------------------------------------------
const fmt = (v: number | undefined) => (v ?? NaN).toFixed(3).padStart(9);
const header = ['fold', 'train', 'test', 'LSTM', 'naive', 'seasonal', 'epochs', 'fit s'];
console.log('MASE (m = 12) per fold, one-step-ahead:');
console.log(`${header[0]!.padEnd(5)}${header[1]!.padEnd(20)}${header[2]!.padEnd(20)}${header.slice(3).map((h) => h.padStart(9)).join('')}`);

const result = await forecasting.backtest({
  data: co2,
  lookBack,
  horizon: 1,
  strategy: 'expanding',
  folds,
  testSize,
  seasonalPeriod: 12,
  seed,
  transform: () => new preprocessing.Pipeline([new preprocessing.Differencer({ lag: 1 }), new preprocessing.MinMaxScaler()]),
  build: (fold) => {
    const s = fold.seed ?? seed;
    const init = (offset: number) => ({
      kernelInitializer: initializers.glorotUniform({ seed: s * 10 + offset }),
      recurrentInitializer: initializers.orthogonal({ seed: s * 10 + offset + 1 }),
    });
    const model = sequential([
      layers.lstm({ units: 64, inputShape: [fold.lookBack, 1], returnSequences: true, dropout: 0.2, ...init(0) }),
      layers.lstm({ units: 32, recurrentDropout: 0.1, ...init(2) }),
      layers.dense({ units: fold.horizon, kernelInitializer: initializers.glorotUniform({ seed: s * 10 + 4 }) }),
    ]);
    model.compile({ optimizer: optimizers.adam({ learningRate: 1e-3, clipValue: 1.0 }), loss: 'mse' });
    return model;
  },
  fit: {
    epochs,
    batchSize: 32,
    validationSplit: 0.2,
    callbacks: () => [
      callbacks.earlyStopping({ monitor: 'val_loss', patience: 10, restoreBestWeights: true }),
      callbacks.reduceLROnPlateau({ monitor: 'val_loss', factor: 0.2, patience: 5 }),
    ],
  },
  onFoldEnd: (f) => {
    const range = ([a, b]: readonly [number, number]) => `${month(a)}..${month(b - 1)}`.padEnd(20);
    console.log(
      `${String(f.index + 1).padEnd(5)}${range(f.trainRange)}${range(f.testRange)}` +
        `${fmt(f.metrics.mase)}${fmt(f.metrics.naive_mase)}${fmt(f.metrics.seasonalNaive_mase)}` +
        `${String(f.history?.loss?.length ?? 0).padStart(9)}${(f.fitMs / 1000).toFixed(1).padStart(9)}`,
    );
  },
});

const agg = result.aggregate;
console.log(`${'mean'.padEnd(45)}${fmt(agg.mase)}${fmt(agg.naive_mase)}${fmt(agg.seasonalNaive_mase)}`);
console.log(
  `\nMean over folds: MAE ${agg.mae!.toFixed(3)} ppm (naive ${agg.naive_mae!.toFixed(3)}, seasonal naive ${agg.seasonalNaive_mae!.toFixed(3)}), ` +
    `sMAPE ${agg.smape!.toFixed(3)}% (naive ${agg.naive_smape!.toFixed(3)}%, seasonal naive ${agg.seasonalNaive_smape!.toFixed(3)}%), ` +
    `RMSSE ${agg.rmsse!.toFixed(3)}`,
);
const beats = agg.mase! < 1 && agg.mase! < agg.seasonalNaive_mase!;
console.log(
  `LSTM MASE ${agg.mase!.toFixed(3)} vs seasonal naive ${agg.seasonalNaive_mase!.toFixed(3)}: ` +
    (beats ? 'below 1 and beats seasonal naive' : 'does NOT beat seasonal naive with MASE < 1'),
);
console.log(`Backtest runtime: ${(result.durationMs / 1000).toFixed(1)} s (fit ${(result.folds.reduce((s, f) => s + f.fitMs, 0) / 1000).toFixed(1)} s)`);

// --- Report -----------------------------------------------------------------------------------
const firstShown = Math.max(0, result.folds[0]!.testRange[0] - 48);
const shifted = {
  folds: result.folds.map((f) => ({
    ...f,
    trainRange: [Math.max(0, f.trainRange[0] - firstShown), f.trainRange[1] - firstShown] as [number, number],
    testRange: [f.testRange[0] - firstShown, f.testRange[1] - firstShown] as [number, number],
  })),
  aggregate: result.aggregate,
};
mkdirSync(outDir, { recursive: true });
const html = reports.htmlReport({
  title: `torch-lstm: Mauna Loa CO2 backtest, ${folds} expanding folds`,
  sections: [
    {
      heading: 'Test windows (one-step-ahead, ppm)',
      svg: reports.backtestChartSvg(shifted, { series: co2.slice(firstShown), x: dates.slice(firstShown), title: 'CO2: LSTM vs baselines per fold' }),
    },
    { heading: 'Metrics per fold', table: reports.backtestTable(result) },
    {
      heading: 'Setup',
      text:
        `lookBack ${lookBack}, up to ${epochs} epochs (EarlyStopping patience 10, ReduceLROnPlateau), Differencer + MinMaxScaler fitted per fold ` +
        `on its training months only; MASE scaled by the in-sample seasonal-naive MAE (m = 12). Runtime ${(result.durationMs / 1000).toFixed(1)} s. ` +
        'Data: Scripps CO2 Program (CC BY 4.0), via the vega-datasets package.',
    },
  ],
});
const file = path.join(outDir, 'co2-backtest.html');
writeFileSync(file, html);
console.log(`Report: ${file}`);
