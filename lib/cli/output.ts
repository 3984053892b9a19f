/**
 * What the CLI prints and writes: aligned tables, the metrics table of a one-step forecast
 * next to the naive baselines, CSV/JSON output to a file or stdout, and JSON files that keep
 * non-finite numbers (`"NaN"`, `"Infinity"`), which plain JSON cannot hold.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { naivePredictions, seasonalNaivePredictions } from '../forecasting/baselines.js';
import { mase, smape } from '../metrics/forecast.js';
import { mae, mape, r2, rmse } from '../metrics/regression.js';
import { csvField } from './csv.js';

/** JSON text with non-finite numbers written as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2)}\n`;
}

/** Parses a JSON file written by {@link toJson}. @throws when missing or not JSON, naming the file. */
export async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${file}: no such file`);
    if (code === 'EISDIR') throw new Error(`${file} is a directory, not a JSON file`);
    throw err;
  }
  try {
    return JSON.parse(text, (_key, v: unknown) => (v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v));
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message})`);
  }
}

/** Writes a file atomically, creating its folder. */
export async function writeText(file: string, text: string): Promise<void> {
  await writeFileAtomic(path.resolve(file), [Buffer.from(text, 'utf8')], { overwrite: true });
}

/** A number for a table: 4 decimals, or exponent notation when tiny or huge. */
export function fmt(v: number | undefined | null, digits = 4): string {
  if (v === undefined || v === null || Number.isNaN(v)) return '-';
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : v.toFixed(digits);
}

/** An aligned text table: the first column left-aligned, the others right-aligned. */
export function textTable(columns: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]): string =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(columns), ...cells.map(line)].join('\n');
}

/** The metrics of the metrics table. */
export const METRIC_COLUMNS = ['MAE', 'RMSE', 'MAPE %', 'sMAPE %', 'MASE', 'R²'] as const;
export const METRIC_KEYS = ['mae', 'rmse', 'mape', 'smape', 'mase', 'r2'] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];

const safe = (f: () => number): number => {
  try {
    return f();
  } catch {
    return NaN; // e.g. MAPE of a series with zeros, MASE with a training part shorter than the season
  }
};

/** MAE, RMSE, MAPE, sMAPE, MASE (scaled on `train`, period `period`) and R² of one forecast. */
export function score(actual: number[], predicted: number[], train: number[], period: number): Record<MetricKey, number> {
  return {
    mae: safe(() => mae(actual, predicted)),
    rmse: safe(() => rmse(actual, predicted)),
    mape: safe(() => mape(actual, predicted)),
    smape: safe(() => smape(actual, predicted)),
    mase: safe(() => mase(actual, predicted, { train, period })),
    r2: safe(() => r2(actual, predicted)),
  };
}

/** A named forecast's metrics. */
export interface ScoredRow {
  name: string;
  metrics: Record<MetricKey, number>;
}

/**
 * The model's one-step predictions of `levels[start..]` scored next to the naive (last value)
 * and seasonal-naive (one period earlier; left out when `start < period`) baselines.
 */
export function compareWithBaselines(levels: number[], start: number, predicted: number[], period: number, modelName = 'LSTM'): ScoredRow[] {
  const actual = levels.slice(start);
  const train = levels.slice(0, start);
  const rows: ScoredRow[] = [
    { name: modelName, metrics: score(actual, predicted, train, period) },
    { name: 'naive (last value)', metrics: score(actual, naivePredictions(levels, start), train, period) },
  ];
  if (start >= period) {
    rows.push({ name: `seasonal naive (m = ${period})`, metrics: score(actual, seasonalNaivePredictions(levels, start, period), train, period) });
  }
  return rows;
}

/** The metrics table as text. */
export function metricsTable(rows: readonly ScoredRow[]): string {
  return textTable(['model', ...METRIC_COLUMNS], rows.map((r) => [r.name, ...METRIC_KEYS.map((k) => r.metrics[k])]));
}

/** `{ model: { mae, ... }, ... }`: the rows as JSON. */
export function metricsJson(rows: readonly ScoredRow[]): Record<string, Record<MetricKey, number>> {
  return Object.fromEntries(rows.map((r) => [r.name, r.metrics]));
}

/** The format of a table written to `file`: `json` for `.json`, else `csv`, unless given. */
export function outputFormat(file: string | undefined, given: string | undefined): 'csv' | 'json' {
  if (given === 'csv' || given === 'json') return given;
  return file !== undefined && file.toLowerCase().endsWith('.json') ? 'json' : 'csv';
}

/** Records as CSV text (columns in `columns` order). */
export function recordsCsv(columns: readonly string[], records: readonly Record<string, string | number | null>[]): string {
  return `${[columns.map(csvField).join(','), ...records.map((r) => columns.map((c) => csvField(r[c])).join(','))].join('\n')}\n`;
}

/** Writes `text` to `file`, or to stdout when no file is given. */
export async function emit(file: string | undefined, text: string): Promise<void> {
  if (file === undefined) process.stdout.write(text);
  else await writeText(file, text);
}

/** Informational lines: on stderr (stdout holds the command's results), unless quiet. */
export function notes(quiet: boolean): (line: string) => void {
  return quiet ? () => undefined : (line) => process.stderr.write(`${line}\n`);
}

/** A duration in seconds for messages. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
