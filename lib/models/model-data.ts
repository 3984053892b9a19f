/**
 * The data of fit, evaluate, predict and gradients, checked against the model's inputs and
 * outputs before it crosses: `x` and `y` as one tensor, an array (by position) or an object by
 * input/output name (Keras); targets aligned to each output's shape (`[n]` for an output
 * `[n, 1]`; class indices `[n]` or `[n, 1]` for a sparse categorical crossentropy, sent as
 * `[n]`); sample weights and class weights as one float32 weight per sample.
 */
import type { Loss } from '../training/losses.js';
import { pack, type Packed, Tensor, type TensorInput } from '../tensor.js';
import { describe, isPlainObject, nearest } from '../validate.js';
import { type Architecture, outputShapesFor } from './architecture.js';

/** What data-taking methods accept for `x` or `y`: one tensor, an array by position, or an object by input/output name. */
export type ModelData = TensorInput | Tensor | readonly (TensorInput | Tensor)[] | Readonly<Record<string, TensorInput | Tensor>>;

/** Keras `class_weight`: class index -> weight of its samples in the loss. */
export type ClassWeight = Readonly<Record<number, number>>;

/** Whether a value is one tensor (not a list or an object of them). */
function isTensorValue(value: unknown): boolean {
  return value instanceof Tensor || (isPlainObject(value) && 'data' in value && 'shape' in value && Array.isArray(value.shape));
}

/** One value per name (inputs or outputs), each with its path. */
function perName(value: unknown, names: readonly string[], path: string, what: 'input' | 'output'): { value: unknown; path: string }[] {
  const n = names.length;
  if (Array.isArray(value) && (n > 1 || (value.length === 1 && value.every(isTensorValue)))) {
    if (value.length !== n) {
      throw new RangeError(`Expected ${n} tensors for ${path} (one per ${what}: ${names.join(', ')}) but received an array of length ${value.length}`);
    }
    return value.map((v, i) => ({ value: v, path: `${path}[${i}]` }));
  }
  if (isPlainObject(value) && !isTensorValue(value)) {
    for (const key of Object.keys(value)) {
      if (!names.includes(key)) {
        const near = nearest(key, names);
        throw new RangeError(`${path} has the key ${JSON.stringify(key)}, which is not an ${what} of the model (${what}s: ${names.join(', ')})` + (near ? `; did you mean "${near}"?` : ''));
      }
    }
    return names.map((name) => {
      if (!(name in value)) throw new RangeError(`${path} has no entry for the ${what} ${JSON.stringify(name)}; give one per ${what} (${names.join(', ')})`);
      return { value: value[name], path: `${path}.${name}` };
    });
  }
  if (n > 1) {
    throw new TypeError(`The model has ${n} ${what}s (${names.join(', ')}); give ${path} as an array (one per ${what}) or an object by ${what} name, but received ${describe(value)}`);
  }
  return [{ value, path }];
}

