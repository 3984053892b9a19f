/** Sample inputs of the report renderers, shared by the unit tests and the Chromium test. */
import type { BacktestResultLike } from '../../../lib/reports/backtest-chart.js';
import type { TrialLike } from '../../../lib/reports/tuning-dashboard.js';
import { rng } from '../../helpers/random.js';

/** The seeded PRNG of test/helpers/random.ts, also exported here for the report tests. */
export { rng };

/** A 30-epoch history: loss, mae (train and val) and lr, reduced twice (at epochs 11 and 21, 1-based). */
export function sampleHistory(epochs = 30): { epoch: number[]; history: Record<string, number[]> } {
  const epoch = Array.from({ length: epochs }, (_, i) => i);
  const loss = epoch.map((e) => 1 / (1 + e) + 0.01);
  return {
    epoch,
    history: {
      loss,
      mae: loss.map((v) => Math.sqrt(v)),
      val_loss: loss.map((v) => v * 1.25),
      val_mae: loss.map((v) => Math.sqrt(v) * 1.1),
      lr: epoch.map((e) => (e < 10 ? 1e-3 : e < 20 ? 1e-4 : 1e-5)),
    },
  };
}

/** 60 months: 48 observed, in-sample predictions after 12, a 12-month forecast with a 90% band. */
export function sampleForecast() {
  const level = (i: number): number => 400 + i * 0.2 + 3 * Math.sin((i * Math.PI) / 6);
  const dates = Array.from({ length: 60 }, (_, i) => new Date(Date.UTC(2015, i, 1)));
  const actual = Array.from({ length: 48 }, (_, i) => level(i));
  const predicted = actual.map((v, i) => (i < 12 ? NaN : v + 0.4 * Math.cos(i)));
  const forecast = Array.from({ length: 12 }, (_, i) => level(48 + i));
  const intervals = { lower: forecast.map((v, i) => v - 0.6 - 0.12 * i), upper: forecast.map((v, i) => v + 0.6 + 0.12 * i), level: 0.9 };
  return { dates, actual, predicted, forecast, intervals };
}

/** A 100-step seasonal series and 3 expanding folds of 12 test steps, with two baselines. */
export function sampleBacktest(): { series: number[]; result: BacktestResultLike } {
  const series = Array.from({ length: 100 }, (_, i) => 10 + i * 0.1 + 2 * Math.sin((i * Math.PI) / 6));
  const folds = [64, 76, 88].map((start, k) => {
    const testRange = [start, start + 12] as [number, number];
    const actual = series.slice(start, start + 12);
    return {
      trainRange: [0, start] as [number, number],
      testRange,
      actual,
      predicted: actual.map((v, i) => v + 0.3 * Math.sin(i + k)),
      baselines: {
        naive: actual.map(() => series[start - 1]!),
        seasonalNaive: actual.map((_, i) => series[start - 12 + i]!),
      },
      metrics: { mase: 0.4 + 0.1 * k, smape: 2.5 + k, seasonalNaive_mase: 1 },
    };
  });
  return { series, result: { folds, aggregate: { mase: 0.5, smape: 3.5, seasonalNaive_mase: 1 } } };
}

/**
 * 24 trials of a study minimizing val_loss: `units` (numeric) drives the objective, `dropout`
 * adds a little, `optimizer` (categorical) nothing. Trials 5, 11 and 17 are pruned, 20 failed,
 * 23 is running; every trial but the failed one reports intermediate values.
 */
export function sampleTrials(n = 24): TrialLike[] {
  const random = rng(7);
  const optimizers = ['adam', 'sgd', 'rmsprop'];
  return Array.from({ length: n }, (_, number): TrialLike => {
    const units = 16 + Math.floor(random() * 240);
    const dropout = Math.round(random() * 50) / 100;
    const optimizer = optimizers[Math.floor(random() * 3)]!;
    const final = 0.02 + Math.abs(units - 128) / 1000 + dropout * 0.01;
    const state = [5, 11, 17].includes(number) ? 'PRUNED' : number === 20 ? 'FAIL' : number === 23 ? 'RUNNING' : 'COMPLETE';
    const steps = state === 'PRUNED' ? 3 : state === 'RUNNING' ? 4 : 10;
    const intermediate: Record<number, number> = {};
    if (state !== 'FAIL') for (let s = 0; s < steps; s++) intermediate[s] = final + (state === 'PRUNED' ? 0.3 : 0.2) / (1 + s);
    return {
      number,
      params: { units, dropout, optimizer },
      value: state === 'COMPLETE' ? final : null,
      state,
      intermediate,
      durationMs: 1000 + number * 37,
    };
  });
}

const VOID = new Set(['meta', 'br', 'hr', 'img', 'link', 'input']);

/** The element names in document order, after checking that every non-void tag closes in order. */
export function checkTags(doc: string): string[] {
  const stack: string[] = [];
  const names: string[] = [];
  for (const m of doc.replace(/^<!DOCTYPE html>/, '').matchAll(/<(\/?)([A-Za-z][\w:-]*)(?:\s[^<>]*?)?(\/?)>/g)) {
    const [, close, name, self] = m as unknown as [string, string, string, string];
    if (close) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
    } else {
      names.push(name);
      if (!self && !VOID.has(name)) stack.push(name);
    }
  }
  if (stack.length) throw new Error(`unclosed <${stack.join('> <')}>`);
  return names;
}

/** How many times `re` (a global regex) matches `text`. */
export const count = (text: string, re: RegExp): number => text.match(re)?.length ?? 0;

/** Every http(s) URL in `text` other than the SVG namespace. */
export const externalUrls = (text: string): string[] =>
  (text.match(/https?:\/\/[^\s"'<>]+/g) ?? []).filter((u) => u !== 'http://www.w3.org/2000/svg');
