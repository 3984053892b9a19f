/**
 * htmlReport: one self-contained HTML page of headings, charts, tables and text.
 *
 * The page has inline CSS only, no scripts and no external resources; a Content-Security-Policy
 * meta tag keeps it that way when opened in a browser.
 */
import { checkOptions, integer, isPlainObject, rangeError, string, typeError } from '../validate.js';
import { escapeXml } from './line-chart.js';

/** A table of a {@link ReportSection}. */
export interface ReportTable {
  /** Column headings. */
  columns: string[];
  /** Rows of cells, each as many as `columns`; numbers are shown to 4 significant digits. */
  rows: (string | number)[][];
  /** Indices of rows to highlight (the best trial of a study). Defaults to none. */
  highlightRows?: number[];
}

/** One section of an {@link htmlReport}: a heading followed by a chart, a table and text. */
export interface ReportSection {
  heading: string;
  /** An SVG document such as {@link lineChartSvg} returns, inlined as it is. */
  svg?: string;
  table?: ReportTable;
  /** Plain text; blank lines separate paragraphs. */
  text?: string;
}

/** Options of {@link htmlReport}. */
export interface HtmlReportOptions {
  /** The page title and top heading. Required. */
  title: string;
  /** The sections, in order. */
  sections: ReportSection[];
}

const CSS = `
body { margin: 0; background: #f7f7f7; color: #222; font: 15px/1.5 system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif; }
main { max-width: 960px; margin: 0 auto; padding: 24px 16px 48px; }
h1 { font-size: 26px; margin: 0 0 16px; }
h2 { font-size: 19px; margin: 32px 0 8px; }
section { background: #fff; border: 1px solid #e3e3e3; border-radius: 6px; padding: 4px 20px 16px; margin-bottom: 16px; }
.chart svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 4px 12px; text-align: left; }
th { background: #f0f0f0; }
td.num { text-align: right; }
tr.highlight td { background: #fff3c4; font-weight: 600; }
`.trim();

