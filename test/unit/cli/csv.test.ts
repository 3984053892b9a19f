import { describe, expect, it } from 'vitest';
import { addSteps, CsvError, csvField, inferFrequency, parseCsv, parseDate, seriesFromCsv } from '../../../lib/cli/csv.js';

const fields = (text: string): string[][] => parseCsv(text).map((r) => r.fields);
const error = (text: string, column = 'y', dateColumn?: string): string => {
  try {
    seriesFromCsv(text, 'data.csv', { column, ...(dateColumn ? { dateColumn } : {}) });
  } catch (err) {
    expect(err).toBeInstanceOf(CsvError);
    return (err as Error).message;
  }
  throw new Error('expected a CsvError');
};

describe('parseCsv', () => {
  it('reads quoted fields with delimiters, doubled quotes and line breaks inside', () => {
    expect(fields('a,b,c\n"x, y","say ""hi""","two\nlines"\n')).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', 'two\nlines'],
    ]);
  });

  it('handles CRLF, a BOM, a missing final newline and trailing blank lines', () => {
    expect(fields('\ufeffa,b\r\n1,2\r\n3,4')).toEqual([['a', 'b'], ['1', '2'], ['3', '4']]);
    expect(fields('a,b\n1,2\n\n\n')).toEqual([['a', 'b'], ['1', '2']]);
  });

  it('records the line each record starts on', () => {
    expect(parseCsv('a,b\n"1\n1",2\n3,4\n').map((r) => r.line)).toEqual([1, 2, 4]);
  });

  it('detects semicolon and tab delimiters from the header', () => {
    expect(fields('a;b\n1,5;2\n')).toEqual([['a', 'b'], ['1,5', '2']]);
    expect(fields('a\tb\n1\t2\n')).toEqual([['a', 'b'], ['1', '2']]);
  });

  it('keeps a quote inside an unquoted field, and rejects an unclosed quote or text after one', () => {
    expect(fields('a,b\n5" pipe,2\n')).toEqual([['a', 'b'], ['5" pipe', '2']]);
    expect(() => parseCsv('a,b\n"open,2\n', 'f.csv')).toThrow('f.csv: line 2: a quoted field is never closed');
    expect(() => parseCsv('a,b\n"x"y,2\n', 'f.csv')).toThrow(/f.csv: line 2: text after a closing quote/);
  });
});

