/**
 * THE one conversion point between camelCase configs and Keras-format JSON
 * (`{ class_name, config: { ...snake_case } }`), both ways.
 *
 * `toKeras` gives exactly the document the engine builds from (every key present, fully
 * defaulted: C++ never invents a default) and what a saved `model.json` stores. `fromKeras`
 * reads that document back, and a Keras 3 (or Keras 2) `config.json`, through the same
 * validation as the layer factories: a key we do not offer is accepted only with its
 * Keras default (`stateful: false`, `kernel_regularizer: null`, ...), anything else is a
 * clear error naming the key.
 */
import type { CompileSpecJson, KerasLayerJson, ModelSpecJson } from '../native.js';
import { activation } from '../layers/activations.js';
import { denseConfig } from '../layers/dense.js';
import { dropoutConfig } from '../layers/dropout.js';
import { LAYER_CLASSES, type LayerSpec } from '../layers/index.js';
import { initializer, initializerConfig, isInitializerClass, type InitializerConfig } from '../layers/initializers.js';
import { lstmConfig } from '../layers/lstm.js';
import { type CompileConfig, isMetricClass, metricSpec, type MetricSpec } from '../models/compile-args.js';
import { Loss, lossClassOf, lossSpec, type LossClassName } from '../training/losses.js';
import { optimizerFromSpec, type AnyOptimizer, type OptimizerClassName, type OptimizerSpec } from '../training/optimizers.js';
import { describe, isPlainObject, nearest } from '../validate.js';

/** A sequential model as data: its name and its layers' specs. */
export interface SequentialSpec {
  name: string;
  layers: LayerSpec[];
}

// ---------------------------------------------------------------------------------------------
// Generic helpers

/** Marks a Keras key accepted with any value (it does not change the math we compute). */
const ANY = Symbol('any');
type Ignorable = Readonly<Record<string, unknown>>;

/** Keras wrapper keys around `{ class_name, config }` that carry no meaning for us. */
const WRAPPER_KEYS = ['class_name', 'config', 'module', 'registered_name', 'build_config', 'compile_config', 'name'];

function objectAt(value: unknown, path: string): Record<string, unknown> {
  if (!isPlainObject(value)) {
    throw new TypeError(`Expected a Keras JSON object for ${path} but received ${describe(value)} of type ${value === null ? 'null' : typeof value}`);
  }
  return value;
}

function classNameAt(json: Record<string, unknown>, path: string): string {
  const cls = json.class_name;
  if (typeof cls !== 'string') {
    throw new TypeError(`Expected a string for ${path}.class_name but received ${describe(cls)} of type ${cls === null ? 'null' : typeof cls}`);
  }
  return cls;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Maps a Keras `config` (snake_case) to camelCase args: keys in `keys` are renamed, keys in
 * `ignorable` must hold their Keras default (or anything, for {@link ANY}), others are errors.
 */
function kerasArgs(
  config: Record<string, unknown>,
  path: string,
  keys: Readonly<Record<string, string>>,
  ignorable: Ignorable,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key in keys) {
      out[keys[key]!] = value;
    } else if (key in ignorable) {
      const expected = ignorable[key];
      if (expected !== ANY && !sameValue(value, expected)) {
        throw new RangeError(
          `${path}.${key} is ${JSON.stringify(value)} but torch-lstm supports only ${JSON.stringify(expected)} (the Keras default) for it`,
        );
      }
    } else {
      const known = [...Object.keys(keys), ...Object.keys(ignorable)];
      const near = nearest(key, known);
      throw new TypeError(
        `Unknown Keras key "${key}" in ${path}` + (near ? `; did you mean "${near}"?` : `; known keys: ${known.join(', ')}`),
      );
    }
  }
  return out;
}

/** `dtype` as Keras writes it: a string, or a DTypePolicy object (Keras 3). Only float32. */
function checkDtype(value: unknown, path: string): void {
  if (value === undefined || value === null) return;
  let name: unknown = value;
  if (isPlainObject(value)) name = isPlainObject(value.config) ? value.config.name : undefined;
  if (name !== 'float32') {
    throw new RangeError(`${path}.dtype is ${JSON.stringify(value)} but torch-lstm models compute in float32`);
  }
}

// ---------------------------------------------------------------------------------------------
// Initializers and activations

/** `{ className, config }` -> `{ class_name, config }`. */
export function initializerToKeras(init: InitializerConfig): KerasLayerJson {
  return { class_name: init.className, config: { ...init.config } };
}

