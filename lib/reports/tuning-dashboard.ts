/**
 * tuningDashboardHtml: one self-contained page about a hyperparameter study — objective per
 * trial with the running best, learning curves of complete vs pruned trials, parameter
 * importance, and every trial in a table with the best one highlighted.
 */
import { checkOptions, integer, isPlainObject, number, oneOf, string, typeError } from '../validate.js';
import { barChartSvg } from './bar-chart.js';
import { htmlReport, type ReportSection } from './html-report.js';
import { lineChartSvg, type LineSeries } from './line-chart.js';
import { parameterImportance } from './param-importance.js';

/** The states of a trial, as Optuna names them. */
export type TrialState = 'COMPLETE' | 'PRUNED' | 'FAIL' | 'RUNNING';

/** What the dashboard reads from a trial; the tuning module's trials have this shape. */
export interface TrialLike {
  /** The trial's number in the study, from 0, in the order trials started. */
  number: number;
  params: Readonly<Record<string, number | string>>;
  /** The objective; `null` for a trial that has none (failed, running). */
  value: number | null;
  state: TrialState;
  /** The objective reported at each step (epoch), by step, for pruning. */
  intermediate?: Readonly<Record<number, number>>;
  /** Wall time in milliseconds. */
  durationMs?: number;
}

/** Options of {@link tuningDashboardHtml}. */
export interface TuningDashboardOptions {
  /** Whether smaller or larger objective values are better. Required. */
  direction: 'minimize' | 'maximize';
  /** The page title. Defaults to `'Tuning dashboard'`. */
  title?: string;
  /** The objective's name for labels (`'val_loss'`). Defaults to `'objective'`. */
  objective?: string;
  /** The y scale of the objective charts; `'log'` needs values > 0. Defaults to `'linear'`. */
  yScale?: 'linear' | 'log';
}

const STATES: readonly TrialState[] = ['COMPLETE', 'PRUNED', 'FAIL', 'RUNNING'];
const CURVE_COLORS: Record<string, string> = { COMPLETE: '#0072B2', PRUNED: '#D55E00', RUNNING: '#009E73', FAIL: '#CC79A7' };

/**
 * Renders a study's trials as a self-contained HTML page (inline SVG and CSS, no script, no
 * network).
 *
 * Sections: a summary with the best trial and its parameters; the objective of each complete
 * trial by trial number with the best value so far (and a marker at the best trial); the
 * intermediate values (learning curves), one series per state with one path per trial, and
 * the best trial's curve on top; parameter importance as bars, estimated by
 * {@link parameterImportance} (a fANOVA-lite approximation: the share of the objective's variance
 * each parameter explains on its own); and a table of all trials, best first, the best row
 * highlighted. Sections without data (no intermediate values, fewer than 3 complete trials for
 * importance) say so instead of drawing an empty chart.
 *
 * @example
 * ```ts
 * const study = await tuning.tpeSearch({ ... });
 * writeFileSync('tuning.html', reports.tuningDashboardHtml(study.trials, { direction: 'minimize', objective: 'val_loss' }));
 * ```
 * @throws {TypeError} when a trial or an option has the wrong type or is unknown.
 * @throws {RangeError} when `direction`, a state or `yScale` is not one of its values, or a
 *   number is out of range.
 */
export function tuningDashboardHtml(trials: readonly TrialLike[], options: TuningDashboardOptions): string {
  if (!Array.isArray(trials)) throw typeError('an array of trials', 'tuningDashboardHtml.trials', trials);
  trials.forEach((t: unknown, i) => checkTrial(t, `tuningDashboardHtml.trials[${i}]`));
  if (options === undefined) throw typeError('an options object', 'tuningDashboardHtml.options', options);
  const o = checkOptions<TuningDashboardOptions>(options, 'tuningDashboardHtml', ['direction', 'title', 'objective', 'yScale']);
  const direction = oneOf(o.direction, 'tuningDashboardHtml.direction', ['minimize', 'maximize'] as const);
  const title = o.title === undefined ? 'Tuning dashboard' : string(o.title, 'tuningDashboardHtml.title');
  const objective = o.objective === undefined ? 'objective' : string(o.objective, 'tuningDashboardHtml.objective');
  const yScale = o.yScale === undefined ? 'linear' : oneOf(o.yScale, 'tuningDashboardHtml.yScale', ['linear', 'log'] as const);

  const better = (a: number, b: number): boolean => (direction === 'minimize' ? a < b : a > b);
  const byNumber = [...trials].sort((a, b) => a.number - b.number);
  const complete = byNumber.filter((t) => t.state === 'COMPLETE' && t.value !== null && Number.isFinite(t.value));
  const best = complete.reduce<TrialLike | undefined>((b, t) => (b === undefined || better(t.value!, b.value!) ? t : b), undefined);
  const sections: ReportSection[] = [summary(trials, best, objective, direction)];

  if (complete.length) {
    let running = complete[0]!.value!;
    const runningBest = complete.map((t) => (running = better(t.value!, running) ? t.value! : running));
    const x = complete.map((t) => t.number);
    sections.push({
      heading: 'Objective by trial',
      svg: lineChartSvg({
        title: `${objective} of each complete trial`,
        xLabel: 'trial',
        yLabel: objective,
        yScale,
        series: [
          { name: objective, x, y: complete.map((t) => t.value!), color: '#0072B2' },
          { name: 'best so far', x, y: runningBest, color: '#009E73', dashed: true },
        ],
        markers: [{ x: best!.number, label: `best: trial ${best!.number}` }],
      }),
    });
  }

  const curves = intermediateSeries(byNumber, best);
  sections.push(
    curves.length
      ? {
          heading: 'Intermediate values',
          svg: lineChartSvg({ title: `${objective} by step, per trial`, xLabel: 'step', yLabel: objective, yScale, series: curves }),
          text: 'Each line is one trial; pruned trials stop where the pruner stopped them.',
        }
      : { heading: 'Intermediate values', text: 'No trial reported intermediate values.' },
  );

  const importance = parameterImportance(trials);
  const entries = Object.entries(importance);
  const note =
    'Importance is a fANOVA-lite approximation: for each parameter, the share of the objective\u2019s ' +
    'variance over the complete trials that grouping the trials by that parameter explains ' +
    '(numeric parameters in quantile bins, categorical ones by value; epsilon-squared, corrected for ' +
    'the number of groups), normalized to sum to 1. It ignores interactions; read it as a ranking.';
  sections.push(
    complete.length >= 3 && entries.some(([, v]) => v > 0)
      ? {
          heading: 'Parameter importance',
          svg: barChartSvg({ title: 'Parameter importance', xLabel: 'share of explained variance', bars: entries.map(([label, value]) => ({ label, value })) }),
          text: note,
        }
      : { heading: 'Parameter importance', text: `Not enough variation to estimate yet (${complete.length} complete trials). ${note}` },
  );

  sections.push({ heading: 'Trials', table: trialTable(trials, best, direction) });
  return htmlReport({ title, sections });
}

