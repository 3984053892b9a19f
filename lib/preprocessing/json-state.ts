/**
 * The JSON documents of the preprocessing transformers: `{ className, config, state }`, as their
 * `toJSON` writes and their `fromJSON` reads (checked field by field, messages naming the path).
 */
import { typeError } from '../validate.js';

/** @internal What a transformer's `toJSON` writes: its class, its options, its fitted state or `null`. */
export interface TransformerJSON {
  className: string;
  config: object;
  state: object | null;
}

/**
 * @internal Checks that `json` is a `className` document (an object with that `className`) and
 * returns it; its `config` and `state` are still unchecked.
 */
export function readDocument<J extends TransformerJSON>(json: unknown, className: J['className']): Partial<J> {
  if (typeof json !== 'object' || json === null || (json as { className?: unknown }).className !== className) {
    throw typeError(`a ${className} JSON document (className "${className}")`, `${className}.fromJSON.json`, json);
  }
  return json as Partial<J>;
}

/** @internal Reads a number array from JSON (`fromJSON`), of a given length when asked. */
export function jsonNumbers(value: unknown, name: string, length?: number): number[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw typeError('an array of finite numbers', name, value);
  }
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`Expected ${name} to hold ${length} values but received ${value.length}`);
  }
  return [...(value as number[])];
}

/** @internal A scaler's fitted state: per-feature number arrays and the number of rows seen. */
export type FeatureState<K extends string> = { [key in K]: number[] } & { nSamplesSeen: number };

/**
 * @internal Reads a scaler's saved state: `first` (any length, the feature count), then
 * `nSamplesSeen` (a positive integer), then the other `keys`, each as long as `first`.
 * The result holds `keys` in their order, then `nSamplesSeen`, so it saves back the same.
 */
export function readFeatureState<K extends string>(
  state: unknown,
  name: string,
  keys: readonly K[],
  first: K,
): FeatureState<K> {
  const saved = state as Record<string, unknown>;
  const leading = jsonNumbers(saved[first], `${name}.${first}`);
  const nSamplesSeen = saved.nSamplesSeen;
  if (typeof nSamplesSeen !== 'number' || !Number.isInteger(nSamplesSeen) || nSamplesSeen < 1) {
    throw typeError('a positive integer', `${name}.nSamplesSeen`, nSamplesSeen);
  }
  const out: Record<string, number[] | number> = {};
  for (const key of keys) {
    out[key] = key === first ? leading : jsonNumbers(saved[key], `${name}.${key}`, leading.length);
  }
  out.nSamplesSeen = nSamplesSeen;
  return out as FeatureState<K>;
}

/** @internal A copy of a scaler's fitted state, for `toJSON` (the arrays are copied, the key order kept). */
export function copyFeatureState<S extends { nSamplesSeen: number }>(state: S): S {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(state)) out[key] = Array.isArray(value) ? [...value] : value;
  return out as S;
}
