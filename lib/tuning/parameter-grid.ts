/**
 * `parameterGrid`: scikit-learn's `ParameterGrid` — every combination of a grid of values, in
 * scikit-learn's deterministic order.
 *
 * Order: within one grid the keys are sorted (by UTF-16 code units, as Python sorts `str`) and
 * the cartesian product runs with the LAST key varying fastest; a list of grids is the
 * concatenation of each grid's combinations, in list order; an empty grid `{}` contributes
 * one empty combination. `at(i)` computes the i-th combination directly (no enumeration).
 */
import { describe, isPlainObject, typeError } from '../validate.js';

/** A grid: each parameter name with the list of values to try. */
export type ParamGridSpec = Readonly<Record<string, readonly unknown[]>>;

/** One combination of a grid: each parameter with one of its values. */
export type ParamSet = Record<string, unknown>;

/** The combinations of one or more grids, with length, index access and iteration. */
export interface ParameterGrid<P extends ParamSet = ParamSet> extends Iterable<P> {
  /** The number of combinations (the sum over the grids of the product of their list lengths). */
  readonly length: number;
  /** The grids, as given (copies). */
  readonly grids: readonly ParamGridSpec[];
  /**
   * The i-th combination, as iteration would give it; negative `i` counts from the end.
   * @throws {RangeError} when `i` is out of range.
   */
  at(i: number): P;
  /** Every combination, in order. */
  toArray(): P[];
}

/** The values each key of a grid spec takes, as a typed combination. */
export type Combination<G> = G extends Readonly<Record<string, readonly unknown[]>> ? { [K in keyof G]: G[K][number] } : ParamSet;

interface CheckedGrid {
  /** Keys sorted as Python sorts strings. */
  keys: string[];
  values: unknown[][];
  size: number;
}

/** Python's `sorted` on str: by code point. For the BMP this is UTF-16 code-unit order. */
function pyCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function checkGrid(grid: unknown, name: string): CheckedGrid {
  if (!isPlainObject(grid)) throw typeError('an object mapping parameter names to arrays of values', name, grid);
  const keys = Object.keys(grid).sort(pyCompare);
  const values = keys.map((key) => {
    const list = grid[key];
    if (!Array.isArray(list)) {
      throw typeError(`an array of values (wrap a single value in an array: [${describe(list)}])`, `${name}.${key}`, list);
    }
    if (list.length === 0) throw new RangeError(`Expected a non-empty array of values for ${name}.${key} but received an empty array`);
    return [...list] as unknown[];
  });
  return { keys, values, size: values.reduce((p, v) => p * v.length, 1) };
}

/**
 * The combinations of a grid of parameter values (scikit-learn's `ParameterGrid`).
 *
 * Keys are sorted and the last key varies fastest; a list of grids gives the combinations of
 * each grid in turn (useful to skip combinations that make no sense together).
 *
 * @param grid `{ name: [values...] }`, or an array of such grids.
 * @example
 * const grid = parameterGrid({ units: [32, 64], dropout: [0.1, 0.2] });
 * grid.length; // 4
 * grid.at(1); // { dropout: 0.1, units: 64 }
 * for (const params of grid) console.log(params);
 * @throws {TypeError} a grid that is not an object, or a value list that is not an array
 *   (naming the key, e.g. `parameterGrid[1].units`); {@link RangeError} an empty value list.
 */
export function parameterGrid<const G extends ParamGridSpec>(grid: G | readonly G[]): ParameterGrid<Combination<G>> {
  const list = Array.isArray(grid) ? (grid as readonly G[]) : [grid as G];
  if (Array.isArray(grid) && grid.length === 0) {
    throw new RangeError('Expected a grid or a non-empty array of grids for parameterGrid but received an empty array');
  }
  const checked = list.map((g, i) => checkGrid(g, Array.isArray(grid) ? `parameterGrid[${i}]` : 'parameterGrid'));
  const grids = checked.map((c) => Object.fromEntries(c.keys.map((k, j) => [k, [...c.values[j]!]])) as ParamGridSpec);
  const length = checked.reduce((n, c) => n + c.size, 0);

  const at = (index: number): Combination<G> => {
    if (typeof index !== 'number' || !Number.isInteger(index)) throw typeError('an integer', 'parameterGrid.at(index)', index);
    let i = index < 0 ? index + length : index;
    if (i < 0 || i >= length) {
      throw new RangeError(`Expected an index in [${-length}, ${length - 1}] for parameterGrid.at(index) but received ${index}`);
    }
    for (const c of checked) {
      if (i >= c.size) {
        i -= c.size;
        continue;
      }
      // Mixed radix, least significant digit = last key.
      const out: ParamSet = {};
      const digits: number[] = new Array<number>(c.keys.length);
      for (let k = c.keys.length - 1; k >= 0; k--) {
        const n = c.values[k]!.length;
        digits[k] = i % n;
        i = Math.floor(i / n);
      }
      c.keys.forEach((key, k) => {
        out[key] = c.values[k]![digits[k]!];
      });
      return out as Combination<G>;
    }
    throw new RangeError(`parameterGrid index ${index} out of range`); // unreachable
  };

  return {
    length,
    grids,
    at,
    toArray: () => Array.from({ length }, (_, i) => at(i)),
    *[Symbol.iterator]() {
      for (let i = 0; i < length; i++) yield at(i);
    },
  };
}
