/**
 * The CLI's CSV reader: RFC 4180 records (quoted fields, `""` escapes, line breaks inside
 * quotes, CRLF, a BOM), then one numeric column as a series, optionally with a date column.
 *
 * Every data problem names where it is: the file, the data row (1-based, the header not
 * counted), the line it starts on, and the column. With a date column the rows must be in
 * increasing date order; missing periods of a regular series (monthly, daily, ...) are filled
 * by linear interpolation, as the article's CO2 preparation does.
 */
import { readFileSync } from 'node:fs';
import { nearest } from '../validate.js';

/** A CSV file's content that the CLI cannot use (exit code 1). */
export class CsvError extends Error {
  override name = 'CsvError';
  /** The column that the header lacks, when that is the problem. */
  missingColumn?: string;
}

/** One CSV record and the line (1-based) it starts on. */
export interface CsvRecord {
  fields: string[];
  line: number;
  /** An empty line (kept inside the data, where it may be a missing value; dropped at the end). */
  blank?: boolean;
}

/**
 * Splits CSV text into records. The delimiter is `,` unless the first line holds more `;` or
 * tabs (outside quotes) than commas. Blank lines at the end are dropped; others are kept, marked `blank`.
 *
 * @throws {CsvError} for a quote left open, or text after a closing quote.
 */
export function parseCsv(text: string, file = 'CSV'): CsvRecord[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const delimiter = detectDelimiter(src);
  const records: (CsvRecord & { blank: boolean })[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false; // inside a quoted field
  let wasQuoted = false; // the current field was quoted (text after the closing quote is an error)
  let quoteLine = 0;
  const endRecord = (): void => {
    fields.push(field);
    records.push({ fields, line: recordLine, blank: fields.length === 1 && fields[0]!.trim() === '' && !wasQuoted });
    fields = [];
    field = '';
    wasQuoted = false;
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field.trim().length > 0) {
      field += c; // a quote inside an unquoted field is literal (as Python's csv reads it)
    } else if (c === '"') {
      if (wasQuoted) throw new CsvError(`${file}: line ${line}: text after a closing quote; double a quote inside a quoted field ("")`);
      field = '';
      quoted = true;
      wasQuoted = true;
      quoteLine = line;
    } else if (c === delimiter) {
      fields.push(field);
      field = '';
      wasQuoted = false;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      if (wasQuoted && c !== ' ' && c !== '\t') {
        throw new CsvError(`${file}: line ${line}: text after a closing quote; double a quote inside a quoted field ("")`);
      }
      if (!wasQuoted) field += c;
    }
  }
  if (quoted) throw new CsvError(`${file}: line ${quoteLine}: a quoted field is never closed`);
  if (field.length > 0 || fields.length > 0 || wasQuoted) endRecord();
  while (records.length > 0 && records[records.length - 1]!.blank) records.pop();
  while (records.length > 0 && records[0]!.blank) records.shift();
  return records.map(({ fields: f, line: l, blank }) => ({ fields: f, line: l, ...(blank ? { blank } : {}) }));
}

function detectDelimiter(text: string): string {
  let commas = 0;
  let semicolons = 0;
  let tabs = 0;
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && c === ',') commas++;
    else if (!quoted && c === ';') semicolons++;
    else if (!quoted && c === '\t') tabs++;
  }
  if (tabs > commas && tabs >= semicolons) return '\t';
  if (semicolons > commas) return ';';
  return ',';
}

/** How far apart the rows of a regular dated series are. */
export type Frequency = { unit: 'month'; step: number } | { unit: 'ms'; step: number };

/** A numeric column read as a series. */
export interface CsvSeries {
  file: string;
  column: string;
  /** The values, oldest first, with filled gaps. */
  values: number[];
  /** The date column's name, when one was read. */
  dateColumn?: string;
  /** One date per value (filled rows get theirs), when a date column was read. */
  dates?: Date[];
  /** The regular spacing of the dates, when they have one. */
  frequency?: Frequency;
  /** Whether every date was a plain date (no time of day): dates print as `YYYY-MM-DD`. */
  dateOnly?: boolean;
  /** How many missing periods were filled by linear interpolation. */
  filled: number;
  /** Data rows in the file. */
  rows: number;
}

