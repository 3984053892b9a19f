/**
 * Helpers every Keras JSON converter shares: reading `{ class_name, config }` objects, mapping
 * snake_case keys to camelCase args with the Keras keys we accept only at their defaults,
 * `dtype`, initializers and activations. Part of the one conversion point (`keras-json.ts`).
 */
import type { KerasLayerJson } from '../native.js';
import { activation } from '../layers/activations.js';
import { INPUT_DTYPES, type InputDtype } from '../layers/input-layer.js';
import { initializer, initializerConfig, isInitializerClass, type InitializerConfig } from '../layers/initializers.js';
import { describe, isPlainObject, nearest } from '../validate.js';

/** Marks a Keras key accepted with any value (it does not change the math we compute). */
export const ANY = Symbol('any');

/** Keras keys accepted only with the given value (their Keras default), or with any value for {@link ANY}. */
export type Ignorable = Readonly<Record<string, unknown>>;

/**
 * Keras 3's object-sharing bookkeeping: `config.json` marks an object serialized more than once
 * (a dtype policy, an initializer, ...) with `shared_object_id`. It changes no math, so it is
 * accepted with any value on any object, as a wrapper key and by {@link kerasArgs}.
 */
export const SHARED_OBJECT_ID = 'shared_object_id';

/** Keras wrapper keys around `{ class_name, config }` that carry no meaning for us. */
export const WRAPPER_KEYS: readonly string[] = [
  'class_name', 'config', 'module', 'registered_name', 'build_config', 'compile_config', 'name', SHARED_OBJECT_ID,
];

/** Keys every layer config may hold at their defaults. */
export const BASE_IGNORABLE: Ignorable = { trainable: true, dtype: ANY };

/** A plain object at `path`, or a TypeError. */
export function objectAt(value: unknown, path: string): Record<string, unknown> {
  if (!isPlainObject(value)) {
    throw new TypeError(`Expected a Keras JSON object for ${path} but received ${describe(value)} of type ${value === null ? 'null' : typeof value}`);
  }
  return value;
}

