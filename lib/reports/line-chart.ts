/**
 * lineChartSvg: a dependency-free SVG line chart for training curves and forecasts.
 *
 * The output is one standalone SVG document: no scripts, no external fonts, images or links,
 * so it can be written to a `.svg` file or inlined in {@link htmlReport} as it is.
 */
import { boolean, checkOptions, integer, isPlainObject, oneOf, rangeError, string, typeError } from '../validate.js';

/** Values the chart reads: plain arrays or the float arrays that models return. */
export type ChartValues = readonly number[] | Float32Array | Float64Array;

/** One line of a {@link lineChartSvg} chart. */
export interface LineSeries {
  /** Shown in the legend. */
  name: string;
  /** x values: all numbers or all `Date`s, the same kind in every series and marker. */
  x: readonly number[] | readonly Date[];
  /** y values, as many as `x`. NaN and ±Infinity leave a gap in the line. */
  y: ChartValues;
  /** A CSS colour (`#rrggbb`, a name, `rgb()`, `hsl()`). Defaults to the next palette colour. */
  color?: string;
  /** Draws the line dashed (a forecast, a baseline). Defaults to `false`. */
  dashed?: boolean;
  /** A shaded band (a prediction interval), `lower` and `upper` as many as `x`. */
  band?: { lower: ChartValues; upper: ChartValues };
}

/** A vertical dashed line with a label (`'forecast starts'`, `'learning rate 2e-4'`). */
export interface ChartMarker {
  /** Where the line stands, of the same kind (number or `Date`) as the series' x values. */
  x: number | Date;
  label: string;
}

/** Options of {@link lineChartSvg}. */
export interface LineChartOptions {
  /** The chart title, also the SVG's accessible `<title>`. Required. */
  title: string;
  /** The x axis label. Defaults to none. */
  xLabel?: string;
  /** The y axis label. Defaults to none. */
  yLabel?: string;
  /** Width in pixels, an integer >= 240. Defaults to `900`. */
  width?: number;
  /** Height in pixels, an integer >= 160. Defaults to `360`. */
  height?: number;
  /** The lines, at least one. */
  series: LineSeries[];
  /** Vertical marker lines. Defaults to none. */
  markers?: ChartMarker[];
  /** `'log'` for values spanning decades (losses); every finite y must then be > 0. Defaults to `'linear'`. */
  yScale?: 'linear' | 'log';
}

/** The Okabe-Ito palette, distinguishable under the common colour-vision deficiencies. */
export const DEFAULT_PALETTE: readonly string[] = [
  '#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#000000', '#F0E442',
];

