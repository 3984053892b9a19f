/**
 * The inputs of every metric: the value forms accepted, flattened to float64 and checked.
 */
import { describe, typeError } from '../validate.js';

/** The value forms the metrics accept; nested arrays and `{ data, shape }` are flattened. */
export type MetricInput =
  | number[]
  | number[][]
  | Float32Array
  | Float64Array
  | { data: ArrayLike<number>; shape: readonly number[] };

/**
 * @internal Both arguments of metric `fn` flattened to float64, checked to hold the same number
 * of finite values.
 */
export function flattenPair(yTrue: unknown, yPred: unknown, fn: string): [Float64Array, Float64Array] {
  const t = flatten(yTrue, `${fn}.yTrue`);
  const p = flatten(yPred, `${fn}.yPred`);
  if (t.length !== p.length) {
    throw new RangeError(
      `Expected ${fn}.yTrue and ${fn}.yPred to hold the same number of values but yTrue has ${t.length} and yPred has ${p.length}`,
    );
  }
  return [t, p];
}

/**
 * @internal Flattens a {@link MetricInput} to float64 in row-major order, checking that it is
 * non-empty and finite. `name` is the argument's dotted path for messages.
 */
export function flatten(value: unknown, name: string): Float64Array {
  let out: Float64Array;
  if (value instanceof Float32Array || value instanceof Float64Array) {
    out = Float64Array.from(value);
  } else if (Array.isArray(value)) {
    const values: number[] = [];
    const walk = (node: unknown, path: string): void => {
      if (Array.isArray(node)) node.forEach((child, i) => walk(child, `${path}[${i}]`));
      else if (typeof node === 'number') values.push(node);
      else throw new TypeError(`Expected a number at ${path} but received ${describe(node)}`);
    };
    walk(value, name);
    out = Float64Array.from(values);
  } else if (typeof value === 'object' && value !== null && 'data' in value && 'shape' in value) {
    const { data, shape } = value as { data: unknown; shape: unknown };
    if (!(ArrayBuffer.isView(data) || Array.isArray(data)) || data instanceof DataView) {
      throw new TypeError(`Expected a typed array or number[] for ${name}.data but received ${describe(data)}`);
    }
    const size = Array.isArray(shape) ? shape.reduce((a: number, b: unknown) => a * Number(b), 1) : NaN;
    const length = (data as ArrayLike<number>).length;
    if (size !== length) {
      throw new RangeError(
        `Expected ${name}.data to hold the ${size} values of ${name}.shape [${Array.isArray(shape) ? shape.join(', ') : describe(shape)}] but received ${length}`,
      );
    }
    out = Float64Array.from(data as ArrayLike<number>, Number);
  } else {
    throw typeError('number[], number[][], a Float32Array, a Float64Array or { data, shape }', name, value);
  }
  if (out.length === 0) throw new RangeError(`Expected at least one value in ${name} but received none`);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) throw new RangeError(`Expected finite numbers in ${name} but received ${out[i]} at flat index ${i}`);
  }
  return out;
}
