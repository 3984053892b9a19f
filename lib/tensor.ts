/**
 * The tensor-like values that cross the public API.
 *
 * Inputs are nested arrays or `{ data, shape }`; they are packed once into a
 * `Float32Array` with a row-major shape. Outputs are {@link Tensor}s.
 */
import { describe, isPlainObject } from './validate.js';

/** Plain numeric arrays of any depth: `number[]`, `number[][]`, `number[][][]`, ... */
export type NestedArray = number | NestedArray[];

/** A packed tensor: row-major data and its shape. */
export interface TensorLike {
  data: Float32Array | Float64Array | Int32Array | number[];
  shape: readonly number[];
}

/** What every data-taking method accepts. */
export type TensorInput = NestedArray[] | TensorLike;

/** A float32 tensor returned by the engine. */
export class Tensor {
  readonly shape: number[];
  readonly data: Float32Array;
  readonly dtype = 'float32' as const;

  constructor(data: Float32Array, shape: readonly number[]) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (size !== data.length) {
      throw new RangeError(`Tensor data of length ${data.length} does not match shape [${shape.join(', ')}] (size ${size})`);
    }
    this.data = data;
    this.shape = [...shape];
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** The values as nested arrays (a scalar tensor gives a number). */
  toArray(): NestedArray {
    return unpack(this.data, this.shape);
  }
}

/** A packed float32 tensor ready to cross into the engine. */
export interface Packed {
  data: Float32Array;
  shape: number[];
}

/**
 * Packs nested arrays or `{data, shape}` into a float32 buffer, checking that the
 * array is rectangular, non-empty and finite. `name` is the argument's name for errors.
 */
export function pack(value: unknown, name: string, opts: { allowNaN?: boolean } = {}): Packed {
  let packed: Packed;
  if (value instanceof Tensor) {
    packed = { data: value.data, shape: [...value.shape] };
  } else if (Array.isArray(value)) {
    packed = packNested(value, name);
  } else if (isPlainObject(value) && 'data' in value && 'shape' in value) {
    packed = packFlat(value as unknown as TensorLike, name);
  } else {
    throw new TypeError(
      `Expected a nested number array or { data, shape } for ${name} but received ${describe(value)} of type ${value === null ? 'null' : typeof value}`,
    );
  }
  if (packed.data.length === 0) {
    throw new RangeError(`Expected a non-empty tensor for ${name} but received shape [${packed.shape.join(', ')}]`);
  }
  if (!opts.allowNaN) {
    for (let i = 0; i < packed.data.length; i++) {
      if (!Number.isFinite(packed.data[i])) {
        const idx = unravel(i, packed.shape);
        throw new RangeError(
          `Expected finite numbers in ${name} but received ${packed.data[i]} at index [${idx.join(', ')}]`,
        );
      }
    }
  }
  return packed;
}

function packFlat(value: TensorLike, name: string): Packed {
  const { data, shape } = value;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new TypeError(`Expected an array of non-negative integers for ${name}.shape but received ${describe(shape)}`);
  }
  const isTyped = data instanceof Float32Array || data instanceof Float64Array || data instanceof Int32Array;
  if (!isTyped && !Array.isArray(data)) {
    throw new TypeError(
      `Expected a Float32Array, Float64Array, Int32Array or number[] for ${name}.data but received ${describe(data)}`,
    );
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (data.length !== size) {
    throw new RangeError(
      `Expected ${name}.data to hold ${size} values for shape [${shape.join(', ')}] but received ${data.length}`,
    );
  }
  const out = data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
  return { data: out, shape: [...shape] };
}

function packNested(value: unknown[], name: string): Packed {
  const shape: number[] = [];
  let level: unknown = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  let offset = 0;
  const walk = (node: unknown, depth: number, path: number[]): void => {
    if (depth === shape.length) {
      if (typeof node !== 'number') {
        throw new TypeError(`Expected a number at ${name}[${path.join('][')}] but received ${describe(node)}`);
      }
      data[offset++] = node;
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new RangeError(
        `Expected ${name} to be rectangular with shape [${shape.join(', ')}] but ${name}[${path.join('][')}] ` +
          (Array.isArray(node) ? `has length ${node.length}` : `is ${describe(node)}`),
      );
    }
    for (let i = 0; i < node.length; i++) walk(node[i], depth + 1, [...path, i]);
  };
  walk(value, 0, []);
  return { data, shape };
}

function unravel(index: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = index % shape[d]!;
    index = Math.floor(index / shape[d]!);
  }
  return out;
}

/** Nested arrays from row-major data. */
export function unpack(data: ArrayLike<number>, shape: readonly number[]): NestedArray {
  if (shape.length === 0) return data[0]!;
  const build = (offset: number, depth: number): NestedArray[] => {
    const n = shape[depth]!;
    const stride = shape.slice(depth + 1).reduce((a, b) => a * b, 1);
    const out: NestedArray[] = new Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = depth === shape.length - 1 ? data[offset + i]! : build(offset + i * stride, depth + 1);
    }
    return out;
  };
  return build(0, 0);
}
