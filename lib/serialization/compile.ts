/**
 * Keras JSON of the compile configuration, both ways: optimizers, losses, metrics, and the
 * `compile_config` document (ours, per output, which the engine compiles from; and Keras 2/3's,
 * with `loss`, `loss_weights`, `metrics` as the user gave them).
 */
import type { CompileSpecJson, KerasLayerJson } from '../native.js';
import {
  type CompileConfig,
  type CompileOutputs,
  isMetricClass,
  lossesFor,
  lossWeightsFor,
  metricSpec,
  type MetricSpec,
  metricsFor,
  PRECISIONS,
  SINGLE_OUTPUT,
} from '../models/compile-args.js';
import { classLogKey } from '../models/compile-metrics.js';
import { Loss, lossClassOf, lossSpec, type LossClassName, LOSS_NAMES } from '../training/losses.js';
import { optimizerFromSpec, type AnyOptimizer, type OptimizerClassName, type OptimizerSpec } from '../training/optimizers.js';
import { describe, isPlainObject, oneOf } from '../validate.js';
import { ANY, classNameAt, type Ignorable, kerasArgs, objectAt } from './keras-common.js';

const OPTIMIZER_KEYS: Readonly<Record<OptimizerClassName, Readonly<Record<string, string>>>> = {
  Adam: { learning_rate: 'learningRate', beta_1: 'beta1', beta_2: 'beta2', epsilon: 'epsilon', amsgrad: 'amsgrad' },
  SGD: { learning_rate: 'learningRate', momentum: 'momentum', nesterov: 'nesterov' },
  RMSprop: { learning_rate: 'learningRate', rho: 'rho', momentum: 'momentum', epsilon: 'epsilon', centered: 'centered' },
  Adagrad: { learning_rate: 'learningRate', initial_accumulator_value: 'initialAccumulatorValue', epsilon: 'epsilon' },
};
const CLIP_KEYS = { clipnorm: 'clipNorm', clipvalue: 'clipValue', global_clipnorm: 'globalClipNorm' } as const;
const OPTIMIZER_IGNORABLE: Ignorable = {
  name: ANY, weight_decay: null, use_ema: false, ema_momentum: ANY, ema_overwrite_frequency: null,
  loss_scale_factor: null, gradient_accumulation_steps: null, jit_compile: ANY, is_legacy_optimizer: false, decay: 0,
};

/** An optimizer spec -> Keras JSON (every key present, with the current learning rate). */
export function optimizerToKeras(spec: OptimizerSpec): KerasLayerJson {
  const c = spec.config as unknown as Record<string, unknown>;
  const config: Record<string, unknown> = { name: c.name };
  for (const [snake, camel] of Object.entries(OPTIMIZER_KEYS[spec.className])) config[snake] = c[camel];
  for (const [snake, camel] of Object.entries(CLIP_KEYS)) config[snake] = c[camel];
  return { class_name: spec.className, config };
}

function specForName(name: string, path: string): OptimizerSpec {
  const cls = ({ adam: 'Adam', sgd: 'SGD', rmsprop: 'RMSprop', adagrad: 'Adagrad' } as Record<string, OptimizerClassName>)[name.toLowerCase()];
  if (!cls) throw new RangeError(`${path} is ${JSON.stringify(name)}, an optimizer torch-lstm does not offer`);
  return { className: cls, config: { name: '' } } as unknown as OptimizerSpec;
}

/** TensorFlow.js's optimizer class names that Keras spells otherwise (tfjs `Momentum` is SGD with momentum). */
const TFJS_OPTIMIZER_CLASSES: Readonly<Record<string, OptimizerClassName>> = { RMSProp: 'RMSprop', Momentum: 'SGD' };
/** TensorFlow.js's camelCase optimizer config keys -> Keras's (no Keras key is spelled so). */
const TFJS_OPTIMIZER_KEYS: Readonly<Record<string, string>> = {
  learningRate: 'learning_rate', beta1: 'beta_1', beta2: 'beta_2', initialAccumulatorValue: 'initial_accumulator_value', useNesterov: 'nesterov',
};

