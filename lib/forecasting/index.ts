/**
 * Forecasting: recursive and direct multi-step forecasts, Monte-Carlo dropout intervals,
 * rolling-origin backtests, and the naive baselines to compare them with.
 */
export {
  naiveForecast,
  seasonalNaiveForecast,
  naivePredictions,
  seasonalNaivePredictions,
  type SeasonalNaiveOptions,
} from './baselines.js';
export { predictFuture, type ForecastModel, type ForecastTensor, type PredictFutureOptions } from './predict-future.js';
export { predictDirect, type PredictDirectOptions } from './direct.js';
export {
  predictIntervals,
  forecastIntervals,
  hasDropout,
  type MonteCarloModel,
  type IntervalOptions,
  type ForecastIntervalOptions,
  type IntervalSummary,
  type PredictIntervals,
  type ForecastIntervals,
} from './intervals.js';
export {
  backtest,
  type BacktestModel,
  type BacktestOptions,
  type BacktestFitArgs,
  type BacktestFoldInfo,
  type BacktestFold,
  type BacktestResult,
} from './backtest.js';
