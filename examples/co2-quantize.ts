/**
 * Dynamic int8 quantization of the CO2 forecaster (the article's sections 3.3 and 6.3), and of
 * the W1 and W2 benchmark models (shared/docs/BENCHMARKS.md).
 *
 * 1. Data and model of examples/co2-forecast.ts: monthly Mauna Loa CO2, the last 20% held out,
 *    first differences scaled on the training part, windows of `lookBack` months;
 *    LSTM(64, returnSequences, dropout 0.2) -> LSTM(32, recurrentDropout 0.1) -> Dense(1),
 *    Adam(1e-3, clipValue 1), mse, EarlyStopping and ReduceLROnPlateau on val_loss (the last 20%
 *    of the training windows validate).
 * 2. `quantize(model, { mode: 'int8-dynamic', validationData })` with the held-out tail's windows:
 *    weight bytes, predict latency at batch 1 and 256 (float32 and int8 timed interleaved) and the
 *    error of both models. The held-out RMSE is also given in ppm (predictions integrated back to
 *    levels), with its relative change: the bar is within 2% of float32.
 * 3. The same report for W1 (the article's model on windows of 10, one feature) and W2
 *    (LSTM(128, returnSequences) -> LSTM(128) -> Dense(1) on [50, 8] windows), untrained weights
 *    and random inputs: sizes and speed do not depend on training.
 *
 * Options: --epochs N (default 100), --look-back N (default 24), --repeats N (timed calls per
 * batch size, default 20), --seed N (default 7), --verbose 0|1|2 (default 0), --save DIR (also
 * save the int8 CO2 model there and check that loading it predicts the same).
 */
import {
  callbacks,
  initializers,
  layers,
  loadModel,
  metrics,
  optimizers,
  preprocessing,
  quantize,
  QuantizedModel,
  type QuantizationReport,
  sequential,
  versions,
} from 'torch-lstm';
import { loadMonthly, prepareLevels } from './co2-data.js';
import { option } from './options.js';

const epochs = option('epochs', 100);
const lookBack = option('look-back', 24);
const repeats = option('repeats', 20);
const seed = option('seed', 7);
const verbose = option('verbose', 0) as 0 | 1 | 2;
const saveDir = option('save', undefined);
const runStarted = performance.now();

// --- 1. Data and the trained float model ----------------------------------------------------
const { values: levels } = loadMonthly();
const { testStart, differencer, scaler, scaled } = prepareLevels(levels);
const { x, y } = preprocessing.createDataset(scaled, { lookBack });
const firstTestSample = testStart - lookBack - 1; // sample k predicts the level at k + lookBack + 1
const splitAt = Math.floor(firstTestSample * 0.8);
const validation: [number[][][], number[]] = [x.slice(splitAt, firstTestSample), y.slice(splitAt, firstTestSample)];
const xTest = x.slice(firstTestSample);
const yTest = y.slice(firstTestSample);
const actual = levels.slice(testStart);
console.log(`torch-lstm ${versions().torchLstm} on LibTorch ${versions().torch}`);
console.log(`CO2: ${splitAt} training, ${validation[0].length} validation windows; held-out tail ${actual.length} months`);

const init = (k: number) => ({
  kernelInitializer: initializers.glorotUniform({ seed: seed * 10 + k }),
  recurrentInitializer: initializers.orthogonal({ seed: seed * 10 + k + 1 }),
});
const model = sequential([
  layers.lstm({ units: 64, inputShape: [lookBack, 1], returnSequences: true, dropout: 0.2, ...init(0) }),
  layers.lstm({ units: 32, recurrentDropout: 0.1, ...init(2) }),
  layers.dense({ units: 1, kernelInitializer: initializers.glorotUniform({ seed: seed * 10 + 4 }) }),
]);
model.compile({ optimizer: optimizers.adam({ learningRate: 1e-3, clipValue: 1.0 }), loss: 'mse' });
let t = performance.now();
const history = await model.fit(x.slice(0, splitAt), y.slice(0, splitAt), {
  epochs, batchSize: 32, validationData: validation, seed, verbose,
  callbacks: [
    callbacks.earlyStopping({ monitor: 'val_loss', patience: 10, restoreBestWeights: true }),
    callbacks.reduceLROnPlateau({ monitor: 'val_loss', factor: 0.2, patience: 5 }),
  ],
});
console.log(`Trained ${history.epoch.length} epochs in ${((performance.now() - t) / 1000).toFixed(1)} s`);