/** The string `class_name` of a Keras object, or a TypeError. */
export function classNameAt(json: Record<string, unknown>, path: string): string {
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
 * `ignorable` must hold their Keras default (or anything, for {@link ANY}), Keras 3's
 * {@link SHARED_OBJECT_ID} is skipped, others are errors.
 */
export function kerasArgs(
  config: Record<string, unknown>,
  path: string,
  keys: Readonly<Record<string, string>>,
  ignorable: Ignorable,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === SHARED_OBJECT_ID && !(key in keys)) continue;
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

/** The dtype name of a Keras `dtype`: a string, or a DTypePolicy object (Keras 3); `undefined` for neither. */
function dtypeName(value: unknown): unknown {
  return isPlainObject(value) ? (isPlainObject(value.config) ? value.config.name : undefined) : value;
}

/**
 * `dtype` of a computing layer (or model) as Keras writes it: a string, or a DTypePolicy object
 * (Keras 3). Only float32: torch-lstm's layers compute in float32 (mixed precision is a fit
 * option, not a layer dtype).
 */
export function checkDtype(value: unknown, path: string): void {
  if (value === undefined || value === null) return;
  if (dtypeName(value) !== 'float32') {
    throw new RangeError(`${path}.dtype is ${JSON.stringify(value)} but torch-lstm models compute in float32`);
  }
}

/**
 * `dtype` of an `InputLayer` (a string, or a DTypePolicy object): float32, or an integer dtype
 * (an input of indices for an Embedding, `keras.Input(shape, dtype="int32")`). The values cross
 * into the engine as float32 either way, which is exact for integers up to 2^24.
 */
export function inputDtypeFromKeras(value: unknown, path: string): InputDtype {
  if (value === undefined || value === null) return 'float32';
  const name = dtypeName(value);
  if (!(INPUT_DTYPES as readonly unknown[]).includes(name)) {
    throw new RangeError(
      `${path}.dtype is ${JSON.stringify(value)} but torch-lstm model inputs are float32, or integers (indices) ` +
        `that cross into the engine as float32 (${INPUT_DTYPES.join(', ')})`,
    );
  }
  return name as InputDtype;
}

/** `{ className, config }` -> `{ class_name, config }`. */
export function initializerToKeras(init: InitializerConfig): KerasLayerJson {
  return { class_name: init.className, config: { ...init.config } };
}

/** Keys Keras 3.10+ writes into some initializer configs, accepted at their defaults. */
const INITIALIZER_EXTRA: Readonly<Record<string, null>> = { input_axes: null, output_axes: null };

/**
 * The named class of `VarianceScaling` parameters (`scale|mode|distribution`; Keras: glorot =
 * 1/fan_avg, he = 2/fan_in, lecun = 1/fan_in). TensorFlow.js writes its Glorot/He/Lecun
 * initializers this way (`mode` in camelCase, `fanAvg`); `normal` and `truncated_normal` both
 * name the normal variant (tfjs's `normal` draws a truncated normal, as Keras's named classes do).
 */
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

/** `VarianceScaling { scale, mode, distribution, seed }` -> the named class it is, with its seed; else unchanged. */
function namedVarianceScaling(o: Record<string, unknown>): Record<string, unknown> {
  const c = o.config;
  if (o.class_name !== 'VarianceScaling' || !isPlainObject(c)) return o;
  const mode = typeof c.mode === 'string' ? c.mode.replace(/([A-Z])/g, '_$1').toLowerCase() : c.mode;
  const named = VARIANCE_SCALING_NAMES[`${String(c.scale)}|${String(mode)}|${String(c.distribution)}`];
  return named ? { ...o, class_name: named, config: { seed: c.seed ?? null } } : o;
}

/**
 * A Keras initializer (object, or a name such as `"glorot_uniform"`) -> config form. A
 * `VarianceScaling` that is one of the named classes (as TensorFlow.js writes them) reads as that class.
 */
export function initializerFromKeras(json: unknown, path: string): InitializerConfig {
  if (typeof json === 'string') return initializer(json, path);
  const o = namedVarianceScaling(objectAt(json, path));
  const cls = classNameAt(o, path);
  if (!isInitializerClass(cls)) {
    throw new RangeError(`${path}.class_name is ${JSON.stringify(cls)}, an initializer torch-lstm does not offer`);
  }
  kerasArgs(o, path, { class_name: 'className', config: 'config' }, { module: ANY, registered_name: ANY });
  const config = o.config === undefined || o.config === null ? {} : { ...objectAt(o.config, `${path}.config`) };
  for (const [key, def] of Object.entries(INITIALIZER_EXTRA)) {
    if (!(key in config)) continue;
    if (config[key] !== def) {
      throw new RangeError(`${path}.config.${key} is ${JSON.stringify(config[key])} but torch-lstm supports only ${JSON.stringify(def)} (the Keras default) for it`);
    }
    delete config[key];
  }
  return initializerConfig(cls, config, `${path}.config`);
}

/** Keras 3 may wrap a built-in activation: `{ class_name: 'function', config: 'tanh', ... }`. */
export function activationFromKeras(value: unknown, path: string): unknown {
  if (isPlainObject(value) && typeof value.config === 'string') return activation(value.config, path);
  return value;
}

/** Converts the initializer args named in `keys` (camelCase) from Keras JSON, in place. */
export function initializersFromKeras(args: Record<string, unknown>, keys: readonly string[], path: string): void {
  for (const key of keys) if (args[key] !== undefined) args[key] = initializerFromKeras(args[key], `${path}.${key}`);
}

/** Converts the activation args named in `keys` (camelCase) from Keras JSON, in place. */
export function activationsFromKeras(args: Record<string, unknown>, keys: readonly string[], path: string): void {
  for (const key of keys) if (args[key] !== undefined) args[key] = activationFromKeras(args[key], `${path}.${key}`);
}
