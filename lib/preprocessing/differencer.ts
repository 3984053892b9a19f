/**
 * Differencer: an invertible differencing transform for trending or seasonal series.
 */
import { checkOptions, integer } from '../validate.js';
import { readDocument } from './json-state.js';
import {
  checkFeatures,
  notFittedError,
  readSeries,
  writeSeries,
  type Series,
  type Transformer,
} from './pipeline.js';

/** Options of {@link Differencer}. */
export interface DifferencerArgs {
  /** Distance, in rows, between the values subtracted (12 = seasonal for monthly data). Defaults to `1`. */
  lag?: number;
  /** How many times the difference is taken. Defaults to `1`. */
  order?: number;
}

/** The fully defaulted options of a {@link Differencer}. */
export interface DifferencerConfig {
  lag: number;
  order: number;
}

/** Options of {@link Differencer.inverseTransform}. */
export interface DifferencerInverseOptions {
  /**
   * The levels just before the first difference (at least `lag * order` rows; only the last
   * `lag * order` are used). Defaults to the last `lag * order` rows seen by `fit`.
   */
  initial?: Series;
}

/** What {@link Differencer.toJSON} writes and {@link Differencer.fromJSON} reads. */
export interface DifferencerJSON {
  className: 'Differencer';
  config: DifferencerConfig;
  /** The last `lag * order` rows seen by `fit` (rows x features), or `null` for an unfitted one. */
  state: { lastValues: number[][]; oneD: boolean } | null;
}

/**
 * Replaces a series by its differences `x[t] - x[t - lag]`, taken `order` times, and integrates
 * differences back to levels.
 *
 * Why: an LSTM trained on min-max-scaled raw levels of a trending series (monthly CO2, prices)
 * saturates when the held-out values lie above the training range, since the scaled targets
 * leave `[0, 1]`. Differences stay in the range the model saw; integrating them back gives levels.
 *
 * Semantics, for `k = lag * order` (each row is a feature vector; every feature is differenced
 * on its own):
 * - `transform(X)` returns `order`-fold lag differences; row `j` of the output belongs to row
 *   `j + k` of `X`, so the output is `k` rows shorter. `transform` does not change the fitted state.
 * - `fit(X)` remembers the last `k` rows of `X` (the anchor) and the number of features.
 * - `inverseTransform(D)` reads `D` as the differences of the rows right after the anchor, and
 *   integrates them recursively (each restored level feeds the next): this continues a
 *   recursive multi-step forecast from the end of the fitted series. With
 *   `{ initial: levels }` the anchor is instead the last `k` rows of `levels`, the true levels
 *   just before `D[0]`; with a single-row `D` that is the one-step-ahead inverse.
 * - `inverseOneStep(D, levels, start)` inverts many one-step-ahead predictions at once, each
 *   from the TRUE previous levels (never from earlier predictions): row `j` is the level at
 *   position `start + j` of `levels`.
 *
 * So `inverseTransform(transform(X), { initial: X.slice(0, k) })` equals `X.slice(k)`, and after
 * `fit(train)`, `inverseTransform(transform([...train, ...next]).slice(train.length - k))`
 * equals `next`.
 *
 * Args:
 *   lag: rows between the subtracted values; 1 removes a trend, the season length (12 for
 *     monthly data) removes a yearly pattern. Defaults to `1`.
 *   order: times the difference is applied (2 removes a quadratic trend). Defaults to `1`.
 *
 * @example
 * ```ts
 * const diff = new preprocessing.Differencer({ lag: 1 });
 * diff.fitTransform([10, 12, 15]);            // [2, 3]
 * diff.inverseTransform([1, 1]);              // [16, 17]: continues after 15
 * diff.inverseTransform([4], { initial: [20] }); // [24]: one step from a true previous level
 * diff.inverseOneStep([1, 2], [10, 12, 15]);  // [11, 14]: 10 + 1 and 12 + 2, from the true levels
 * ```
 * @throws {TypeError|RangeError} for an unknown option or a `lag`/`order` that is not a positive integer.
 */
export class Differencer implements Transformer {
  readonly lag: number;
  readonly order: number;
  #anchor: { rows: number[][]; oneD: boolean } | undefined;

  constructor(args: DifferencerArgs = {}) {
    const opts = checkOptions<DifferencerArgs>(args, 'Differencer', ['lag', 'order']);
    this.lag = positiveInteger(opts.lag ?? 1, 'Differencer.lag');
    this.order = positiveInteger(opts.order ?? 1, 'Differencer.order');
  }