/** `[samples, 10, 8]`. */
function sampleText(shape: readonly (number | null)[]): string {
  return `[samples, ${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
}

/**
 * Checks that `x` fits the model inputs and packs it, one tensor per input in order; `path` is
 * its name (`fit.x`). A 2-D array given to an LSTM gets the reshape hint.
 */
export function checkXs(arch: Architecture, x: unknown, path: string): Packed[] {
  const parts = perName(x, arch.inputs.map((i) => i.name), path, 'input');
  const packed = parts.map(({ value, path: p }, i) => {
    const input = arch.inputs[i]!;
    const px = pack(value, p);
    const fits = px.shape.length === input.shape.length + 1 && input.shape.every((d, k) => d === null || d === px.shape[k + 1]);
    if (fits) return px;
    const received = `[${px.shape.join(', ')}]`;
    const expected = input.recurrent && arch.kind === 'sequential' ? `[samples, timesteps, features] = ${sampleText(input.shape)}` : sampleText(input.shape);
    let message = `Expected ${p} of shape ${expected} (${input.label}) but received ${received}`;
    if (input.recurrent && px.shape.length === 2) message += '; reshape a 2-D [samples, timesteps] array to [samples, timesteps, 1] (one feature per step)';
    throw new RangeError(message);
  });
  const n = packed[0]!.shape[0]!;
  packed.forEach((p, i) => {
    if (p.shape[0] !== n) throw new RangeError(`Expected ${parts[i]!.path} to have as many samples as ${parts[0]!.path} (${n}) but received ${p.shape[0]}`);
  });
  return packed;
}

/** Checks class indices of a sparse target: integers in [0, classes). */
function checkClasses(y: Packed, classes: number, path: string): void {
  for (let i = 0; i < y.data.length; i++) {
    const v = y.data[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= classes) {
      throw new RangeError(`Expected class indices 0..${classes - 1} in ${path} (sparse categorical crossentropy over ${classes} classes) but received ${v} at index ${i}`);
    }
  }
}

/**
 * Checks `y` against the model outputs for `xs` and returns one target per output, aligned to
 * the engine's expectation: the output's shape (`[n]` for an output `[n, 1]` is expanded, as
 * Keras does), or class indices without the class axis for a sparse categorical crossentropy.
 * `losses` (one per output) tell the sparse ones; `path` is the targets' name (`fit.y`).
 */
export function checkYs(arch: Architecture, losses: readonly Loss[] | undefined, xs: readonly Packed[], y: unknown, path: string, xPath: string): Packed[] {
  if (arch.kind === 'sequential' && arch.outputs.length > 1) {
    throw new RangeError(
      `The last layer has returnState: true, so the model has 3 outputs [output, h, c] and no single target; ` +
        `train a model without returnState and use returnState for predict only`,
    );
  }
  const outputs = outputShapesFor(arch, xs.map((x) => x.shape));
  const parts = perName(y, arch.outputs.map((o) => o.name), path, 'output');
  const n = xs[0]!.shape[0]!;
  const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, k) => d === b[k]);
  return parts.map(({ value, path: p }, i) => {
    const py = pack(value, p);
    if (py.shape[0] !== n) {
      throw new RangeError(`Expected ${p} to have as many samples as ${xPath} (${n}) but received ${py.shape[0]} (shape [${py.shape.join(', ')}])`);
    }
    const out = outputs[i]!;
    const what = arch.outputs.length === 1 ? `the model output for ${xPath}` : `the output "${arch.outputs[i]!.name}" for ${xPath}`;
    if (losses?.[i]?.className === 'SparseCategoricalCrossentropy') {
      const target = out.slice(0, -1);
      const classes = out[out.length - 1]!;
      if (same(py.shape, target) || same(py.shape, [...target, 1])) {
        const aligned = { data: py.data, shape: target };
        checkClasses(aligned, classes, p);
        return aligned;
      }
      throw new RangeError(
        `Expected ${p} of shape [${target.join(', ')}] or [${[...target, 1].join(', ')}] (class indices for the sparse categorical crossentropy of ${what}, ` +
          `[${out.join(', ')}]) but received [${py.shape.join(', ')}]`,
      );
    }
    if (same(py.shape, out)) return py;
    if (out[out.length - 1] === 1 && same(py.shape, out.slice(0, -1))) return { data: py.data, shape: out };
    throw new RangeError(`Expected ${p} of shape [${out.join(', ')}] (${what}) but received [${py.shape.join(', ')}]`);
  });
}

/** Checks a `sampleWeight`: `n` finite weights >= 0, shape `[n]` or `[n, 1]`; returns them as `[n]`. */
export function checkSampleWeight(value: unknown, n: number, path: string, xPath: string): Packed {
  const p = pack(value, path);
  if (!(p.shape.length === 1 || (p.shape.length === 2 && p.shape[1] === 1)) || p.shape[0] !== n) {
    throw new RangeError(`Expected ${path} of shape [${n}] (one weight per sample of ${xPath}) but received [${p.shape.join(', ')}]`);
  }
  for (let i = 0; i < p.data.length; i++) {
    if (p.data[i]! < 0) throw new RangeError(`Expected weights >= 0 in ${path} but received ${p.data[i]} at index ${i}`);
  }
  return { data: p.data, shape: [n] };
}

/** Validates a `classWeight` object: class index (integer >= 0) -> weight (>= 0). */
export function checkClassWeight(value: unknown, path: string): Map<number, number> {
  if (!isPlainObject(value)) throw new TypeError(`Expected an object { classIndex: weight } for ${path} but received ${describe(value)} of type ${value === null ? 'null' : typeof value}`);
  const out = new Map<number, number>();
  for (const [key, weight] of Object.entries(value)) {
    const index = Number(key);
    if (!/^\d+$/.test(key) || !Number.isSafeInteger(index)) throw new RangeError(`Expected class indices (integers >= 0) as keys of ${path} but received ${JSON.stringify(key)}`);
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
      throw new RangeError(`Expected a number >= 0 for ${path}[${key}] but received ${describe(weight)}`);
    }
    out.set(index, weight);
  }
  if (out.size === 0) throw new RangeError(`Expected at least one class in ${path} but received an empty object`);
  return out;
}

/**
 * Keras's `class_weight` as per-sample weights: the class of a sample is the argmax of a one-hot
 * target, the index of a sparse one, or `round(y)` of a binary `[n, 1]`/`[n]` one; a class
 * without a weight (below the largest given) weighs 1. Multiplies `sampleWeight` when given.
 * @throws {RangeError} a model with several outputs, a sequence target, a class above the largest key.
 */
export function classWeightsToSampleWeight(
  classWeight: Map<number, number>,
  arch: Architecture,
  y: Packed,
  sparse: boolean,
  sampleWeight: Packed | undefined,
  path: string,
  yPath: string,
): Packed {
  if (arch.outputs.length > 1) {
    throw new RangeError(`${path} is only supported for models with a single output (as in Keras); for several outputs give fit.sampleWeight`);
  }
  const n = y.shape[0]!;
  const rank = sparse ? y.shape.length + 1 : y.shape.length;
  if (rank > 2) {
    throw new RangeError(`${path} needs one class per sample but ${yPath} has shape [${y.shape.join(', ')}] (a sequence target); give fit.sampleWeight instead`);
  }
  const width = sparse || y.shape.length === 1 ? 1 : y.shape[1]!;
  const max = Math.max(...classWeight.keys());
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let cls: number;
    if (width > 1) {
      cls = 0;
      for (let c = 1; c < width; c++) if (y.data[i * width + c]! > y.data[i * width + cls]!) cls = c;
    } else {
      cls = Math.round(y.data[i]!);
    }
    if (cls < 0 || cls > max) {
      throw new RangeError(`${yPath} has class ${cls} at sample ${i} but ${path} has weights for classes 0..${max} only`);
    }
    out[i] = (classWeight.get(cls) ?? 1) * (sampleWeight ? sampleWeight.data[i]! : 1);
  }
  return { data: out, shape: [n] };
}

/** Rows `[from, to)` of a packed tensor, without copying. */
export function sliceRows(packed: Packed, from: number, to: number): Packed {
  const stride = packed.shape.slice(1).reduce((a, b) => a * b, 1);
  return { data: packed.data.subarray(from * stride, to * stride), shape: [to - from, ...packed.shape.slice(1)] };
}