/** One-step-ahead RMSE in ppm on the held-out tail. */
async function testRmse(m: { predict(x: number[][][], args?: { batchSize?: number }): Promise<{ data: Float32Array }> }): Promise<number> {
  const predicted = await m.predict(xTest, { batchSize: 256 });
  const levelsPredicted = differencer.inverseOneStep(scaler.inverseTransform(Array.from(predicted.data)), levels, testStart);
  return metrics.rmse(actual, levelsPredicted);
}

// --- 2. Quantize with the held-out windows as validation data ------------------------------
const pct = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(2)}%`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

function printReport(title: string, r: QuantizationReport): void {
  console.log(`\n${title} (int8 engine: ${r.engine}; median of ${r.repeats} interleaved predict calls)`);
  console.log(`  weights      float32 ${kib(r.bytes.float32).padStart(10)}   int8 ${kib(r.bytes.int8).padStart(10)}   ${r.bytes.ratio.toFixed(2)}x smaller`);
  for (const [key, lat] of Object.entries(r.latencyMs)) {
    const thr = r.throughput[key as `batch${number}`];
    console.log(
      `  ${key.padEnd(10)}   float32 ${lat.float32.toFixed(3).padStart(8)} ms   int8 ${lat.int8.toFixed(3).padStart(8)} ms   ` +
        `${(lat.float32 / lat.int8).toFixed(2)}x   (${Math.round(thr.float32)} vs ${Math.round(thr.int8)} samples/s)`,
    );
  }
  if (r.metrics) {
    const m = r.metrics;
    console.log(`  validation   RMSE float32 ${m.float32.rmse.toFixed(5)}   int8 ${m.int8.rmse.toFixed(5)}   ${pct(m.rmseDelta)} (MAE ${m.float32.mae.toFixed(5)} vs ${m.int8.mae.toFixed(5)})`);
  }
}

t = performance.now();
const q = await quantize(model, { mode: 'int8-dynamic', validationData: { x: xTest, y: yTest }, batchSizes: [1, 256], repeats });
console.log(`Quantized and measured in ${((performance.now() - t) / 1000).toFixed(1)} s`);
q.summary();
printReport('CO2 forecaster (report metrics on the scaled differences of the held-out tail)', q.report);
const [floatPpm, int8Ppm] = [await testRmse(model), await testRmse(q)];
const delta = (int8Ppm - floatPpm) / floatPpm;
console.log(
  `  held-out RMSE in ppm: float32 ${floatPpm.toFixed(4)}, int8 ${int8Ppm.toFixed(4)} (${pct(delta)}): ` +
    `${Math.abs(delta) <= 0.02 ? 'within' : 'NOT within'} 2% of float32`,
);

if (saveDir) {
  await q.save(saveDir);
  const back = await loadModel(saveDir);
  const same = back instanceof QuantizedModel && (await testRmse(back)) === int8Ppm;
  console.log(`  saved to ${saveDir}; loaded back as ${back.constructor.name}: ${same ? 'identical' : 'DIFFERENT'} held-out RMSE`);
  back.dispose();
}
q.dispose();
model.dispose();

// --- 3. W1 and W2 of BENCHMARKS.md: sizes and speed -----------------------------------------
const w1 = sequential([
  layers.lstm({ units: 64, inputShape: [10, 1], returnSequences: true, dropout: 0.2, ...init(10) }),
  layers.lstm({ units: 32, recurrentDropout: 0.1, ...init(12) }),
  layers.dense({ units: 1 }),
]);
const w2 = sequential([
  layers.lstm({ units: 128, inputShape: [50, 8], returnSequences: true, ...init(20) }),
  layers.lstm({ units: 128, ...init(22) }),
  layers.dense({ units: 1 }),
]);
for (const [name, m] of [['W1 (LSTM(64) -> LSTM(32) -> Dense(1), [10, 1] windows)', w1], ['W2 (LSTM(128) -> LSTM(128) -> Dense(1), [50, 8] windows)', w2]] as const) {
  const qm = await quantize(m, { batchSizes: [1, 256], repeats });
  printReport(name, qm.report);
  qm.dispose();
  m.dispose();
}
console.log(`\nTotal ${((performance.now() - runStarted) / 1000).toFixed(1)} s`);
