/**
 * Hyperparameter tuning on the Mauna Loa CO2 series (data/co2-concentration.csv): a TPE search
 * with median pruning over the LSTM's units, dropout, look-back window and learning rate,
 * persisted to a study file so an interrupted run resumes where it stopped.
 *
 * Data: the preparation of examples/co2-forecast.ts — monthly levels with missing months
 * interpolated, first differences, a MinMaxScaler fitted on the training part only. The last
 * 20% of the months (the test tail) is never seen by the search. Of the remaining targets, the
 * last 20% form a FIXED validation period (the same months whatever the look-back), so the
 * trials' val_loss values compare.
 *
 * Model: LSTM(units, returnSequences, dropout) -> LSTM(units / 2) -> Dense(1), Adam(learningRate,
 * clipValue 1), mse. The defaults (trial 0, enqueued): the article's units 64, dropout 0.2,
 * lookBack 24, learningRate 1e-3. Then TPE (5 random startup trials instead of Optuna's 10, as
 * the budget is small), the median pruner once 3 trials have completed, after 5 warm-up epochs.
 * A trial's value is its best epoch's val_loss (mse of the scaled monthly differences); the
 * printed val RMSE is in ppm: a one-month-ahead level error equals the difference's error.
 *
 * Options: --trials N (default 12: the study's total), --epochs N (default 20), --seed N
 * (default 7), --storage PATH (a study file to persist to and resume from; default none),
 * --data PATH (default data/co2-concentration.csv).
 *
 * Resume: run with --storage, stop it (Ctrl-C, kill), run the same command again: finished
 * trials are kept, the one that was running is marked FAIL and run anew, and the search
 * continues to --trials.
 */
import { forecasting, initializers, layers, metrics, optimizers, preprocessing, sequential, tuning } from 'torch-lstm';
import { CO2_CSV, loadMonthly, prepareLevels } from './co2-data.js';
import { option } from './options.js';

const nTrials = option('trials', 12);
const epochs = option('epochs', 20);
const seed = option('seed', 7);
const storage = option('storage', undefined);
const dataFile = option('data', CO2_CSV);
const MAX_LOOK_BACK = 36;

// --- Data: the preparation of examples/co2-forecast.ts (examples/co2-data.ts) -------------------
const levels = loadMonthly(dataFile).values;
const n = levels.length;
// testStart: first level of the held-out tail; diffs[j] = levels[j + 1] - levels[j], scaled.
const { testStart, differencer, scaler, scaled } = prepareLevels(levels);
const ppmPerUnit = scaler.inverseTransform([1])[0]! - scaler.inverseTransform([0])[0]!;
// Targets diffs[j], j < testStart - 1, are the tuning data; the last 20% of them validate.
const lastTarget = testStart - 2;
const valStart = lastTarget + 1 - Math.floor(0.2 * (lastTarget + 1 - MAX_LOOK_BACK));

/** Windows of `lookBack` scaled differences; sample k predicts diffs[k + lookBack]. */
function windows(lookBack: number) {
  const { x, y } = preprocessing.createDataset(scaled, { lookBack });
  const at = (j: number) => j - lookBack; // the sample whose target is diffs[j]
  return {
    x: x.slice(at(lookBack), at(valStart)),
    y: y.slice(at(lookBack), at(valStart)),
    validationData: [x.slice(at(valStart), at(lastTarget + 1)), y.slice(at(valStart), at(lastTarget + 1))] as [typeof x, typeof y],
    test: { x: x.slice(at(testStart - 1)), y: y.slice(at(testStart - 1)) },
  };
}

// --- The search -------------------------------------------------------------------------------
const defaults = { units: 64, dropout: 0.2, lookBack: 24, learningRate: 1e-3 };
console.log(
  `Mauna Loa CO2: ${n} months; tuning on the first ${testStart} (validation: their last ${lastTarget + 1 - valStart} months), ` +
    `test tail: the last ${n - testStart} months (unseen by the search)`,
);
console.log(`Study: ${nTrials} trials of ${epochs} epochs, seed ${seed}${storage ? `, stored in ${storage}` : ''}`);

