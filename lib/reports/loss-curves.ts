/**
 * lossCurvesSvg / lossCurvesHtml: training curves from a `fit` history — train and validation
 * side by side for the loss and each metric, learning-rate changes marked.
 */
import { checkOptions, integer, isPlainObject, oneOf, string, typeError } from '../validate.js';
import { htmlReport } from './html-report.js';
import { DEFAULT_PALETTE, escapeXml, lineChartSvg, type ChartMarker, type LineSeries } from './line-chart.js';

/** What the curves are drawn from: a {@link History} (what `fit` returns) or the same shape. */
export interface TrainingHistoryLike {
  /** The epochs recorded, 0-based. */
  readonly epoch: readonly number[];
  /** Each log key's value per recorded epoch: `loss`, `val_loss`, `mae`, `val_mae`, `lr`, ... */
  readonly history: Readonly<Record<string, readonly number[]>>;
}

/** Options of {@link lossCurvesSvg}. */
export interface LossCurvesOptions {
  /** The title over the charts. Defaults to `'Training curves'`. */
  title?: string;
  /**
   * `'log'` draws every chart whose values are all > 0 on a log scale (losses spanning decades);
   * a chart with a value <= 0 (an R², a negative score) stays linear. Defaults to `'linear'`.
   */
  yScale?: 'linear' | 'log';
  /** Width in pixels, an integer >= 240. Defaults to `900`. */
  width?: number;
  /** Height of each chart in pixels, an integer >= 160. Defaults to `300`. */
  height?: number;
}

/** Options of {@link lossCurvesHtml}. */
export interface LossCurvesHtmlOptions extends LossCurvesOptions {
  /** A line of text under the charts (`'Epoch 12 of 100, training'`). Defaults to none. */
  status?: string;
}

/** The log key of the learning rate (Keras 3's key, as {@link ReduceLROnPlateau} writes it). */
const LR_KEY = 'lr';
const VAL = 'val_';
const FONT = 'system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif';
const OPTION_KEYS = ['title', 'yScale', 'width', 'height'] as const;

/**
 * Renders training curves as one standalone SVG document: one chart per metric, stacked.
 *
 * The loss comes first, then each metric in the order the logs list them; each chart holds the
 * training values (`mae`, solid) and the validation values (`val_mae`, dashed) against the
 * 1-based epoch, so it has one `<path class="line">` per series (more where a NaN breaks a line).
 * A `val_` key without its training key gets a chart of its own. When the history records the
 * learning rate (`lr`), every epoch whose rate differs from the previous one gets a vertical
 * marker labelled with the new rate (`lr → 1e-4`) on every chart. A key recorded at more or
 * fewer epochs than `epoch` lists (one History passed to several `fit` calls) is plotted against
 * its own count, 1 to n.
 *
 * @example
 * ```ts
 * const history = await model.fit(x, y, { epochs: 50, validationSplit: 0.2,
 *   callbacks: [callbacks.reduceLROnPlateau({ patience: 5 })] });
 * writeFileSync('training.svg', reports.lossCurvesSvg(history, { yScale: 'log' }));
 * ```
 * @throws {TypeError} when the history or an option has the wrong type, or an option is unknown.
 * @throws {RangeError} when a size is too small or `yScale` is not `'linear'` or `'log'`.
 */
export function lossCurvesSvg(history: TrainingHistoryLike, options?: LossCurvesOptions): string {
  const h = checkHistory(history, 'lossCurvesSvg.history');
  const o = checkCurveOptions(options, 'lossCurvesSvg', OPTION_KEYS);
  const markers = lrMarkers(h);
  const charts = metricGroups(Object.keys(h.history)).map((keys) => {
    const series: LineSeries[] = keys.map((key, i) => ({
      name: key,
      x: xOf(h, key),
      y: h.history[key]!,
      color: DEFAULT_PALETTE[i % DEFAULT_PALETTE.length]!,
      dashed: key.startsWith(VAL),
    }));
    const positive = keys.every((k) => h.history[k]!.every((v) => !Number.isFinite(v) || v > 0));
    return lineChartSvg({
      title: keys[0]!,
      xLabel: 'epoch',
      width: o.width,
      height: o.height,
      series,
      markers,
      yScale: o.yScale === 'log' && positive ? 'log' : 'linear',
    });
  });
  return stack(o.title, charts, o.width);
}

/**
 * Renders the training curves as a self-contained HTML page: the charts of
 * {@link lossCurvesSvg}, a table with each log key's last, smallest and largest value and the
 * epochs where they were reached, and an optional status line. This is the page
 * {@link LossReport} rewrites while a model trains.
 *
 * @example
 * ```ts
 * writeFileSync('training.html', reports.lossCurvesHtml(history, { title: 'CO2 model' }));
 * ```
 * @throws {TypeError} as {@link lossCurvesSvg}, or when `status` is not a string.
 */