/**
 * An optimizer's class name and config in Keras's spelling: Keras 2.11-2.15 register their
 * built-in optimizers as `Custom>Adam` (in `.h5` files); TensorFlow.js writes `RMSProp` (whose
 * `decay` is Keras's `rho`), `Momentum` and camelCase keys (`learningRate`, `beta1`).
 */
function kerasSpelling(cls: string, config: Record<string, unknown>, path: string): { cls: string; config: Record<string, unknown> } {
  const name = cls.startsWith('Custom>') ? cls.slice('Custom>'.length) : cls;
  const keys = name === 'RMSProp' ? { ...TFJS_OPTIMIZER_KEYS, decay: 'rho' } : TFJS_OPTIMIZER_KEYS;
  const out: Record<string, unknown> = {};
  const from: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    const keras = keys[key] ?? key;
    if (keras in out) {
      const tfjs = keras === key ? from[keras]! : key;
      throw new RangeError(`${path}.config gives ${keras} twice (as ${JSON.stringify(keras)} and as TensorFlow.js's ${JSON.stringify(tfjs)})`);
    }
    out[keras] = value;
    from[keras] = key;
  }
  return { cls: TFJS_OPTIMIZER_CLASSES[name] ?? name, config: out };
}

/**
 * Keras JSON of an optimizer (or a name) -> optimizer object. Reads Keras 3's, Keras 2's
 * (`Custom>Adam`) and TensorFlow.js's (`RMSProp`, `Momentum`, camelCase keys) spellings.
 */
export function optimizerFromKeras(json: unknown, path: string): AnyOptimizer {
  if (typeof json === 'string') return optimizerFromSpec(specForName(json, path), path);
  const o = objectAt(json, path);
  const { cls, config } = kerasSpelling(classNameAt(o, path), objectAt(o.config ?? {}, `${path}.config`), path);
  const keys = (OPTIMIZER_KEYS as Record<string, Record<string, string>>)[cls];
  if (!keys) {
    throw new RangeError(`${path}.class_name is ${JSON.stringify(o.class_name)}, an optimizer torch-lstm does not offer (it offers ${Object.keys(OPTIMIZER_KEYS).join(', ')})`);
  }
  if (isPlainObject(config.learning_rate)) {
    throw new RangeError(
      `${path}.config.learning_rate is a schedule; torch-lstm takes a number (change it between epochs with a callback such as ReduceLROnPlateau)`,
    );
  }
  const args = kerasArgs(config, `${path}.config`, { ...keys, ...CLIP_KEYS }, OPTIMIZER_IGNORABLE);
  return optimizerFromSpec({ className: cls, config: { name: '', ...args } } as OptimizerSpec, path);
}

/** The Keras config keys of each loss class (snake_case -> camelCase) and those accepted at their defaults. */
const LOSS_KEYS: Readonly<Record<LossClassName, { keys: Readonly<Record<string, string>>; ignorable: Ignorable }>> = {
  MeanSquaredError: { keys: {}, ignorable: {} },
  MeanAbsoluteError: { keys: {}, ignorable: {} },
  LogCosh: { keys: {}, ignorable: {} },
  Huber: { keys: { delta: 'delta' }, ignorable: {} },
  BinaryCrossentropy: { keys: { from_logits: 'fromLogits', label_smoothing: 'labelSmoothing' }, ignorable: { axis: -1 } },
  CategoricalCrossentropy: { keys: { from_logits: 'fromLogits', label_smoothing: 'labelSmoothing' }, ignorable: { axis: -1 } },
  SparseCategoricalCrossentropy: { keys: { from_logits: 'fromLogits' }, ignorable: { ignore_class: null, axis: -1 } },
};

/** A loss -> Keras JSON (`{ class_name, config }` with snake_case keys, every key present). */
export function lossToKeras(loss: Loss): KerasLayerJson {
  const camel = loss.getConfig() as Record<string, unknown>;
  const config: Record<string, unknown> = {};
  for (const [snake, key] of Object.entries(LOSS_KEYS[loss.className].keys)) config[snake] = camel[key];
  return { class_name: loss.className, config };
}

