/**
 * `torch-lstm tune`: a TPE search over units, dropout, look-back and learning rate (the search of
 * examples/co2-tune.ts), resumable through a study file, with the tuning dashboard.
 */
import { createDataset } from '../../preprocessing/create-dataset.js';
import { tuningDashboardHtml } from '../../reports/tuning-dashboard.js';
import { float, int } from '../../tuning/distributions.js';
import { medianPruner } from '../../tuning/pruners.js';
import { tpeSearch } from '../../tuning/search.js';
import { readStudyFile } from '../../tuning/storage.js';
import type { CommandSpec, ParsedArgs } from '../args.js';
import { closingOptions, OVERWRITE_OPTION, reportOption, testFractionOption } from '../common-options.js';
import { heldOutMetrics, loadDataSeries, trainingSettings } from '../common-steps.js';
import { rangeLabel, testStartOf } from '../data.js';
import { buildModel, DATA_OPTIONS, DEFAULTS, preprocessingSteps, progressBar, trainingDataOptions } from '../defaults.js';
import { checkOutDir, preprocessingJson, saveModelDir, SeriesTransform, windowsFor } from '../model-dir.js';
import { compareWithBaselines, fmt, metricsTable, seconds, textTable, writeText } from '../output.js';
import { dashboardTrials } from './report.js';

const LOOK_BACK_STEP = 6;

export const spec: CommandSpec = {
  name: 'tune',
  summary: 'search the LSTM hyperparameters with TPE (resumable) and write the tuning dashboard',
  description:
    'Bayesian search (a Tree-structured Parzen Estimator, Optuna\'s defaults) over units (16-128, log), dropout (0-0.5), look-back ' +
    `(--min-look-back to --max-look-back, step ${LOOK_BACK_STEP}) and learning rate (3e-4 to 1e-2, log) of LSTM(units, dropout) -> LSTM(units / 2) -> Dense(1). ` +
    "Trial 0 is the article's defaults (64, 0.2, 24, 1e-3); the median pruner stops hopeless trials after 5 epochs. A trial's value is its best " +
    "val_loss on a FIXED validation period (the last --validation-split of the training part, whatever the look-back). The last --test-fraction " +
    'of the series is never seen by the search; the best model is scored on it next to the baselines. With --storage, every trial is saved and ' +
    'running the same command again resumes the study up to --trials.',
  options: [
    ...DATA_OPTIONS,
    { name: 'trials', type: 'integer', min: 1, default: 12, description: 'finished trials of the whole study (a resumed study counts its earlier ones)' },
    { name: 'epochs', type: 'integer', min: 1, default: 20, description: 'epochs per trial' },
    { name: 'storage', type: 'string', placeholder: 'FILE', description: 'study file to persist to and resume from' },
    reportOption('write the tuning dashboard (HTML) here'),
    { name: 'out', type: 'string', placeholder: 'DIR', description: 'save the best model (and its preprocessing) to this model directory' },
    OVERWRITE_OPTION,
    { name: 'min-look-back', type: 'integer', min: 1, default: 12, description: 'smallest look-back tried' },
    { name: 'max-look-back', type: 'integer', min: 1, default: 36, description: 'largest look-back tried' },
    { name: 'batch-size', type: 'integer', min: 1, default: DEFAULTS.batchSize, description: 'samples per gradient step' },
    { name: 'clip-value', type: 'number', min: 0, default: DEFAULTS.clipValue, description: 'gradient clipping by value (0 = off)' },
    { name: 'startup-trials', type: 'integer', min: 0, default: 5, description: 'random trials before TPE takes over' },
    { name: 'pruner', type: 'choice', choices: ['median', 'none'], default: 'median', description: 'prune trials worse than the median at the same epoch' },
    ...trainingDataOptions(),
    testFractionOption('held-out tail, unseen by the search'),
    ...closingOptions(),
  ],
  examples: [
    'tune --csv data/co2-concentration.csv --column CO2 --date-column Date --trials 12 --epochs 20 --storage study.json --report tune.html',
  ],
};

