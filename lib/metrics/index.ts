/**
 * Metrics computed in TypeScript, in float64.
 */
export {
  mae,
  mse,
  rmse,
  mape,
  r2,
  MAPE_EPSILON,
  type MetricInput,
  type MapeOptions,
  type MapeZeroHandling,
} from './regression.js';
export { smape, mase, rmsse, type ScaledErrorOptions } from './forecast.js';
export {
  binaryClassification,
  type BinaryClassificationOptions,
  type BinaryClassificationScores,
} from './classification.js';
