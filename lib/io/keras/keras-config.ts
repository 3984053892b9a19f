/**
 * Normalizes the model JSON of files written by Keras 3, Keras 2 and TensorFlow.js into what
 * `lib/serialization/keras-json.ts` (THE one conversion point) reads today. Every rule here
 * rewrites only bookkeeping that changes no math, or refuses what torch-lstm would compute
 * differently. Each rule is a candidate to fold into the serialization module, after which it
 * becomes a no-op here.
 *
 * Rules:
 * - Keras 3 `shared_object_id` (object sharing bookkeeping in `config.json`): dropped, anywhere.
 * - Recent Keras 3 (3.15 writes them) VarianceScaling-family initializers (`GlorotUniform`, `HeNormal`, ...)
 *   carry `input_axes` / `output_axes`: dropped when `null` (their default); other values are
 *   left for the serialization module to refuse.
 * - TensorFlow.js writes Glorot/He/Lecun initializers as `VarianceScaling` with
 *   `{ scale, mode, distribution }`: mapped to the named class when it matches one.
 * - TensorFlow.js writes `unit_forget_bias: null` for its default, which tfjs treats as false.
 * - Compile configs ({@link normalizeCompileJson}): legacy `.h5` and tfjs `optimizer_config`
 *   becomes `optimizer`; Keras 2.11-2.15's `Custom>Adam` (in `.h5` files) becomes `Adam` and
 *   their `steps_per_execution: null` (in `.keras` files) becomes 1, its meaning;
 *   tfjs's camelCase optimizer configs, `RMSProp`/`Momentum` and `metrics: {}` become Keras's.
 * - `hard_sigmoid` in a Keras 2 or TensorFlow.js file is refused: there it is
 *   `clip(0.2 x + 0.5, 0, 1)`, whereas torch-lstm (as Keras 3) computes `relu6(x + 3) / 6`, so the
 *   imported model would silently compute another function.
 */
import { layerClassNames } from '../../serialization/keras-json.js';
import { isPlainObject } from '../../validate.js';
import { ModelFileError } from '../errors.js';

/** Which writer produced the JSON. */
export interface KerasSource {
  /** `'keras'` for `.keras` and `.h5` files, `'tfjs'` for a TensorFlow.js `model.json`. */
  writer: 'keras' | 'tfjs';
  /** The Keras version the file records (`"3.15.1"`, `"2.15.0"`, `"tfjs-layers 4.22.0"`), when it does. */
  version?: string;
}

const VARIANCE_SCALING_CLASSES = ['GlorotUniform', 'GlorotNormal', 'HeUniform', 'HeNormal', 'LecunUniform', 'LecunNormal'];

/** `VarianceScaling` parameters of each named class (Keras: glorot = 1/fan_avg, he = 2/fan_in, lecun = 1/fan_in). */
const VARIANCE_SCALING_NAMES: Readonly<Record<string, string>> = {
  '1|fan_avg|uniform': 'GlorotUniform',
  '1|fan_avg|normal': 'GlorotNormal',
  '1|fan_avg|truncated_normal': 'GlorotNormal',
  '2|fan_in|uniform': 'HeUniform',
  '2|fan_in|normal': 'HeNormal',
  '2|fan_in|truncated_normal': 'HeNormal',
  '1|fan_in|uniform': 'LecunUniform',
  '1|fan_in|normal': 'LecunNormal',
  '1|fan_in|truncated_normal': 'LecunNormal',
};

/** Whether the file's `hard_sigmoid` is Keras 2's `clip(0.2 x + 0.5)` (Keras 2.x and tfjs), not Keras 3's. */
function oldHardSigmoid(source: KerasSource): boolean {
  return source.writer === 'tfjs' || (source.version !== undefined && /^[12]\./.test(source.version));
}

