/**
 * The input window of a forecast: the last `lookBack` rows a model predicts from.
 */
import { describe, typeError } from '../validate.js';

/**
 * @internal Reads a window, `number[]` (one feature) or `number[][]` (lookBack x features), into
 * copied rows of finite numbers. `name` is the argument's dotted path for messages.
 */
export function readWindow(value: unknown, name: string): number[][] {
  if (!Array.isArray(value) || value.length === 0) throw typeError('a non-empty number[] or number[][]', name, value);
  const nested = Array.isArray(value[0]);
  const rows = nested ? (value as unknown[]) : value.map((v) => [v]);
  const features = (rows[0] as unknown[]).length;
  if (features === 0) throw new RangeError(`Expected at least one feature in ${name} but ${name}[0] is empty`);
  return rows.map((row, i) => {
    if (!Array.isArray(row) || row.length !== features) {
      throw new RangeError(`Expected ${name} to be rectangular (lookBack x ${features}) but ${name}[${i}] is ${describe(row)}`);
    }
    return row.map((v, j) => finite(v, nested ? `${name}[${i}][${j}]` : `${name}[${i}]`));
  });
}

/** @internal Checks one input value: a number (else a TypeError) that is finite (else a RangeError). */
export function finite(value: unknown, path: string): number {
  if (typeof value !== 'number') throw new TypeError(`Expected a number at ${path} but received ${describe(value)}`);
  if (!Number.isFinite(value)) throw new RangeError(`Expected a finite number at ${path} but received ${value}`);
  return value;
}