export function lossCurvesHtml(history: TrainingHistoryLike, options?: LossCurvesHtmlOptions): string {
  const o = checkOptions<LossCurvesHtmlOptions>(options, 'lossCurvesHtml', [...OPTION_KEYS, 'status']);
  const title = o.title === undefined ? 'Training curves' : string(o.title, 'lossCurvesHtml.title');
  const status = o.status === undefined ? undefined : string(o.status, 'lossCurvesHtml.status');
  const { status: _status, ...svgOptions } = o;
  const svg = lossCurvesSvg(history, { ...svgOptions, title });
  const h = history;
  const rows: (string | number)[][] = Object.keys(h.history).map((key) => {
    const values = h.history[key]!;
    const x = xOf(h, key);
    let [lo, hi] = [-1, -1];
    values.forEach((v, i) => {
      if (!Number.isFinite(v)) return;
      if (lo < 0 || v < values[lo]!) lo = i;
      if (hi < 0 || v > values[hi]!) hi = i;
    });
    const last = values.length ? values[values.length - 1]! : NaN;
    return lo < 0 ? [key, last, '-', '-', '-', '-'] : [key, last, values[lo]!, x[lo]!, values[hi]!, x[hi]!];
  });
  return htmlReport({
    title,
    sections: [
      { heading: 'Curves', svg, ...(status ? { text: status } : {}) },
      ...(rows.length
        ? [{ heading: 'Log values', table: { columns: ['log key', 'last', 'min', 'min at epoch', 'max', 'max at epoch'], rows } }]
        : []),
    ],
  });
}

/**
 * The charts' log keys: `[loss, val_loss]` first, then `[key, val_key]` per metric in log order;
 * a lone `val_` key alone; `lr` in none (it is drawn as markers).
 */
export function metricGroups(keys: readonly string[]): string[][] {
  const groups: string[][] = [];
  const seen = new Set<string>();
  const ordered = [...keys].sort((a, b) => Number(baseOf(b) === 'loss') - Number(baseOf(a) === 'loss'));
  for (const key of ordered) {
    if (key === LR_KEY || seen.has(key)) continue;
    const base = baseOf(key);
    const group = [base, VAL + base].filter((k) => keys.includes(k));
    group.forEach((k) => seen.add(k));
    groups.push(group);
  }
  return groups;
}

/** Markers where the learning rate changes, at the first epoch run with the new rate. */
function lrMarkers(h: TrainingHistoryLike): ChartMarker[] {
  const lr = h.history[LR_KEY];
  if (!lr) return [];
  const x = xOf(h, LR_KEY);
  const markers: ChartMarker[] = [];
  for (let i = 1; i < lr.length; i++) {
    if (Number.isFinite(lr[i]!) && lr[i] !== lr[i - 1]) markers.push({ x: x[i]!, label: `lr \u2192 ${formatRate(lr[i]!)}` });
  }
  return markers;
}

/** A learning rate as people write it: `0.01`, `1e-4`, `2.5e-5`. */
export function formatRate(v: number): string {
  const r = Number(v.toPrecision(3));
  return r !== 0 && Math.abs(r) < 1e-2 ? r.toExponential().replace('e+', 'e') : String(r);
}

function baseOf(key: string): string {
  return key.startsWith(VAL) ? key.slice(VAL.length) : key;
}

/** 1-based epochs of a key's values: from `epoch` when the lengths agree, else 1..n. */
function xOf(h: TrainingHistoryLike, key: string): number[] {
  const n = h.history[key]!.length;
  return n === h.epoch.length ? h.epoch.map((e) => e + 1) : Array.from({ length: n }, (_, i) => i + 1);
}

/** Several SVG charts one under the other in one SVG document. */
function stack(title: string, charts: string[], width: number): string {
  const parts: string[] = [];
  let y = 0;
  if (charts.length === 0) {
    y = 80;
    parts.push(
      `<rect class="background" x="0" y="0" width="${width}" height="${y}" fill="#ffffff"/>`,
      `<text x="16" y="46" fill="#444444">No epochs recorded yet.</text>`,
    );
  }
  for (const chart of charts) {
    const open = /^<svg[^>]*>/.exec(chart)![0];
    const height = Number(/\sheight="(\d+)"/.exec(open)![1]);
    const body = chart.slice(open.length, chart.lastIndexOf('</svg>')).trim();
    parts.push(`<g class="chart-panel" transform="translate(0 ${y})">`, body, '</g>');
    y += height;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}"` +
      ` role="img" font-family="${FONT}" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

function checkHistory(value: unknown, name: string): TrainingHistoryLike {
  if (typeof value !== 'object' || value === null) throw typeError('a History or {epoch, history}', name, value);
  const { epoch, history } = value as Partial<TrainingHistoryLike>;
  if (!Array.isArray(epoch) || epoch.some((e) => typeof e !== 'number')) throw typeError('an array of numbers', `${name}.epoch`, epoch);
  if (!isPlainObject(history)) throw typeError('an object of log arrays', `${name}.history`, history);
  for (const [key, values] of Object.entries(history)) {
    if (!Array.isArray(values)) throw typeError('an array of numbers', `${name}.history.${key}`, values);
    values.forEach((v: unknown, i) => {
      if (typeof v !== 'number') throw typeError('a number', `${name}.history.${key}[${i}]`, v);
    });
  }
  return { epoch, history: history as Record<string, number[]> };
}

function checkCurveOptions(
  options: unknown,
  name: string,
  keys: readonly string[],
): { title: string; yScale: 'linear' | 'log'; width: number; height: number } {
  const o = checkOptions<LossCurvesOptions>(options, name, keys);
  return {
    title: o.title === undefined ? 'Training curves' : string(o.title, `${name}.title`),
    yScale: o.yScale === undefined ? 'linear' : oneOf(o.yScale, `${name}.yScale`, ['linear', 'log'] as const),
    width: o.width === undefined ? 900 : integer(o.width, `${name}.width`, { min: 240 }),
    height: o.height === undefined ? 300 : integer(o.height, `${name}.height`, { min: 160 }),
  };
}
