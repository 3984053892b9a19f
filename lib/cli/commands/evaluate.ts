/**
 * `torch-lstm evaluate`: the metrics table of a trained model (float or int8) on a held-out tail.
 */
import type { CommandSpec, ParsedArgs } from '../args.js';
import { tableFormatOption, testFractionOption } from '../common-options.js';
import { withModelAndSeries } from '../common-steps.js';
import { labelAt, rangeLabel } from '../data.js';
import { DEFAULTS, QUIET_OPTION, TRAINED_DATA_OPTIONS } from '../defaults.js';
import { heldOutWindows, isQuantized } from '../model-dir.js';
import { compareWithBaselines, metricsJson, metricsTable, toJson } from '../output.js';

export const spec: CommandSpec = {
  name: 'evaluate',
  summary: 'score a trained model on the tail of a CSV series next to the naive baselines',
  description:
    'Predicts the last --test-fraction of the series one step ahead (each value from the true values before it) and prints MAE, RMSE, ' +
    'MAPE, sMAPE, MASE and R² for the model, the naive forecast (the previous value) and the seasonal-naive forecast (one season earlier). ' +
    'MASE is scaled by the seasonal-naive error on the values before the tail. An int8 model (written by `torch-lstm quantize`) is scored the same way.',
  options: [
    ...TRAINED_DATA_OPTIONS,
    testFractionOption('the scored tail of the series', true),
    { name: 'seasonal-period', type: 'integer', min: 1, placeholder: 'N', description: 'season length of the seasonal-naive baseline and MASE (default: the one saved at training, 12)' },
    tableFormatOption('print a table or JSON'),
    QUIET_OPTION,
  ],
  examples: ['evaluate --model models/co2 --csv data/co2-concentration.csv --column CO2 --test-fraction 0.2'],
};

export async function run(args: ParsedArgs): Promise<number> {
  await withModelAndSeries(args, async ({ model, prep, transform, series, levels, n }) => {
    const period = args.optionalNumber('seasonal-period') ?? prep.seasonalPeriod ?? DEFAULTS.seasonalPeriod;
    const { testStart, x } = heldOutWindows(levels, series.file, prep, transform, args.number('test-fraction'));
    const out = await model.predict(x);
    const predicted = transform.oneStepLevels(Array.from(out.data), levels, testStart);
    const rows = compareWithBaselines(levels, testStart, predicted, period);
    const int8 = isQuantized(model);
    if (args.string('format') === 'json') {
      process.stdout.write(
        toJson({
          column: series.column,
          from: labelAt(series, testStart),
          values: n - testStart,
          seasonalPeriod: period,
          ...(int8 ? { quantization: model.quantization } : {}),
          models: metricsJson(rows),
        }),
      );
    } else {
      console.log(`One-step-ahead on the last ${n - testStart} values of "${series.column}" (${rangeLabel(series, testStart, n)}):`);
      console.log(metricsTable(int8 ? rows.map((r, i) => (i === 0 ? { ...r, name: 'LSTM (int8)' } : r)) : rows));
    }
  });
  return 0;
}