export async function run(args: ParsedArgs): Promise<number> {
  const { quiet, note, lag, scaler, validationSplit, period } = trainingSettings(args);
  const seed = args.number('seed');
  const minLB = args.number('min-look-back');
  const maxLB = args.number('max-look-back');
  if (maxLB < minLB) throw new Error(`--max-look-back ${maxLB} is below --min-look-back ${minLB}`);
  const storage = args.optionalString('storage');
  const out = args.optionalString('out');
  if (out) checkOutDir(out, args.boolean('overwrite'));
  if (validationSplit <= 0) throw new Error('tune scores trials on validation data: --validation-split must be above 0');

  const series = loadDataSeries(args, note);
  const levels = series.values;
  const n = levels.length;
  const testStart = testStartOf(n, args.number('test-fraction'));
  const transform = new SeriesTransform(preprocessingSteps(lag, scaler)).fit(levels.slice(0, testStart));
  const offset = transform.offset;
  const z = transform.transform(levels);
  // Model value z[j] belongs to level j + offset. Targets z[j], j <= lastTarget, are the tuning data;
  // from valStart on they validate (the same values whatever the look-back).
  const lastTarget = testStart - offset - 1;
  const valStart = lastTarget + 1 - Math.floor(validationSplit * (lastTarget + 1 - maxLB));
  if (valStart - maxLB < 2 || valStart > lastTarget) {
    throw new Error(
      `Too little data to tune: the training part holds ${testStart} values, which leave ${Math.max(0, valStart - maxLB)} training and ` +
        `${Math.max(0, lastTarget + 1 - valStart)} validation windows at --max-look-back ${maxLB}; use a smaller --max-look-back or --test-fraction, or more rows`,
    );
  }
  const windows = (lookBack: number) => {
    const { x, y } = createDataset(z, { lookBack });
    const at = (j: number): number => j - lookBack; // the sample whose target is z[j]
    return {
      x: x.slice(0, at(valStart)),
      y: y.slice(0, at(valStart)),
      validationData: [x.slice(at(valStart), at(lastTarget + 1)), y.slice(at(valStart), at(lastTarget + 1))] as [number[][][], number[]],
    };
  };

  const stored = storage ? readStudyFile(storage) : undefined;
  const finishedBefore = stored ? stored.trials.filter((t) => t.state === 'COMPLETE' || t.state === 'PRUNED').length : 0;
  note(
    `"${series.column}" from ${series.file}: ${n} values; tuning on the first ${testStart} (validation: ${rangeLabel(series, valStart + offset, lastTarget + 1 + offset)})` +
      (testStart < n ? `, held-out tail: the last ${n - testStart} (unseen by the search)` : ''),
  );
  if (stored) note(`Resuming the study in ${storage}: ${finishedBefore} finished trial${finishedBefore === 1 ? '' : 's'} of ${args.number('trials')}`);

  // Trial 0: the article's defaults, with the look-back on the searched grid nearest to 24.
  let lookBackDefault = minLB;
  for (let v = minLB; v <= maxLB; v += LOOK_BACK_STEP) {
    if (Math.abs(v - DEFAULTS.lookBack) < Math.abs(lookBackDefault - DEFAULTS.lookBack)) lookBackDefault = v;
  }
  const defaults = { units: DEFAULTS.units[0], dropout: DEFAULTS.dropout, lookBack: lookBackDefault, learningRate: DEFAULTS.learningRate };
  const clipValue = args.number('clip-value');
  const started = performance.now();
  const result = await tpeSearch({
    build: ({ units, dropout, lookBack, learningRate }) =>
      buildModel({ lookBack, units: [units, Math.max(1, Math.round(units / 2))], dropout, recurrentDropout: 0, learningRate, clipValue, seed }),
    space: {
      units: int(16, 128, { log: true }),
      dropout: float(0, 0.5),
      lookBack: int(minLB, maxLB, { step: LOOK_BACK_STEP }),
      learningRate: float(3e-4, 1e-2, { log: true }),
    },
    fit: ({ lookBack }) => ({
      ...windows(lookBack),
      epochs: args.number('epochs'),
      batchSize: args.number('batch-size'),
      verbose: quiet ? 0 : 1,
      callbacks: quiet ? [] : [progressBar()],
    }),
    objective: 'val_loss',
    nTrials: args.number('trials'),
    seed,
    sampler: { nStartupTrials: args.number('startup-trials') },
    ...(args.string('pruner') === 'median' ? { pruner: medianPruner({ nStartupTrials: 3, nWarmupSteps: 5 }) } : {}),
    enqueue: [defaults],
    verbose: quiet ? 0 : 1,
    ...(storage ? { storage } : {}),
  });
  const model = result.bestModel;
  try {
    const trials = result.trials;
    const count = (s: string): number => trials.filter((t) => t.state === s).length;
    console.log(
      `\n${trials.length} trials (${count('COMPLETE')} complete, ${count('PRUNED')} pruned, ${count('FAIL')} failed; ` +
        `${Math.max(0, count('COMPLETE') + count('PRUNED') - finishedBefore)} run now in ${seconds(performance.now() - started)})`,
    );
    const show = (p: Record<string, unknown>): string[] =>
      ['units', 'dropout', 'lookBack', 'learningRate'].map((k) => {
        const v = p[k];
        return typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(3) : String(v);
      });
    const first = trials.find((t) => t.number === 0);
    const rows = [
      ...(first ? [[`defaults (trial 0, ${first.state})`, fmt(first.value), ...show(first.params)]] : []),
      [`best (trial ${result.bestTrial.number})`, fmt(result.bestValue), ...show(result.bestParams)],
    ];
    console.log(textTable(['', 'val_loss', 'units', 'dropout', 'lookBack', 'learningRate'], rows));

    const lookBack = result.bestParams.lookBack;
    let metrics: Record<string, unknown> | undefined;
    if (testStart < n) {
      const { x } = windowsFor(z, lookBack, offset, testStart, n);
      const predicted = transform.oneStepLevels(Array.from((await model.predict(x)).data), levels, testStart);
      const scored = compareWithBaselines(levels, testStart, predicted, period, 'LSTM (best trial)');
      console.log(`\nBest model, one-step-ahead on the held-out ${n - testStart} values (${rangeLabel(series, testStart, n)}):`);
      console.log(metricsTable(scored));
      metrics = heldOutMetrics(series, testStart, period, scored);
    }
    const report = args.optionalString('report');
    if (report) {
      await writeText(report, tuningDashboardHtml(dashboardTrials(result.study.trials), {
        direction: 'minimize',
        objective: 'val_loss',
        title: `torch-lstm: tuning "${series.column}" (${trials.length} trials)`,
      }));
      console.log(`Report: ${report}`);
    }
    if (out) {
      const prep = preprocessingJson(series, transform, { lookBack, seasonalPeriod: period, trainRows: testStart, testFraction: args.number('test-fraction') });
      const history = { epoch: (result.bestTrial.history.loss ?? []).map((_, i) => i), history: result.bestTrial.history };
      await saveModelDir(out, model, { preprocessing: prep, history, ...(metrics ? { metrics } : {}) });
      console.log(`Saved the best model to ${out}`);
    }
  } finally {
    model.dispose();
  }
  return 0;
}