const started = performance.now();
const result = await tuning.tpeSearch({
  build: ({ units, dropout, lookBack, learningRate }) => {
    const model = sequential([
      layers.lstm({
        units, inputShape: [lookBack, 1], returnSequences: true, dropout,
        kernelInitializer: initializers.glorotUniform({ seed }), recurrentInitializer: initializers.orthogonal({ seed: seed + 1 }),
      }),
      layers.lstm({
        units: Math.max(1, Math.round(units / 2)),
        kernelInitializer: initializers.glorotUniform({ seed: seed + 2 }), recurrentInitializer: initializers.orthogonal({ seed: seed + 3 }),
      }),
      layers.dense({ units: 1, kernelInitializer: initializers.glorotUniform({ seed: seed + 4 }) }),
    ]);
    model.compile({ optimizer: optimizers.adam({ learningRate, clipValue: 1 }), loss: 'mse' });
    return model;
  },
  space: {
    units: tuning.int(16, 128, { log: true }),
    dropout: tuning.float(0, 0.5),
    lookBack: tuning.int(12, MAX_LOOK_BACK, { step: 6 }),
    learningRate: tuning.float(3e-4, 1e-2, { log: true }),
  },
  fit: ({ lookBack }) => {
    const w = windows(lookBack);
    return { x: w.x, y: w.y, validationData: w.validationData, epochs, batchSize: 32 };
  },
  objective: 'val_loss',
  nTrials,
  seed,
  sampler: { nStartupTrials: 5 },
  pruner: tuning.medianPruner({ nStartupTrials: 3, nWarmupSteps: 5 }),
  enqueue: [defaults],
  ...(storage ? { storage } : {}),
});
const seconds = (performance.now() - started) / 1000;

// --- Report -----------------------------------------------------------------------------------
const rmse = (valLoss: number) => Math.sqrt(valLoss) * ppmPerUnit;
const defaultTrial = result.trials.find((t) => t.number === 0)!;
const pruned = result.trials.filter((t) => t.state === 'PRUNED').length;
const failed = result.trials.filter((t) => t.state === 'FAIL').length;
console.log(`\n${result.trials.length} trials (${pruned} pruned, ${failed} failed) in ${seconds.toFixed(1)} s in this run`);
const show = (p: Record<string, unknown>) =>
  Object.entries(p).map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(3) : String(v)}`).join(' ');
console.log(`defaults (trial 0):   val RMSE ${defaultTrial.value === null ? 'n/a' : rmse(defaultTrial.value).toFixed(4)} ppm  [${show(defaultTrial.params)}] (${defaultTrial.state})`);
console.log(`best (trial ${result.bestTrial.number}): ${' '.repeat(Math.max(0, 5 - String(result.bestTrial.number).length))}val RMSE ${rmse(result.bestValue).toFixed(4)} ppm  [${show(result.bestParams)}]`);
if (defaultTrial.value !== null) {
  const gain = 100 * (1 - rmse(result.bestValue) / rmse(defaultTrial.value));
  console.log(gain > 0 ? `The search improves on the defaults by ${gain.toFixed(1)}% val RMSE` : 'The defaults remain the best');
}

// The best model on the test tail it never saw, next to the seasonal-naive baseline.
const { test } = windows(result.bestParams.lookBack);
const predicted = await result.bestModel.predict(test.x);
const predictedLevels = differencer.inverseOneStep(scaler.inverseTransform(Array.from(predicted.data)), levels, testStart);
const actual = levels.slice(testStart);
const seasonal = forecasting.seasonalNaivePredictions(levels, testStart, 12);
console.log(
  `Best model on the ${actual.length}-month test tail: RMSE ${metrics.rmse(actual, predictedLevels).toFixed(4)} ppm ` +
    `(seasonal naive ${metrics.rmse(actual, seasonal).toFixed(4)})`,
);
result.bestModel.dispose();