  /** `lag * order`: rows lost by `transform`, rows of levels an inverse starts from. */
  get span(): number {
    return this.lag * this.order;
  }

  /**
   * The last `lag * order` rows seen by `fit`, in the form `fit` received (the default anchor
   * of `inverseTransform`). @throws {Error} before `fit`.
   */
  get lastValues(): number[] | number[][] {
    const a = this.#fitted('reading lastValues');
    return writeSeries(a.rows.map((r) => [...r]), a.oneD);
  }

  /** Number of features seen by `fit`. @throws {Error} before `fit`. */
  get nFeaturesIn(): number {
    return this.#fitted('reading nFeaturesIn').rows[0]!.length;
  }

  /** Whether `fit` (or `fromJSON` of a fitted differencer) has run. */
  get isFitted(): boolean {
    return this.#anchor !== undefined;
  }

  /**
   * Remembers the last `lag * order` rows of `X` as the anchor of `inverseTransform`.
   *
   * @throws {TypeError|RangeError} when `X` is not a finite, rectangular series of more than
   *   `lag * order` rows.
   */
  fit(X: Series): this {
    const { rows, oneD } = this.#read(X, 'Differencer.fit.X');
    this.#anchor = { rows: rows.slice(rows.length - this.span), oneD };
    return this;
  }

  /**
   * The `order`-fold lag differences of `X`: `lag * order` rows shorter than `X`.
   *
   * @throws {Error} before `fit`.
   * @throws {RangeError} when `X` has `lag * order` rows or fewer, or other features than the fit saw.
   */
  transform<T extends Series>(X: T): T {
    const a = this.#fitted('transform()');
    const { rows, oneD, features } = this.#read(X, 'Differencer.transform.X');
    checkFeatures('Differencer', 'Differencer.transform.X', features, a.rows[0]!.length);
    let out = rows;
    for (let k = 0; k < this.order; k++) out = diffOnce(out, this.lag);
    return writeSeries<T>(out, oneD);
  }

  /** `fit(X)` then `transform(X)`. @throws as `fit` does. */
  fitTransform<T extends Series>(X: T): T {
    return this.fit(X).transform(X);
  }

  /**
   * Integrates differences back to levels, recursively: each restored level is the base of
   * the later ones. Returns one level per row of `diffs` (the anchor is not included).
   *
   * Options:
   *   initial: the true levels right before `diffs[0]`; at least `lag * order` rows, of which
   *     the last `lag * order` are used. Defaults to the last `lag * order` rows seen by `fit`,
   *     so a forecast of differences continues from the end of the fitted series.
   *
   * @throws {Error} before `fit`.
   * @throws {RangeError} when `initial` is too short, or a feature count differs from the fit's.
   */
  inverseTransform<T extends Series>(diffs: T, options?: DifferencerInverseOptions): T {
    const a = this.#fitted('inverseTransform()');
    const opts = checkOptions<DifferencerInverseOptions>(options, 'Differencer.inverseTransform.options', ['initial']);
    const d = readSeries(diffs, 'Differencer.inverseTransform.diffs');
    const features = a.rows[0]!.length;
    checkFeatures('Differencer', 'Differencer.inverseTransform.diffs', d.features, features);
    let anchor = a.rows;
    if (opts.initial !== undefined) {
      const name = 'Differencer.inverseTransform.options.initial';
      const init = readSeries(opts.initial, name);
      checkFeatures('Differencer', name, init.features, features);
      if (init.rows.length < this.span) {
        throw new RangeError(
          `Expected at least lag * order = ${this.span} rows in ${name} but received ${init.rows.length}`,
        );
      }
      anchor = init.rows.slice(init.rows.length - this.span);
    }
    return writeSeries<T>(integrate(d.rows, anchor, this.lag, this.order), d.oneD);
  }