function normalizeInitializer(o: Record<string, unknown>): Record<string, unknown> {
  const cls = o.class_name;
  const config = isPlainObject(o.config) ? { ...o.config } : o.config;
  if (!isPlainObject(config)) return o;
  if (typeof cls === 'string' && VARIANCE_SCALING_CLASSES.includes(cls)) {
    for (const key of ['input_axes', 'output_axes']) if (config[key] === null) delete config[key];
    return { ...o, config };
  }
  if (cls === 'VarianceScaling') {
    const mode = typeof config.mode === 'string' ? config.mode.replace(/([A-Z])/g, '_$1').toLowerCase() : config.mode; // tfjs: fanAvg
    const named = VARIANCE_SCALING_NAMES[`${String(config.scale)}|${String(mode)}|${String(config.distribution)}`];
    if (named) return { ...o, class_name: named, config: { seed: config.seed ?? null } };
  }
  return { ...o, config };
}

function normalizeLayerConfig(cls: string, config: Record<string, unknown>, source: KerasSource, path: string, file: string): Record<string, unknown> {
  const out = { ...config };
  if (source.writer === 'tfjs' && (cls === 'LSTM' || cls === 'GRU') && out.unit_forget_bias === null) out.unit_forget_bias = false;
  if (oldHardSigmoid(source)) {
    for (const key of ['activation', 'recurrent_activation']) {
      const value = out[key];
      const name = isPlainObject(value) ? value.config : value;
      if (name === 'hard_sigmoid' || name === 'hardSigmoid') {
        const who = source.writer === 'tfjs' ? 'TensorFlow.js' : `Keras ${source.version}`;
        throw new ModelFileError(
          file,
          `${path}.${key} is "hard_sigmoid", which ${who} computes as clip(0.2 x + 0.5, 0, 1); torch-lstm computes Keras 3's ` +
            'hard_sigmoid, relu6(x + 3) / 6, a different function, so this model cannot be imported exactly ' +
            '(retrain it with recurrent_activation "sigmoid", the Keras default, to import it)',
        );
      }
    }
  }
  return out;
}

function deepNormalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(deepNormalize);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === 'shared_object_id') continue;
    out[key] = deepNormalize(v);
  }
  return 'class_name' in out && 'config' in out ? normalizeInitializer(out) : out;
}

/** The model's layer list (`config.layers`), when the JSON has one. */
function layerList(model: Record<string, unknown>): unknown[] | undefined {
  const config = model.config;
  return isPlainObject(config) && Array.isArray(config.layers) ? config.layers : undefined;
}

/**
 * The model JSON of a Keras or tfjs file, normalized for `modelFromKeras`; unwraps
 * `{ model_config }` and checks that every layer is one torch-lstm offers, naming all the
 * ones it does not at once.
 *
 * @example
 * const json = normalizeKerasModelJson(JSON.parse(text), { writer: 'keras', version: '3.15.1' }, file);
 * const model = Sequential.fromConfig(json);
 * @throws {ModelFileError} not a model JSON, a layer torch-lstm does not offer, Keras 2's hard_sigmoid.
 */
export function normalizeKerasModelJson(json: unknown, source: KerasSource, file: string): Record<string, unknown> {
  let model = json;
  if (isPlainObject(model) && 'model_config' in model && !('class_name' in model)) model = model.model_config;
  if (!isPlainObject(model) || typeof model.class_name !== 'string' || !isPlainObject(model.config)) {
    throw new ModelFileError(file, 'does not hold a Keras model config ({ class_name, config }): the file is damaged or not a Keras model');
  }
  const normalized = deepNormalize(model) as Record<string, unknown>;
  const layers = layerList(normalized);
  if (!layers) return normalized;
  const offered = layerClassNames();
  const known = new Set<string>([...offered, 'InputLayer']);
  const unsupported: string[] = [];
  const outLayers = layers.map((layer, i) => {
    if (!isPlainObject(layer) || typeof layer.class_name !== 'string' || !isPlainObject(layer.config)) return layer;
    const name = typeof layer.config.name === 'string' ? ` "${layer.config.name}"` : '';
    if (!known.has(layer.class_name)) unsupported.push(`${layer.class_name} (config.layers[${i}]${name})`);
    return { ...layer, config: normalizeLayerConfig(layer.class_name, layer.config, source, `config.layers[${i}]`, file) };
  });
  if (unsupported.length > 0) {
    throw new ModelFileError(
      file,
      `uses ${unsupported.length === 1 ? 'a layer' : 'layers'} torch-lstm does not offer yet: ${unsupported.join(', ')}; ` +
        `torch-lstm offers ${offered.join(', ')}`,
    );
  }
  return { ...normalized, config: { ...(normalized.config as Record<string, unknown>), layers: outLayers } };
}

