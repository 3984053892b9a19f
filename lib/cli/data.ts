/**
 * The series a command works on: read from the CSV, split into a training part and a
 * held-out tail, and labelled by date (or by row position) in messages and output.
 */
import { addSteps, CsvError, formatDate, readSeriesCsv, type CsvSeries } from './csv.js';
import type { ParsedArgs } from './args.js';
import type { PreprocessingJson } from './model-dir.js';

/** Reads the series and notes the periods filled by interpolation. */
export function loadSeries(file: string, column: string, dateColumn: string | undefined, note: (line: string) => void): CsvSeries {
  const series = readSeriesCsv(file, { column, ...(dateColumn === undefined ? {} : { dateColumn }) });
  if (series.filled > 0) {
    const unit = series.frequency?.unit === 'month' ? (series.frequency.step === 1 ? 'month' : `${series.frequency.step}-month period`) : 'period';
    note(`note: filled ${series.filled} missing ${unit}${series.filled === 1 ? '' : 's'} of "${column}" by linear interpolation`);
  }
  if (dateColumn !== undefined && !series.frequency) {
    note(`note: the dates in "${dateColumn}" are not evenly spaced; rows are used as consecutive steps`);
  }
  return series;
}

/**
 * The series for a trained model: `--column` and `--date-column` default to the ones it was
 * trained with (a saved date column the CSV lacks is then simply not used).
 */
export function loadSeriesForModel(args: ParsedArgs, prep: PreprocessingJson, note: (line: string) => void): CsvSeries {
  const file = args.string('csv');
  const column = args.optionalString('column') ?? prep.column;
  const given = args.optionalString('date-column');
  if (given !== undefined || prep.dateColumn === null) return loadSeries(file, column, given, note);
  try {
    return loadSeries(file, column, prep.dateColumn, note);
  } catch (err) {
    if (err instanceof CsvError && err.missingColumn === prep.dateColumn) return loadSeries(file, column, undefined, note);
    throw err;
  }
}

/** The first position of the held-out tail: `floor(n * (1 - testFraction))` (`n` when the fraction is 0). */
export function testStartOf(n: number, testFraction: number): number {
  return testFraction > 0 ? Math.floor(n * (1 - testFraction)) : n;
}

/** The label of position `t` (may be `n`, the step after the data): its date, or the position. */
export function labelAt(series: CsvSeries, t: number): string {
  const dates = series.dates;
  if (!dates) return String(t);
  if (t < dates.length) return formatDate(dates[t]!, series.dateOnly ?? true);
  if (!series.frequency) return `+${t - dates.length + 1}`;
  return formatDate(addSteps(dates[dates.length - 1]!, series.frequency, t - dates.length + 1), series.dateOnly ?? true);
}

/** `"2000-01-01 .. 2024-12-01"` or `"rows 0 .. 299"` for positions `[from, to)`. */
export function rangeLabel(series: CsvSeries, from: number, to: number): string {
  return series.dates ? `${labelAt(series, from)} .. ${labelAt(series, to - 1)}` : `positions ${from} .. ${to - 1}`;
}

/** The name of the label column in output: the date column's, or `index`. */
export function labelColumn(series: CsvSeries): string {
  return series.dateColumn ?? 'index';
}