/** Keras JSON of a loss (an object, a name, or Keras 3's wrapped function) -> loss object. */
export function lossFromKeras(json: unknown, path: string): Loss {
  if (json instanceof Loss) return json;
  if (typeof json === 'string') {
    const cls = lossClassOf(json);
    if (!cls) throw new RangeError(`${path} is ${JSON.stringify(json)}, a loss torch-lstm does not offer (${LOSS_NAMES.filter((n) => /^[a-z_]+$/.test(n)).join(', ')})`);
    return new Loss(lossSpec(cls, {}, path));
  }
  const o = objectAt(json, path);
  const cls = classNameAt(o, path);
  if (cls === 'function' && typeof o.config === 'string') return lossFromKeras(o.config, path);
  const entry = (LOSS_KEYS as Record<string, (typeof LOSS_KEYS)[LossClassName]>)[cls];
  if (!entry) throw new RangeError(`${path}.class_name is ${JSON.stringify(cls)}, a loss torch-lstm does not offer`);
  const config = objectAt(o.config ?? {}, `${path}.config`);
  const args = kerasArgs(config, `${path}.config`, entry.keys, { name: ANY, reduction: 'sum_over_batch_size', dtype: ANY, ...entry.ignorable });
  return new Loss(lossSpec(cls as LossClassName, args, `${path}.config`));
}

/** Keras config keys of metric objects, accepted at their defaults. */
const METRIC_IGNORABLE: Readonly<Record<string, Ignorable>> = {
  BinaryAccuracy: { threshold: 0.5 },
  Precision: { thresholds: null, top_k: null, class_id: null },
  Recall: { thresholds: null, top_k: null, class_id: null },
  AUC: {
    num_thresholds: 200, curve: 'ROC', summation_method: 'interpolation', multi_label: false, num_labels: null,
    label_weights: null, from_logits: false, thresholds: ANY,
  },
};

/** Keras JSON of one metric (ours `{ name, class_name }`, a name, or a Keras object) -> spec. */
export function metricFromKeras(json: unknown, path: string, context: Parameters<typeof metricSpec>[2] = {}): MetricSpec {
  if (typeof json === 'string') return metricSpec(json, path, context);
  const o = objectAt(json, path);
  const cls = classNameAt(o, path);
  if (cls === 'function' && typeof o.config === 'string') return metricSpec(o.config, path, context);
  if (!isMetricClass(cls)) {
    throw new RangeError(`${path}.class_name is ${JSON.stringify(cls)}, a metric torch-lstm does not offer`);
  }
  if (isPlainObject(o.config)) {
    kerasArgs(o.config, `${path}.config`, { name: 'name' }, { dtype: ANY, ...(METRIC_IGNORABLE[cls] ?? {}) });
  }
  const name = typeof o.name === 'string' ? o.name : isPlainObject(o.config) ? o.config.name : undefined;
  if (name === undefined) return { name: classLogKey(cls), className: cls };
  if (typeof name !== 'string' || name.length === 0 || name === 'loss' || name.startsWith('val_')) {
    throw new RangeError(`Expected a metric name (not "loss", not starting with "val_") for ${path}.name but received ${describe(name)}`);
  }
  return { name, className: cls };
}

/** The compile configuration -> the engine's `CompileSpecJson` (the `compile_config` of a saved model). */
export function compileToKeras(config: CompileConfig): CompileSpecJson {
  return {
    optimizer: optimizerToKeras({ className: config.optimizer.className, config: config.optimizer.getConfig() } as OptimizerSpec),
    losses: config.losses.map(lossToKeras),
    loss_weights: [...config.lossWeights],
    metrics: config.metrics.map((list) => list.map((m) => ({ name: m.name, class_name: m.className }))),
    output_names: [...config.outputNames],
    precision: config.precision,
  };
}

/** Turns metric objects anywhere in a Keras `metrics` value into specs (names stay for `'accuracy'`). */
function metricObjects(value: unknown, path: string): unknown {
  if (Array.isArray(value)) return value.map((v, i) => metricObjects(v, `${path}[${i}]`));
  if (isPlainObject(value)) {
    if ('class_name' in value) return metricFromKeras(value, path);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, metricObjects(v, `${path}.${k}`)]));
  }
  return value;
}

