/**
 * StandardScaler: centres and scales each feature to unit variance, with scikit-learn's semantics.
 */
import { boolean, checkOptions, typeError } from '../validate.js';
import {
  checkFeatures,
  jsonNumbers,
  notFittedError,
  readSeries,
  writeSeries,
  type Series,
  type Transformer,
} from './pipeline.js';

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

interface State {
  mean: number[];
  variance: number[];
  scale: number[];
  nSamplesSeen: number;
}

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
export class StandardScaler implements Transformer {
  readonly withMean: boolean;
  readonly withStd: boolean;
  #state: State | undefined;

  constructor(args: StandardScalerArgs = {}) {
    const opts = checkOptions<StandardScalerArgs>(args, 'StandardScaler', ['withMean', 'withStd']);
    this.withMean = boolean(opts.withMean ?? true, 'StandardScaler.withMean');
    this.withStd = boolean(opts.withStd ?? true, 'StandardScaler.withStd');
  }

  /** Per-feature mean (scikit-learn's `mean_`). @throws {Error} before `fit`. */
  get mean(): number[] {
    return [...this.#fitted('reading mean').mean];
  }

  /** Per-feature population variance (`var_`). @throws {Error} before `fit`. */
  get variance(): number[] {
    return [...this.#fitted('reading variance').variance];
  }

  /** Per-feature divisor (`scale_`; ones when `withStd` is false). @throws {Error} before `fit`. */
  get scale(): number[] {
    return [...this.#fitted('reading scale').scale];
  }

  /** Number of features seen by `fit` (`n_features_in_`). @throws {Error} before `fit`. */
  get nFeaturesIn(): number {
    return this.#fitted('reading nFeaturesIn').mean.length;
  }

  /** Number of rows seen by `fit` (`n_samples_seen_`). @throws {Error} before `fit`. */
  get nSamplesSeen(): number {
    return this.#fitted('reading nSamplesSeen').nSamplesSeen;
  }

  /** Whether `fit` (or `fromJSON` of a fitted scaler) has run. */
  get isFitted(): boolean {
    return this.#state !== undefined;
  }

  /**
   * Computes the per-feature mean and population variance (two passes, float64).
   *
   * @throws {TypeError|RangeError} when `X` is not a non-empty, rectangular, finite series.
   */
  fit(X: Series): this {
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
    this.#state = { mean, variance, scale, nSamplesSeen: n };
    return this;
  }

  /**
   * Standardizes `X` with the fitted parameters.
   *
   * @throws {Error} before `fit`.
   * @throws {RangeError} when `X` has a different number of features than the fit saw.
   */
  transform<T extends Series>(X: T): T {
    const s = this.#fitted('transform()');
    const { rows, oneD, features } = readSeries(X, 'StandardScaler.transform.X');
    checkFeatures('StandardScaler', 'StandardScaler.transform.X', features, s.mean.length);
    const out = rows.map((row) =>
      row.map((v, j) => (this.withMean ? v - s.mean[j]! : v) / (this.withStd ? s.scale[j]! : 1)),
    );
    return writeSeries<T>(out, oneD);
  }

  /** `fit(X)` then `transform(X)`. @throws as `fit` does. */
  fitTransform<T extends Series>(X: T): T {
    return this.fit(X).transform(X);
  }

  /**
   * Undoes the standardization: `X * scale + mean`.
   *
   * @throws {Error} before `fit`.
   * @throws {RangeError} when `X` has a different number of features than the fit saw.
   */
  inverseTransform<T extends Series>(X: T): T {
    const s = this.#fitted('inverseTransform()');
    const { rows, oneD, features } = readSeries(X, 'StandardScaler.inverseTransform.X');
    checkFeatures('StandardScaler', 'StandardScaler.inverseTransform.X', features, s.mean.length);
    const out = rows.map((row) =>
      row.map((v, j) => v * (this.withStd ? s.scale[j]! : 1) + (this.withMean ? s.mean[j]! : 0)),
    );
    return writeSeries<T>(out, oneD);
  }

  /** The options, fully defaulted. */
  getConfig(): StandardScalerConfig {
    return { withMean: this.withMean, withStd: this.withStd };
  }

  /** Plain JSON of the options and fitted attributes, to save next to a model. */
  toJSON(): StandardScalerJSON {
    const s = this.#state;
    return {
      className: 'StandardScaler',
      config: this.getConfig(),
      state: s === undefined
        ? null
        : { mean: [...s.mean], variance: [...s.variance], scale: [...s.scale], nSamplesSeen: s.nSamplesSeen },
    };
  }

  /**
   * Rebuilds a scaler from {@link StandardScaler.toJSON}'s output (or that JSON parsed back).
   *
   * @throws {TypeError|RangeError} when `json` is not a StandardScaler document.
   */
  static fromJSON(json: unknown): StandardScaler {
    if (typeof json !== 'object' || json === null || (json as { className?: unknown }).className !== 'StandardScaler') {
      throw typeError('a StandardScaler JSON document (className "StandardScaler")', 'StandardScaler.fromJSON.json', json);
    }
    const doc = json as Partial<StandardScalerJSON>;
    const scaler = new StandardScaler(doc.config);
    if (doc.state === null || doc.state === undefined) return scaler;
    const st = doc.state;
    const name = 'StandardScaler.fromJSON.json.state';
    const mean = jsonNumbers(st.mean, `${name}.mean`);
    const nSamplesSeen = st.nSamplesSeen;
    if (typeof nSamplesSeen !== 'number' || !Number.isInteger(nSamplesSeen) || nSamplesSeen < 1) {
      throw typeError('a positive integer', `${name}.nSamplesSeen`, nSamplesSeen);
    }
    scaler.#state = {
      mean,
      variance: jsonNumbers(st.variance, `${name}.variance`, mean.length),
      scale: jsonNumbers(st.scale, `${name}.scale`, mean.length),
      nSamplesSeen,
    };
    return scaler;
  }

  #fitted(what: string): State {
    if (this.#state === undefined) throw notFittedError('StandardScaler', what);
    return this.#state;
  }
}
