/**
 * The steps that several commands' `run` share: reading the settings of a training command,
 * loading the series of `--csv`, opening a trained model with the series it runs on, and the
 * held-out part of `metrics.json`.
 */
import type { ParsedArgs } from './args.js';
import type { CsvSeries } from './csv.js';
import { labelAt, loadSeries, loadSeriesForModel } from './data.js';
import type { ScalerName } from './defaults.js';
import { loadModelDir, type TrainedModel } from './model-dir.js';
import { metricsJson, notes, type ScoredRow } from './output.js';

/** Writes an informational line (on stderr, unless quiet); see {@link notes}. */
export type Note = (line: string) => void;

/** What every training command (train, backtest, tune) reads alike. */
export interface TrainingSettings {
  /** `--quiet`. */
  quiet: boolean;
  note: Note;
  /** `--difference`: the differencing lag (0 = off). */
  lag: number;
  /** `--scaler`. */
  scaler: ScalerName;
  /** `--validation-split`. */
  validationSplit: number;
  /** `--seasonal-period`. */
  period: number;
}

/** The {@link TrainingSettings} of a parsed command line (options of `trainingDataOptions` and `closingOptions`). */
export function trainingSettings(args: ParsedArgs): TrainingSettings {
  const quiet = args.boolean('quiet');
  return {
    quiet,
    note: notes(quiet),
    lag: args.number('difference'),
    scaler: args.string('scaler') as ScalerName,
    validationSplit: args.number('validation-split'),
    period: args.number('seasonal-period'),
  };
}

/** The series named by `--csv`, `--column` and `--date-column` (`DATA_OPTIONS`). */
export function loadDataSeries(args: ParsedArgs, note: Note): CsvSeries {
  return loadSeries(args.string('csv'), args.string('column'), args.optionalString('date-column'), note);
}

/** A trained model (`--model`) and the series it runs on, as predict, evaluate and forecast use them. */
export interface ModelAndSeries extends TrainedModel {
  note: Note;
  series: CsvSeries;
  /** `series.values`. */
  levels: number[];
  /** `levels.length`. */
  n: number;
}

/**
 * Loads the model directory of `--model`, lets `check` refuse the model, reads the series
 * of `TRAINED_DATA_OPTIONS` (with the model's column names as defaults), and runs `body`.
 * The model is disposed of however that ends.
 */
export async function withModelAndSeries<T>(
  args: ParsedArgs,
  body: (run: ModelAndSeries) => Promise<T>,
  check?: (loaded: TrainedModel) => void,
): Promise<T> {
  const note = notes(args.boolean('quiet'));
  const loaded = await loadModelDir(args.string('model'));
  try {
    check?.(loaded);
    const series = loadSeriesForModel(args, loaded.prep, note);
    return await body({ ...loaded, note, series, levels: series.values, n: series.values.length });
  } finally {
    loaded.model.dispose();
  }
}

/** The held-out part of `metrics.json`: where the tail starts, its length, the seasonal period and each model's metrics. */
export function heldOutMetrics(series: CsvSeries, testStart: number, period: number, rows: readonly ScoredRow[]): Record<string, unknown> {
  return { heldOut: { from: labelAt(series, testStart), values: series.values.length - testStart }, seasonalPeriod: period, models: metricsJson(rows) };
}
