/**
 * `compile()` options: validation, defaults (Keras's), and the metric names.
 */
import { loss as resolveLoss, type Loss } from '../training/losses.js';
import { optimizer as resolveOptimizer, type AnyOptimizer, type OptimizerName } from '../training/optimizers.js';
import { checkOptions, describe, nearest } from '../validate.js';

/** The metric classes the engine computes. */
export type MetricClassName =
  | 'MeanAbsoluteError'
  | 'MeanSquaredError'
  | 'RootMeanSquaredError'
  | 'MeanAbsolutePercentageError';

/** A metric: its log key (exactly the name the user gave, as Keras) and its class. */
export interface MetricSpec {
  name: string;
  className: MetricClassName;
}

/** Metric names accepted by `compile({ metrics })`. */
export type MetricName =
  | 'mae' | 'mean_absolute_error' | 'meanAbsoluteError' | 'MeanAbsoluteError'
  | 'mse' | 'mean_squared_error' | 'meanSquaredError' | 'MeanSquaredError'
  | 'rmse' | 'root_mean_squared_error' | 'rootMeanSquaredError' | 'RootMeanSquaredError'
  | 'mape' | 'mean_absolute_percentage_error' | 'meanAbsolutePercentageError' | 'MeanAbsolutePercentageError';

const METRICS: Readonly<Record<MetricName, MetricClassName>> = {
  mae: 'MeanAbsoluteError',
  mean_absolute_error: 'MeanAbsoluteError',
  meanAbsoluteError: 'MeanAbsoluteError',
  MeanAbsoluteError: 'MeanAbsoluteError',
  mse: 'MeanSquaredError',
  mean_squared_error: 'MeanSquaredError',
  meanSquaredError: 'MeanSquaredError',
  MeanSquaredError: 'MeanSquaredError',
  rmse: 'RootMeanSquaredError',
  root_mean_squared_error: 'RootMeanSquaredError',
  rootMeanSquaredError: 'RootMeanSquaredError',
  RootMeanSquaredError: 'RootMeanSquaredError',
  mape: 'MeanAbsolutePercentageError',
  mean_absolute_percentage_error: 'MeanAbsolutePercentageError',
  meanAbsolutePercentageError: 'MeanAbsolutePercentageError',
  MeanAbsolutePercentageError: 'MeanAbsolutePercentageError',
};

/** Log keys of metrics given by class name (Keras names a metric object after its class, snake_case). */
const CLASS_LOG_KEYS: Readonly<Record<MetricClassName, string>> = {
  MeanAbsoluteError: 'mean_absolute_error',
  MeanSquaredError: 'mean_squared_error',
  RootMeanSquaredError: 'root_mean_squared_error',
  MeanAbsolutePercentageError: 'mean_absolute_percentage_error',
};

const SHORT = ['mae', 'mse', 'rmse', 'mape'];

/** Resolves one metric name to its spec; `name` is its path in errors. */
export function metricSpec(value: unknown, name: string): MetricSpec {
  if (typeof value !== 'string') {
    throw new TypeError(
      `Expected a metric name (${SHORT.map((s) => `'${s}'`).join(', ')}) for ${name} but received ${describe(value)} of type ${value === null ? 'null' : typeof value}`,
    );
  }
  const cls = (METRICS as Record<string, MetricClassName>)[value];
  if (!cls) {
    const near = nearest(value, Object.keys(METRICS));
    throw new RangeError(
      `Expected one of ${SHORT.map((s) => `'${s}'`).join(', ')} (or their Keras long names) for ${name} but received ${describe(value)}` +
        (near ? ` (did you mean '${near}'?)` : ''),
    );
  }
  const logKey = value === cls ? CLASS_LOG_KEYS[cls] : value;
  return { name: logKey, className: cls };
}

/** Whether `className` is a metric class the engine computes. */
export function isMetricClass(value: unknown): value is MetricClassName {
  return typeof value === 'string' && value in CLASS_LOG_KEYS;
}

/** Options of `model.compile()`. */
export interface CompileArgs {
  /** An optimizer name or an `optimizers.*` object. Defaults to `'rmsprop'` (Keras's default). */
  optimizer?: OptimizerName | AnyOptimizer;
  /** A loss name (`'mse'`, `'mae'`, `'huber'`, `'logcosh'`) or a `losses.*` object. Required. */
  loss: string | Loss;
  /** Metrics reported in the logs under the name given (`['mae']` gives `mae` and `val_mae`). Defaults to `[]`. */
  metrics?: MetricName[];
}

/** The resolved compile configuration. */
export interface CompileConfig {
  optimizer: AnyOptimizer;
  loss: Loss;
  metrics: MetricSpec[];
}

/** Validates `compile()` options and fills the defaults. */
export function compileConfig(args: unknown, path = 'compile'): CompileConfig {
  if (args === undefined) throw new TypeError(`Expected an options object with a loss for ${path} but received undefined`);
  const o = checkOptions<CompileArgs>(args, path, ['optimizer', 'loss', 'metrics']);
  const optimizer = resolveOptimizer(o.optimizer ?? 'rmsprop', `${path}.optimizer`);
  const loss = resolveLoss(o.loss, `${path}.loss`);
  const metrics = metricList(o.metrics, `${path}.metrics`);
  return { optimizer, loss, metrics };
}

/** Validates a metric list: known names, no duplicate log keys. */
export function metricList(value: unknown, name: string): MetricSpec[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new TypeError(`Expected an array of metric names for ${name} but received ${describe(value)} of type ${typeof value}`);
  }
  const out: MetricSpec[] = [];
  value.forEach((m, i) => {
    const spec = metricSpec(m, `${name}[${i}]`);
    const dup = out.findIndex((s) => s.name === spec.name);
    if (dup !== -1) {
      throw new RangeError(`${name}[${i}] repeats ${name}[${dup}] (${describe(spec.name)}); each metric appears once in the logs`);
    }
    out.push(spec);
  });
  return out;
}