/** A Keras initializer (object, or a name such as `"glorot_uniform"`) -> config form. */
export function initializerFromKeras(json: unknown, path: string): InitializerConfig {
  if (typeof json === 'string') return initializer(json, path);
  const o = objectAt(json, path);
  const cls = classNameAt(o, path);
  if (!isInitializerClass(cls)) {
    throw new RangeError(`${path}.class_name is ${JSON.stringify(cls)}, an initializer torch-lstm does not offer`);
  }
  kerasArgs(o, path, { class_name: 'className', config: 'config' }, { module: ANY, registered_name: ANY });
  return initializerConfig(cls, o.config ?? {}, `${path}.config`);
}

function activationFromKeras(value: unknown, path: string): unknown {
  // Keras 3 may wrap a built-in function: { class_name: 'function', config: 'tanh', ... }.
  if (isPlainObject(value) && typeof value.config === 'string') return activation(value.config, path);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Layers

const BASE_IGNORABLE: Ignorable = { trainable: true, dtype: ANY };

const LSTM_KEYS = {
  name: 'name', units: 'units', activation: 'activation', recurrent_activation: 'recurrentActivation',
  use_bias: 'useBias', kernel_initializer: 'kernelInitializer', recurrent_initializer: 'recurrentInitializer',
  bias_initializer: 'biasInitializer', unit_forget_bias: 'unitForgetBias', dropout: 'dropout',
  recurrent_dropout: 'recurrentDropout', return_sequences: 'returnSequences', return_state: 'returnState',
  go_backwards: 'goBackwards', use_cudnn: 'useCudnn',
} as const;
const LSTM_IGNORABLE: Ignorable = {
  ...BASE_IGNORABLE, stateful: false, unroll: false, time_major: false,
  kernel_regularizer: null, recurrent_regularizer: null, bias_regularizer: null, activity_regularizer: null,
  kernel_constraint: null, recurrent_constraint: null, bias_constraint: null,
  // Dropout masks are drawn from fit's seed; Keras 2's `implementation` and masking flags change no math here.
  seed: ANY, implementation: ANY, zero_output_for_mask: ANY,
  batch_input_shape: ANY, input_shape: ANY,
};
const DENSE_KEYS = {
  name: 'name', units: 'units', activation: 'activation', use_bias: 'useBias',
  kernel_initializer: 'kernelInitializer', bias_initializer: 'biasInitializer',
} as const;
const DENSE_IGNORABLE: Ignorable = {
  ...BASE_IGNORABLE, kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null,
  kernel_constraint: null, bias_constraint: null, lora_rank: null, lora_alpha: ANY, quantization_config: null,
  batch_input_shape: ANY, input_shape: ANY,
};
const DROPOUT_KEYS = { name: 'name', rate: 'rate' } as const;
const DROPOUT_IGNORABLE: Ignorable = { ...BASE_IGNORABLE, noise_shape: null, seed: ANY, batch_input_shape: ANY, input_shape: ANY };

/**
 * A layer spec -> Keras JSON, every key present. `inputShape` is not part of it: it becomes
 * the model's `InputLayer` (see {@link modelToKeras}).
 */
export function layerToKeras(spec: LayerSpec): KerasLayerJson {
  const base = { name: spec.config.name, trainable: true, dtype: 'float32' };
  switch (spec.className) {
    case 'LSTM': {
      const c = spec.config;
      return {
        class_name: 'LSTM',
        config: {
          ...base,
          units: c.units,
          activation: c.activation,
          recurrent_activation: c.recurrentActivation,
          use_bias: c.useBias,
          kernel_initializer: initializerToKeras(c.kernelInitializer),
          recurrent_initializer: initializerToKeras(c.recurrentInitializer),
          bias_initializer: initializerToKeras(c.biasInitializer),
          unit_forget_bias: c.unitForgetBias,
          dropout: c.dropout,
          recurrent_dropout: c.recurrentDropout,
          return_sequences: c.returnSequences,
          return_state: c.returnState,
          go_backwards: c.goBackwards,
          stateful: false,
          unroll: false,
          use_cudnn: c.useCudnn,
        },
      };
    }
    case 'Dense': {
      const c = spec.config;
      return {
        class_name: 'Dense',
        config: {
          ...base,
          units: c.units,
          activation: c.activation,
          use_bias: c.useBias,
          kernel_initializer: initializerToKeras(c.kernelInitializer),
          bias_initializer: initializerToKeras(c.biasInitializer),
        },
      };
    }
    case 'Dropout':
      return { class_name: 'Dropout', config: { ...base, rate: spec.config.rate } };
  }
}

/** Keras 2 puts the input shape on the first layer: `batch_input_shape: [null, 10, 1]`. */
function keras2InputShape(config: Record<string, unknown>): unknown {
  const b = config.batch_input_shape;
  if (Array.isArray(b)) return b.slice(1);
  return config.input_shape ?? undefined;
}

/**
 * Keras JSON of one layer -> validated spec. `path` names the layer in errors (`layers[1]`);
 * the checks are the layer factory's, so the messages are the same.
 */
export function layerFromKeras(json: unknown, path: string): LayerSpec {
  const o = objectAt(json, path);
  const cls = classNameAt(o, path);
  for (const key of Object.keys(o)) {
    if (!WRAPPER_KEYS.includes(key) && key !== 'inbound_nodes') {
      throw new TypeError(`Unknown Keras key "${key}" in ${path}; a layer is { class_name, config }`);
    }
  }
  const config = objectAt(o.config, `${path}.config`);
  checkDtype(config.dtype, `${path}.config`);
  const inputShape = keras2InputShape(config);
  const withShape = (args: Record<string, unknown>) => (inputShape === undefined ? args : { ...args, inputShape });
  switch (cls) {
    case 'LSTM': {
      const args = kerasArgs(config, `${path}.config`, LSTM_KEYS, LSTM_IGNORABLE);
      for (const key of ['kernelInitializer', 'recurrentInitializer', 'biasInitializer']) {
        if (args[key] !== undefined) args[key] = initializerFromKeras(args[key], `${path}.${key}`);
      }
      for (const key of ['activation', 'recurrentActivation']) {
        if (args[key] !== undefined) args[key] = activationFromKeras(args[key], `${path}.${key}`);
      }
      return { className: 'LSTM', config: lstmConfig(withShape(args), path) };
    }
    case 'Dense': {
      const args = kerasArgs(config, `${path}.config`, DENSE_KEYS, DENSE_IGNORABLE);
      for (const key of ['kernelInitializer', 'biasInitializer']) {
        if (args[key] !== undefined) args[key] = initializerFromKeras(args[key], `${path}.${key}`);
      }
      if (args.activation !== undefined) args.activation = activationFromKeras(args.activation, `${path}.activation`);
      return { className: 'Dense', config: denseConfig(withShape(args), path) };
    }
    case 'Dropout': {
      const args = kerasArgs(config, `${path}.config`, DROPOUT_KEYS, DROPOUT_IGNORABLE);
      return { className: 'Dropout', config: dropoutConfig(withShape(args), path) };
    }
    default: {
      const near = nearest(cls, LAYER_CLASSES);
      throw new RangeError(
        `${path}.class_name is ${JSON.stringify(cls)}, a layer torch-lstm does not offer (it offers ${LAYER_CLASSES.join(', ')})` +
          (near ? `; did you mean "${near}"?` : ''),
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Models

/**
 * A sequential model -> Keras JSON: an `InputLayer` built from the first layer's inputShape
 * (when it has one), then every layer.
 */
export function modelToKeras(model: SequentialSpec): ModelSpecJson {
  const layers: KerasLayerJson[] = [];
  const first = model.layers[0]?.config.inputShape;
  if (first) {
    layers.push({
      class_name: 'InputLayer',
      config: { name: 'input_layer', batch_shape: [null, ...first], dtype: 'float32' },
    });
  }
  for (const spec of model.layers) layers.push(layerToKeras(spec));
  return { class_name: 'Sequential', config: { name: model.name, layers } };
}

function inputLayerShape(json: Record<string, unknown>, path: string): (number | null)[] {
  const config = objectAt(json.config, `${path}.config`);
  kerasArgs(config, `${path}.config`, { batch_shape: 'batchShape', batch_input_shape: 'batchShape' }, {
    name: ANY, dtype: ANY, sparse: false, ragged: false, input_tensor: null, optional: false,
  });
  checkDtype(config.dtype, `${path}.config`);
  const shape = config.batch_shape ?? config.batch_input_shape;
  if (!Array.isArray(shape) || shape.length < 2) {
    throw new TypeError(`Expected an array [batch, ...] for ${path}.config.batch_shape but received ${describe(shape)}`);
  }
  return shape.slice(1) as (number | null)[];
}

/**
 * Keras JSON of a Sequential model -> spec. Accepts our `model.json` document, a Keras 3
 * `config.json` (with `module`, `build_config`, `compile_config` around it), a Keras 2 one
 * (`batch_input_shape` on the first layer), or the same wrapped in `{ model_config }`.
 */
export function modelFromKeras(json: unknown, path = 'model'): SequentialSpec {
  let o = objectAt(json, path);
  if ('model_config' in o) {
    path = `${path}.model_config`;
    o = objectAt(o.model_config, path);
  }
  const cls = classNameAt(o, path);
  if (cls !== 'Sequential') {
    throw new RangeError(`${path}.class_name is ${JSON.stringify(cls)}; torch-lstm reads Sequential models`);
  }
  const config = objectAt(o.config, `${path}.config`);
  kerasArgs(config, `${path}.config`, { name: 'name', layers: 'layers' }, {
    trainable: true, dtype: ANY, build_input_shape: ANY,
  });
  checkDtype(config.dtype, `${path}.config`);
  const name = config.name ?? 'sequential';
  if (typeof name !== 'string' || name.length === 0) {
    throw new TypeError(`Expected a non-empty string for ${path}.config.name but received ${describe(name)}`);
  }
  if (!Array.isArray(config.layers)) {
    throw new TypeError(`Expected an array for ${path}.config.layers but received ${describe(config.layers)}`);
  }
  const entries = config.layers.map((raw, i) => objectAt(raw, `${path}.config.layers[${i}]`));
  // The input shape: an InputLayer first (Keras 3, and our own document), else Keras 3's
  // `build_input_shape` or the first layer's `build_config`, else Keras 2's `batch_input_shape`
  // on the first layer (read by layerFromKeras).
  let batchShape: unknown;
  const hasInputLayer = entries[0]?.class_name === 'InputLayer';
  if (hasInputLayer) batchShape = [null, ...inputLayerShape(entries[0]!, `${path}.config.layers[0]`)];
  else if (Array.isArray(config.build_input_shape)) batchShape = config.build_input_shape;
  else if (entries[0] && isPlainObject(entries[0].build_config)) batchShape = entries[0].build_config.input_shape;
  const layers: LayerSpec[] = [];
  entries.forEach((layerJson, i) => {
    if (i === 0 && hasInputLayer) return;
    if (layerJson.class_name === 'InputLayer') {
      throw new RangeError(`${path}.config.layers[${i}] is an InputLayer; a Sequential model has at most one, first`);
    }
    const index = layers.length;
    let layerConfig = layerJson.config;
    if (index === 0 && Array.isArray(batchShape) && isPlainObject(layerConfig) && layerConfig.batch_input_shape === undefined) {
      // The layer factory validates the shape (rank, positive integers) with the layer's path.
      layerConfig = { ...layerConfig, batch_input_shape: batchShape };
    }
    layers.push(layerFromKeras({ ...layerJson, config: layerConfig }, `layers[${index}]`));
  });
  return { name, layers };
}

// ---------------------------------------------------------------------------------------------
// Compile config

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

/** Keras JSON of an optimizer (or a name) -> optimizer object. */
export function optimizerFromKeras(json: unknown, path: string): AnyOptimizer {
  if (typeof json === 'string') return optimizerFromSpec(specForName(json, path), path);
  const o = objectAt(json, path);
  const cls = classNameAt(o, path);
  const keys = (OPTIMIZER_KEYS as Record<string, Record<string, string>>)[cls];
  if (!keys) {
    throw new RangeError(
      `${path}.class_name is ${JSON.stringify(cls)}, an optimizer torch-lstm does not offer (it offers ${Object.keys(OPTIMIZER_KEYS).join(', ')})`,
    );
  }
  const config = objectAt(o.config ?? {}, `${path}.config`);
  if (isPlainObject(config.learning_rate)) {
    throw new RangeError(
      `${path}.config.learning_rate is a schedule; torch-lstm takes a number (change it between epochs with a callback such as ReduceLROnPlateau)`,
    );
  }
  const args = kerasArgs(config, `${path}.config`, { ...keys, ...CLIP_KEYS }, OPTIMIZER_IGNORABLE);
  return optimizerFromSpec({ className: cls, config: { name: '', ...args } } as OptimizerSpec, path);
}

function specForName(name: string, path: string): OptimizerSpec {
  const cls = ({ adam: 'Adam', sgd: 'SGD', rmsprop: 'RMSprop', adagrad: 'Adagrad' } as Record<string, OptimizerClassName>)[
    name.toLowerCase()
  ];
  if (!cls) throw new RangeError(`${path} is ${JSON.stringify(name)}, an optimizer torch-lstm does not offer`);
  return { className: cls, config: { name: '' } } as unknown as OptimizerSpec;
}

/** A loss -> Keras JSON (`{ class_name, config }`). */
export function lossToKeras(loss: Loss): KerasLayerJson {
  return { class_name: loss.className, config: { ...loss.getConfig() } };
}

/** Keras JSON of a loss (an object, a name, or Keras 3's wrapped function) -> loss object. */
export function lossFromKeras(json: unknown, path: string): Loss {
  if (typeof json === 'string') {
    const cls = lossClassOf(json);
    if (!cls) throw new RangeError(`${path} is ${JSON.stringify(json)}, a loss torch-lstm does not offer (mse, mae, huber, logcosh)`);
    return new Loss(lossSpec(cls, {}, path));
  }
  const o = objectAt(json, path);
  const cls = classNameAt(o, path);
  if (cls === 'function' && typeof o.config === 'string') return lossFromKeras(o.config, path);
  if (!['MeanSquaredError', 'MeanAbsoluteError', 'Huber', 'LogCosh'].includes(cls)) {
    throw new RangeError(`${path}.class_name is ${JSON.stringify(cls)}, a loss torch-lstm does not offer`);
  }
  const config = objectAt(o.config ?? {}, `${path}.config`);
  const args = kerasArgs(config, `${path}.config`, cls === 'Huber' ? { delta: 'delta' } : {}, {
    name: ANY, reduction: 'sum_over_batch_size', dtype: ANY,
  });
  return new Loss(lossSpec(cls as LossClassName, args, `${path}.config`));
}

/** Keras JSON of one metric (ours `{ name, class_name }`, a name, or a Keras object) -> spec. */
export function metricFromKeras(json: unknown, path: string): MetricSpec {
  if (typeof json === 'string') return metricSpec(json, path);
  const o = objectAt(json, path);
  const cls = classNameAt(o, path);
  if (cls === 'function' && typeof o.config === 'string') return metricSpec(o.config, path);
  if (!isMetricClass(cls)) {
    throw new RangeError(`${path}.class_name is ${JSON.stringify(cls)}, a metric torch-lstm does not offer`);
  }
  const name = typeof o.name === 'string' ? o.name : isPlainObject(o.config) ? o.config.name : undefined;
  if (name === undefined) return metricSpec(cls, path);
  if (typeof name !== 'string' || name.length === 0 || name === 'loss' || name.startsWith('val_')) {
    throw new RangeError(`Expected a metric name (not "loss", not starting with "val_") for ${path}.name but received ${describe(name)}`);
  }
  return { name, className: cls };
}

/** The compile configuration -> the engine's `CompileSpecJson` (the `compile_config` of a saved model). */
export function compileToKeras(config: CompileConfig): CompileSpecJson {
  return {
    optimizer: optimizerToKeras({ className: config.optimizer.className, config: config.optimizer.getConfig() } as OptimizerSpec),
    loss: lossToKeras(config.loss),
    metrics: config.metrics.map((m) => ({ name: m.name, class_name: m.className })),
  };
}

/** Our `CompileSpecJson` or a Keras `compile_config` -> the compile configuration. */
export function compileFromKeras(json: unknown, path = 'compile_config'): CompileConfig {
  const o = objectAt(json, path);
  kerasArgs(o, path, { optimizer: 'optimizer', loss: 'loss', metrics: 'metrics' }, {
    loss_weights: null, weighted_metrics: null, run_eagerly: ANY, steps_per_execution: 1, jit_compile: ANY,
  });
  const optimizer = optimizerFromKeras(o.optimizer ?? 'rmsprop', `${path}.optimizer`);
  if (o.loss === undefined || o.loss === null) throw new TypeError(`Expected a loss for ${path}.loss but received ${describe(o.loss)}`);
  const loss = lossFromKeras(o.loss, `${path}.loss`);
  const raw = o.metrics ?? [];
  if (!Array.isArray(raw)) throw new TypeError(`Expected an array for ${path}.metrics but received ${describe(raw)}`);
  const metrics: MetricSpec[] = [];
  raw.forEach((m, i) => {
    const spec = metricFromKeras(m, `${path}.metrics[${i}]`);
    if (metrics.some((s) => s.name === spec.name)) {
      throw new RangeError(`${path}.metrics[${i}] repeats the metric name ${JSON.stringify(spec.name)}`);
    }
    metrics.push(spec);
  });
  return { optimizer, loss, metrics };
}
