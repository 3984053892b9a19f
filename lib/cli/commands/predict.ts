/**
 * `torch-lstm predict`: one-step-ahead predictions over a series, in levels.
 */
import type { CommandSpec, ParsedArgs } from '../args.js';
import { RECORDS_OUTPUT_OPTIONS } from '../common-options.js';
import { withModelAndSeries } from '../common-steps.js';
import { labelAt, labelColumn } from '../data.js';
import { QUIET_OPTION, TRAINED_DATA_OPTIONS } from '../defaults.js';
import { windowsFor } from '../model-dir.js';
import { emit, outputFormat, recordsCsv, toJson } from '../output.js';

export const spec: CommandSpec = {
  name: 'predict',
  summary: 'one-step-ahead predictions over a CSV series with a trained model',
  description:
    'Predicts every value of the series that has --look-back values before it (and the value right after the series), each from the TRUE ' +
    "values before it, with the model's saved preprocessing (differencing and scaling) applied and inverted: the predictions are levels, " +
    'in the units of the column. The model may be a float one or an int8 one (written by `torch-lstm quantize`; its activations are ' +
      'quantized per predict call, so its predictions move slightly with --batch-size). ' +
      'Output: CSV (date or index, actual, predicted) or JSON, to --out or stdout.',
  options: [
    ...TRAINED_DATA_OPTIONS,
    { name: 'batch-size', type: 'integer', min: 1, default: 32, description: 'windows per predict call' },
    ...RECORDS_OUTPUT_OPTIONS,
    QUIET_OPTION,
  ],
  examples: ['predict --model models/co2 --csv data/co2-concentration.csv --column CO2 --out predictions.csv'],
};

export async function run(args: ParsedArgs): Promise<number> {
  await withModelAndSeries(args, async ({ model, prep, transform, note, series, levels, n }) => {
    const offset = transform.offset;
    if (n < prep.lookBack + offset + 1) {
      throw new Error(`${series.file}: ${n} values are too few: the model needs ${prep.lookBack + offset} before the first prediction (look-back ${prep.lookBack}${offset ? `, plus ${offset} for differencing` : ''})`);
    }
    const z = transform.transform(levels);
    const { x, first } = windowsFor(z, prep.lookBack, offset, 0, n + 1);
    const out = await model.predict(x, { batchSize: args.number('batch-size') });
    const predicted = transform.oneStepLevels(Array.from(out.data), levels, first);
    const label = labelColumn(series);
    const records = predicted.map((p, j) => ({ [label]: labelAt(series, first + j), actual: first + j < n ? levels[first + j]! : null, predicted: p }));
    const file = args.optionalString('out');
    const format = outputFormat(file, args.optionalString('format'));
    const text = format === 'json'
      ? toJson({ column: series.column, lookBack: prep.lookBack, predictions: records })
      : recordsCsv([label, 'actual', 'predicted'], records);
    await emit(file, text);
    if (file) note(`Wrote ${records.length} one-step-ahead predictions of "${series.column}" to ${file}`);
  });
  return 0;
}
