/**
 * MinMaxScaler: scales each feature to a range, with scikit-learn's semantics.
 */
import { boolean, checkOptions, typeError } from '../validate.js';
import { AffineScaler, type AffineMap } from './affine-scaler.js';
import { readDocument } from './json-state.js';
import { readSeries, type Series } from './pipeline.js';

/** Options of {@link MinMaxScaler}. */
export interface MinMaxScalerArgs {
  /** The `[min, max]` range of the transformed data. Defaults to `[0, 1]`. */
  featureRange?: readonly [number, number];
  /** Whether `transform` clips its output to `featureRange`. Defaults to `false`. */
  clip?: boolean;
}

/** The fully defaulted options of a {@link MinMaxScaler}. */
export interface MinMaxScalerConfig {
  featureRange: [number, number];
  clip: boolean;
}

/** What {@link MinMaxScaler.toJSON} writes and {@link MinMaxScaler.fromJSON} reads. */
export interface MinMaxScalerJSON {
  className: 'MinMaxScaler';
  config: MinMaxScalerConfig;
  /** The fitted attributes, or `null` for an unfitted scaler. */
  state: {
    dataMin: number[];
    dataMax: number[];
    scale: number[];
    min: number[];
    nSamplesSeen: number;
  } | null;
}

type State = NonNullable<MinMaxScalerJSON['state']>;

const EPS = 2 ** -52;

/**
 * Transforms each feature (column) by scaling it to a given range.
 *
 * The same transform as scikit-learn's `MinMaxScaler`:
 * `X_scaled = X * scale + min` with `scale = (rangeMax - rangeMin) / (dataMax - dataMin)` and
 * `min = rangeMin - dataMin * scale`, computed per feature in float64. A constant feature
 * (a data range below `10 * Number.EPSILON`) gets a data range of 1, so it transforms to
 * `rangeMin`. Values outside the fitted range map outside `featureRange` unless `clip` is set.
 *
 * `X` is `number[]` (one feature; the output is a `number[]` too) or `number[][]`
 * (rows x features). Fit on the training data only, then save the scaler with the model
 * (`toJSON`) so predictions can be mapped back with `inverseTransform`.
 *
 * Args:
 *   featureRange: `[min, max]` of the transformed data, `min < max`. Defaults to `[0, 1]`.
 *   clip: whether `transform` clips to `featureRange` (values the fit never saw). Defaults to `false`.
 *
 * @example
 * ```ts
 * const scaler = new preprocessing.MinMaxScaler();
 * scaler.fitTransform([1, 2, 3]);     // [0, 0.5, 1]
 * scaler.transform([4]);              // [1.5]
 * scaler.inverseTransform([0.25]);    // [1.5]
 * ```
 * @throws {TypeError} for an unknown option or a wrong type.
 * @throws {RangeError} when `featureRange[0] >= featureRange[1]`.
 */
export class MinMaxScaler extends AffineScaler<MinMaxScalerJSON> {
  readonly featureRange: readonly [number, number];
  readonly clip: boolean;

  constructor(args: MinMaxScalerArgs = {}) {
    super('MinMaxScaler');
    const opts = checkOptions<MinMaxScalerArgs>(args, 'MinMaxScaler', ['featureRange', 'clip']);
    this.featureRange = checkRange(opts.featureRange ?? [0, 1]);
    this.clip = boolean(opts.clip ?? false, 'MinMaxScaler.clip');
  }

  /** Per-feature minimum seen by `fit` (scikit-learn's `data_min_`). @throws {Error} before `fit`. */
  get dataMin(): number[] {
    return [...this.state('reading dataMin').dataMin];
  }

  /** Per-feature maximum seen by `fit` (`data_max_`). @throws {Error} before `fit`. */
  get dataMax(): number[] {
    return [...this.state('reading dataMax').dataMax];
  }

  /** Per-feature `dataMax - dataMin` (`data_range_`). @throws {Error} before `fit`. */
  get dataRange(): number[] {
    const s = this.state('reading dataRange');
    return s.dataMax.map((hi, j) => hi - s.dataMin[j]!);
  }

  /** Per-feature multiplier (`scale_`). @throws {Error} before `fit`. */
  get scale(): number[] {
    return [...this.state('reading scale').scale];
  }

  /** Per-feature offset added after scaling (`min_`). @throws {Error} before `fit`. */
  get min(): number[] {
    return [...this.state('reading min').min];
  }

  /**
   * Computes the per-feature minimum and maximum used for scaling.
   *
   * @throws {TypeError|RangeError} when `X` is not a non-empty, rectangular, finite series.
   */
  override fit(X: Series): this {
    const { rows, features } = readSeries(X, 'MinMaxScaler.fit.X');
    const dataMin = new Array<number>(features).fill(Infinity);
    const dataMax = new Array<number>(features).fill(-Infinity);
    for (const row of rows) {
      for (let j = 0; j < features; j++) {
        if (row[j]! < dataMin[j]!) dataMin[j] = row[j]!;
        if (row[j]! > dataMax[j]!) dataMax[j] = row[j]!;
      }
    }
    const [lo, hi] = this.featureRange;
    const scale = dataMin.map((mn, j) => {
      const range = dataMax[j]! - mn;
      return (hi - lo) / (range < 10 * EPS ? 1 : range);
    });
    const min = dataMin.map((mn, j) => lo - mn * scale[j]!);
    return this.setState({ dataMin, dataMax, scale, min, nSamplesSeen: rows.length });
  }

  /**
   * Scales `X` with the fitted parameters: `X * scale + min`, clipped to `featureRange` when `clip`.
   *
   * @throws {Error} before `fit`.
   * @throws {RangeError} when `X` has a different number of features than the fit saw.
   */
  override transform<T extends Series>(X: T): T {
    return this.multiplyAdd(X, 'transform', this.clip ? this.featureRange : undefined);
  }

  /**
   * Undoes the scaling: `(X - min) / scale`.
   *
   * @throws {Error} before `fit`.
   * @throws {RangeError} when `X` has a different number of features than the fit saw.
   */
  override inverseTransform<T extends Series>(X: T): T {
    return this.subtractDivide(X, 'inverseTransform');
  }

  /** The options, fully defaulted. */
  override getConfig(): MinMaxScalerConfig {
    return { featureRange: [this.featureRange[0], this.featureRange[1]], clip: this.clip };
  }

  /**
   * Rebuilds a scaler from {@link MinMaxScaler.toJSON}'s output (or that JSON parsed back).
   *
   * @throws {TypeError|RangeError} when `json` is not a MinMaxScaler document.
   */
  static fromJSON(json: unknown): MinMaxScaler {
    const doc = readDocument<MinMaxScalerJSON>(json, 'MinMaxScaler');
    return new MinMaxScaler(doc.config).restoreState(doc.state, ['dataMin', 'dataMax', 'scale', 'min'], 'scale');
  }

  /** `X * scale + min`. */
  protected override affine(state: State): AffineMap {
    return { multiplier: state.scale, offset: state.min };
  }
}

function checkRange(value: unknown): readonly [number, number] {
  const name = 'MinMaxScaler.featureRange';
  if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => typeof v === 'number')) {
    throw typeError('an array [min, max] of two numbers', name, value);
  }
  const [lo, hi] = value as [number, number];
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo >= hi) {
    throw new RangeError(`Expected [min, max] with finite min < max for ${name} but received [${lo}, ${hi}]`);
  }
  return Object.freeze([lo, hi] as const);
}