/** tfjs optimizer class names -> Keras's. */
const TFJS_OPTIMIZERS: Readonly<Record<string, string>> = { Adam: 'Adam', SGD: 'SGD', RMSProp: 'RMSprop', RMSprop: 'RMSprop', Adagrad: 'Adagrad', Momentum: 'SGD' };
/** tfjs optimizer config keys (camelCase) -> Keras's, per class. */
const TFJS_OPTIMIZER_KEYS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Adam: { learningRate: 'learning_rate', beta1: 'beta_1', beta2: 'beta_2', epsilon: 'epsilon' },
  SGD: { learningRate: 'learning_rate' },
  Momentum: { learningRate: 'learning_rate', momentum: 'momentum', useNesterov: 'nesterov' },
  RMSProp: { learningRate: 'learning_rate', decay: 'rho', momentum: 'momentum', epsilon: 'epsilon', centered: 'centered' },
  Adagrad: { learningRate: 'learning_rate', initialAccumulatorValue: 'initial_accumulator_value' },
};

/**
 * A saved training config -> a Keras `compile_config` for `compileFromKeras`: legacy `.h5`
 * and tfjs name the optimizer `optimizer_config`; Keras 2.11-2.15 call theirs `Custom>Adam` and
 * write `steps_per_execution: null`; tfjs writes camelCase optimizer configs (`learningRate`,
 * `beta1`), `RMSProp`/`Momentum` class names and `metrics: {}` for none. Keras 3's
 * `shared_object_id` is dropped.
 */
export function normalizeCompileJson(json: unknown, source: KerasSource): unknown {
  if (!isPlainObject(json)) return json;
  const { optimizer_config: legacyOptimizer, ...rest } = deepNormalize(json) as Record<string, unknown>;
  const out: Record<string, unknown> = legacyOptimizer === undefined ? rest : { ...rest, optimizer: legacyOptimizer };
  // Keras 2.13-2.15's .keras compile_config writes steps_per_execution null for its default, 1.
  if (out.steps_per_execution === null) out.steps_per_execution = 1;
  const named = out.optimizer;
  if (isPlainObject(named) && typeof named.class_name === 'string' && named.class_name.startsWith('Custom>')) {
    // Keras 2.11-2.15 register their (new) built-in optimizers as "Custom>Adam", "Custom>SGD", ...
    out.optimizer = { ...named, class_name: named.class_name.slice('Custom>'.length) };
  }
  if (source.writer !== 'tfjs') return out;
  if (isPlainObject(out.metrics) && Object.keys(out.metrics).length === 0) out.metrics = [];
  const opt = out.optimizer;
  if (isPlainObject(opt) && typeof opt.class_name === 'string' && opt.class_name in TFJS_OPTIMIZERS && isPlainObject(opt.config)) {
    const keys = TFJS_OPTIMIZER_KEYS[opt.class_name] ?? {};
    const config: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(opt.config)) config[keys[k] ?? k] = v;
    out.optimizer = { class_name: TFJS_OPTIMIZERS[opt.class_name], config };
  }
  return out;
}