const OPTION_KEYS = ['title', 'xLabel', 'yLabel', 'width', 'height', 'series', 'markers', 'yScale'] as const;
const SERIES_KEYS = ['name', 'x', 'y', 'color', 'dashed', 'band'] as const;
const FONT = 'system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif';
const COLOR = /^(#[0-9a-fA-F]{3,8}|[a-zA-Z]+|(rgb|rgba|hsl|hsla)\([0-9.,%\s]+\))$/;
const DAY_MS = 86_400_000;
const YEAR_MS = 365.2425 * DAY_MS;

/**
 * Renders line series as a standalone SVG document.
 *
 * Each series is drawn as one `<path class="line">` per run of finite points (NaN or ±Infinity
 * in x or y splits the line), over its optional shaded band. Axes get 1-2-5 ticks; `Date` x
 * values get yearly ticks labelled `YYYY` when the data span two years or more, else monthly
 * ticks labelled `YYYY-MM` (UTC). Text is XML-escaped; colours default to a colour-blind-safe
 * palette ({@link DEFAULT_PALETTE}).
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * const svg = lineChartSvg({
 *   title: 'Training', xLabel: 'epoch', yScale: 'log',
 *   series: [
 *     { name: 'loss', x: history.epoch, y: history.history.loss },
 *     { name: 'val_loss', x: history.epoch, y: history.history.val_loss, dashed: true },
 *   ],
 *   markers: [{ x: 12, label: 'lr 2e-4' }],
 * });
 * writeFileSync('training.svg', svg);
 * ```
 * @throws {TypeError} when an option has the wrong type or is unknown, or x mixes numbers and Dates.
 * @throws {RangeError} when a size is too small, y (or a band) and x differ in length, or a
 *   finite y is <= 0 on a log scale.
 */
export function lineChartSvg(options: LineChartOptions): string {
  const o = validate(options);
  const { width, height } = o;

  // Domains: x spans the data and markers exactly; y is widened to nice tick bounds.
  const xs: number[] = o.markers.map((m) => m.x);
  const ys: number[] = [];
  for (const s of o.series) {
    s.x.forEach((v) => Number.isFinite(v) && xs.push(v));
    for (const arr of [s.y, s.lower, s.upper]) arr?.forEach((v) => Number.isFinite(v) && ys.push(v));
  }
  let [xlo, xhi] = extent(xs, 0, 1);
  if (xlo === xhi) [xlo, xhi] = o.kind === 'date' ? [xlo - 15 * DAY_MS, xhi + 15 * DAY_MS] : [xlo - 1, xhi + 1];
  const [ymin, ymax] = extent(ys, o.yScale === 'log' ? 1 : 0, o.yScale === 'log' ? 10 : 1);

  // Vertical layout: title, legend rows, plot, x tick labels, x label.
  const legend = layoutLegend(o.series.map((s) => s.name), width);
  const top = 44 + legend.rows * 18 + 8;
  const bottom = height - 30 - (o.xLabel ? 20 : 0);
  const plotH = Math.max(20, bottom - top);
  const yAxis = o.yScale === 'log' ? logTicks(ymin, ymax) : niceTicks(ymin, ymax, Math.max(2, Math.floor(plotH / 50)));
  const [ylo, yhi] = yAxis.domain;
  const yLabels = yAxis.ticks.map(formatTick);
  const left = 12 + (o.yLabel ? 20 : 0) + Math.max(...yLabels.map((l) => textWidth(l, 11))) + 8;
  const right = width - 20;
  const plotW = Math.max(20, right - left);
  const xCount = Math.max(2, Math.floor(plotW / 90));
  const xAxis = o.kind === 'date'
    ? dateTicks(xlo, xhi, xCount)
    : (() => {
        const ticks = niceTicks(xlo, xhi, xCount).ticks.filter((t) => t >= xlo - 1e-9 * (xhi - xlo) && t <= xhi + 1e-9 * (xhi - xlo));
        return { ticks, labels: ticks.map(formatTick) };
      })();

  const sx = (v: number): number => left + ((v - xlo) / (xhi - xlo)) * plotW;
  const ly = (v: number): number => (o.yScale === 'log' ? Math.log10(v) : v);
  const sy = (v: number): number => top + plotH - ((ly(v) - ly(ylo)) / (ly(yhi) - ly(ylo))) * plotH;
  const plotBottom = top + plotH;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"` +
      ` role="img" font-family="${FONT}" font-size="12">`,
    `<title>${escapeXml(o.title)}</title>`,
    `<rect class="background" x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text class="title" x="${left}" y="24" font-size="16" font-weight="bold" fill="#222222">${escapeXml(o.title)}</text>`,
  );
  // Grid and tick labels.
  out.push('<g class="grid" stroke="#e6e6e6" stroke-width="1">');
  yAxis.ticks.forEach((t) => out.push(`<line x1="${f(left)}" x2="${f(left + plotW)}" y1="${f(sy(t))}" y2="${f(sy(t))}"/>`));
  xAxis.ticks.forEach((t) => out.push(`<line x1="${f(sx(t))}" x2="${f(sx(t))}" y1="${f(top)}" y2="${f(plotBottom)}"/>`));
  out.push('</g>');
  yAxis.ticks.forEach((t, i) =>
    out.push(`<text class="tick-y" x="${f(left - 6)}" y="${f(sy(t) + 4)}" text-anchor="end" font-size="11" fill="#444444">${escapeXml(yLabels[i]!)}</text>`));
  xAxis.ticks.forEach((t, i) =>
    out.push(`<text class="tick-x" x="${f(sx(t))}" y="${f(plotBottom + 16)}" text-anchor="middle" font-size="11" fill="#444444">${escapeXml(xAxis.labels[i]!)}</text>`));
  out.push(`<path class="axis" d="M${f(left)},${f(top)}V${f(plotBottom)}H${f(left + plotW)}" fill="none" stroke="#333333" stroke-width="1"/>`);

  // Series: bands first, then lines, each series in its own group.
  o.series.forEach((s, i) => {
    out.push(`<g class="series" data-series="${i}">`);
    if (s.lower && s.upper) {
      const { lower, upper } = s;
      for (const [a, b] of runs(s.x.length, (j) => Number.isFinite(s.x[j]!) && Number.isFinite(lower[j]!) && Number.isFinite(upper[j]!))) {
        const fwd: string[] = [];
        const back: string[] = [];
        for (let j = a; j < b; j++) fwd.push(`${f(sx(s.x[j]!))},${f(sy(upper[j]!))}`);
        for (let j = b - 1; j >= a; j--) back.push(`${f(sx(s.x[j]!))},${f(sy(lower[j]!))}`);
        out.push(`<path class="band" d="M${fwd.join('L')}L${back.join('L')}Z" fill="${s.color}" fill-opacity="0.18" stroke="none"/>`);
      }
    }
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    for (const [a, b] of runs(s.x.length, (j) => Number.isFinite(s.x[j]!) && Number.isFinite(s.y[j]!))) {
      const pts: string[] = [];
      for (let j = a; j < b; j++) pts.push(`${f(sx(s.x[j]!))},${f(sy(s.y[j]!))}`);
      // A lone point becomes a dot through the round line cap.
      const d = b - a === 1 ? `M${pts[0]}h0` : `M${pts.join('L')}`;
      out.push(`<path class="line" d="${d}" fill="none" stroke="${s.color}" stroke-width="1.75"${dash} stroke-linejoin="round" stroke-linecap="round"/>`);
    }
    out.push('</g>');
  });

  // Markers: dashed verticals, labels staggered so neighbours do not overprint.
  o.markers.forEach((m, i) => {
    const x = sx(m.x);
    const rightHalf = x > left + plotW * 0.75;
    out.push(
      `<line class="marker" x1="${f(x)}" x2="${f(x)}" y1="${f(top)}" y2="${f(plotBottom)}" stroke="#555555" stroke-width="1" stroke-dasharray="4 3"/>`,
      `<text class="marker-label" x="${f(x + (rightHalf ? -4 : 4))}" y="${f(top + 12 + 13 * (i % 3))}" text-anchor="${rightHalf ? 'end' : 'start'}" font-size="11" fill="#333333">${escapeXml(m.label)}</text>`,
    );
  });

  // Legend.
  out.push('<g class="legend">');
  o.series.forEach((s, i) => {
    const { x, row } = legend.items[i]!;
    const y = 44 + row * 18;
    if (s.lower) out.push(`<rect x="${f(x)}" y="${f(y - 5)}" width="24" height="10" fill="${s.color}" fill-opacity="0.18"/>`);
    out.push(
      `<line x1="${f(x)}" x2="${f(x + 24)}" y1="${f(y)}" y2="${f(y)}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      `<text x="${f(x + 30)}" y="${f(y + 4)}" fill="#222222">${escapeXml(s.name)}</text>`,
    );
  });
  out.push('</g>');

  if (o.xLabel) {
    out.push(`<text class="x-label" x="${f(left + plotW / 2)}" y="${f(height - 10)}" text-anchor="middle" fill="#222222">${escapeXml(o.xLabel)}</text>`);
  }
  if (o.yLabel) {
    const cy = top + plotH / 2;
    out.push(`<text class="y-label" x="16" y="${f(cy)}" transform="rotate(-90 16 ${f(cy)})" text-anchor="middle" fill="#222222">${escapeXml(o.yLabel)}</text>`);
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/**
 * Escapes text for XML content and attribute values, and drops the characters XML 1.0 forbids
 * (control characters, lone surrogates).
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * Linear ticks on a 1-2-5 step: the smallest step of the form {1, 2, 5} x 10^k giving at most
 * `count` intervals, and the domain widened to whole steps. `niceTicks(0, 1)` gives
 * `0, 0.2, ..., 1`.
 */
export function niceTicks(min: number, max: number, count = 5): { ticks: number[]; domain: [number, number]; step: number } {
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    [min, max] = [min - pad, max + pad];
  }
  const step = niceStep((max - min) / Math.max(1, count));
  const decimals = Math.min(20, Math.max(0, Math.ceil(-Math.log10(step) - 1e-9)));
  const k0 = Math.floor(min / step + 1e-9);
  const k1 = Math.ceil(max / step - 1e-9);
  const ticks: number[] = [];
  for (let k = k0; k <= k1; k++) ticks.push(Number((k * step).toFixed(decimals)) + 0);
  return { ticks, domain: [ticks[0]!, ticks[ticks.length - 1]!], step };
}

/** Log ticks: powers of ten (every few decades over a wide span; with 2 and 5 over a narrow one). */
export function logTicks(min: number, max: number): { ticks: number[]; domain: [number, number] } {
  const e0 = Math.floor(Math.log10(min) + 1e-9);
  let e1 = Math.ceil(Math.log10(max) - 1e-9);
  if (e1 === e0) e1 = e0 + 1;
  const every = Math.ceil((e1 - e0) / 8);
  const ticks: number[] = [];
  for (let e = e0; e <= e1; e += every) {
    ticks.push(pow10(e));
    if (e1 - e0 <= 2 && e < e1) ticks.push(2 * pow10(e), 5 * pow10(e));
  }
  return { ticks: ticks.map((t) => Number(t.toPrecision(12))), domain: [pow10(e0), pow10(e1)] };
}

/**
 * Date ticks in UTC: years on a 1-2-5 step labelled `YYYY` when the span is two years or more,
 * else months (every 1, 2, 3, 6 or 12) labelled `YYYY-MM`. Times are epoch milliseconds.
 */
export function dateTicks(minMs: number, maxMs: number, count = 8): { ticks: number[]; labels: string[]; unit: 'year' | 'month' } {
  const ticks: number[] = [];
  const labels: string[] = [];
  if ((maxMs - minMs) / YEAR_MS >= 2) {
    const step = Math.max(1, niceStep((maxMs - minMs) / YEAR_MS / Math.max(1, count)));
    const first = new Date(minMs).getUTCFullYear();
    for (let y = Math.ceil(first / step) * step; ; y += step) {
      const t = utc(y, 0);
      if (t > maxMs) break;
      if (t >= minMs) {
        ticks.push(t);
        labels.push(year(y));
      }
    }
    return { ticks, labels, unit: 'year' };
  }
  const start = monthIndex(minMs);
  const months = monthIndex(maxMs) - start;
  const step = [1, 2, 3, 6, 12].find((s) => months / s <= count) ?? 12;
  for (let m = Math.ceil(start / step) * step; ; m += step) {
    const y = Math.floor(m / 12);
    const t = utc(y, m - 12 * y);
    if (t > maxMs) break;
    if (t >= minMs) {
      ticks.push(t);
      labels.push(`${year(y)}-${String(m - 12 * y + 1).padStart(2, '0')}`);
    }
  }
  return { ticks, labels, unit: 'month' };
}

/** A tick label: plain decimals between 1e-4 and 1e6, exponent notation outside. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-4) return Number(v.toPrecision(6)).toExponential().replace('e+', 'e');
  return String(Number(v.toPrecision(12)));
}

// ---------------------------------------------------------------------------------------------

interface Prepared {
  name: string;
  x: Float64Array;
  y: Float64Array;
  lower?: Float64Array;
  upper?: Float64Array;
  color: string;
  dashed: boolean;
}

interface Validated {
  title: string;
  xLabel?: string;
  yLabel?: string;
  width: number;
  height: number;
  yScale: 'linear' | 'log';
  kind: 'number' | 'date';
  series: Prepared[];
  markers: { x: number; label: string }[];
}

function validate(options: unknown): Validated {
  if (options === undefined) throw typeError('an options object', 'lineChartSvg', options);
  const opts = checkOptions<LineChartOptions>(options, 'lineChartSvg', OPTION_KEYS);
  const title = string(opts.title, 'lineChartSvg.title');
  const xLabel = opts.xLabel === undefined ? undefined : string(opts.xLabel, 'lineChartSvg.xLabel');
  const yLabel = opts.yLabel === undefined ? undefined : string(opts.yLabel, 'lineChartSvg.yLabel');
  const width = opts.width === undefined ? 900 : integer(opts.width, 'lineChartSvg.width', { min: 240 });
  const height = opts.height === undefined ? 360 : integer(opts.height, 'lineChartSvg.height', { min: 160 });
  const yScale = opts.yScale === undefined ? 'linear' : oneOf(opts.yScale, 'lineChartSvg.yScale', ['linear', 'log'] as const);
  if (!Array.isArray(opts.series) || opts.series.length === 0) {
    throw typeError('a non-empty array of series', 'lineChartSvg.series', opts.series);
  }
  const xKind: { kind?: 'number' | 'date' } = {};
  const series = opts.series.map((raw: unknown, i): Prepared => {
    const name = `lineChartSvg.series[${i}]`;
    if (!isPlainObject(raw)) throw typeError('a series object', name, raw);
    const s = checkOptions<LineSeries>(raw, name, SERIES_KEYS);
    const label = string(s.name, `${name}.name`);
    if (!Array.isArray(s.x)) throw typeError('an array of numbers or Dates', `${name}.x`, s.x);
    const x = Float64Array.from(s.x as unknown[], (v, j) => xValue(v, `${name}.x[${j}]`, xKind));
    const y = values(s.y, `${name}.y`, x.length, `${name}.x`, yScale);
    let lower: Float64Array | undefined;
    let upper: Float64Array | undefined;
    if (s.band !== undefined) {
      const band = checkOptions<{ lower: ChartValues; upper: ChartValues }>(s.band, `${name}.band`, ['lower', 'upper']);
      lower = values(band.lower, `${name}.band.lower`, x.length, `${name}.x`, yScale);
      upper = values(band.upper, `${name}.band.upper`, x.length, `${name}.x`, yScale);
    }
    let color = DEFAULT_PALETTE[i % DEFAULT_PALETTE.length]!;
    if (s.color !== undefined) {
      if (typeof s.color !== 'string') throw typeError('a CSS colour string', `${name}.color`, s.color);
      if (!COLOR.test(s.color)) throw rangeError('a CSS colour (#rrggbb, a name, rgb() or hsl())', `${name}.color`, s.color);
      color = s.color;
    }
    const dashed = s.dashed === undefined ? false : boolean(s.dashed, `${name}.dashed`);
    return { name: label, x, y, lower, upper, color, dashed };
  });
  let markers: { x: number; label: string }[] = [];
  if (opts.markers !== undefined) {
    if (!Array.isArray(opts.markers)) throw typeError('an array of markers', 'lineChartSvg.markers', opts.markers);
    markers = opts.markers.map((raw: unknown, i) => {
      const name = `lineChartSvg.markers[${i}]`;
      if (!isPlainObject(raw)) throw typeError('a marker object', name, raw);
      const m = checkOptions<ChartMarker>(raw, name, ['x', 'label']);
      const x = xValue(m.x, `${name}.x`, xKind);
      if (!Number.isFinite(x)) throw rangeError('a finite number or a valid Date', `${name}.x`, m.x);
      return { x, label: string(m.label, `${name}.label`) };
    });
  }
  return { title, xLabel, yLabel, width, height, yScale, kind: xKind.kind ?? 'number', series, markers };
}

/** One x value as a number (epoch ms for a Date); the first value seen fixes the chart's kind. */
function xValue(v: unknown, name: string, state: { kind?: 'number' | 'date' }): number {
  const kind = typeof v === 'number' ? 'number' : v instanceof Date ? 'date' : undefined;
  if (kind === undefined) throw typeError('a number or a Date', name, v);
  state.kind ??= kind;
  if (kind !== state.kind) {
    throw typeError(`a ${state.kind === 'date' ? 'Date' : 'number'} (the chart's x values are ${state.kind === 'date' ? 'Dates' : 'numbers'})`, name, v);
  }
  return typeof v === 'number' ? v : (v as Date).getTime();
}

function values(v: unknown, name: string, length: number, lengthOf: string, scale: 'linear' | 'log'): Float64Array {
  if (!Array.isArray(v) && !(v instanceof Float32Array) && !(v instanceof Float64Array)) {
    throw typeError('an array of numbers', name, v);
  }
  if (v.length !== length) {
    throw new RangeError(`Expected ${length} values (as many as ${lengthOf}) for ${name} but received ${v.length} values`);
  }
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const x: unknown = v[i];
    if (typeof x !== 'number') throw typeError('a number', `${name}[${i}]`, x);
    if (scale === 'log' && Number.isFinite(x) && x <= 0) throw rangeError("a number > 0 (yScale is 'log')", `${name}[${i}]`, x);
    out[i] = x;
  }
  return out;
}

/** Half-open index ranges [a, b) over which `ok` holds. */
function runs(n: number, ok: (i: number) => boolean): [number, number][] {
  const out: [number, number][] = [];
  let start = -1;
  for (let i = 0; i <= n; i++) {
    if (i < n && ok(i)) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      out.push([start, i]);
      start = -1;
    }
  }
  return out;
}

function layoutLegend(names: string[], width: number): { items: { x: number; row: number }[]; rows: number } {
  const items: { x: number; row: number }[] = [];
  let x = 16;
  let row = 0;
  for (const name of names) {
    const w = 30 + textWidth(name, 12) + 20;
    if (x > 16 && x + w > width - 16) {
      x = 16;
      row++;
    }
    items.push({ x, row });
    x += w;
  }
  return { items, rows: row + 1 };
}

function extent(values: number[], lo: number, hi: number): [number, number] {
  if (values.length === 0) return [lo, hi];
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

function niceStep(raw: number): number {
  const mag = pow10(Math.floor(Math.log10(raw)));
  const r = raw / mag;
  const m = [1, 2, 5, 10].find((c) => r <= c * (1 + 1e-9)) ?? 10;
  return Number((m * mag).toPrecision(12));
}

function pow10(e: number): number {
  return e >= 0 ? 10 ** e : 1 / 10 ** -e;
}

function monthIndex(ms: number): number {
  const d = new Date(ms);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** Midnight UTC on the first of a month; unlike `Date.UTC`, years 0-99 are not moved to 19xx. */
function utc(y: number, month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(y, month, 1);
  return d.getTime();
}

function year(y: number): string {
  return y < 0 ? `-${String(-y).padStart(4, '0')}` : String(y).padStart(4, '0');
}

/** A rough width in pixels of sans-serif text; enough to lay out labels without a font engine. */
function textWidth(text: string, size: number): number {
  return Math.ceil([...text].length * size * 0.58);
}

function f(v: number): string {
  return String(Math.round(v * 100) / 100);
}
