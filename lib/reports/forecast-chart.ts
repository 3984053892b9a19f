/**
 * forecastChartSvg: actual values, in-sample predictions and a forecast with its prediction
 * interval, on one time axis.
 */
import { checkOptions, isPlainObject, number, rangeError, string, typeError } from '../validate.js';
import { lineChartSvg, type ChartMarker, type ChartValues, type LineSeries } from './line-chart.js';

/** A prediction interval: the band between `lower` and `upper`, expected to hold `level` of outcomes. */
export interface PredictionInterval {
  /** Lower bounds, as many as the series the band belongs to. */
  lower: ChartValues;
  /** Upper bounds, as many as `lower`. */
  upper: ChartValues;
  /** The nominal coverage in (0, 1), e.g. `0.9` for a 90% interval. */
  level: number;
}

/** Options of {@link forecastChartSvg}: the data (give `dates` or `index`) and the chart's look. */
export interface ForecastChartOptions {
  /** The time axis, covering the history and the forecast horizon. Give this or `index`. */
  dates?: readonly Date[];
  /** A numeric time axis (step numbers) instead of `dates`. */
  index?: readonly number[];
  /** Observed values, from the start of the axis; at most as many as the axis. */
  actual: ChartValues;
  /** In-sample predictions, from the start of the axis (NaN where there is none, e.g. the first `lookBack` steps). */
  predicted?: ChartValues;
  /** The forecast, aligned with the end of the axis. */
  forecast?: ChartValues;
  /** A band around the forecast (or, without a forecast, around `predicted`), as long as that series. */
  intervals?: PredictionInterval;
  /** The chart title. Defaults to `'Forecast'`. */
  title?: string;
  /** The x axis label. Defaults to none. */
  xLabel?: string;
  /** The y axis label (the unit). Defaults to none. */
  yLabel?: string;
  /** Width in pixels, an integer >= 240. Defaults to `900`. */
  width?: number;
  /** Height in pixels, an integer >= 160. Defaults to `360`. */
  height?: number;
}

const KEYS = ['dates', 'index', 'actual', 'predicted', 'forecast', 'intervals', 'title', 'xLabel', 'yLabel', 'width', 'height'] as const;
const FORECAST_COLORS = { actual: '#0072B2', predicted: '#E69F00', forecast: '#D55E00' } as const;

/**
 * Renders actual vs predicted vs forecast values as a standalone SVG line chart.
 *
 * The time axis is `dates` (ticks in years or months) or `index`. `actual` and `predicted`
 * start at the axis' first point, `forecast` ends at its last; a series shorter than the axis
 * leaves the rest empty, and NaN leaves a gap. The forecast is dashed, starts with a
 * "forecast starts" marker, and carries the interval as a shaded band named after its level
 * (`forecast (90% interval)`). Each series is one `<path class="line">` (more where a gap
 * breaks it), the band one `<path class="band">`.
 *
 * @example
 * ```ts
 * const svg = reports.forecastChartSvg({
 *   dates, actual: history, forecast: mean,
 *   intervals: { lower: q05, upper: q95, level: 0.9 }, yLabel: 'ppm',
 * });
 * ```
 * @throws {TypeError} when an option has the wrong type or is unknown, or neither or both of
 *   `dates` and `index` are given.
 * @throws {RangeError} when a series is longer than the axis, the interval's length differs from
 *   its series, or `level` is not in (0, 1).
 */
export function forecastChartSvg(options: ForecastChartOptions): string {
  if (options === undefined) throw typeError('an options object', 'forecastChartSvg', options);
  const o = checkOptions<ForecastChartOptions>(options, 'forecastChartSvg', KEYS);
  if ((o.dates === undefined) === (o.index === undefined)) {
    throw new TypeError('Expected exactly one of forecastChartSvg.dates and forecastChartSvg.index');
  }
  const axisName = o.dates !== undefined ? 'forecastChartSvg.dates' : 'forecastChartSvg.index';
  const x = (o.dates ?? o.index) as unknown;
  if (!Array.isArray(x)) throw typeError(o.dates !== undefined ? 'an array of Dates' : 'an array of numbers', axisName, x);
  const n = x.length;

  const place = (v: unknown, name: string, at: 'start' | 'end'): Float64Array => {
    if (!Array.isArray(v) && !(v instanceof Float32Array) && !(v instanceof Float64Array)) {
      throw typeError('an array of numbers', name, v);
    }
    if (v.length > n) {
      throw new RangeError(`Expected at most ${n} values (as many as ${axisName}) for ${name} but received ${v.length} values`);
    }
    const out = new Float64Array(n).fill(NaN);
    const offset = at === 'start' ? 0 : n - v.length;
    for (let i = 0; i < v.length; i++) {
      const value: unknown = v[i];
      if (typeof value !== 'number') throw typeError('a number', `${name}[${i}]`, value);
      out[offset + i] = value;
    }
    return out;
  };

  const series: LineSeries[] = [];
  const markers: ChartMarker[] = [];
  const actual = place(o.actual, 'forecastChartSvg.actual', 'start');
  series.push({ name: 'actual', x, y: actual, color: FORECAST_COLORS.actual });
  const predicted = o.predicted === undefined ? undefined : place(o.predicted, 'forecastChartSvg.predicted', 'start');
  if (predicted) series.push({ name: 'predicted', x, y: predicted, color: FORECAST_COLORS.predicted });
  const forecast = o.forecast === undefined ? undefined : place(o.forecast, 'forecastChartSvg.forecast', 'end');
  if (forecast) {
    series.push({ name: 'forecast', x, y: forecast, color: FORECAST_COLORS.forecast, dashed: true });
    const first = n - (o.forecast as ChartValues).length;
    if (first < n) markers.push({ x: x[first] as number | Date, label: 'forecast starts' });
  }

  if (o.intervals !== undefined) {
    const name = 'forecastChartSvg.intervals';
    if (!isPlainObject(o.intervals)) throw typeError('an object {lower, upper, level}', name, o.intervals);
    const iv = checkOptions<PredictionInterval>(o.intervals, name, ['lower', 'upper', 'level']);
    const level = number(iv.level, `${name}.level`, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
    const owner = forecast ? series[series.length - 1]! : predicted ? series[1]! : undefined;
    if (!owner) throw new TypeError(`Expected forecastChartSvg.forecast or forecastChartSvg.predicted for ${name} to belong to`);
    const ownerLength = ((forecast ? o.forecast : o.predicted) as ChartValues).length;
    for (const side of ['lower', 'upper'] as const) {
      const values = iv[side] as unknown;
      if ((Array.isArray(values) || values instanceof Float32Array || values instanceof Float64Array) && values.length !== ownerLength) {
        throw rangeError(`${ownerLength} values (as many as forecastChartSvg.${owner.name})`, `${name}.${side}`, values);
      }
    }
    const at = forecast ? 'end' : 'start';
    owner.band = { lower: place(iv.lower, `${name}.lower`, at), upper: place(iv.upper, `${name}.upper`, at) };
    owner.name = `${owner.name} (${Number((level * 100).toPrecision(4))}% interval)`;
  }

  return lineChartSvg({
    title: o.title === undefined ? 'Forecast' : string(o.title, 'forecastChartSvg.title'),
    ...(o.xLabel !== undefined ? { xLabel: o.xLabel } : {}),
    ...(o.yLabel !== undefined ? { yLabel: o.yLabel } : {}),
    ...(o.width !== undefined ? { width: o.width } : {}),
    ...(o.height !== undefined ? { height: o.height } : {}),
    series,
    markers,
  });
}
