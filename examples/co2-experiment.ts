/**
 * One experiment on the CO2 series, shared by the architecture examples: windows of `lookBack`
 * scaled monthly differences, a model built by the caller, the demo's training recipe (Adam 1e-3
 * with clipValue 1, mse, EarlyStopping and ReduceLROnPlateau on val_loss), and one-step-ahead
 * scores on the held-out last 20%, integrated back to ppm.
 */
import { callbacks, forecasting, type LayersModel, metrics, optimizers, preprocessing } from 'torch-lstm';
import { loadMonthly, prepareLevels } from './co2-data.js';

/** The scores of one model on the test tail, in ppm, and its training time. */
export interface Co2Result {
  name: string;
  params: number;
  epochs: number;
  seconds: number;
  MAE: number;
  RMSE: number;
}

/** The data of an experiment: training windows and the test windows' ground truth. */
export interface Co2Data {
  lookBack: number;
  xTrain: number[][][];
  yTrain: number[];
  xTest: number[][][];
  /** Maps scaled predicted differences back to levels and scores them. */
  score(name: string, predicted: ArrayLike<number>): { MAE: number; RMSE: number };
  /** Scores of the naive and seasonal-naive baselines on the same months. */
  baselines: { name: string; MAE: number; RMSE: number }[];
}

/** Loads the series and cuts windows of `lookBack` months. */
export function co2Data(lookBack: number): Co2Data {
  const { values: levels } = loadMonthly();
  const { testStart, differencer, scaler, scaled } = prepareLevels(levels);
  const { x, y } = preprocessing.createDataset(scaled, { lookBack });
  const firstTestSample = testStart - lookBack - 1;
  const actual = levels.slice(testStart);
  const score = (pred: number[]) => ({ MAE: metrics.mae(actual, pred), RMSE: metrics.rmse(actual, pred) });
  return {
    lookBack,
    xTrain: x.slice(0, firstTestSample),
    yTrain: y.slice(0, firstTestSample),
    xTest: x.slice(firstTestSample),
    score: (name, predicted) => {
      void name;
      const diffs = scaler.inverseTransform(Array.from(predicted));
      return score(differencer.inverseOneStep(diffs, levels, testStart));
    },
    baselines: [
      { name: 'naive (last month)', ...score(forecasting.naivePredictions(levels, testStart)) },
      { name: 'seasonal naive (12 months ago)', ...score(forecasting.seasonalNaivePredictions(levels, testStart, 12)) },
    ],
  };
}

/** Trains `model` (uncompiled) with the demo's recipe and scores it on the test tail. */
export async function runCo2(name: string, model: LayersModel, data: Co2Data, opts: { epochs: number; seed: number }): Promise<Co2Result> {
  model.compile({ optimizer: optimizers.adam({ learningRate: 1e-3, clipValue: 1.0 }), loss: 'mse' });
  const started = performance.now();
  const history = await model.fit(data.xTrain, data.yTrain, {
    epochs: opts.epochs,
    batchSize: 32,
    validationSplit: 0.2,
    seed: opts.seed,
    verbose: 0,
    callbacks: [
      callbacks.earlyStopping({ monitor: 'val_loss', patience: 10, restoreBestWeights: true }),
      callbacks.reduceLROnPlateau({ monitor: 'val_loss', factor: 0.2, patience: 5 }),
    ],
  });
  const seconds = (performance.now() - started) / 1000;
  const predicted = await model.predict(data.xTest);
  const params = model.getWeights().reduce((sum, w) => sum + w.data.length, 0);
  return { name, params, epochs: history.epoch.length, seconds, ...data.score(name, (predicted as { data: Float32Array }).data) };
}

/** Prints results and baselines as one table. */
export function printTable(title: string, rows: Co2Result[], data: Co2Data): void {
  const width = Math.max(34, ...rows.map((r) => r.name.length + 2), ...data.baselines.map((b) => b.name.length + 2));
  console.log(`\n${title}`);
  console.log(['model'.padEnd(width), 'params'.padStart(8), 'epochs'.padStart(7), 'time s'.padStart(8), 'MAE'.padStart(8), 'RMSE'.padStart(8)].join(''));
  for (const r of rows) {
    console.log(
      [r.name.padEnd(width), String(r.params).padStart(8), String(r.epochs).padStart(7), r.seconds.toFixed(1).padStart(8), r.MAE.toFixed(4).padStart(8), r.RMSE.toFixed(4).padStart(8)].join(''),
    );
  }
  for (const b of data.baselines) {
    console.log([b.name.padEnd(width), ''.padStart(23), b.MAE.toFixed(4).padStart(8), b.RMSE.toFixed(4).padStart(8)].join(''));
  }
}