/** Scripts, foreign HTML, event-handler attributes and references that leave the document. */
const DANGEROUS_SVG =
  /<script|<foreignObject|javascript:|<[^>]*\son[a-z]+\s*=|<[^>]*\s(?:xlink:)?href\s*=\s*["']?\s*[^"'#\s]|url\(\s*["']?\s*[^"'#\s)]/i;

/**
 * Renders a self-contained HTML report page.
 *
 * Each section is an `<h2>` heading followed, when given, by its SVG chart (inlined), its
 * table (numbers right-aligned; integers in full, other numbers to 4 significant digits) and its
 * text (escaped; blank lines start paragraphs). The page carries inline CSS only: no scripts,
 * fonts, images or links to fetch, so it opens offline and can be attached or archived as it is.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * const html = htmlReport({
 *   title: 'CO2 forecast',
 *   sections: [
 *     { heading: 'Forecast', svg: lineChartSvg({ title: 'Monthly CO2', series }) },
 *     { heading: 'Test error', table: { columns: ['model', 'MAE'], rows: [['LSTM', 0.4123], ['naive', 1.92]] } },
 *     { heading: 'Notes', text: 'Missing months were filled by linear interpolation.' },
 *   ],
 * });
 * writeFileSync('report.html', html);
 * ```
 * @throws {TypeError} when an option has the wrong type or is unknown.
 * @throws {RangeError} when a table row has the wrong number of cells, or an SVG holds a script,
 *   an event handler or an external reference.
 */
export function htmlReport(options: HtmlReportOptions): string {
  if (options === undefined) throw typeError('an options object', 'htmlReport', options);
  const opts = checkOptions<HtmlReportOptions>(options, 'htmlReport', ['title', 'sections']);
  const title = string(opts.title, 'htmlReport.title');
  if (!Array.isArray(opts.sections)) throw typeError('an array of sections', 'htmlReport.sections', opts.sections);
  const body = opts.sections.map((raw: unknown, i) => section(raw, `htmlReport.sections[${i}]`));
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeXml(title)}</title>`,
    `<style>\n${CSS}\n</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escapeXml(title)}</h1>`,
    ...body,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * A table cell as text: integers in full (counts, epochs), other finite numbers to 4 significant
 * digits (exponent notation below 1e-4 and from 1e6), strings unchanged.
 */
export function formatCell(value: string | number): string {
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  const a = Math.abs(value);
  const r = Number(value.toPrecision(4));
  if (a < 1e-4 || a >= 1e6) return r.toExponential().replace('e+', 'e');
  return String(r);
}

function section(raw: unknown, name: string): string {
  if (!isPlainObject(raw)) throw typeError('a section object', name, raw);
  const s = checkOptions<ReportSection>(raw, name, ['heading', 'svg', 'table', 'text']);
  const out = ['<section>', `<h2>${escapeXml(string(s.heading, `${name}.heading`))}</h2>`];
  if (s.svg !== undefined) out.push(`<div class="chart">\n${svg(s.svg, `${name}.svg`)}\n</div>`);
  if (s.table !== undefined) out.push(table(s.table, `${name}.table`));
  if (s.text !== undefined) {
    if (typeof s.text !== 'string') throw typeError('a string', `${name}.text`, s.text);
    for (const para of s.text.split(/\n\s*\n/)) {
      if (para.trim()) out.push(`<p>${escapeXml(para.trim())}</p>`);
    }
  }
  out.push('</section>');
  return out.join('\n');
}

function svg(value: unknown, name: string): string {
  if (typeof value !== 'string') throw typeError('an SVG string', name, value);
  const doc = value.replace(/^\s*<\?xml[^>]*\?>/, '').trim();
  if (!/^<svg[\s>]/.test(doc) || !/<\/svg>$/.test(doc)) throw rangeError('an SVG document (<svg ...>...</svg>)', name, value);
  if (DANGEROUS_SVG.test(doc)) {
    throw rangeError('an SVG without scripts, event handlers or external references', name, value);
  }
  return doc;
}

function table(value: unknown, name: string): string {
  if (!isPlainObject(value)) throw typeError('a table object', name, value);
  const t = checkOptions<ReportTable>(value, name, ['columns', 'rows', 'highlightRows']);
  if (!Array.isArray(t.columns) || t.columns.length === 0) throw typeError('a non-empty array of strings', `${name}.columns`, t.columns);
  const columns = t.columns.map((c: unknown, j) => string(c, `${name}.columns[${j}]`));
  if (!Array.isArray(t.rows)) throw typeError('an array of rows', `${name}.rows`, t.rows);
  if (t.highlightRows !== undefined && !Array.isArray(t.highlightRows)) {
    throw typeError('an array of row indices', `${name}.highlightRows`, t.highlightRows);
  }
  const highlight = new Set(
    (t.highlightRows ?? []).map((r: unknown, k) => integer(r, `${name}.highlightRows[${k}]`, { min: 0, max: Math.max(0, t.rows!.length - 1) })),
  );
  const rows = t.rows.map((row: unknown, i) => {
    if (!Array.isArray(row)) throw typeError('an array of cells', `${name}.rows[${i}]`, row);
    if (row.length !== columns.length) {
      throw new RangeError(
        `Expected ${columns.length} cells (one per column) for ${name}.rows[${i}] but received ${row.length} cells`,
      );
    }
    const cells = row.map((cell: unknown, j) => {
      if (typeof cell !== 'string' && typeof cell !== 'number') {
        throw typeError('a string or a number', `${name}.rows[${i}][${j}]`, cell);
      }
      const cls = typeof cell === 'number' ? ' class="num"' : '';
      return `<td${cls}>${escapeXml(formatCell(cell))}</td>`;
    });
    return `<tr${highlight.has(i) ? ' class="highlight"' : ''}>${cells.join('')}</tr>`;
  });
  return [
    '<table>',
    `<thead><tr>${columns.map((c) => `<th>${escapeXml(c)}</th>`).join('')}</tr></thead>`,
    `<tbody>\n${rows.join('\n')}\n</tbody>`,
    '</table>',
  ].join('\n');
}
