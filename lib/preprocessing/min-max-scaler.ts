/**
 * MinMaxScaler: scales each feature to a range, with scikit-learn's semantics.
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

interface State {
  dataMin: number[];
  dataMax: number[];
  scale: number[];
  min: number[];
  nSamplesSeen: number;
}

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
export class MinMaxScaler implements Transformer {
  readonly featureRange: readonly [number, number];
  readonly clip: boolean;
  #state: State | undefined;

  constructor(args: MinMaxScalerArgs = {}) {
    const opts = checkOptions<MinMaxScalerArgs>(args, 'MinMaxScaler', ['featureRange', 'clip']);
    this.featureRange = checkRange(opts.featureRange ?? [0, 1]);
    this.clip = boolean(opts.clip ?? false, 'MinMaxScaler.clip');
  }

  /** Per-feature minimum seen by `fit` (scikit-learn's `data_min_`). @throws {Error} before `fit`. */
  get dataMin(): number[] {
    return [...this.#fitted('reading dataMin').dataMin];
  }

  /** Per-feature maximum seen by `fit` (`data_max_`). @throws {Error} before `fit`. */
  get dataMax(): number[] {
    return [...this.#fitted('reading dataMax').dataMax];
  }

  /** Per-feature `dataMax - dataMin` (`data_range_`). @throws {Error} before `fit`. */
  get dataRange(): number[] {
    const s = this.#fitted('reading dataRange');
    return s.dataMax.map((hi, j) => hi - s.dataMin[j]!);
  }

  /** Per-feature multiplier (`scale_`). @throws {Error} before `fit`. */
  get scale(): number[] {
    return [...this.#fitted('reading scale').scale];
  }

  /** Per-feature offset added after scaling (`min_`). @throws {Error} before `fit`. */
  get min(): number[] {
    return [...this.#fitted('reading min').min];
  }

  /** Number of features seen by `fit` (`n_features_in_`). @throws {Error} before `fit`. */
  get nFeaturesIn(): number {
    return this.#fitted('reading nFeaturesIn').scale.length;
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
   * Computes the per-feature minimum and maximum used for scaling.
   *
   * @throws {TypeError|RangeError} when `X` is not a non-empty, rectangular, finite series.
   */
  fit(X: Series): this {
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
    this.#state = { dataMin, dataMax, scale, min, nSamplesSeen: rows.length };
    return this;
  }

  /**
   * Scales `X` with the fitted parameters: `X * scale + min`, clipped to `featureRange` when `clip`.
   *
   * @throws {Error} before `fit`.
   * @throws {RangeError} when `X` has a different number of features than the fit saw.
   */
  transform<T extends Series>(X: T): T {
    const s = this.#fitted('transform()');
    const { rows, oneD, features } = readSeries(X, 'MinMaxScaler.transform.X');
    checkFeatures('MinMaxScaler', 'MinMaxScaler.transform.X', features, s.scale.length);
    const [lo, hi] = this.featureRange;
    const out = rows.map((row) =>
      row.map((v, j) => {
        const t = v * s.scale[j]! + s.min[j]!;
        return this.clip ? Math.min(hi, Math.max(lo, t)) : t;
      }),
    );
    return writeSeries<T>(out, oneD);
  }

  /** `fit(X)` then `transform(X)`. @throws as `fit` does. */
  fitTransform<T extends Series>(X: T): T {
    return this.fit(X).transform(X);
  }

  /**
   * Undoes the scaling: `(X - min) / scale`.
   *
   * @throws {Error} before `fit`.
   * @throws {RangeError} when `X` has a different number of features than the fit saw.
   */
  inverseTransform<T extends Series>(X: T): T {
    const s = this.#fitted('inverseTransform()');
    const { rows, oneD, features } = readSeries(X, 'MinMaxScaler.inverseTransform.X');
    checkFeatures('MinMaxScaler', 'MinMaxScaler.inverseTransform.X', features, s.scale.length);
    const out = rows.map((row) => row.map((v, j) => (v - s.min[j]!) / s.scale[j]!));
    return writeSeries<T>(out, oneD);
  }

  /** The options, fully defaulted. */
  getConfig(): MinMaxScalerConfig {
    return { featureRange: [this.featureRange[0], this.featureRange[1]], clip: this.clip };
  }

  /** Plain JSON of the options and fitted attributes, to save next to a model. */
  toJSON(): MinMaxScalerJSON {
    const s = this.#state;
    return {
      className: 'MinMaxScaler',
      config: this.getConfig(),
      state: s === undefined
        ? null
        : { dataMin: [...s.dataMin], dataMax: [...s.dataMax], scale: [...s.scale], min: [...s.min], nSamplesSeen: s.nSamplesSeen },
    };
  }

  /**
   * Rebuilds a scaler from {@link MinMaxScaler.toJSON}'s output (or that JSON parsed back).
   *
   * @throws {TypeError|RangeError} when `json` is not a MinMaxScaler document.
   */
  static fromJSON(json: unknown): MinMaxScaler {
    if (typeof json !== 'object' || json === null || (json as { className?: unknown }).className !== 'MinMaxScaler') {
      throw typeError('a MinMaxScaler JSON document (className "MinMaxScaler")', 'MinMaxScaler.fromJSON.json', json);
    }
    const doc = json as Partial<MinMaxScalerJSON>;
    const scaler = new MinMaxScaler(doc.config);
    if (doc.state === null || doc.state === undefined) return scaler;
    const st = doc.state;
    const name = 'MinMaxScaler.fromJSON.json.state';
    const scale = jsonNumbers(st.scale, `${name}.scale`);
    const n = scale.length;
    const nSamplesSeen = st.nSamplesSeen;
    if (typeof nSamplesSeen !== 'number' || !Number.isInteger(nSamplesSeen) || nSamplesSeen < 1) {
      throw typeError('a positive integer', `${name}.nSamplesSeen`, nSamplesSeen);
    }
    scaler.#state = {
      dataMin: jsonNumbers(st.dataMin, `${name}.dataMin`, n),
      dataMax: jsonNumbers(st.dataMax, `${name}.dataMax`, n),
      scale,
      min: jsonNumbers(st.min, `${name}.min`, n),
      nSamplesSeen,
    };
    return scaler;
  }

  #fitted(method: string): State {
    if (this.#state === undefined) throw notFittedError('MinMaxScaler', method);
    return this.#state;
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
