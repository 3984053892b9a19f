/**
 * The main job (`npm run demo`): the article's time-series workflow on a real series, the
 * monthly Mauna Loa CO2 record (data/co2-concentration.csv, see data/README.md).
 *
 * 1. Load the series and fill the few missing months by linear interpolation.
 * 2. Hold out the last 20% as a test tail.
 * 3. Difference the series (CO2 rises every year: a model of raw, min-max scaled levels
 *    saturates when the test values lie above the training range), scale the differences
 *    with a MinMaxScaler fitted on the training part only, and cut windows of `lookBack` months.
 * 4. Train the article's model: LSTM(64, returnSequences, dropout 0.2) -> LSTM(32,
 *    recurrentDropout 0.1) -> Dense(1), Adam(1e-3, clipValue 1), mse, EarlyStopping and
 *    ReduceLROnPlateau on val_loss.
 * 5. One-step-ahead predictions on the test tail, integrated back to levels, scored with
 *    MAE/RMSE/MAPE/R² next to the naive (last value) and seasonal-naive (same month last
 *    year) baselines.
 * 6. A recursive forecast of the 12 months after the data, and an HTML/SVG report.
 *
 * Options: --epochs N (default 100), --look-back N (default 24), --out DIR (default
 * demo-output), --seed N (default 7), --verbose 0|1|2 (default 2), --precision float32 |
 * mixed_bfloat16 (default float32; Keras's mixed-precision policy, see README "CUDA").
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  callbacks,
  forecasting,
  initializers,
  layers,
  metrics,
  optimizers,
  preprocessing,
  reports,
  sequential,
  versions,
} from 'torch-lstm';
import { loadMonthly, prepareLevels } from './co2-data.js';
import { option } from './options.js';

const epochs = option('epochs', 100);
const lookBack = option('look-back', 24); // two yearly cycles of monthly differences
const seed = option('seed', 7);
const verbose = option('verbose', 2) as 0 | 1 | 2;
const outDir = path.resolve(option('out', 'demo-output'));
const precision = option('precision', 'float32') as 'float32' | 'mixed_bfloat16' | 'mixed_float16';

// --- 1-3. Load (missing months interpolated), hold out the last 20%, difference, scale ---------
const { dates, values: levels } = loadMonthly();
const n = levels.length;
// testStart: first level index of the held-out tail; the scaler saw the training part only.
const { testStart, differencer, scaler, scaled } = prepareLevels(levels);
console.log(`torch-lstm ${versions().torchLstm} on LibTorch ${versions().torch}`);
console.log(
  `Mauna Loa CO2: ${n} months (${dates[0]!.toISOString().slice(0, 7)} .. ${dates[n - 1]!.toISOString().slice(0, 7)}), ` +
    `test tail: the last ${n - testStart} months`,
);

// --- 3. Windows of `lookBack` scaled differences ---------------------------------------------
const { x, y } = preprocessing.createDataset(scaled, { lookBack });
// Sample k predicts diffs[k + lookBack], i.e. the level at index k + lookBack + 1.
const firstTestSample = testStart - lookBack - 1;
const xTrain = x.slice(0, firstTestSample);
const yTrain = y.slice(0, firstTestSample);
const xTest = x.slice(firstTestSample);

// --- 4. The article's model -----------------------------------------------------------------
const init = (offset: number) => ({
  kernelInitializer: initializers.glorotUniform({ seed: seed * 10 + offset }),
  recurrentInitializer: initializers.orthogonal({ seed: seed * 10 + offset + 1 }),
});
const model = sequential([
  layers.lstm({ units: 64, inputShape: [lookBack, 1], returnSequences: true, dropout: 0.2, ...init(0) }),
  layers.lstm({ units: 32, recurrentDropout: 0.1, ...init(2) }),
  layers.dense({ units: 1, kernelInitializer: initializers.glorotUniform({ seed: seed * 10 + 4 }) }),
]);
model.compile({ optimizer: optimizers.adam({ learningRate: 1e-3, clipValue: 1.0 }), loss: 'mse', metrics: ['mae'], precision });
model.summary();

const started = performance.now();
const history = await model.fit(xTrain, yTrain, {
  epochs,
  batchSize: 32,
  validationSplit: 0.2,
  seed,
  verbose,
  callbacks: [
    callbacks.earlyStopping({ monitor: 'val_loss', patience: 10, restoreBestWeights: true }),
    callbacks.reduceLROnPlateau({ monitor: 'val_loss', factor: 0.2, patience: 5 }),
  ],
});
const seconds = (performance.now() - started) / 1000;
console.log(`Trained ${history.epoch.length} epochs in ${seconds.toFixed(1)} s`);

// --- 5. One-step-ahead predictions on the test tail, back to levels --------------------------
const predicted = await model.predict(xTest);
const predictedDiffs = scaler.inverseTransform(Array.from(predicted.data));
const predictedLevels = differencer.inverseOneStep(predictedDiffs, levels, testStart);
const actual = levels.slice(testStart);
const naive = forecasting.naivePredictions(levels, testStart);
const seasonal = forecasting.seasonalNaivePredictions(levels, testStart, 12);

const score = (pred: number[]) => ({
  MAE: metrics.mae(actual, pred),
  RMSE: metrics.rmse(actual, pred),
  'MAPE %': metrics.mape(actual, pred),
  R2: metrics.r2(actual, pred),
});
const table = [
  { name: `LSTM (torch-lstm)`, ...score(predictedLevels) },
  { name: 'naive (last month)', ...score(naive) },
  { name: 'seasonal naive (12 months ago)', ...score(seasonal) },
];
console.log(`\nOne-step-ahead on the last ${actual.length} months (ppm):`);
console.log(['model'.padEnd(32), 'MAE'.padStart(8), 'RMSE'.padStart(8), 'MAPE %'.padStart(8), 'R²'.padStart(8)].join(''));
for (const row of table) {
  console.log(
    [row.name.padEnd(32), ...[row.MAE, row.RMSE, row['MAPE %'], row.R2].map((v) => v.toFixed(4).padStart(8))].join(''),
  );
}
const beatsNaive = table[0]!.RMSE < table[1]!.RMSE;
const beatsSeasonal = table[0]!.RMSE < table[2]!.RMSE;
console.log(
  `LSTM RMSE ${table[0]!.RMSE.toFixed(3)} vs naive ${table[1]!.RMSE.toFixed(3)} and seasonal naive ${table[2]!.RMSE.toFixed(3)}: ` +
    (beatsNaive && beatsSeasonal ? 'beats both baselines' : 'does NOT beat both baselines'),
);

// --- 6. Forecast the next 12 months and write the report -------------------------------------
const lastWindow = scaled.slice(-lookBack);
const futureScaled = await forecasting.predictFuture(model, lastWindow, { steps: 12 });
const futureLevels = differencer.inverseTransform(scaler.inverseTransform(futureScaled));
const lastDate = dates[n - 1]!;
const futureDates = futureLevels.map((_, i) => new Date(Date.UTC(lastDate.getUTCFullYear(), lastDate.getUTCMonth() + i + 1, 15)));
console.log('\nForecast of the next 12 months (ppm):');
console.log(futureDates.map((d, i) => `${d.toISOString().slice(0, 7)} ${futureLevels[i]!.toFixed(2)}`).join('\n'));

const forecastSvg = reports.lineChartSvg({
  title: 'Mauna Loa CO2: actual, one-step-ahead predictions and 12-month forecast',
  yLabel: 'ppm',
  series: [
    { name: 'actual', x: dates.slice(testStart - 36), y: levels.slice(testStart - 36) },
    { name: 'LSTM one-step-ahead', x: dates.slice(testStart), y: predictedLevels },
    { name: 'seasonal naive', x: dates.slice(testStart), y: seasonal, dashed: true },
    { name: 'LSTM forecast', x: [lastDate, ...futureDates], y: [levels[n - 1]!, ...futureLevels] },
  ],
  markers: [{ x: dates[testStart]!, label: 'test tail starts' }, { x: lastDate, label: 'forecast starts' }],
});
const epochsAxis = history.epoch.map((e) => e + 1);
const lrs = history.history.lr ?? [];
const lrMarkers = lrs.flatMap((lr, i) => (i > 0 && lr !== lrs[i - 1] ? [{ x: i + 1, label: `lr ${lr.toExponential(1)}` }] : []));
const lossSvg = reports.lineChartSvg({
  title: 'Training and validation loss (mse on scaled differences)',
  xLabel: 'epoch',
  yScale: 'log',
  series: [
    { name: 'loss', x: epochsAxis, y: history.history.loss ?? [] },
    { name: 'val_loss', x: epochsAxis, y: history.history.val_loss ?? [] },
  ],
  markers: lrMarkers,
});
mkdirSync(outDir, { recursive: true });
const html = reports.htmlReport({
  title: 'torch-lstm: Mauna Loa CO2 forecast',
  sections: [
    { heading: 'Forecast', svg: forecastSvg },
    {
      heading: `One-step-ahead errors on the last ${actual.length} months`,
      table: { columns: ['model', 'MAE', 'RMSE', 'MAPE %', 'R²'], rows: table.map((r) => [r.name, r.MAE, r.RMSE, r['MAPE %'], r.R2]) },
    },
    { heading: 'Loss curves', svg: lossSvg },
    {
      heading: 'Next 12 months',
      table: { columns: ['month', 'CO2 (ppm)'], rows: futureDates.map((d, i) => [d.toISOString().slice(0, 7), futureLevels[i]!]) },
    },
    { heading: 'Data', text: 'Monthly CO2 at Mauna Loa Observatory, Scripps CO2 Program (CC BY 4.0), via the vega-datasets package.' },
  ],
});
writeFileSync(path.join(outDir, 'co2-forecast.html'), html);
writeFileSync(path.join(outDir, 'co2-forecast.svg'), forecastSvg);
console.log(`\nReport: ${path.join(outDir, 'co2-forecast.html')} (plot: co2-forecast.svg)`);
model.dispose();
