/**
 * `torch-lstm forecast`: a recursive multi-step forecast after the end of a series, in levels,
 * with optional Monte-Carlo dropout intervals.
 */
import { forecastIntervals } from '../../forecasting/intervals.js';
import { predictFuture } from '../../forecasting/predict-future.js';
import type { CommandSpec, ParsedArgs } from '../args.js';
import { RECORDS_OUTPUT_OPTIONS } from '../common-options.js';
import { withModelAndSeries } from '../common-steps.js';
import { labelAt, labelColumn } from '../data.js';
import { DEFAULTS, QUIET_OPTION, TRAINED_DATA_OPTIONS } from '../defaults.js';
import { isQuantized, type TrainedModel } from '../model-dir.js';
import { emit, outputFormat, recordsCsv, toJson } from '../output.js';

export const spec: CommandSpec = {
  name: 'forecast',
  summary: 'forecast the next --steps values after a CSV series (optionally with intervals)',
  description:
    'Continues the series --steps values past its end, feeding each prediction back as the next input (the recursive strategy), and ' +
    "inverts the model's preprocessing so the forecast is in the column's units. With --intervals LEVEL, --samples Monte-Carlo dropout paths " +
    '(dropout left on at every step) give the median and the central LEVEL interval per step; the model needs dropout for that, and ' +
    'so the float model: an int8 model (written by `torch-lstm quantize`) gives point forecasts only. ' +
    'Output: CSV (step, date or index, forecast[, median, lower, upper]) or JSON, to --out or stdout.',
  options: [
    ...TRAINED_DATA_OPTIONS,
    { name: 'steps', type: 'integer', min: 1, default: 12, description: 'values to forecast' },
    { name: 'intervals', type: 'number', min: 0, max: 1, minExclusive: true, maxExclusive: true, placeholder: 'LEVEL', description: 'add Monte-Carlo dropout intervals of this coverage (e.g. 0.9)' },
    { name: 'samples', type: 'integer', min: 2, default: 100, description: 'Monte-Carlo paths for --intervals' },
    { name: 'seed', type: 'integer', min: 0, default: DEFAULTS.seed, description: 'seed of the dropout masks of --intervals' },
    ...RECORDS_OUTPUT_OPTIONS,
    QUIET_OPTION,
  ],
  examples: [
    'forecast --model models/co2 --csv data/co2-concentration.csv --column CO2 --steps 12',
    'forecast --model models/co2 --csv data/co2-concentration.csv --column CO2 --steps 24 --intervals 0.9 --samples 200 --out forecast.json',
  ],
};

export async function run(args: ParsedArgs): Promise<number> {
  const dir = args.string('model');
  const intervalsNeedFloat = ({ model }: TrainedModel): void => {
    if (args.given('intervals') && isQuantized(model)) {
      throw new Error(`${dir} holds an int8 (quantized) model; --intervals needs the float model (Monte-Carlo dropout runs the model in training mode). Forecast without --intervals, or pass the float model's directory`);
    }
  };
  await withModelAndSeries(args, async ({ model, prep, transform, note, series, levels, n }) => {
    const need = prep.lookBack + transform.offset;
    if (n < need) throw new Error(`${series.file}: ${n} values are too few: the forecast starts from the last ${need} (look-back ${prep.lookBack}${transform.offset ? `, plus ${transform.offset} for differencing` : ''})`);
    const steps = args.number('steps');
    const window = transform.transform(levels).slice(-prep.lookBack);
    const forecast = transform.forecastLevels(await predictFuture(model, window, { steps }), levels);
    const level = args.optionalNumber('intervals');
    const band = level === undefined
      ? undefined
      : await forecastIntervals(model, window, {
          steps,
          samples: args.number('samples'),
          level,
          seed: args.number('seed'),
          inverse: (path) => transform.forecastLevels(path, levels),
        });
    const label = labelColumn(series);
    const records = forecast.map((f, i) => ({
      step: i + 1,
      [label]: labelAt(series, n + i),
      forecast: f,
      ...(band ? { median: band.median[i]!, lower: band.lower[i]!, upper: band.upper[i]! } : {}),
    }));
    const file = args.optionalString('out');
    const text = outputFormat(file, args.optionalString('format')) === 'json'
      ? toJson({ column: series.column, steps, ...(band ? { level: band.level, samples: args.number('samples') } : {}), forecast: records })
      : recordsCsv(['step', label, 'forecast', ...(band ? ['median', 'lower', 'upper'] : [])], records);
    await emit(file, text);
    if (file) note(`Wrote a ${steps}-step forecast of "${series.column}"${band ? ` with ${Math.round(band.level * 100)}% intervals` : ''} to ${file}`);
  }, intervalsNeedFloat);
  return 0;
}
