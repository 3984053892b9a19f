/**
 * backtestChartSvg / backtestTable / backtestReportHtml: what a rolling-origin backtest did —
 * the series, each fold's test-segment predictions with fold boundaries marked, and per-fold
 * metrics next to the baselines'.
 */
import { checkOptions, integer, isPlainObject, string, typeError } from '../validate.js';
import { htmlReport, type ReportTable } from './html-report.js';
import { DEFAULT_PALETTE, lineChartSvg, type ChartMarker, type ChartValues, type LineSeries } from './line-chart.js';

/** One fold of a {@link BacktestResultLike}. Ranges are half-open `[start, end)` indices into the series. */
export interface BacktestFoldLike {
  /** The steps the model was fitted on. */
  trainRange: readonly [number, number];
  /** The steps it was tested on; `actual`, `predicted` and each baseline hold one value per step. */
  testRange: readonly [number, number];
  /** The observed values over `testRange`. */
  actual: ChartValues;
  /** The model's predictions over `testRange`. */
  predicted: ChartValues;
  /** Each baseline's predictions over `testRange`, by name (`naive`, `seasonalNaive`). */
  baselines: Readonly<Record<string, ChartValues>>;
  /** The fold's metrics by name (`mase`, `smape`, `seasonalNaive_mase`, ...). */
  metrics: Readonly<Record<string, number>>;
}

/**
 * The shape the report functions read a backtest from: `forecasting.backtest` returns one, and
 * any object of this shape works.
 */
export interface BacktestResultLike {
  folds: readonly BacktestFoldLike[];
  /** Metrics over all folds, by name. */
  aggregate: Readonly<Record<string, number>>;
}

/** Options of {@link backtestChartSvg}. */
export interface BacktestChartOptions {
  /** The whole series the ranges index; without it the line is stitched from the folds' `actual`. */
  series?: ChartValues;
  /** x values of the whole series (Dates or numbers), as many as `series`; defaults to the indices. */
  x?: readonly number[] | readonly Date[];
  /** The chart title. Defaults to `'Backtest'`. */
  title?: string;
  /** Draws each baseline, stitched over the folds, dashed. Defaults to `true`. */
  showBaselines?: boolean;
  /** Width in pixels, an integer >= 240. Defaults to `900`. */
  width?: number;
  /** Height in pixels, an integer >= 160. Defaults to `380`. */
  height?: number;
}

const KEYS = ['series', 'x', 'title', 'showBaselines', 'width', 'height'] as const;
const BASELINE_COLOR = '#888888';

/**
 * Renders a backtest as one standalone SVG line chart.
 *
 * Series, in order: `actual` (the whole `series` when given, else the folds' test values),
 * one `fold k` series per fold with its test-segment predictions, and with `showBaselines`
 * one dashed series per baseline name, stitched over the folds. Each fold's test start gets a
 * marker (`fold 1`, `fold 2`, ...). Each series is one `<path class="line">` per unbroken run,
 * so a baseline over non-adjacent folds draws one path per fold.
 *
 * @example
 * ```ts
 * const result = await forecasting.backtest({ ... });
 * writeFileSync('backtest.svg', reports.backtestChartSvg(result, { series: co2, x: dates }));
 * ```
 * @throws {TypeError} when the result or an option has the wrong shape or an option is unknown.
 * @throws {RangeError} when a range is not `[start, end)` with 0 <= start <= end, or a fold's
 *   arrays are not as long as its test range, or `x` and `series` differ in length.
 */
export function backtestChartSvg(result: BacktestResultLike, options?: BacktestChartOptions): string {
  const r = checkResult(result, 'backtestChartSvg.result');
  const o = checkOptions<BacktestChartOptions>(options, 'backtestChartSvg', KEYS);
  const end = Math.max(0, ...r.folds.map((f) => f.testRange[1]), ...r.folds.map((f) => f.trainRange[1]));
  let length = end;
  let whole: Float64Array | undefined;
  if (o.series !== undefined) {
    whole = numbers(o.series, 'backtestChartSvg.series');
    length = Math.max(end, whole.length);
    if (whole.length < end) {
      throw new RangeError(`Expected at least ${end} values (the folds' ranges reach ${end}) for backtestChartSvg.series but received ${whole.length} values`);
    }
  }
  let xs: readonly (number | Date)[] = Array.from({ length }, (_, i) => i);
  if (o.x !== undefined) {
    if (!Array.isArray(o.x)) throw typeError('an array of numbers or Dates', 'backtestChartSvg.x', o.x);
    if (o.x.length !== length) {
      throw new RangeError(`Expected ${length} values (one per step of the series) for backtestChartSvg.x but received ${o.x.length} values`);
    }
    xs = o.x;
  }
  const showBaselines = o.showBaselines ?? true;
  if (typeof showBaselines !== 'boolean') throw typeError('a boolean', 'backtestChartSvg.showBaselines', showBaselines);

  // Each stitched series: full length, NaN outside the steps it covers.
  const blank = (): Float64Array => new Float64Array(length).fill(NaN);
  const actual = whole ?? blank();
  if (!whole) r.folds.forEach((f) => f.actual.forEach((v, i) => (actual[f.testRange[0] + i] = v)));
  const series: LineSeries[] = [{ name: 'actual', x: xs as number[], y: actual, color: '#222222' }];
  const markers: ChartMarker[] = [];
  r.folds.forEach((f, k) => {
    const y = blank();
    f.predicted.forEach((v, i) => (y[f.testRange[0] + i] = v));
    series.push({ name: `fold ${k + 1}`, x: xs as number[], y, color: DEFAULT_PALETTE[k % 6]! });
    if (f.testRange[0] < length) markers.push({ x: xs[f.testRange[0]]!, label: `fold ${k + 1}` });
  });
  if (showBaselines) {
    const names = [...new Set(r.folds.flatMap((f) => Object.keys(f.baselines)))];
    names.forEach((name, j) => {
      const y = blank();
      for (const f of r.folds) f.baselines[name]?.forEach((v, i) => (y[f.testRange[0] + i] = v));
      series.push({ name, x: xs as number[], y, color: j === 0 ? BASELINE_COLOR : DEFAULT_PALETTE[6 + (j % 2)]!, dashed: true });
    });
  }
  return lineChartSvg({
    title: o.title === undefined ? 'Backtest' : string(o.title, 'backtestChartSvg.title'),
    width: o.width === undefined ? 900 : integer(o.width, 'backtestChartSvg.width', { min: 240 }),
    height: o.height === undefined ? 380 : integer(o.height, 'backtestChartSvg.height', { min: 160 }),
    series,
    markers,
  });
}

