/**
 * The weights of a TensorFlow.js layers model: `model.json`'s `weightsManifest` (groups of
 * weight specs, each group stored in one or more shard files read back to back) and the binary
 * shards (`weights.bin`, `group1-shard1of2.bin`, ...), decoded to float32: float32 as is,
 * int32 converted, and the converter's quantized weights (uint8/uint16 affine, float16)
 * dequantized. Every length is checked against the manifest before a byte is decoded.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, isPlainObject } from '../../validate.js';
import { errnoCode, ModelFileError } from '../errors.js';
import type { FileWeight } from './keras-weights.js';

/** One weight as the manifest describes it. */
interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; scale?: number; min?: number };
  /** `'optimizer'` for the optimizer state tfjs saves with `includeOptimizer` (read past, not imported). */
  group?: string;
}

interface ManifestGroup {
  paths: string[];
  weights: WeightSpec[];
}

const BYTES = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2 } as const;

function elementBytes(spec: WeightSpec): number {
  return BYTES[spec.quantization ? spec.quantization.dtype : spec.dtype];
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Checks `weightsManifest` (its structure, names, shapes, dtypes); `file` is model.json. */
export function parseManifest(value: unknown, file: string): ManifestGroup[] {
  if (!Array.isArray(value)) {
    throw new ModelFileError(file, `has no weightsManifest array (it holds ${describe(value)}); is it a TensorFlow.js layers model.json?`);
  }
  return value.map((g, i) => {
    const at = `weightsManifest[${i}]`;
    if (!isPlainObject(g) || !Array.isArray(g.paths) || !Array.isArray(g.weights)) {
      throw new ModelFileError(file, `${at} is not a { paths, weights } group`);
    }
    const paths = g.paths.map((p, k) => {
      if (typeof p !== 'string' || p.length === 0 || path.isAbsolute(p) || p.split(/[\\/]/).includes('..')) {
        throw new ModelFileError(file, `${at}.paths[${k}] is ${describe(p)}; expected a shard file name beside model.json`);
      }
      return p;
    });
    const weights = g.weights.map((w, k): WeightSpec => {
      const wat = `${at}.weights[${k}]`;
      if (!isPlainObject(w) || typeof w.name !== 'string' || !Array.isArray(w.shape) || !w.shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
        throw new ModelFileError(file, `${wat} is not a { name, shape, dtype } weight spec`);
      }
      if (w.dtype !== 'float32' && w.dtype !== 'int32') {
        throw new ModelFileError(file, `${wat} (${w.name}) has dtype ${describe(w.dtype)}; torch-lstm reads float32 (and int32) weights`);
      }
      const spec: WeightSpec = { name: w.name, shape: w.shape as number[], dtype: w.dtype, ...(typeof w.group === 'string' ? { group: w.group } : {}) };
      const q = w.quantization;
      if (q !== undefined && q !== null) {
        if (!isPlainObject(q) || (q.dtype !== 'uint8' && q.dtype !== 'uint16' && q.dtype !== 'float16')) {
          throw new ModelFileError(file, `${wat} (${w.name}) has quantization ${describe(q)}; torch-lstm reads uint8, uint16 and float16 quantization`);
        }
        if (q.dtype !== 'float16' && (typeof q.scale !== 'number' || typeof q.min !== 'number')) {
          throw new ModelFileError(file, `${wat} (${w.name}) has ${q.dtype} quantization without a numeric scale and min`);
        }
        spec.quantization = { dtype: q.dtype, ...(typeof q.scale === 'number' ? { scale: q.scale } : {}), ...(typeof q.min === 'number' ? { min: q.min } : {}) };
      }
      return spec;
    });
    return { paths, weights };
  });
}

/** IEEE 754 half -> number. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function decode(spec: WeightSpec, view: DataView, offset: number): Float32Array {
  const n = sizeOf(spec.shape);
  const out = new Float32Array(n);
  const q = spec.quantization;
  if (!q) {
    for (let i = 0; i < n; i++) out[i] = spec.dtype === 'float32' ? view.getFloat32(offset + 4 * i, true) : view.getInt32(offset + 4 * i, true);
  } else if (q.dtype === 'float16') {
    for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(offset + 2 * i, true));
  } else {
    const scale = q.scale!;
    const min = q.min!;
    for (let i = 0; i < n; i++) out[i] = (q.dtype === 'uint8' ? view.getUint8(offset + i) : view.getUint16(offset + 2 * i, true)) * scale + min;
  }
  return out;
}

/**
 * Reads every group's shards (relative to `model.json`'s directory) and decodes the model's
 * weights, in manifest order (the optimizer state of `includeOptimizer` saves is skipped).
 * @throws {ModelFileError} a missing shard, shards whose total length differs from what the
 *   manifest describes.
 */
export async function readManifestWeights(groups: readonly ManifestGroup[], modelJsonFile: string): Promise<FileWeight[]> {
  const dir = path.dirname(modelJsonFile);
  const out: FileWeight[] = [];
  for (const [gi, group] of groups.entries()) {
    const shards: Uint8Array[] = [];
    for (const p of group.paths) {
      const shardFile = path.join(dir, p);
      try {
        shards.push(await readFile(shardFile));
      } catch (err) {
        const why = errnoCode(err) === 'ENOENT' ? `missing: ${modelJsonFile}'s weightsManifest[${gi}] lists it as a weights shard` : `cannot be read (${(err as Error).message})`;
        throw new ModelFileError(shardFile, why, { cause: err });
      }
    }
    const total = shards.reduce((s, b) => s + b.length, 0);
    const expected = group.weights.reduce((s, w) => s + sizeOf(w.shape) * elementBytes(w), 0);
    if (total !== expected) {
      throw new ModelFileError(
        modelJsonFile,
        `its weightsManifest[${gi}] describes ${expected} bytes (${group.weights.length} weights) but its shard${group.paths.length === 1 ? '' : 's'} ` +
          `(${group.paths.join(', ')}) hold${group.paths.length === 1 ? 's' : ''} ${total} bytes: ${total < expected ? 'a truncated or missing shard' : 'shards of another model'}?`,
      );
    }
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const s of shards) {
      bytes.set(s, at);
      at += s.length;
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let offset = 0;
    for (const w of group.weights) {
      if (w.group !== 'optimizer') out.push({ path: w.name, shape: [...w.shape], data: decode(w, view, offset) });
      offset += sizeOf(w.shape) * elementBytes(w);
    }
  }
  return out;
}

/**
 * Groups the weights by the layer they belong to: the first segment of the name that is one
 * of `layerNames` (tfjs names `lstm_LSTM1/kernel`; converted Keras models `lstm/lstm_cell/kernel`
 * or `sequential/lstm/lstm_cell/kernel`), keeping manifest order within each layer.
 * @throws {ModelFileError} a weight of no layer of the model.
 */
export function weightsByLayer(weights: readonly FileWeight[], layerNames: readonly string[], file: string): Map<string, FileWeight[]> {
  const known = new Set(layerNames);
  const out = new Map<string, FileWeight[]>();
  for (const w of weights) {
    const layer = w.path.split('/').find((s) => known.has(s));
    if (layer === undefined) {
      throw new ModelFileError(file, `its weightsManifest has a weight ${JSON.stringify(w.path)} of no layer of the model (${layerNames.join(', ')}); weights of another model?`);
    }
    if (!out.has(layer)) out.set(layer, []);
    out.get(layer)!.push(w);
  }
  return out;
}
