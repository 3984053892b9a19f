/**
 * Forecasting: recursive multi-step forecasts and the naive baselines to compare them with.
 */
export {
  naiveForecast,
  seasonalNaiveForecast,
  naivePredictions,
  seasonalNaivePredictions,
  type SeasonalNaiveOptions,
} from './baselines.js';
export { predictFuture, type ForecastModel, type ForecastTensor, type PredictFutureOptions } from './predict-future.js';