function summary(trials: readonly TrialLike[], best: TrialLike | undefined, objective: string, direction: string): ReportSection {
  const count = (s: TrialState): number => trials.filter((t) => t.state === s).length;
  const counts = `${trials.length} trials: ${count('COMPLETE')} complete, ${count('PRUNED')} pruned, ${count('FAIL')} failed, ${count('RUNNING')} running.`;
  if (!best) return { heading: 'Best trial', text: `${counts}\n\nNo trial has completed yet.` };
  const names = Object.keys(best.params);
  return {
    heading: 'Best trial',
    text: `${counts}\n\nBest: trial ${best.number}, ${objective} = ${best.value} (${direction}).`,
    ...(names.length ? { table: { columns: ['parameter', 'value'], rows: names.map((n) => [n, best.params[n]!]) } } : {}),
  };
}

/** One series per state (one path per trial through NaN breaks), and the best trial's curve. */
function intermediateSeries(trials: readonly TrialLike[], best: TrialLike | undefined): LineSeries[] {
  const curve = (t: TrialLike): [number[], number[]] => {
    const steps = Object.keys(t.intermediate ?? {}).map(Number).sort((a, b) => a - b);
    return [steps, steps.map((s) => t.intermediate![s]!)];
  };
  const series: LineSeries[] = [];
  for (const state of STATES) {
    const x: number[] = [];
    const y: number[] = [];
    for (const t of trials) {
      if (t.state !== state || t === best) continue;
      const [sx, sy] = curve(t);
      if (!sx.length) continue;
      if (x.length) (x.push(NaN), y.push(NaN));
      x.push(...sx);
      y.push(...sy);
    }
    if (x.length) series.push({ name: state.toLowerCase(), x, y, color: CURVE_COLORS[state]! });
  }
  if (best && curve(best)[0].length) {
    const [x, y] = curve(best);
    series.push({ name: `best (trial ${best.number})`, x, y, color: '#000000' });
  }
  return series;
}

function trialTable(trials: readonly TrialLike[], best: TrialLike | undefined, direction: string) {
  const params = [...new Set(trials.flatMap((t) => Object.keys(t.params)))];
  const finite = (t: TrialLike): boolean => t.value !== null && Number.isFinite(t.value);
  const sorted = [...trials].sort((a, b) => {
    if (finite(a) !== finite(b)) return finite(a) ? -1 : 1;
    if (finite(a) && a.value !== b.value) return direction === 'minimize' ? a.value! - b.value! : b.value! - a.value!;
    // Among equal values (and trials without one) the complete trial, then the earlier one, comes first.
    return Number(b.state === 'COMPLETE') - Number(a.state === 'COMPLETE') || a.number - b.number;
  });
  return {
    columns: ['trial', 'state', 'value', 'duration (s)', ...params],
    rows: sorted.map((t) => [
      t.number,
      t.state.toLowerCase(),
      t.value ?? '-',
      t.durationMs === undefined ? '-' : Number((t.durationMs / 1000).toFixed(2)),
      ...params.map((p) => t.params[p] ?? '-'),
    ]),
    highlightRows: best ? [sorted.indexOf(best)] : [],
  };
}

function checkTrial(value: unknown, name: string): void {
  if (typeof value !== 'object' || value === null) throw typeError('a trial object', name, value);
  // Extra fields (a study's own bookkeeping) are allowed: the dashboard reads only these.
  const t = value as Partial<TrialLike>;
  integer(t.number, `${name}.number`, { min: 0 });
  if (!isPlainObject(t.params)) throw typeError('an object of parameter values', `${name}.params`, t.params);
  for (const [key, v] of Object.entries(t.params)) {
    if (typeof v !== 'number' && typeof v !== 'string') throw typeError('a number or a string', `${name}.params.${key}`, v);
  }
  if (t.value !== null && typeof t.value !== 'number') throw typeError('a number or null', `${name}.value`, t.value);
  oneOf(t.state, `${name}.state`, STATES);
  if (t.intermediate !== undefined) {
    if (!isPlainObject(t.intermediate)) throw typeError('an object of values by step', `${name}.intermediate`, t.intermediate);
    for (const [step, v] of Object.entries(t.intermediate)) {
      if (!/^\d+$/.test(step)) throw typeError('integer steps as keys', `${name}.intermediate`, step);
      if (typeof v !== 'number') throw typeError('a number', `${name}.intermediate.${step}`, v);
    }
  }
  if (t.durationMs !== undefined) number(t.durationMs, `${name}.durationMs`, { min: 0 });
}
