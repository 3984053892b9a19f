/**
 * barChartSvg: a dependency-free horizontal bar chart (parameter importances, per-fold errors).
 *
 * Like {@link lineChartSvg}, the output is one standalone SVG document with no scripts and no
 * external resources.
 */
import { checkOptions, integer, isPlainObject, rangeError, string, typeError } from '../validate.js';
import { DEFAULT_PALETTE, escapeXml, formatTick, niceTicks } from './line-chart.js';

/** One bar of a {@link barChartSvg} chart. */
export interface Bar {
  /** Shown left of the bar. */
  label: string;
  /** The bar's length; a finite number (negative values extend left of zero). */
  value: number;
  /** A CSS colour. Defaults to the chart's `color`. */
  color?: string;
}

/** Options of {@link barChartSvg}. */
export interface BarChartOptions {
  /** The chart title, also the SVG's accessible `<title>`. Required. */
  title: string;
  /** The bars, top to bottom, at least one. */
  bars: Bar[];
  /** The value axis label. Defaults to none. */
  xLabel?: string;
  /** Width in pixels, an integer >= 240. Defaults to `900`. */
  width?: number;
  /** Height of one bar's row in pixels, an integer >= 12. Defaults to `26`. */
  barHeight?: number;
  /** Fill of the bars without their own colour. Defaults to the palette's first colour. */
  color?: string;
  /** Digits after the point of the value written at each bar's end. Defaults to `3`. */
  digits?: number;
}

const FONT = 'system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif';
const COLOR = /^(#[0-9a-fA-F]{3,8}|[a-zA-Z]+|(rgb|rgba|hsl|hsla)\([0-9.,%\s]+\))$/;

/**
 * Renders labelled values as horizontal bars in a standalone SVG document.
 *
 * Each bar is one `<rect class="bar">`, its label left of the plot and its value (to `digits`
 * decimals) at its end. The value axis starts at zero (or the smallest negative value) and gets
 * 1-2-5 ticks. Text is XML-escaped.
 *
 * @example
 * ```ts
 * const svg = barChartSvg({
 *   title: 'Parameter importance',
 *   bars: [{ label: 'units', value: 0.71 }, { label: 'dropout', value: 0.29 }],
 * });
 * ```
 * @throws {TypeError} when an option has the wrong type or is unknown.
 * @throws {RangeError} when a size is too small, a value is not finite, or a colour is invalid.
 */
export function barChartSvg(options: BarChartOptions): string {
  if (options === undefined) throw typeError('an options object', 'barChartSvg', options);
  const o = checkOptions<BarChartOptions>(options, 'barChartSvg', ['title', 'bars', 'xLabel', 'width', 'barHeight', 'color', 'digits']);
  const title = string(o.title, 'barChartSvg.title');
  const xLabel = o.xLabel === undefined ? undefined : string(o.xLabel, 'barChartSvg.xLabel');
  const width = o.width === undefined ? 900 : integer(o.width, 'barChartSvg.width', { min: 240 });
  const rowH = o.barHeight === undefined ? 26 : integer(o.barHeight, 'barChartSvg.barHeight', { min: 12 });
  const digits = o.digits === undefined ? 3 : integer(o.digits, 'barChartSvg.digits', { min: 0, max: 12 });
  const fill = o.color === undefined ? DEFAULT_PALETTE[0]! : color(o.color, 'barChartSvg.color');
  if (!Array.isArray(o.bars) || o.bars.length === 0) throw typeError('a non-empty array of bars', 'barChartSvg.bars', o.bars);
  const bars = o.bars.map((raw: unknown, i) => {
    const name = `barChartSvg.bars[${i}]`;
    if (!isPlainObject(raw)) throw typeError('a bar object', name, raw);
    const b = checkOptions<Bar>(raw, name, ['label', 'value', 'color']);
    if (typeof b.value !== 'number') throw typeError('a number', `${name}.value`, b.value);
    if (!Number.isFinite(b.value)) throw rangeError('a finite number', `${name}.value`, b.value);
    return { label: string(b.label, `${name}.label`), value: b.value, color: b.color === undefined ? fill : color(b.color, `${name}.color`) };
  });

  const values = bars.map((b) => b.value);
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  const left = 16 + Math.min(260, Math.max(...bars.map((b) => textWidth(b.label, 12)))) + 10;
  const right = width - 24 - textWidth(values.map((v) => v.toFixed(digits)).reduce((a, b) => (a.length > b.length ? a : b)), 11);
  const plotW = Math.max(20, right - left);
  const axis = niceTicks(lo, hi === lo ? lo + 1 : hi, Math.max(2, Math.floor(plotW / 90)));
  const [dlo, dhi] = axis.domain;
  const top = 44;
  const plotH = rowH * bars.length;
  const bottom = top + plotH;
  const height = bottom + 26 + (xLabel ? 20 : 0);
  const sx = (v: number): number => left + ((v - dlo) / (dhi - dlo)) * plotW;

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"` +
      ` role="img" font-family="${FONT}" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect class="background" x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text class="title" x="16" y="24" font-size="16" font-weight="bold" fill="#222222">${escapeXml(title)}</text>`,
    '<g class="grid" stroke="#e6e6e6" stroke-width="1">',
    ...axis.ticks.map((t) => `<line x1="${f(sx(t))}" x2="${f(sx(t))}" y1="${top}" y2="${bottom}"/>`),
    '</g>',
    ...axis.ticks.map((t) =>
      `<text class="tick-x" x="${f(sx(t))}" y="${bottom + 16}" text-anchor="middle" font-size="11" fill="#444444">${escapeXml(formatTick(t))}</text>`),
  ];
  const zero = sx(0);
  bars.forEach((b, i) => {
    const y = top + i * rowH;
    const x0 = Math.min(zero, sx(b.value));
    const w = Math.abs(sx(b.value) - zero);
    const label = [...b.label].length > 44 ? `${[...b.label].slice(0, 43).join('')}\u2026` : b.label;
    out.push(
      `<text class="bar-label" x="${f(left - 8)}" y="${f(y + rowH / 2 + 4)}" text-anchor="end" fill="#222222">${escapeXml(label)}</text>`,
      `<rect class="bar" x="${f(x0)}" y="${f(y + rowH * 0.15)}" width="${f(w)}" height="${f(rowH * 0.7)}" fill="${b.color}"/>`,
      `<text class="bar-value" x="${f(Math.max(zero, sx(b.value)) + 5)}" y="${f(y + rowH / 2 + 4)}" font-size="11" fill="#444444">${escapeXml(b.value.toFixed(digits))}</text>`,
    );
  });
  out.push(`<line class="axis" x1="${f(zero)}" x2="${f(zero)}" y1="${top}" y2="${bottom}" stroke="#888888" stroke-width="1"/>`);
  if (xLabel) {
    out.push(`<text class="x-label" x="${f(left + plotW / 2)}" y="${height - 10}" text-anchor="middle" fill="#222222">${escapeXml(xLabel)}</text>`);
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function color(value: unknown, name: string): string {
  if (typeof value !== 'string') throw typeError('a CSS colour string', name, value);
  if (!COLOR.test(value)) throw rangeError('a CSS colour (#rrggbb, a name, rgb() or hsl())', name, value);
  return value;
}

function textWidth(text: string, size: number): number {
  return Math.ceil([...text].length * size * 0.58);
}

function f(v: number): string {
  return String(Math.round(v * 100) / 100);
}
