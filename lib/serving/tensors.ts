/**
 * Checks and decodes request tensors for both protocols, against the model's input: the
 * datatype (FP32 only), the shape (batch dimension free, the others the model's), the number
 * of elements, and that every value is finite once in float32. Every failure is an
 * INVALID_ARGUMENT naming the part of the request at fault.
 */
import { Tensor } from '../tensor.js';
import { describe } from '../validate.js';
import type { Batch } from './batcher.js';
import { invalid } from './errors.js';
import type { ModelHost } from './models.js';

const showShape = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/**
 * The request's datatype, which must be FP32.
 * @example
 * checkDatatype(host, 'FP32', 'inputs[0]');
 */
export function checkDatatype(host: ModelHost, datatype: unknown, where: string): void {
  if (datatype === 'FP32') return;
  throw invalid(`${where}.datatype: model "${host.name}" takes FP32 inputs but received ${describe(datatype)}`);
}

/**
 * A shape of the model's rank, batch dimension >= 1, the other dimensions the model's.
 * @example
 * checkShape(host, [4, 10, 1], 'inputs[0]'); // [4, 10, 1] for a model of input [-1, 10, 1]
 */
export function checkShape(host: ModelHost, shape: unknown, where: string): number[] {
  const expected = host.input.shape;
  const what = `${showShape(expected)} (-1: any size) for input "${host.input.name}" of model "${host.name}"`;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    throw invalid(`${where}.shape: expected an array of dimensions ${what} but received ${describe(shape)}`);
  }
  const dims = shape as number[];
  const fits = dims.length === expected.length && dims[0]! >= 1 && dims.every((d, i) => d >= 1 && (expected[i] === -1 || expected[i] === d));
  if (!fits) throw invalid(`${where}.shape: expected ${what} but received ${showShape(dims)}`);
  return dims;
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Throws when a float32 value is NaN or infinite (a double beyond float32's range included).
 * @example
 * checkFinite(Float32Array.of(1, NaN), 'x'); // INVALID_ARGUMENT "x[1]: expected finite float32 values but received NaN"
 */
export function checkFinite(data: Float32Array, where: string): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) throw invalid(`${where}[${i}]: expected finite float32 values but received ${data[i]}`);
  }
}

/**
 * The elements of JSON `data` (flat or nested, row-major) as float32, `shape`'s size of them.
 * @example
 * jsonData(host, [[0.1], [0.2]], [1, 2, 1], 'inputs[0].data'); // { data: Float32Array [0.1, 0.2], shape: [1, 2, 1] }
 */
export function jsonData(host: ModelHost, data: unknown, shape: number[], where: string): Batch {
  const count = size(shape);
  const out = new Float32Array(count);
  let n = 0;
  const visit = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) visit(value[i], `${path}[${i}]`);
      return;
    }
    if (typeof value !== 'number') throw invalid(`${path}: expected a number but received ${describe(value)} of type ${value === null ? 'null' : typeof value}`);
    if (n >= count) throw invalid(`${where}: holds more than the ${count} values of shape ${showShape(shape)}`);
    const v = Math.fround(value);
    if (!Number.isFinite(v)) throw invalid(`${path}: expected a finite float32 value but received ${value}`);
    out[n++] = v;
  };
  if (!Array.isArray(data)) throw invalid(`${where}: expected an array of numbers for input "${host.input.name}" but received ${describe(data)}`);
  visit(data, where);
  if (n !== count) throw invalid(`${where}: expected ${count} values for shape ${showShape(shape)} but received ${n}`);
  return { data: out, shape };
}

/**
 * Little-endian float32 bytes (gRPC `raw_input_contents`) as a Float32Array of `shape`.
 * @example
 * rawData(request.raw_input_contents[0], [1, 10, 1], 'raw_input_contents[0]');
 */
export function rawData(bytes: Uint8Array, shape: number[], where: string): Batch {
  const count = size(shape);
  if (bytes.byteLength !== count * 4) {
    throw invalid(`${where}: expected ${count * 4} bytes (${count} FP32 values of shape ${showShape(shape)}) but received ${bytes.byteLength}`);
  }
  const data = new Float32Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < count; i++) data[i] = view.getFloat32(i * 4, true);
  checkFinite(data, where);
  return { data, shape };
}

/**
 * Typed values (gRPC `contents.fp32_contents`) as a Float32Array of `shape`.
 * @example
 * typedData(input.contents.fp32_contents, [1, 10, 1], 'inputs[0].contents.fp32_contents');
 */
export function typedData(values: readonly number[], shape: number[], where: string): Batch {
  const count = size(shape);
  if (values.length !== count) throw invalid(`${where}: expected ${count} values for shape ${showShape(shape)} but received ${values.length}`);
  const data = Float32Array.from(values);
  checkFinite(data, where);
  return { data, shape };
}

/**
 * A float32 tensor as little-endian bytes (for `raw_output_contents`).
 * @example
 * rawBytes(Float32Array.of(1)); // <Buffer 00 00 80 3f>
 */
export function rawBytes(data: Float32Array): Buffer {
  const out = Buffer.allocUnsafe(data.length * 4);
  for (let i = 0; i < data.length; i++) out.writeFloatLE(data[i]!, i * 4);
  return out;
}

/**
 * A nested JSON array (TF Serving's `inputs`, or one of its `instances`): its shape, read from
 * the first element at each depth, with every row checked to match, and its values.
 * @example
 * nestedTensor([[1], [2]], 'instances[0]'); // { data: Float32Array [1, 2], shape: [2, 1] }
 */
export function nestedTensor(value: unknown, where: string): Batch {
  const shape: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]) {
    if (v.length === 0) throw invalid(`${where}: expected a non-empty array${shape.length ? ` at depth ${shape.length}` : ''} but received an empty one`);
    shape.push(v.length);
  }
  const data = new Float32Array(size(shape));
  let n = 0;
  const visit = (v: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number') throw invalid(`${path}: expected a number but received ${describe(v)} of type ${v === null ? 'null' : typeof v}`);
      const f = Math.fround(v);
      if (!Number.isFinite(f)) throw invalid(`${path}: expected a finite float32 value but received ${v}`);
      data[n++] = f;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw invalid(`${path}: expected an array of length ${shape[depth]} (rows must all have the same length) but received ${describe(v)}`);
    }
    for (let i = 0; i < v.length; i++) visit(v[i], depth + 1, `${path}[${i}]`);
  };
  visit(value, 0, where);
  return { data, shape };
}

/**
 * Stacks samples of one shape (TF Serving `instances`) into `[samples, ...]`.
 * @example
 * stack([a, b], 'instances').shape; // [2, ...a.shape]
 */
export function stack(samples: Batch[], where: string): Batch {
  const first = samples[0]!;
  const data = new Float32Array(first.data.length * samples.length);
  samples.forEach((s, i) => {
    if (s.shape.join(',') !== first.shape.join(',')) {
      throw invalid(`${where}[${i}]: has shape ${showShape(s.shape)} but ${where}[0] has ${showShape(first.shape)}; every instance must have the same shape`);
    }
    data.set(s.data, i * first.data.length);
  });
  return { data, shape: [samples.length, ...first.shape] };
}

/**
 * A float32 tensor as nested arrays (numbers print as the float32 value's double).
 * @example
 * toNested({ data: Float32Array.of(1, 2), shape: [2, 1] }); // [[1], [2]]
 */
export function toNested(x: Batch): unknown {
  return new Tensor(x.data, x.shape).toArray();
}
