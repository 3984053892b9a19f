/**
 * The Mauna Loa CO2 series of the examples (data/co2-concentration.csv, see data/README.md):
 * the monthly record with the few missing months filled by linear interpolation, and the
 * preparation that co2-forecast and co2-tune share.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { preprocessing } from 'torch-lstm';

/** The CSV of the series; the examples run from dist/examples/, two levels below the package root. */
export const CO2_CSV = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'data', 'co2-concentration.csv');

/** A monthly series: one date (the 15th, UTC) and one level (ppm) per month, oldest first. */
export interface MonthlySeries {
  dates: Date[];
  values: number[];
}

/** Reads the `date,co2` CSV (`YYYY-MM` dates) into every month from the first to the last. */
export function loadMonthly(file: string = CO2_CSV): MonthlySeries {
  const rows = readFileSync(file, 'utf8').trim().split('\n').slice(1);
  const known = new Map<number, number>();
  for (const row of rows) {
    const [date, co2] = row.split(',');
    const [y, m] = date!.split('-').map(Number);
    known.set(y! * 12 + (m! - 1), Number(co2));
  }
  const keys = [...known.keys()].sort((a, b) => a - b);
  const dates: Date[] = [];
  const values: number[] = [];
  for (let k = keys[0]!; k <= keys[keys.length - 1]!; k++) {
    let value = known.get(k);
    if (value === undefined) {
      // Linear interpolation between the nearest known months.
      let lo = k - 1;
      while (!known.has(lo)) lo--;
      let hi = k + 1;
      while (!known.has(hi)) hi++;
      value = known.get(lo)! + ((known.get(hi)! - known.get(lo)!) * (k - lo)) / (hi - lo);
    }
    dates.push(new Date(Date.UTC(Math.floor(k / 12), k % 12, 15)));
    values.push(value);
  }
  return { dates, values };
}

/** The levels as a model learns them, with what it takes to map predictions back. */
export interface PreparedLevels {
  /** The first level index of the held-out test tail (the last 20%). */
  testStart: number;
  /** Lag-1 differencing, fitted on all levels: `diffs[j] = levels[j + 1] - levels[j]`. */
  differencer: preprocessing.Differencer;
  /** Min-max scaling to [0, 1] of the differences that end inside the training part only. */
  scaler: preprocessing.MinMaxScaler;
  /** Every difference, scaled: `scaled[j]` belongs to the level at index `j + 1`. */
  scaled: number[];
}

/**
 * Differences the series (CO2 rises every year: a model of raw, min-max scaled levels saturates
 * when the test values lie above the training range) and scales the differences with a
 * MinMaxScaler fitted on the training part only.
 */
export function prepareLevels(levels: number[]): PreparedLevels {
  const testStart = Math.floor(levels.length * 0.8);
  const differencer = new preprocessing.Differencer({ lag: 1 });
  const diffs = differencer.fitTransform(levels);
  const scaler = new preprocessing.MinMaxScaler({ featureRange: [0, 1] });
  scaler.fit(diffs.slice(0, testStart - 1)); // only differences that end inside the training part
  return { testStart, differencer, scaler, scaled: scaler.transform(diffs) };
}