describe('seriesFromCsv', () => {
  it('reads a numeric column by name, from quoted fields too', () => {
    const s = seriesFromCsv('name,y\n"a, b",1.5\n"c",  2\nd,"3e0"\n', 'data.csv', { column: 'y' });
    expect(s.values).toEqual([1.5, 2, 3]);
    expect(s.rows).toBe(3);
    expect(s.dates).toBeUndefined();
  });

  it('names the row, line and column of a missing value', () => {
    expect(error('x,y\n1,2\n2,\n3,4\n')).toBe('data.csv: row 2 (line 3), column "y": missing value; fill or drop the row');
    expect(error('x,y\n1,2\n2,NA\n')).toBe('data.csv: row 2 (line 3), column "y": missing value ("NA"); fill or drop the row');
    expect(error('y\n1\n\n3\n')).toMatch(/row 2 \(line 3\), column "y": missing value/);
    expect(error('x,y\n1,2\n\n3,4\n')).toBe('data.csv: row 2 (line 3) is empty; fill or drop it');
  });

  it('names the row and column of a value that is not a number, and a short row', () => {
    expect(error('x,y\n1,2\n2,abc\n')).toBe('data.csv: row 2 (line 3), column "y": "abc" is not a number');
    expect(error('x,y\n1,2\n2\n')).toBe('data.csv: row 2 (line 3) has 1 fields but the header has 2');
  });

  it('suggests the column meant', () => {
    expect(error('Date,CO2\n2020-01-01,1\n', 'co2')).toBe('data.csv: no column "co2" in the header; did you mean "CO2"? (columns: "Date", "CO2")');
    expect(error('Date,CO2\n2020-01-01,1\n', 'CO2', 'date')).toMatch(/no date column "date" in the header; did you mean "Date"\?/);
    expect(error('x\n')).toBe('data.csv: no data rows after the header');
    expect(error('')).toMatch(/the file is empty/);
  });

  it('reads a date column, fills missing months by linear interpolation, and knows the frequency', () => {
    const s = seriesFromCsv('Date,y\n2020-01-01,1\n2020-02-01,2\n2020-05-01,5\n2020-06-01,8\n', 'data.csv', { column: 'y', dateColumn: 'Date' });
    expect(s.values).toEqual([1, 2, 3, 4, 5, 8]);
    expect(s.dates!.map((d) => d.toISOString().slice(0, 10))).toEqual(['2020-01-01', '2020-02-01', '2020-03-01', '2020-04-01', '2020-05-01', '2020-06-01']);
    expect(s.filled).toBe(2);
    expect(s.frequency).toEqual({ unit: 'month', step: 1 });
    expect(s.dateOnly).toBe(true);
  });

  it('fills daily gaps too, and leaves irregular dates alone', () => {
    const daily = seriesFromCsv('d,y\n2020-01-30,0\n2020-01-31,1\n2020-02-03,4\n', 'f', { column: 'y', dateColumn: 'd' });
    expect(daily.values).toEqual([0, 1, 2, 3, 4]);
    expect(daily.frequency).toEqual({ unit: 'ms', step: 86_400_000 });
    const irregular = seriesFromCsv('d,y\n2020-01-01,0\n2020-01-03,1\n2020-01-06,4\n', 'f', { column: 'y', dateColumn: 'd' });
    expect(irregular.values).toEqual([0, 1, 4]);
    expect(irregular.frequency).toBeUndefined();
  });

  it('names the row of a bad, missing or out-of-order date', () => {
    expect(error('Date,y\n2020-01-01,1\n2020-13-01,2\n', 'y', 'Date')).toBe('data.csv: row 2 (line 3), column "Date": "2020-13-01" is not a date (expected e.g. 2020-04-01)');
    expect(error('Date,y\n2020-01-01,1\n,2\n', 'y', 'Date')).toBe('data.csv: row 2 (line 3), column "Date": missing date; fill or drop the row');
    expect(error('Date,y\n2020-02-01,1\n2020-01-01,2\n', 'y', 'Date')).toMatch(/row 2 \(line 3\), column "Date": 2020-01-01 is not after the previous row's date/);
  });
});

describe('dates', () => {
  it('parses plain dates as UTC and timestamps through Date.parse', () => {
    expect(parseDate('1958-03')!.date.toISOString()).toBe('1958-03-01T00:00:00.000Z');
    expect(parseDate('2020/4/1')!.date.toISOString()).toBe('2020-04-01T00:00:00.000Z');
    expect(parseDate('2020-04-01T12:30:00Z')).toEqual({ date: new Date('2020-04-01T12:30:00Z'), dateOnly: false });
    expect(parseDate('2021-02-29')).toBeUndefined();
    expect(parseDate('soon')).toBeUndefined();
  });

  it('steps monthly and quarterly series by calendar months, clamping the day', () => {
    const d = (s: string): Date => new Date(`${s}T00:00:00Z`);
    expect(inferFrequency([d('2020-01-01'), d('2020-04-01'), d('2020-10-01')])).toEqual({ unit: 'month', step: 3 });
    expect(addSteps(d('2020-01-31'), { unit: 'month', step: 1 }, 1).toISOString().slice(0, 10)).toBe('2020-02-29');
    expect(addSteps(d('2020-12-01'), { unit: 'month', step: 1 }, 2).toISOString().slice(0, 10)).toBe('2021-02-01');
  });

  it('quotes CSV output fields that need it', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "x"')).toBe('"say ""x"""');
    expect(csvField(1.5)).toBe('1.5');
    expect(csvField(null)).toBe('');
  });
});
