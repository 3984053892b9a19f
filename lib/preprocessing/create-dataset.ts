/**
 * createDataset: sliding windows over a series, for supervised training of a sequence model.
 */
import { checkOptions, integer, rangeError, typeError } from '../validate.js';
import { readSeries, type Series } from './pipeline.js';

/** Options of {@link createDataset}. */
export interface CreateDatasetOptions {
  /** Time steps in each input window. Required. */
  lookBack: number;
  /** How many future target values each window predicts. Defaults to `1`. */
  horizon?: number;
  /** The feature (column) that is the target, for a `number[][]` series. Defaults to `0`. */
  targetColumn?: number;
  /** Rows between the starts of consecutive windows. Defaults to `1`. */
  stride?: number;
}

/** What {@link createDataset} returns for `horizon: 1`. */
export interface Dataset {
  /** Input windows, `[n, lookBack, features]`. */
  x: number[][][];
  /** One target per window, `[n]`. */
  y: number[];
}

/** What {@link createDataset} returns for `horizon > 1`. */
export interface MultiStepDataset {
  /** Input windows, `[n, lookBack, features]`. */
  x: number[][][];
  /** `horizon` targets per window, `[n, horizon]`. */
  y: number[][];
}

/**
 * Cuts a series into input windows and the target values that follow them.
 *
 * For each window start `i = 0, stride, 2 * stride, ...` with
 * `i + lookBack + horizon <= series.length`:
 * `x[i] = series[i .. i + lookBack - 1]` (each step the row's feature vector; a `number[]`
 * series gives one feature, so `x` is `[n, lookBack, 1]`), and the target is
 * `series[i + lookBack][targetColumn]` for `horizon: 1` (`y` is `number[]`), or the `horizon`
 * target values `series[i + lookBack .. i + lookBack + horizon - 1][targetColumn]` otherwise
 * (`y` is `number[][]`). With `stride: 1` there are `n = series.length - lookBack - horizon + 1`
 * windows: for `horizon: 1` the same count as the classic Keras tutorial's
 * `for i in range(len(data) - look_back)`.
 *
 * Scale (and difference) the series before cutting it, so that the windows and the targets
 * share one transform.
 *
 * Args:
 *   series: `number[]` (one feature) or `number[][]` (rows x features), finite and rectangular.
 *   lookBack: time steps per window, an integer >= 1. Required.
 *   horizon: future values per target, an integer >= 1. Defaults to `1`.
 *   targetColumn: the target feature's column. Defaults to `0`.
 *   stride: rows between window starts, an integer >= 1. Defaults to `1`.
 *
 * @example
 * ```ts
 * const { x, y } = preprocessing.createDataset([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], { lookBack: 3 });
 * x.length;  // 7
 * x[0];      // [[0], [1], [2]]
 * y;         // [3, 4, 5, 6, 7, 8, 9]
 * ```
 * @throws {TypeError} for a missing or non-integer option, an unknown option, or a non-numeric series.
 * @throws {RangeError} for an option out of range, a series shorter than `lookBack + horizon`,
 *   a ragged series or a non-finite value.
 */
export function createDataset(series: Series, options: CreateDatasetOptions & { horizon?: 1 }): Dataset;
export function createDataset(series: Series, options: CreateDatasetOptions): Dataset | MultiStepDataset;
export function createDataset(series: Series, options: CreateDatasetOptions): Dataset | MultiStepDataset {
  const opts = checkOptions<CreateDatasetOptions>(options, 'createDataset', ['lookBack', 'horizon', 'targetColumn', 'stride']);
  const lookBack = positive(opts.lookBack, 'createDataset.lookBack');
  const horizon = positive(opts.horizon ?? 1, 'createDataset.horizon');
  const stride = positive(opts.stride ?? 1, 'createDataset.stride');
  const { rows, features } = readSeries(series, 'createDataset.series');
  const target = integer(opts.targetColumn ?? 0, 'createDataset.targetColumn', { min: 0 });
  if (target >= features) {
    throw rangeError(
      `an integer < ${features} (the series has ${features} feature${features === 1 ? '' : 's'})`,
      'createDataset.targetColumn',
      target,
    );
  }
  const needed = lookBack + horizon;
  if (rows.length < needed) {
    throw new RangeError(
      `Expected a series of at least lookBack + horizon = ${lookBack} + ${horizon} = ${needed} rows for createDataset.series but received ${rows.length}`,
    );
  }
  const x: number[][][] = [];
  const y: (number | number[])[] = [];
  for (let i = 0; i + needed <= rows.length; i += stride) {
    x.push(rows.slice(i, i + lookBack).map((r) => [...r]));
    if (horizon === 1) {
      y.push(rows[i + lookBack]![target]!);
    } else {
      y.push(rows.slice(i + lookBack, i + needed).map((r) => r[target]!));
    }
  }
  return { x, y } as Dataset | MultiStepDataset;
}

function positive(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw typeError('a positive integer', name, value);
  if (value < 1) throw rangeError('a positive integer', name, value);
  return value;
}