/**
 * The per-fold metrics as a {@link ReportTable}: one row per fold (`fold`, `train`, `test` as
 * `start–end` index ranges, then every metric name any fold has, in first-seen order) and a last
 * `all folds` row with the aggregate metrics; a missing value shows as `-`.
 */
export function backtestTable(result: BacktestResultLike): ReportTable {
  const r = checkResult(result, 'backtestTable.result');
  const names = [...new Set([...r.folds.flatMap((f) => Object.keys(f.metrics)), ...Object.keys(r.aggregate)])];
  const cell = (m: Readonly<Record<string, number>>, name: string): string | number => m[name] ?? '-';
  const range = ([a, b]: readonly [number, number]): string => `${a}\u2013${b}`;
  return {
    columns: ['fold', 'train', 'test', ...names],
    rows: [
      ...r.folds.map((f, k) => [k + 1, range(f.trainRange), range(f.testRange), ...names.map((n) => cell(f.metrics, n))]),
      ['all folds', '', '', ...names.map((n) => cell(r.aggregate, n))],
    ],
  };
}

/**
 * A self-contained HTML page of a backtest: the chart of {@link backtestChartSvg} and the table
 * of {@link backtestTable}.
 *
 * @example
 * ```ts
 * writeFileSync('backtest.html', reports.backtestReportHtml(result, { title: 'CO2, 5 folds', series: co2, x: dates }));
 * ```
 * @throws {TypeError} / {RangeError} as {@link backtestChartSvg}.
 */
export function backtestReportHtml(result: BacktestResultLike, options?: BacktestChartOptions): string {
  const title = options?.title ?? 'Backtest';
  return htmlReport({
    title,
    sections: [
      { heading: 'Test segments', svg: backtestChartSvg(result, options) },
      { heading: 'Metrics per fold', table: backtestTable(result) },
    ],
  });
}

function checkResult(value: unknown, name: string): BacktestResultLike {
  if (typeof value !== 'object' || value === null) throw typeError('a backtest result {folds, aggregate}', name, value);
  const { folds, aggregate } = value as Partial<BacktestResultLike>;
  if (!Array.isArray(folds)) throw typeError('an array of folds', `${name}.folds`, folds);
  checkMetrics(aggregate, `${name}.aggregate`);
  folds.forEach((raw: unknown, k) => {
    const at = `${name}.folds[${k}]`;
    if (typeof raw !== 'object' || raw === null) throw typeError('a fold object', at, raw);
    const f = raw as BacktestFoldLike;
    checkRange(f.trainRange, `${at}.trainRange`);
    const [a, b] = checkRange(f.testRange, `${at}.testRange`);
    const n = b - a;
    const sameLength = (v: unknown, field: string): void => {
      const values = numbers(v, field);
      if (values.length !== n) {
        throw new RangeError(`Expected ${n} values (one per step of ${at}.testRange) for ${field} but received ${values.length} values`);
      }
    };
    sameLength(f.actual, `${at}.actual`);
    sameLength(f.predicted, `${at}.predicted`);
    if (!isPlainObject(f.baselines)) throw typeError('an object of baseline predictions', `${at}.baselines`, f.baselines);
    for (const [key, v] of Object.entries(f.baselines)) sameLength(v, `${at}.baselines.${key}`);
    checkMetrics(f.metrics, `${at}.metrics`);
  });
  return value as BacktestResultLike;
}

function checkRange(value: unknown, name: string): [number, number] {
  if (!Array.isArray(value) || value.length !== 2) throw typeError('a [start, end) pair of integers', name, value);
  const a = integer(value[0], `${name}[0]`, { min: 0 });
  const b = integer(value[1], `${name}[1]`, { min: a });
  return [a, b];
}

function checkMetrics(value: unknown, name: string): void {
  if (!isPlainObject(value)) throw typeError('an object of metric values', name, value);
  for (const [key, v] of Object.entries(value)) if (typeof v !== 'number') throw typeError('a number', `${name}.${key}`, v);
}

function numbers(v: unknown, name: string): Float64Array {
  if (!Array.isArray(v) && !(v instanceof Float32Array) && !(v instanceof Float64Array)) throw typeError('an array of numbers', name, v);
  return Float64Array.from(v as ArrayLike<number>, (x, i) => {
    if (typeof x !== 'number') throw typeError('a number', `${name}[${i}]`, x);
    return x;
  });
}