/** Options of {@link readSeriesCsv}. */
export interface ReadSeriesOptions {
  /** The numeric column. */
  column: string;
  /** A column of dates (ISO `YYYY-MM-DD`, `YYYY-MM`, `YYYY`, or what `Date.parse` reads). */
  dateColumn?: string;
}

const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '-', '?']);

/**
 * Reads `file` and returns the column `column` as a series.
 *
 * @throws {CsvError} when the file cannot be read or parsed, a column is absent (with a
 *   did-you-mean), a value is missing or not a number, a date does not parse, or dates are not
 *   increasing; each message names the row and column.
 */
export function readSeriesCsv(file: string, options: ReadSeriesOptions): CsvSeries {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CsvError(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot be read (${(err as Error).message})`);
  }
  return seriesFromCsv(text, file, options);
}

/** {@link readSeriesCsv} on text already read. */
export function seriesFromCsv(text: string, file: string, options: ReadSeriesOptions): CsvSeries {
  const records = parseCsv(text, file);
  if (records.length === 0) throw new CsvError(`${file}: the file is empty; expected a header row and data rows`);
  const header = records[0]!.fields.map((h) => h.trim());
  const rows = records.slice(1);
  if (rows.length === 0) throw new CsvError(`${file}: no data rows after the header`);
  const index = (name: string, what: string): number => {
    const i = header.indexOf(name);
    if (i !== -1) return i;
    const near = nearest(name, header);
    const err = new CsvError(
      `${file}: no ${what} "${name}" in the header${near ? `; did you mean "${near}"?` : ''} (columns: ${header.map((h) => JSON.stringify(h)).join(', ')})`,
    );
    err.missingColumn = name;
    throw err;
  };
  const col = index(options.column, 'column');
  const dateCol = options.dateColumn === undefined ? undefined : index(options.dateColumn, 'date column');
  const where = (r: number, name: string): string => `${file}: row ${r + 1} (line ${rows[r]!.line}), column "${name}"`;
  const values: number[] = [];
  const dates: Date[] = [];
  let dateOnly = true;
  rows.forEach((row, r) => {
    let record = row;
    if (record.blank && header.length > 1) {
      throw new CsvError(`${file}: row ${r + 1} (line ${record.line}) is empty; fill or drop it`);
    }
    if (record.blank) record = { ...record, fields: [''] };
    if (record.fields.length !== header.length) {
      throw new CsvError(`${file}: row ${r + 1} (line ${record.line}) has ${record.fields.length} fields but the header has ${header.length}`);
    }
    const raw = record.fields[col]!.trim();
    if (MISSING.has(raw.toLowerCase())) {
      throw new CsvError(`${where(r, options.column)}: missing value${raw ? ` ("${raw}")` : ''}; fill or drop the row`);
    }
    const value = Number(raw.replace(/_/g, ''));
    if (!Number.isFinite(value)) throw new CsvError(`${where(r, options.column)}: "${raw}" is not a number`);
    values.push(value);
    if (dateCol !== undefined) {
      const rawDate = record.fields[dateCol]!.trim();
      if (rawDate.length === 0) throw new CsvError(`${where(r, options.dateColumn!)}: missing date; fill or drop the row`);
      const parsed = parseDate(rawDate);
      if (!parsed) throw new CsvError(`${where(r, options.dateColumn!)}: "${rawDate}" is not a date (expected e.g. 2020-04-01)`);
      if (!parsed.dateOnly) dateOnly = false;
      if (dates.length > 0 && parsed.date.getTime() <= dates[dates.length - 1]!.getTime()) {
        throw new CsvError(`${where(r, options.dateColumn!)}: ${rawDate} is not after the previous row's date; sort the rows by date and drop duplicates`);
      }
      dates.push(parsed.date);
    }
  });
  const base: CsvSeries = { file, column: options.column, values, filled: 0, rows: rows.length };
  if (dateCol === undefined) return base;
  const frequency = inferFrequency(dates);
  const out: CsvSeries = { ...base, dateColumn: options.dateColumn!, dates, dateOnly, ...(frequency ? { frequency } : {}) };
  if (frequency) {
    const filled = fillGaps(values, dates, frequency);
    out.values = filled.values;
    out.dates = filled.dates;
    out.filled = filled.filled;
  }
  return out;
}

