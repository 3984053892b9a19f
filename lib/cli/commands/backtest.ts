/**
 * `torch-lstm backtest`: a rolling-origin backtest of the article's model against the naive
 * baselines (forecasting.backtest), with a table, a result JSON and an HTML report.
 */
import { backtest as runBacktest } from '../../forecasting/backtest.js';
import { Pipeline } from '../../preprocessing/pipeline.js';
import type { CommandSpec, ParsedArgs } from '../args.js';
import { closingOptions, reportOption } from '../common-options.js';
import { loadDataSeries, trainingSettings } from '../common-steps.js';
import { labelAt, rangeLabel } from '../data.js';
import { buildModel, DATA_OPTIONS, modelOptions, modelParams, preprocessingSteps, trainingCallbacks } from '../defaults.js';
import { fmt, seconds, textTable, toJson, writeText } from '../output.js';
import { backtestHtml, type BacktestDocument } from './report.js';

export const spec: CommandSpec = {
  name: 'backtest',
  summary: 'rolling-origin backtest of the LSTM against the naive baselines',
  description:
    'Cuts the end of the series into --folds consecutive test windows of --test-size values. For each, a fresh model (the model of `train`, same ' +
    'options) trains on the values before the window (expanding: all of them; sliding: the last --train-size), with the differencing and scaling ' +
    'fitted on that training part only, then predicts every value of the window one step ahead from the true history. MAE, RMSE, MAPE, sMAPE, ' +
    'MASE and RMSSE per fold and averaged, next to the naive and seasonal-naive baselines. --out keeps the result as JSON (for ' +
    '`torch-lstm report --backtest`); --report writes the chart and table as HTML (and the JSON next to it, unless --out says where).',
  options: [
    ...DATA_OPTIONS,
    { name: 'folds', type: 'integer', min: 1, default: 5, description: 'number of test windows' },
    { name: 'strategy', type: 'choice', choices: ['expanding', 'sliding'], default: 'expanding', description: 'training window of each fold' },
    { name: 'test-size', type: 'integer', min: 1, placeholder: 'N', description: 'values per test window (default: 24, or fewer so that the folds leave half the series to train)' },
    { name: 'train-size', type: 'integer', min: 1, placeholder: 'N', description: 'training values per fold with --strategy sliding (default: all before the first window)' },
    ...modelOptions(60),
    ...closingOptions(
      reportOption('write the backtest chart and table (HTML) here'),
      { name: 'out', type: 'string', placeholder: 'FILE', description: 'write the result JSON here (default: next to --report, as .json)' },
    ),
  ],
  examples: [
    'backtest --csv data/co2-concentration.csv --column CO2 --date-column Date --folds 5 --strategy expanding --report backtest.html',
  ],
};

export async function run(args: ParsedArgs): Promise<number> {
  const { quiet, note, lag, scaler, validationSplit, period } = trainingSettings(args);
  const series = loadDataSeries(args, note);
  const levels = series.values;
  const n = levels.length;
  const folds = args.number('folds');
  const testSize = args.optionalNumber('test-size') ?? Math.max(1, Math.min(24, Math.floor(n / (2 * folds))));
  const strategy = args.string('strategy') as 'expanding' | 'sliding';
  if (args.given('train-size') && strategy !== 'sliding') throw new Error('--train-size applies to --strategy sliding only');
  const params = modelParams(args);
  const steps = preprocessingSteps(lag, scaler);
  note(
    `"${series.column}" from ${series.file}: ${n} values; ${folds} ${strategy} folds of ${testSize} test values ` +
      `(${n - folds * testSize > 0 ? rangeLabel(series, n - folds * testSize, n) : 'too many'}), look-back ${params.lookBack}, up to ${args.number('epochs')} epochs per fold`,
  );

  const started = performance.now();
  const header = ['fold', 'train', 'test', 'MASE', 'naive', 'seasonal', 'MAE', 'epochs', 'fit'];
  const lines: string[][] = [];
  const result = await runBacktest({
    data: levels,
    lookBack: params.lookBack,
    horizon: 1,
    strategy,
    folds,
    testSize,
    ...(args.has('train-size') ? { trainSize: args.number('train-size') } : {}),
    seasonalPeriod: period,
    seed: params.seed,
    ...(steps.length > 0 ? { transform: () => new Pipeline(preprocessingSteps(lag, scaler)) } : {}),
    build: (fold) => buildModel({ ...params, seed: fold.seed ?? params.seed }),
    fit: {
      epochs: args.number('epochs'),
      batchSize: args.number('batch-size'),
      validationSplit,
      verbose: quiet ? 0 : 1,
      callbacks: () => trainingCallbacks({ validation: validationSplit > 0, quiet }),
    },
    onFoldEnd: (f) => {
      const row = [
        String(f.index + 1),
        rangeLabel(series, f.trainRange[0], f.trainRange[1]),
        rangeLabel(series, f.testRange[0], f.testRange[1]),
        fmt(f.metrics.mase),
        fmt(f.metrics.naive_mase),
        fmt(f.metrics.seasonalNaive_mase),
        fmt(f.metrics.mae),
        String(f.history?.loss?.length ?? 0),
        seconds(f.fitMs),
      ];
      lines.push(row);
      note(`fold ${row[0]}/${folds}: MASE ${row[3]} (naive ${row[4]}, seasonal naive ${row[5]}) in ${row[8]}`);
    },
  });
  const agg = result.aggregate;
  console.log(`MASE (m = ${period}) per fold, one-step-ahead:`);
  console.log(textTable(header, [...lines, ['mean', '', '', fmt(agg.mase), fmt(agg.naive_mase), fmt(agg.seasonalNaive_mase), fmt(agg.mae), '', '']]));
  console.log(
    `\nMean over folds: MAE ${fmt(agg.mae)} (naive ${fmt(agg.naive_mae)}, seasonal naive ${fmt(agg.seasonalNaive_mae)}), ` +
      `sMAPE ${fmt(agg.smape)}% (naive ${fmt(agg.naive_smape)}%, seasonal naive ${fmt(agg.seasonalNaive_smape)}%), RMSSE ${fmt(agg.rmsse)}`,
  );
  const beats = (agg.mase ?? Infinity) < 1 && (agg.mase ?? Infinity) < (agg.seasonalNaive_mase ?? -Infinity);
  console.log(`LSTM MASE ${fmt(agg.mase)} vs seasonal naive ${fmt(agg.seasonalNaive_mase)}: ${beats ? 'below 1 and beats seasonal naive' : 'does NOT beat seasonal naive with MASE < 1'}`);
  console.log(`Backtest: ${seconds(performance.now() - started)}`);

  const report = args.optionalString('report');
  const out = args.optionalString('out') ?? (report ? report.replace(/\.html?$/i, '') + '.json' : undefined);
  const doc: BacktestDocument = {
    format: 'torch-lstm-backtest',
    column: series.column,
    series: levels,
    dates: series.dates ? levels.map((_, i) => labelAt(series, i)) : null,
    settings: { folds, strategy, testSize, lookBack: params.lookBack, epochs: args.number('epochs'), units: params.units, difference: lag, scaler, seasonalPeriod: period, seed: params.seed },
    result,
  };
  if (out) {
    await writeText(out, toJson(doc));
    console.log(`Result: ${out}`);
  }
  if (report) {
    await writeText(report, backtestHtml(doc));
    console.log(`Report: ${report}`);
  }
  return 0;
}