  /**
   * Inverts one-step-ahead predictions of differences, each from the true levels before it:
   * row `j` of the result is the level at position `start + j` of `levels`, i.e.
   * `diffs[j]` integrated from `levels[start + j - lag * order .. start + j - 1]`. Errors do not
   * accumulate, as they would with the recursive `inverseTransform`.
   *
   * Args:
   *   diffs: predicted differences, one row per position.
   *   levels: the true series (levels), covering the positions before each prediction. Uses
   *     no fitted state, only the feature count.
   *   start: the position in `levels` of `diffs[0]`; at least `lag * order`, and at most
   *     `levels.length - diffs.length + 1` (the last prediction may be the one just past the
   *     end of `levels`). Defaults to `levels.length - diffs.length` (predictions aligned with
   *     the end of `levels`, e.g. a held-out tail).
   *
   * @example
   * ```ts
   * const diff = new preprocessing.Differencer({ lag: 1 }).fit(train);
   * // series: the whole true series; predDiffs: one-step predictions for its last 24 positions
   * const predLevels = diff.inverseOneStep(predDiffs, series); // predLevels[j] = series[n-24+j-1] + predDiffs[j]
   * ```
   * @throws {Error} before `fit`.
   * @throws {RangeError} when `start` is out of range or a feature count differs from the fit's.
   */
  inverseOneStep<T extends Series>(diffs: T, levels: Series, start?: number): T {
    const a = this.#fitted('inverseOneStep()');
    const features = a.rows[0]!.length;
    const d = readSeries(diffs, 'Differencer.inverseOneStep.diffs');
    checkFeatures('Differencer', 'Differencer.inverseOneStep.diffs', d.features, features);
    const lv = readSeries(levels, 'Differencer.inverseOneStep.levels');
    checkFeatures('Differencer', 'Differencer.inverseOneStep.levels', lv.features, features);
    const m = d.rows.length;
    const first = integer(start ?? lv.rows.length - m, 'Differencer.inverseOneStep.start', {
      min: this.span,
      max: lv.rows.length - m + 1,
    });
    const out = d.rows.map((row, j) => {
      const anchor = lv.rows.slice(first + j - this.span, first + j);
      return integrate([row], anchor, this.lag, this.order)[0]!;
    });
    return writeSeries<T>(out, d.oneD);
  }

  /** The options, fully defaulted. */
  getConfig(): DifferencerConfig {
    return { lag: this.lag, order: this.order };
  }

  /** Plain JSON of the options and the fitted anchor, to save next to a model. */
  toJSON(): DifferencerJSON {
    const a = this.#anchor;
    return {
      className: 'Differencer',
      config: this.getConfig(),
      state: a === undefined ? null : { lastValues: a.rows.map((r) => [...r]), oneD: a.oneD },
    };
  }

  /**
   * Rebuilds a differencer from {@link Differencer.toJSON}'s output (or that JSON parsed back).
   *
   * @throws {TypeError|RangeError} when `json` is not a Differencer document.
   */
  static fromJSON(json: unknown): Differencer {
    const doc = readDocument<DifferencerJSON>(json, 'Differencer');
    const out = new Differencer(doc.config);
    if (doc.state === null || doc.state === undefined) return out;
    const name = 'Differencer.fromJSON.json.state.lastValues';
    const { rows } = readSeries(doc.state.lastValues, name);
    if (rows.length !== out.span) {
      throw new RangeError(`Expected lag * order = ${out.span} rows in ${name} but received ${rows.length}`);
    }
    out.#anchor = { rows, oneD: doc.state.oneD === true };
    return out;
  }

  #read(X: unknown, name: string): ReturnType<typeof readSeries> {
    const r = readSeries(X, name);
    if (r.rows.length <= this.span) {
      throw new RangeError(
        `Expected more than lag * order = ${this.span} rows in ${name} but received ${r.rows.length}`,
      );
    }
    return r;
  }

  #fitted(what: string): { rows: number[][]; oneD: boolean } {
    if (this.#anchor === undefined) throw notFittedError('Differencer', what);
    return this.#anchor;
  }
}

function positiveInteger(value: unknown, name: string): number {
  return integer(value, name, { min: 1 });
}

/** `out[t] = rows[t + lag] - rows[t]`, per feature. */
function diffOnce(rows: number[][], lag: number): number[][] {
  const out: number[][] = [];
  for (let t = lag; t < rows.length; t++) out.push(rows[t]!.map((v, j) => v - rows[t - lag]![j]!));
  return out;
}

/**
 * Integrates `order`-fold lag differences from `anchor` (the `lag * order` levels before `diffs[0]`).
 * Level k of the anchor (its k-fold differences) seeds the integration from order k + 1 to k.
 */
function integrate(diffs: number[][], anchor: number[][], lag: number, order: number): number[][] {
  const seeds: number[][][] = [];
  let level = anchor;
  for (let k = 0; k < order; k++) {
    seeds.push(level.slice(level.length - lag));
    level = diffOnce(level, lag);
  }
  let current = diffs;
  for (let k = order - 1; k >= 0; k--) {
    const seed = seeds[k]!;
    const out: number[][] = [];
    for (let j = 0; j < current.length; j++) {
      const base = j < lag ? seed[j]! : out[j - lag]!;
      out.push(current[j]!.map((v, f) => v + base[f]!));
    }
    current = out;
  }
  return current;
}
