/**
 * `torch-lstm train`: CSV in, model directory out, with the article's defaults.
 */
import { lossCurvesHtml } from '../../reports/loss-curves.js';
import { createDataset } from '../../preprocessing/create-dataset.js';
import { type CommandSpec, type ParsedArgs } from '../args.js';
import { closingOptions, OVERWRITE_OPTION, reportOption, testFractionOption } from '../common-options.js';
import { heldOutMetrics, loadDataSeries, trainingSettings } from '../common-steps.js';
import { labelAt, rangeLabel, testStartOf } from '../data.js';
import { buildModel, DATA_OPTIONS, modelOptions, modelParams, preprocessingSteps, trainingCallbacks } from '../defaults.js';
import { checkOutDir, preprocessingJson, saveModelDir, SeriesTransform, windowsFor } from '../model-dir.js';
import { compareWithBaselines, fmt, metricsTable, seconds, writeText } from '../output.js';

export const spec: CommandSpec = {
  name: 'train',
  summary: 'train an LSTM on a CSV column and save it (with its preprocessing) to a directory',
  description:
    "Trains the article's model on one column of a CSV file: the series is differenced and scaled (fitted on the training part only), " +
    'cut into windows of --look-back steps, and fed to LSTM(64, returnSequences, dropout 0.2) -> LSTM(32, recurrentDropout 0.1) -> Dense(1) ' +
    'with Adam(1e-3, clipValue 1), mse, EarlyStopping and ReduceLROnPlateau on val_loss. The last --test-fraction of the series is held out: ' +
    'the model predicts it one step ahead and is scored next to the naive and seasonal-naive baselines. The directory receives the model ' +
    '(model.json, weights.safetensors), preprocessing.json, history.json (for `torch-lstm report --history`) and metrics.json.',
  options: [
    ...DATA_OPTIONS,
    { name: 'out', type: 'string', required: true, placeholder: 'DIR', description: 'model directory to write' },
    ...modelOptions(),
    testFractionOption('held-out tail for the metrics (0 = train on everything)'),
    ...closingOptions(reportOption('also write the loss curves as an HTML page'), OVERWRITE_OPTION),
  ],
  examples: [
    'train --csv data/co2-concentration.csv --column CO2 --date-column Date --out models/co2',
    'train --csv sales.csv --column units --out models/sales --units 32 --epochs 50 --difference 0 --scaler standard',
  ],
};

export async function run(args: ParsedArgs): Promise<number> {
  const { quiet, note, lag, scaler, validationSplit, period } = trainingSettings(args);
  const out = args.string('out');
  const params = modelParams(args);
  const testFraction = args.number('test-fraction');
  checkOutDir(out, args.boolean('overwrite'));

  const series = loadDataSeries(args, note);
  const levels = series.values;
  const n = levels.length;
  const testStart = testStartOf(n, testFraction);
  const transform = new SeriesTransform(preprocessingSteps(lag, scaler));
  const offset = transform.offset;
  const trainSamples = testStart - params.lookBack - offset;
  if (trainSamples < 2) {
    throw new Error(
      `Too little data: the training part holds ${testStart} values, which give ${Math.max(0, trainSamples)} windows of --look-back ${params.lookBack}` +
        `${offset ? ` after differencing (lag ${lag})` : ''}; use a smaller --look-back or --test-fraction, or more rows`,
    );
  }
  note(
    `"${series.column}" from ${series.file}: ${n} values (${rangeLabel(series, 0, n)}); ` +
      (testStart < n ? `training on the first ${testStart}, held-out tail: the last ${n - testStart} (from ${labelAt(series, testStart)})` : 'training on all of them'),
  );

  transform.fit(levels.slice(0, testStart));
  const z = transform.transform(levels);
  const { x, y } = createDataset(z, { lookBack: params.lookBack });
  const model = buildModel(params);
  try {
    if (!quiet) model.summary((text) => process.stdout.write(`${text}\n`));
    const started = performance.now();
    const validation = validationSplit > 0 && Math.floor(trainSamples * validationSplit) > 0;
    const history = await model.fit(x.slice(0, trainSamples), y.slice(0, trainSamples), {
      epochs: args.number('epochs'),
      batchSize: args.number('batch-size'),
      validationSplit: validation ? validationSplit : 0,
      seed: params.seed,
      verbose: quiet ? 0 : 1,
      callbacks: trainingCallbacks({ validation, quiet }),
    });
    const monitor = validation ? 'val_loss' : 'loss';
    const curve = history.history[monitor] ?? [];
    const best = curve.reduce((b, v, i) => (v < curve[b]! ? i : b), 0);
    console.log(`Trained ${history.epoch.length} epochs in ${seconds(performance.now() - started)} (best ${monitor} ${fmt(curve[best])} at epoch ${best + 1})`);

    let metrics: Record<string, unknown> | undefined;
    if (testStart < n) {
      const { x: xTest, first } = windowsFor(z, params.lookBack, offset, testStart, n);
      if (first !== testStart) throw new Error(`internal: the first test window predicts ${first}, not ${testStart}`);
      const predicted = await model.predict(xTest);
      const levelsPredicted = transform.oneStepLevels(Array.from(predicted.data), levels, testStart);
      const rows = compareWithBaselines(levels, testStart, levelsPredicted, period);
      console.log(`\nOne-step-ahead on the held-out ${n - testStart} values (${rangeLabel(series, testStart, n)}):`);
      console.log(metricsTable(rows));
      metrics = heldOutMetrics(series, testStart, period, rows);
    }

    const prep = preprocessingJson(series, transform, { lookBack: params.lookBack, seasonalPeriod: period, trainRows: testStart, testFraction });
    const historyJson = { epoch: history.epoch, history: history.history };
    const written = await saveModelDir(out, model, { preprocessing: prep, history: historyJson, ...(metrics ? { metrics } : {}) });
    console.log(`\nSaved ${out} (${written.join(', ')})`);
    const report = args.optionalString('report');
    if (report) {
      await writeText(report, lossCurvesHtml(history, { title: `torch-lstm: training curves of ${series.column}`, yScale: 'log' }));
      console.log(`Report: ${report}`);
    }
  } finally {
    model.dispose();
  }
  return 0;
}
