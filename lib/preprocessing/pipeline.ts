/**
 * The transformer contract shared by the preprocessing classes, and {@link Pipeline}, which
 * chains transformers.
 *
 * A series is `number[]` (one feature) or `number[][]` (rows x features). Every transformer
 * returns the form it was given: a `number[]` in gives a `number[]` out.
 */
import { describe, typeError } from '../validate.js';

/** A series: `number[]` (one feature) or `number[][]` (rows x features). */
export type Series = number[] | number[][];

/**
 * What a preprocessing step does: learn from a series, transform it, and undo the transform.
 *
 * `MinMaxScaler`, `StandardScaler`, `Differencer` and `Pipeline` implement it; so can any
 * user class, which may then be a step of a {@link Pipeline}.
 */
export interface Transformer {
  /** Learns the transform's parameters from `X`; returns the transformer. */
  fit(X: Series): this;
  /** Applies the fitted transform; the output has the input's form. */
  transform<T extends Series>(X: T): T;
  /** `fit(X)` then `transform(X)`. */
  fitTransform<T extends Series>(X: T): T;
  /** Undoes `transform`; the output has the input's form. */
  inverseTransform<T extends Series>(X: T): T;
}

/** @internal A series read into rows of float64 numbers. */
export interface Rows {
  rows: number[][];
  /** Whether the input was a `number[]` (one feature), so the output is too. */
  oneD: boolean;
  features: number;
}

/**
 * @internal Reads `number[]` or `number[][]` into copied rows, checking that it is non-empty,
 * rectangular and finite. `name` is the argument's dotted path for messages.
 */
export function readSeries(value: unknown, name: string): Rows {
  if (!Array.isArray(value) || value.length === 0) {
    throw typeError('a non-empty number[] or number[][]', name, value);
  }
  if (!Array.isArray(value[0])) {
    const row = value.map((v, i) => finite(v, `${name}[${i}]`));
    return { rows: row.map((v) => [v]), oneD: true, features: 1 };
  }
  const features = (value[0] as unknown[]).length;
  if (features === 0) throw new RangeError(`Expected at least one feature in ${name} but ${name}[0] is empty`);
  const rows = value.map((row, i) => {
    if (!Array.isArray(row)) {
      throw new TypeError(`Expected ${name}[${i}] to be an array like ${name}[0] but received ${describe(row)}`);
    }
    if (row.length !== features) {
      throw new RangeError(
        `Expected ${name} to be rectangular but ${name}[${i}] has length ${row.length} and ${name}[0] has length ${features}`,
      );
    }
    return row.map((v, j) => finite(v, `${name}[${i}][${j}]`));
  });
  return { rows, oneD: false, features };
}

function finite(value: unknown, path: string): number {
  if (typeof value !== 'number') throw new TypeError(`Expected a number at ${path} but received ${describe(value)}`);
  if (!Number.isFinite(value)) throw new RangeError(`Expected a finite number at ${path} but received ${value}`);
  return value;
}

/** @internal Rows back into the caller's form. */
export function writeSeries<T extends Series>(rows: number[][], oneD: boolean): T {
  return (oneD ? rows.map((r) => r[0]!) : rows) as T;
}

/** @internal The error for a method called before `fit`. */
export function notFittedError(className: string, what: string): Error {
  return new Error(`This ${className} is not fitted yet; call fit() or fitTransform() before ${what}`);
}

/** @internal Checks that `X` has as many features as the transformer was fitted with. */
export function checkFeatures(className: string, name: string, got: number, expected: number): void {
  if (got !== expected) {
    throw new RangeError(
      `${name} has ${got} feature${got === 1 ? '' : 's'}, but ${className} was fitted with ${expected} feature${expected === 1 ? '' : 's'}`,
    );
  }
}

/**
 * Chains transformers: fits and transforms through the steps in order, inverts in reverse order.
 *
 * The usual chain for an LSTM on a trending series is a {@link Differencer} then a scaler:
 * the model learns scaled differences, and `inverseTransform` unscales then integrates back to
 * levels (a `Differencer` inverted without options continues from the end of the series it was
 * fitted on; see its docs). The steps stay reachable through `steps`, e.g. to call
 * `Differencer.inverseOneStep` after the scaler's inverse.
 *
 * Args:
 *   steps: the transformers, applied first to last. Each needs `fit`, `transform`,
 *     `fitTransform` and `inverseTransform`. No default.
 *
 * @example
 * ```ts
 * const prep = new preprocessing.Pipeline([new preprocessing.Differencer({ lag: 1 }), new preprocessing.MinMaxScaler()]);
 * const scaledDiffs = prep.fitTransform(train);          // train.length - 1 values in [0, 1]
 * const levels = prep.inverseTransform(forecastScaled);  // continues from train's last value
 * ```
 * @throws {TypeError} when `steps` is not a non-empty array of transformers.
 */
export class Pipeline implements Transformer {
  /** The steps, in the order they transform. */
  readonly steps: readonly Transformer[];

  constructor(steps: readonly Transformer[]) {
    if (!Array.isArray(steps) || steps.length === 0) throw typeError('a non-empty array of transformers', 'Pipeline.steps', steps);
    steps.forEach((step, i) => {
      const methods = ['fit', 'transform', 'fitTransform', 'inverseTransform'] as const;
      const missing = methods.find(
        (m) => typeof step !== 'object' || step === null || typeof (step as unknown as Record<string, unknown>)[m] !== 'function',
      );
      if (missing !== undefined) {
        throw typeError(
          `a transformer (an object with fit, transform, fitTransform and inverseTransform; missing ${missing})`,
          `Pipeline.steps[${i}]`,
          step,
        );
      }
    });
    this.steps = Object.freeze([...steps]);
  }

  /**
   * Fits every step on the output of the steps before it.
   *
   * @throws whatever a step's `fit`/`fitTransform` throws.
   */
  fit(X: Series): this {
    let current: Series = X;
    this.steps.forEach((step, i) => {
      if (i < this.steps.length - 1) current = step.fitTransform(current);
      else step.fit(current);
    });
    return this;
  }

  /** Transforms through every step, first to last. */
  transform<T extends Series>(X: T): T {
    return this.steps.reduce<Series>((current, step) => step.transform(current), X) as T;
  }

  /** Fits and transforms through every step, first to last. */
  fitTransform<T extends Series>(X: T): T {
    return this.steps.reduce<Series>((current, step) => step.fitTransform(current), X) as T;
  }

  /** Inverts every step, last to first. */
  inverseTransform<T extends Series>(X: T): T {
    return this.steps.reduceRight<Series>((current, step) => step.inverseTransform(current), X) as T;
  }
}
