/**
 * StandardScaler: centres and scales each feature to unit variance, with scikit-learn's semantics.
 */
import { boolean, checkOptions } from '../validate.js';
import { AffineScaler, type AffineMap } from './affine-scaler.js';
import { readDocument } from './json-state.js';
import { readSeries, type Series } from './pipeline.js';

/** Options of {@link StandardScaler}. */
export interface StandardScalerArgs {
  /** Whether to subtract the mean. Defaults to `true`. */
  withMean?: boolean;
  /** Whether to divide by the standard deviation. Defaults to `true`. */
  withStd?: boolean;
}

/** The fully defaulted options of a {@link StandardScaler}. */
export interface StandardScalerConfig {
  withMean: boolean;
  withStd: boolean;
}

/** What {@link StandardScaler.toJSON} writes and {@link StandardScaler.fromJSON} reads. */
export interface StandardScalerJSON {
  className: 'StandardScaler';
  config: StandardScalerConfig;
  /** The fitted attributes, or `null` for an unfitted scaler. */
  state: { mean: number[]; variance: number[]; scale: number[]; nSamplesSeen: number } | null;
}

type State = NonNullable<StandardScalerJSON['state']>;

const EPS = 2 ** -52;

/**
 * Standardizes each feature (column): `(X - mean) / scale`.
 *
 * The same transform as scikit-learn's `StandardScaler`: `mean` is the per-feature mean,
 * `variance` the population variance (ddof = 0, i.e. divided by n, not n - 1) and
 * `scale = sqrt(variance)`. A constant feature (variance zero up to rounding, scikit-learn's
 * `_is_constant_feature` test) gets `scale = 1`, so it transforms to 0 (or to itself minus the
 * mean). With `withMean: false` nothing is subtracted; with `withStd: false` nothing is divided
 * and `scale` is all ones (scikit-learn leaves `scale_` as `None` there). `mean` and `variance`
 * are always computed.
 *
 * `X` is `number[]` (one feature; the output is a `number[]` too) or `number[][]` (rows x features).
 *
 * Args:
 *   withMean: subtract the mean before scaling. Defaults to `true`.
 *   withStd: divide by the standard deviation. Defaults to `true`.
 *
 * @example
 * ```ts
 * const scaler = new preprocessing.StandardScaler();
 * scaler.fitTransform([1, 2, 3]);      // [-1.2247..., 0, 1.2247...]
 * scaler.mean;                         // [2]
 * scaler.variance;                     // [0.6666...]
 * ```
 * @throws {TypeError} for an unknown option or a non-boolean value.
 */
export class StandardScaler extends AffineScaler<StandardScalerJSON> {
  readonly withMean: boolean;
  readonly withStd: boolean;

  constructor(args: StandardScalerArgs = {}) {
    super('StandardScaler');
    const opts = checkOptions<StandardScalerArgs>(args, 'StandardScaler', ['withMean', 'withStd']);
    this.withMean = boolean(opts.withMean ?? true, 'StandardScaler.withMean');
    this.withStd = boolean(opts.withStd ?? true, 'StandardScaler.withStd');
  }

  /** Per-feature mean (scikit-learn's `mean_`). @throws {Error} before `fit`. */
  get mean(): number[] {
    return [...this.state('reading mean').mean];
  }

  /** Per-feature population variance (`var_`). @throws {Error} before `fit`. */
  get variance(): number[] {
    return [...this.state('reading variance').variance];
  }

  /** Per-feature divisor (`scale_`; ones when `withStd` is false). @throws {Error} before `fit`. */
  get scale(): number[] {
    return [...this.state('reading scale').scale];
  }

  /**
   * Computes the per-feature mean and population variance (two passes, float64).
   *
   * @throws {TypeError|RangeError} when `X` is not a non-empty, rectangular, finite series.
   */
  override fit(X: Series): this {
    const { rows, features } = readSeries(X, 'StandardScaler.fit.X');
    const n = rows.length;
    const mean = new Array<number>(features).fill(0);
    for (const row of rows) for (let j = 0; j < features; j++) mean[j]! += row[j]!;
    for (let j = 0; j < features; j++) mean[j]! /= n;
    const variance = new Array<number>(features).fill(0);
    for (const row of rows) {
      for (let j = 0; j < features; j++) {
        const d = row[j]! - mean[j]!;
        variance[j]! += d * d;
      }
    }
    for (let j = 0; j < features; j++) variance[j]! /= n;
    const scale = variance.map((v, j) => {
      if (!this.withStd) return 1;
      // scikit-learn's _is_constant_feature: the variance is below what rounding alone can produce.
      const bound = n * EPS * v + (n * mean[j]! * EPS) ** 2;
      return v <= bound ? 1 : Math.sqrt(v);
    });
    return this.setState({ mean, variance, scale, nSamplesSeen: n });
  }

  /**
   * Standardizes `X` with the fitted parameters.
   *
   * @throws {Error} before `fit`.
   * @throws {RangeError} when `X` has a different number of features than the fit saw.
   */
  override transform<T extends Series>(X: T): T {
    return this.subtractDivide(X, 'transform');
  }

  /**
   * Undoes the standardization: `X * scale + mean`.
   *
   * @throws {Error} before `fit`.
   * @throws {RangeError} when `X` has a different number of features than the fit saw.
   */
  override inverseTransform<T extends Series>(X: T): T {
    return this.multiplyAdd(X, 'inverseTransform');
  }

  /** The options, fully defaulted. */
  override getConfig(): StandardScalerConfig {
    return { withMean: this.withMean, withStd: this.withStd };
  }

  /**
   * Rebuilds a scaler from {@link StandardScaler.toJSON}'s output (or that JSON parsed back).
   *
   * @throws {TypeError|RangeError} when `json` is not a StandardScaler document.
   */
  static fromJSON(json: unknown): StandardScaler {
    const doc = readDocument<StandardScalerJSON>(json, 'StandardScaler');
    return new StandardScaler(doc.config).restoreState(doc.state, ['mean', 'variance', 'scale'], 'mean');
  }

  /**
   * `(X - mean) / scale` is the inverse of `X * scale + mean`; without `withMean` the offset is
   * 0, without `withStd` the multiplier is 1 (whatever a loaded `scale` holds).
   */
  protected override affine(state: State): AffineMap {
    return {
      multiplier: this.withStd ? state.scale : state.scale.map(() => 1),
      offset: this.withMean ? state.mean : state.mean.map(() => 0),
    };
  }
}
