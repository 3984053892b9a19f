/**
 * AffineScaler: the per-feature affine transform behind MinMaxScaler and StandardScaler.
 */
import { copyFeatureState, readFeatureState, type TransformerJSON } from './json-state.js';
import { checkFeatures, notFittedError, readSeries, writeSeries, type Series, type Transformer } from './pipeline.js';

/** @internal A scaler's JSON document; its `state` holds `nSamplesSeen` and per-feature arrays. */
export interface ScalerJSON extends TransformerJSON {
  state: { nSamplesSeen: number } | null;
}

/** @internal Per feature `j`, the map `x * multiplier[j] + offset[j]`. */
export interface AffineMap {
  multiplier: readonly number[];
  offset: readonly number[];
}

type Method = 'transform' | 'inverseTransform';

/** The per-feature arrays of a scaler's state. */
type ArrayKey<J extends ScalerJSON> = Exclude<keyof NonNullable<J['state']>, 'nSamplesSeen'> & string;

/**
 * @internal The shared part of the scalers: a per-feature affine map `x * multiplier + offset`
 * and its inverse `(x - offset) / multiplier`.
 *
 * A subclass computes its statistics in `fit` and hands them to `setState`; `affine` turns them
 * into the map, and its `transform` picks the direction (`multiplyAdd` for MinMaxScaler's
 * `X * scale + min`, `subtractDivide` for StandardScaler's `(X - mean) / scale`), so each scaler
 * keeps scikit-learn's arithmetic to the last bit. Here live the fitted-state checks, the
 * feature-count checks, the common attributes and `toJSON`.
 */
export abstract class AffineScaler<J extends ScalerJSON> implements Transformer {
  readonly #className: J['className'];
  #fitted: { state: NonNullable<J['state']>; map: AffineMap } | undefined;

  protected constructor(className: J['className']) {
    this.#className = className;
  }

  /** Number of features seen by `fit` (`n_features_in_`). @throws {Error} before `fit`. */
  get nFeaturesIn(): number {
    return this.#fit('reading nFeaturesIn').map.multiplier.length;
  }

  /** Number of rows seen by `fit` (`n_samples_seen_`). @throws {Error} before `fit`. */
  get nSamplesSeen(): number {
    return this.#fit('reading nSamplesSeen').state.nSamplesSeen;
  }

  /** Whether `fit` (or `fromJSON` of a fitted scaler) has run. */
  get isFitted(): boolean {
    return this.#fitted !== undefined;
  }

  abstract fit(X: Series): this;
  abstract transform<T extends Series>(X: T): T;
  abstract inverseTransform<T extends Series>(X: T): T;
  abstract getConfig(): J['config'];

  /** `fit(X)` then `transform(X)`. @throws as `fit` does. */
  fitTransform<T extends Series>(X: T): T {
    return this.fit(X).transform(X);
  }

  /** Plain JSON of the options and fitted attributes, to save next to a model. */
  toJSON(): J {
    const fitted = this.#fitted;
    return {
      className: this.#className,
      config: this.getConfig(),
      state: fitted === undefined ? null : copyFeatureState(fitted.state),
    } as J;
  }

  /** The per-feature map of a fitted state. */
  protected abstract affine(state: NonNullable<J['state']>): AffineMap;

  /** Records the fitted state (from `fit` or `fromJSON`). */
  protected setState(state: NonNullable<J['state']>): this {
    this.#fitted = { state, map: this.affine(state) };
    return this;
  }

  /** The fitted state. @throws {Error} before `fit`, naming `what` was attempted. */
  protected state(what: string): NonNullable<J['state']> {
    return this.#fit(what).state;
  }

  /**
   * Restores the state saved by `toJSON` (nothing for `null`/`undefined`): `first` fixes the
   * feature count, the other `keys` must match it.
   */
  protected restoreState(state: unknown, keys: readonly ArrayKey<J>[], first: ArrayKey<J>): this {
    if (state === null || state === undefined) return this;
    const name = `${this.#className}.fromJSON.json.state`;
    return this.setState(readFeatureState(state, name, keys, first) as unknown as NonNullable<J['state']>);
  }

  /** `X * multiplier + offset` per feature, clipped to `clip` when given. */
  protected multiplyAdd<T extends Series>(X: T, method: Method, clip?: readonly [number, number]): T {
    const { rows, oneD, map } = this.#read(X, method);
    const out = rows.map((row) =>
      row.map((v, j) => {
        const t = v * map.multiplier[j]! + map.offset[j]!;
        return clip ? Math.min(clip[1], Math.max(clip[0], t)) : t;
      }),
    );
    return writeSeries<T>(out, oneD);
  }

  /** `(X - offset) / multiplier` per feature: the inverse of {@link AffineScaler.multiplyAdd}. */
  protected subtractDivide<T extends Series>(X: T, method: Method): T {
    const { rows, oneD, map } = this.#read(X, method);
    const out = rows.map((row) => row.map((v, j) => (v - map.offset[j]!) / map.multiplier[j]!));
    return writeSeries<T>(out, oneD);
  }

  /** Checks the scaler is fitted, then reads `X` with as many features as the fit saw. */
  #read(X: Series, method: Method): { rows: number[][]; oneD: boolean; map: AffineMap } {
    const { map } = this.#fit(`${method}()`);
    const name = `${this.#className}.${method}.X`;
    const { rows, oneD, features } = readSeries(X, name);
    checkFeatures(this.#className, name, features, map.multiplier.length);
    return { rows, oneD, map };
  }

  #fit(what: string): { state: NonNullable<J['state']>; map: AffineMap } {
    if (this.#fitted === undefined) throw notFittedError(this.#className, what);
    return this.#fitted;
  }
}