/** Parses `YYYY`, `YYYY-MM`, `YYYY-MM-DD` (or `/`) as UTC dates; anything else through `Date.parse`. */
export function parseDate(text: string): { date: Date; dateOnly: boolean } | undefined {
  const m = /^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?$/.exec(text);
  if (m) {
    const [y, mo, d] = [Number(m[1]), m[2] === undefined ? 1 : Number(m[2]), m[3] === undefined ? 1 : Number(m[3])];
    const date = new Date(Date.UTC(y, mo - 1, d));
    if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
    return { date, dateOnly: true };
  }
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  const date = new Date(ms);
  const dateOnly = date.getUTCHours() === 0 && date.getUTCMinutes() === 0 && date.getUTCSeconds() === 0 && date.getUTCMilliseconds() === 0;
  return { date, dateOnly };
}

const monthIndex = (d: Date): number => d.getUTCFullYear() * 12 + d.getUTCMonth();
const timeOfMonth = (d: Date): number => d.getTime() - Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);

/**
 * The regular spacing of `dates`, or `undefined` when they have none: calendar months when
 * every date falls at the same point of its month, else a fixed number of milliseconds; the
 * step is the smallest gap, and every gap must be a whole number of steps.
 */
export function inferFrequency(dates: readonly Date[]): Frequency | undefined {
  if (dates.length < 2) return undefined;
  const sameInMonth = dates.every((d) => timeOfMonth(d) === timeOfMonth(dates[0]!));
  const gaps = (key: (d: Date) => number): number[] => dates.slice(1).map((d, i) => key(d) - key(dates[i]!));
  if (sameInMonth) {
    const g = gaps(monthIndex);
    const step = Math.min(...g);
    if (step >= 1 && g.every((x) => x % step === 0)) return { unit: 'month', step };
  }
  const g = gaps((d) => d.getTime());
  const step = Math.min(...g);
  if (step > 0 && g.every((x) => x % step === 0)) return { unit: 'ms', step };
  return undefined;
}

/** The date `k` steps after `date`. */
export function addSteps(date: Date, frequency: Frequency, k: number): Date {
  if (frequency.unit === 'ms') return new Date(date.getTime() + k * frequency.step);
  const d = new Date(date.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + k * frequency.step);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

function stepsBetween(a: Date, b: Date, frequency: Frequency): number {
  return frequency.unit === 'month' ? (monthIndex(b) - monthIndex(a)) / frequency.step : (b.getTime() - a.getTime()) / frequency.step;
}

/** Inserts the missing periods, each value interpolated linearly between its neighbours. */
function fillGaps(values: number[], dates: Date[], frequency: Frequency): { values: number[]; dates: Date[]; filled: number } {
  const outV: number[] = [values[0]!];
  const outD: Date[] = [dates[0]!];
  let filled = 0;
  for (let i = 1; i < values.length; i++) {
    const k = stepsBetween(dates[i - 1]!, dates[i]!, frequency);
    for (let j = 1; j < k; j++) {
      outV.push(values[i - 1]! + ((values[i]! - values[i - 1]!) * j) / k);
      outD.push(addSteps(dates[i - 1]!, frequency, j));
      filled++;
    }
    outV.push(values[i]!);
    outD.push(dates[i]!);
  }
  return { values: outV, dates: outD, filled };
}

/** A date as the CLI prints it: `YYYY-MM-DD` for plain dates, else ISO 8601. */
export function formatDate(date: Date, dateOnly: boolean): string {
  return dateOnly ? date.toISOString().slice(0, 10) : date.toISOString();
}

/** A field for a CSV line: quoted when it holds a delimiter, a quote or a line break. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
