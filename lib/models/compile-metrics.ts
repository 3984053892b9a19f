/**
 * The metrics `compile({ metrics })` accepts: their names, log keys and engine classes, and how
 * `'accuracy'` resolves for an output (Keras 3's `get_metric`): BinaryAccuracy for a one-unit
 * output or a binary crossentropy, SparseCategoricalAccuracy for a sparse categorical
 * crossentropy, CategoricalAccuracy otherwise.
 */
import type { Shape } from '../layers/layer.js';
import type { LossClassName } from '../training/losses.js';
import { describe, nearest } from '../validate.js';

/** The metric classes the engine computes. */
export type MetricClassName =
  | 'MeanAbsoluteError'
  | 'MeanSquaredError'
  | 'RootMeanSquaredError'
  | 'MeanAbsolutePercentageError'
  | 'BinaryAccuracy'
  | 'CategoricalAccuracy'
  | 'SparseCategoricalAccuracy'
  | 'Precision'
  | 'Recall'
  | 'AUC';

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
  | 'mape' | 'mean_absolute_percentage_error' | 'meanAbsolutePercentageError' | 'MeanAbsolutePercentageError'
  | 'accuracy' | 'acc'
  | 'binary_accuracy' | 'binaryAccuracy' | 'BinaryAccuracy'
  | 'categorical_accuracy' | 'categoricalAccuracy' | 'CategoricalAccuracy'
  | 'sparse_categorical_accuracy' | 'sparseCategoricalAccuracy' | 'SparseCategoricalAccuracy'
  | 'precision' | 'Precision'
  | 'recall' | 'Recall'
  | 'auc' | 'AUC';

const METRICS: Readonly<Record<Exclude<MetricName, 'accuracy' | 'acc'>, MetricClassName>> = {
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
  binary_accuracy: 'BinaryAccuracy',
  binaryAccuracy: 'BinaryAccuracy',
  BinaryAccuracy: 'BinaryAccuracy',
  categorical_accuracy: 'CategoricalAccuracy',
  categoricalAccuracy: 'CategoricalAccuracy',
  CategoricalAccuracy: 'CategoricalAccuracy',
  sparse_categorical_accuracy: 'SparseCategoricalAccuracy',
  sparseCategoricalAccuracy: 'SparseCategoricalAccuracy',
  SparseCategoricalAccuracy: 'SparseCategoricalAccuracy',
  precision: 'Precision',
  Precision: 'Precision',
  recall: 'Recall',
  Recall: 'Recall',
  auc: 'AUC',
  AUC: 'AUC',
};

/** Log keys of metrics given by class name (Keras names a metric object after its class, snake_case). */
const CLASS_LOG_KEYS: Readonly<Record<MetricClassName, string>> = {
  MeanAbsoluteError: 'mean_absolute_error',
  MeanSquaredError: 'mean_squared_error',
  RootMeanSquaredError: 'root_mean_squared_error',
  MeanAbsolutePercentageError: 'mean_absolute_percentage_error',
  BinaryAccuracy: 'binary_accuracy',
  CategoricalAccuracy: 'categorical_accuracy',
  SparseCategoricalAccuracy: 'sparse_categorical_accuracy',
  Precision: 'precision',
  Recall: 'recall',
  AUC: 'auc',
};

const SHORT = ['mae', 'mse', 'rmse', 'mape', 'accuracy', 'precision', 'recall', 'auc'];

/** What `'accuracy'` resolves from: the output's loss class and shape. */
export interface MetricContext {
  /** The loss class of the output. Defaults to none known. */
  loss?: LossClassName;
  /** The output shape (batch first). Defaults to unknown. */
  outputShape?: Shape;
}

/** The accuracy class Keras 3 picks for an output (`get_metric('accuracy', y_true, y_pred)`). */
export function accuracyClass(context: MetricContext = {}): MetricClassName {
  const last = context.outputShape?.[context.outputShape.length - 1];
  if (last === 1 || context.loss === 'BinaryCrossentropy') return 'BinaryAccuracy';
  if (context.loss === 'SparseCategoricalCrossentropy') return 'SparseCategoricalAccuracy';
  return 'CategoricalAccuracy';
}

/**
 * Resolves one metric name to its spec; `name` is its path in errors. `'accuracy'`/`'acc'`
 * resolve from `context` (the output's loss and shape).
 */
export function metricSpec(value: unknown, name: string, context: MetricContext = {}): MetricSpec {
  if (typeof value !== 'string') {
    throw new TypeError(
      `Expected a metric name (${SHORT.map((s) => `'${s}'`).join(', ')}) for ${name} but received ${describe(value)} of type ${value === null ? 'null' : typeof value}`,
    );
  }
  if (value === 'accuracy' || value === 'acc') return { name: value, className: accuracyClass(context) };
  const cls = (METRICS as Record<string, MetricClassName>)[value];
  if (!cls) {
    const near = nearest(value, [...Object.keys(METRICS), 'accuracy', 'acc']);
    throw new RangeError(
      `Expected one of ${SHORT.map((s) => `'${s}'`).join(', ')} (or their Keras names) for ${name} but received ${describe(value)}` +
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

/** The log key Keras gives a metric object of class `className` (`auc`, `binary_accuracy`). */
export function classLogKey(className: MetricClassName): string {
  return CLASS_LOG_KEYS[className];
}

/**
 * Validates one output's metric list: known names, no duplicate log keys. `name` is its path
 * (`compile.metrics`, `compile.metrics.value`).
 */
export function metricList(value: unknown, name: string, context: MetricContext = {}): MetricSpec[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    throw new TypeError(`Expected an array of metric names for ${name} but received ${describe(value)} of type ${typeof value}`);
  }
  const out: MetricSpec[] = [];
  value.forEach((m, i) => {
    const spec = typeof m === 'object' && m !== null && 'className' in m ? (m as MetricSpec) : metricSpec(m, `${name}[${i}]`, context);
    const dup = out.findIndex((s) => s.name === spec.name);
    if (dup !== -1) {
      throw new RangeError(`${name}[${i}] repeats ${name}[${dup}] (${describe(spec.name)}); each metric appears once in the logs`);
    }
    out.push(spec);
  });
  return out;
}
