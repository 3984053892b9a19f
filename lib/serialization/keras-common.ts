/**
 * Helpers every Keras JSON converter shares: reading `{ class_name, config }` objects, mapping
 * snake_case keys to camelCase args with the Keras keys we accept only at their defaults,
 * `dtype`, initializers and activations. Part of the one conversion point (`keras-json.ts`).
 */
import type { KerasLayerJson } from '../native.js';
import { activation } from '../layers/activations.js';
import { initializer, initializerConfig, isInitializerClass, type InitializerConfig } from '../layers/initializers.js';
import { describe, isPlainObject, nearest } from '../validate.js';

/** Marks a Keras key accepted with any value (it does not change the math we compute). */
export const ANY = Symbol('any');

/** Keras keys accepted only with the given value (their Keras default), or with any value for {@link ANY}. */
export type Ignorable = Readonly<Record<string, unknown>>;

/** Keras wrapper keys around `{ class_name, config }` that carry no meaning for us. */
export const WRAPPER_KEYS: readonly string[] = ['class_name', 'config', 'module', 'registered_name', 'build_config', 'compile_config', 'name'];

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
 * `ignorable` must hold their Keras default (or anything, for {@link ANY}), others are errors.
 */
export function kerasArgs(
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
export function checkDtype(value: unknown, path: string): void {
  if (value === undefined || value === null) return;
  let name: unknown = value;
  if (isPlainObject(value)) name = isPlainObject(value.config) ? value.config.name : undefined;
  if (name !== 'float32') {
    throw new RangeError(`${path}.dtype is ${JSON.stringify(value)} but torch-lstm models compute in float32`);
  }
}

/** `{ className, config }` -> `{ class_name, config }`. */
export function initializerToKeras(init: InitializerConfig): KerasLayerJson {
  return { class_name: init.className, config: { ...init.config } };
}

/** Keys Keras 3.10+ writes into some initializer configs, accepted at their defaults. */
const INITIALIZER_EXTRA: Readonly<Record<string, null>> = { input_axes: null, output_axes: null };

/** A Keras initializer (object, or a name such as `"glorot_uniform"`) -> config form. */
export function initializerFromKeras(json: unknown, path: string): InitializerConfig {
  if (typeof json === 'string') return initializer(json, path);
  const o = objectAt(json, path);
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