/**
 * Our `CompileSpecJson` (per output; also the one-output form older saves hold, `{ loss, metrics }`)
 * or a Keras `compile_config` -> the compile configuration for a model with `outputs`. A Keras one
 * may also be a legacy `.h5` / TensorFlow.js `training_config`: the optimizer under
 * `optimizer_config`, and (tfjs) `metrics: {}` for none.
 */
export function compileFromKeras(json: unknown, outputs: CompileOutputs = SINGLE_OUTPUT, path = 'compile_config'): CompileConfig {
  const o = objectAt(json, path);
  if ('losses' in o) {
    kerasArgs(o, path, { optimizer: 'optimizer', losses: 'losses', loss_weights: 'lossWeights', metrics: 'metrics', output_names: 'outputNames', precision: 'precision' }, {});
    const n = outputs.names.length;
    const list = (key: string): unknown[] => {
      const v = o[key];
      if (!Array.isArray(v) || v.length !== n) throw new RangeError(`Expected ${n} entries (one per output) for ${path}.${key} but received ${describe(v)}`);
      return v;
    };
    const losses = list('losses').map((l, i) => lossFromKeras(l, `${path}.losses[${i}]`));
    const lossWeights = list('loss_weights').map((w, i) => {
      if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw new RangeError(`Expected a number >= 0 for ${path}.loss_weights[${i}] but received ${describe(w)}`);
      return w;
    });
    const metrics = list('metrics').map((m, i) => {
      if (!Array.isArray(m)) throw new TypeError(`Expected an array for ${path}.metrics[${i}] but received ${describe(m)}`);
      return dedupe(m.map((x, j) => metricFromKeras(x, `${path}.metrics[${i}][${j}]`)), `${path}.metrics[${i}]`);
    });
    const precision = o.precision === undefined ? 'float32' : oneOf(o.precision, `${path}.precision`, PRECISIONS);
    return { optimizer: optimizerFromKeras(o.optimizer ?? 'rmsprop', `${path}.optimizer`), losses, lossWeights, metrics, outputNames: [...outputs.names], precision };
  }
  kerasArgs(o, path, { optimizer: 'optimizer', optimizer_config: 'optimizer', loss: 'loss', metrics: 'metrics', loss_weights: 'lossWeights' }, {
    weighted_metrics: null, run_eagerly: ANY, steps_per_execution: ANY, jit_compile: ANY,
  });
  if (o.optimizer !== undefined && o.optimizer_config !== undefined) {
    throw new RangeError(`${path} gives both optimizer and optimizer_config (its legacy name); give one`);
  }
  const optimizerPath = o.optimizer_config === undefined ? `${path}.optimizer` : `${path}.optimizer_config`;
  const optimizer = optimizerFromKeras(o.optimizer ?? o.optimizer_config ?? 'rmsprop', optimizerPath);
  // TensorFlow.js writes `metrics: {}` for a model compiled without metrics.
  const metricsJson = isPlainObject(o.metrics) && Object.keys(o.metrics).length === 0 ? [] : o.metrics;
  if (o.loss === undefined || o.loss === null) throw new TypeError(`Expected a loss for ${path}.loss but received ${describe(o.loss)}`);
  const isOneLoss = (v: unknown) => typeof v === 'string' || (isPlainObject(v) && 'class_name' in v);
  const losses = lossesFor(o.loss, outputs, `${path}.loss`, lossFromKeras, isOneLoss);
  const lossWeights = lossWeightsFor(o.loss_weights, outputs, `${path}.loss_weights`);
  const metrics = metricsFor(metricObjects(metricsJson, `${path}.metrics`), outputs, losses.map((l) => l.className), `${path}.metrics`).map((list, i) =>
    dedupe(list, `${path}.metrics${outputs.names.length > 1 ? `[${i}]` : ''}`),
  );
  return { optimizer, losses, lossWeights, metrics, outputNames: [...outputs.names], precision: 'float32' };
}

function dedupe(list: MetricSpec[], path: string): MetricSpec[] {
  list.forEach((spec, i) => {
    if (list.findIndex((s) => s.name === spec.name) !== i) throw new RangeError(`${path}[${i}] repeats the metric name ${JSON.stringify(spec.name)}`);
  });
  return list;
}
