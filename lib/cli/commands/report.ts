/**
 * `torch-lstm report`: renders a saved training history, tuning study or backtest result as a
 * self-contained HTML page.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { backtestReportHtml, type BacktestResultLike } from '../../reports/backtest-chart.js';
import { lossCurvesHtml, type TrainingHistoryLike } from '../../reports/loss-curves.js';
import { tuningDashboardHtml, type TrialLike } from '../../reports/tuning-dashboard.js';
import type { FrozenTrial } from '../../tuning/frozen-trial.js';
import { readStudyFile } from '../../tuning/storage.js';
import type { CommandSpec, ParsedArgs } from '../args.js';
import { parseDate } from '../csv.js';
import { HISTORY_FILE } from '../model-dir.js';
import { readJson, writeText } from '../output.js';

export const spec: CommandSpec = {
  name: 'report',
  summary: 'render a saved history, tuning study or backtest result as an HTML report',
  description:
    'Renders one saved result as a self-contained HTML page (inline SVG, no script, no network): --history, the history.json that ' +
    '`train` writes into the model directory (or the directory itself), as loss curves with the learning-rate changes marked; --study, ' +
    'the study file of `tune --storage`, as the tuning dashboard; --backtest, the result JSON that `backtest` writes, as the backtest chart and table.',
  options: [
    { name: 'history', type: 'string', placeholder: 'FILE|DIR', description: 'a training history (history.json, or a model directory)' },
    { name: 'study', type: 'string', placeholder: 'FILE', description: 'a tuning study file (tune --storage)' },
    { name: 'backtest', type: 'string', placeholder: 'FILE', description: 'a backtest result (backtest --out)' },
    { name: 'out', type: 'string', required: true, placeholder: 'FILE', description: 'the HTML file to write' },
    { name: 'title', type: 'string', placeholder: 'TEXT', description: 'the page title (default: one from the input)' },
  ],
  exactlyOne: [['history', 'study', 'backtest']],
  examples: [
    'report --history models/co2/history.json --out training.html',
    'report --study study.json --out tune.html',
    'report --backtest backtest.json --out backtest.html',
  ],
};

export async function run(args: ParsedArgs): Promise<number> {
  const out = args.string('out');
  const title = args.optionalString('title');
  let html: string;
  if (args.has('history')) {
    let file = args.string('history');
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, HISTORY_FILE);
    const h = (await readJson(file)) as Partial<TrainingHistoryLike> | null;
    if (!h || !Array.isArray(h.epoch) || typeof h.history !== 'object' || h.history === null) {
      throw new Error(`${file} is not a training history (expected { epoch: [...], history: { loss: [...], ... } })`);
    }
    html = lossCurvesHtml(h as TrainingHistoryLike, { title: title ?? `Training curves (${path.basename(path.dirname(path.resolve(file)))})`, yScale: 'log' });
  } else if (args.has('study')) {
    const file = args.string('study');
    const study = readStudyFile(file);
    if (!study) throw new Error(`${file}: no such file`);
    html = tuningDashboardHtml(dashboardTrials(study.trials), { direction: study.direction, objective: 'val_loss', title: title ?? `Tuning study ${study.studyName}` });
  } else {
    const file = args.string('backtest');
    const doc = (await readJson(file)) as BacktestDocument | null;
    const result = doc?.result;
    if (!result || !Array.isArray(result.folds) || typeof result.aggregate !== 'object') {
      throw new Error(`${file} is not a backtest result (expected the JSON that \`torch-lstm backtest --out\` writes)`);
    }
    html = backtestHtml(doc, title);
  }
  await writeText(out, html);
  console.log(`Report: ${out}`);
  return 0;
}

/** The JSON that `backtest` writes: the result, the series it ran on and its dates. */
export interface BacktestDocument {
  format: 'torch-lstm-backtest';
  column: string;
  series: number[];
  /** One label per value: dates (`YYYY-MM-DD`, ISO) or `null` without a date column. */
  dates: string[] | null;
  settings: Record<string, unknown>;
  result: BacktestResultLike & { durationMs?: number };
}

/** The backtest page: the chart over the series from a few seasons before the first test window. */
export function backtestHtml(doc: BacktestDocument, title?: string): string {
  const result = doc.result;
  const series = Array.isArray(doc.series) ? doc.series : undefined;
  const dates = Array.isArray(doc.dates) ? doc.dates.map((d) => parseDate(d)?.date) : undefined;
  const x = dates && dates.every((d): d is Date => d !== undefined) ? dates : undefined;
  const pageTitle = title ?? `Backtest of "${doc.column ?? 'series'}": ${result.folds.length} folds`;
  if (!series) return backtestReportHtml(result, { title: pageTitle });
  const firstTest = Math.min(...result.folds.map((f) => f.testRange[0]));
  const shown = Math.max(0, firstTest - 48);
  const shifted: BacktestResultLike = {
    aggregate: result.aggregate,
    folds: result.folds.map((f) => ({
      ...f,
      trainRange: [Math.max(0, f.trainRange[0] - shown), f.trainRange[1] - shown] as [number, number],
      testRange: [f.testRange[0] - shown, f.testRange[1] - shown] as [number, number],
    })),
  };
  return backtestReportHtml(shifted, { title: pageTitle, series: series.slice(shown), ...(x ? { x: x.slice(shown) } : {}) });
}

/** A study's trials as the dashboard reads them (waiting ones left out). */
export function dashboardTrials(trials: readonly FrozenTrial[]): TrialLike[] {
  return trials
    .filter((t) => t.state !== 'WAITING')
    .map((t) => {
      const finite = t.value !== null && Number.isFinite(t.value);
      return {
      number: t.number,
      params: Object.fromEntries(Object.entries(t.params).map(([k, v]) => [k, typeof v === 'number' || typeof v === 'string' ? v : String(v)])),
      value: finite ? t.value : null,
      state: (t.state === 'COMPLETE' && !finite ? 'FAIL' : t.state) as TrialLike['state'],
      intermediate: Object.fromEntries(Object.entries(t.intermediateValues).filter(([, v]) => Number.isFinite(v))),
      ...(t.durationMs === null ? {} : { durationMs: t.durationMs }),
      };
    });
}
