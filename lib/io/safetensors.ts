/**
 * The safetensors format (https://github.com/huggingface/safetensors), float32 (`F32`) tensors,
 * and int8 (`I8`) ones for the weights of quantized models: an 8-byte little-endian header
 * length N, N bytes of JSON
 * `{ name: { dtype: "F32" | "I8", shape, data_offsets: [begin, end] }, "__metadata__": { key: "string" } }`
 * (padded with spaces so the data starts 8-byte aligned), then the raw little-endian data,
 * the tensors one after the other. As the reference writer does, wider dtypes come first
 * (every F32 tensor, then every I8 one), so each tensor starts aligned to its element size.
 * Python's `safetensors` and PyTorch read what we write.
 *
 * The reader trusts nothing: every length, offset, dtype and shape is checked against the
 * file, and each problem is a {@link ModelFileError} naming the file, never a crash.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { errnoCode, ModelFileError } from './errors.js';

/** One float32 tensor as a safetensors file stores it (dtype `F32`). */
export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** One int8 tensor (dtype `I8`): a quantized model's weight matrix. */
export interface NamedInt8Tensor {
  name: string;
  shape: number[];
  data: Int8Array;
}

/** A tensor of a dtype torch-lstm reads and writes: float32 or int8. */
export type AnyNamedTensor = NamedTensor | NamedInt8Tensor;

/** What a safetensors file holds: its tensors (in file order) and its string metadata. */
export interface SafetensorsContent {
  tensors: AnyNamedTensor[];
  metadata: Record<string, string>;
}

/** Headers larger than this are not safetensors headers (the reference reader's limit). */
const MAX_HEADER_BYTES = 100_000_000;
const LITTLE_ENDIAN = os.endianness() === 'LE';

/** Every dtype of the format, to tell "not supported" from "not a dtype". */
const KNOWN_DTYPES = new Set([
  'BOOL', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'F64', 'I64', 'U64',
]);

/** Bytes per element of the dtypes torch-lstm reads. */
const ELEMENT_BYTES = { F32: 4, I8: 1 } as const;
type SupportedDtype = keyof typeof ELEMENT_BYTES;

function byteView(data: Float32Array | Int8Array): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (LITTLE_ENDIAN || data instanceof Int8Array) return bytes;
  const swapped = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += 4) {
    swapped[i] = bytes[i + 3]!;
    swapped[i + 1] = bytes[i + 2]!;
    swapped[i + 2] = bytes[i + 1]!;
    swapped[i + 3] = bytes[i]!;
  }
  return swapped;
}

function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Encodes tensors as a safetensors file, returned as chunks (the header, then each tensor's
 * bytes, without copying them on little-endian machines) to write one after the other. A
 * `Float32Array` is stored as `F32`, an `Int8Array` as `I8`; the F32 tensors come first in
 * the data (in the given order), then the I8 ones, so every tensor is aligned.
 *
 * @example
 * const chunks = encodeSafetensors([{ name: 'dense/bias', shape: [1], data: Float32Array.of(0.5) }], { format: 'pt' });
 * await writeFile('w.safetensors', Buffer.concat(chunks));
 * @throws {TypeError|RangeError} a repeated or empty name, a shape that does not match the data, metadata that is not strings.
 */
export function encodeSafetensors(tensors: readonly AnyNamedTensor[], metadata: Readonly<Record<string, string>> = {}): Uint8Array[] {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string') throw new TypeError(`Expected a string for safetensors metadata "${key}" but received ${typeof value}`);
    }
    header.__metadata__ = { ...metadata };
  }
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const names = new Set<string>();
  for (const t of tensors) {
    if (typeof t.name !== 'string' || t.name.length === 0 || t.name === '__metadata__' || names.has(t.name)) {
      throw new RangeError(`Expected a unique, non-empty tensor name (not "__metadata__") but received ${JSON.stringify(t.name)}`);
    }
    names.add(t.name);
    if (!(t.data instanceof Float32Array) && !(t.data instanceof Int8Array)) {
      throw new TypeError(`Expected a Float32Array or an Int8Array for the data of tensor "${t.name}"`);
    }
    if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0) || shapeSize(t.shape) !== t.data.length) {
      throw new RangeError(`Tensor "${t.name}" has shape [${t.shape.join(', ')}] but ${t.data.length} values`);
    }
  }
  // Wider elements first (the reference writer's order), keeping the given order within a dtype.
  const ordered = [...tensors.filter((t) => t.data instanceof Float32Array), ...tensors.filter((t) => t.data instanceof Int8Array)];
  for (const t of ordered) {
    const dtype: SupportedDtype = t.data instanceof Int8Array ? 'I8' : 'F32';
    header[t.name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
    chunks.push(byteView(t.data));
  }
  let json = JSON.stringify(header);
  const jsonBytes = Buffer.byteLength(json, 'utf8');
  json += ' '.repeat((8 - (jsonBytes % 8)) % 8);
  const body = Buffer.from(json, 'utf8');
  const head = Buffer.alloc(8 + body.length);
  head.writeBigUInt64LE(BigInt(body.length), 0);
  body.copy(head, 8);
  return [head, ...chunks];
}

interface Entry {
  name: string;
  dtype: SupportedDtype;
  shape: number[];
  begin: number;
  end: number;
}

function entryAt(name: string, info: unknown, fail: (problem: string) => never): Entry {
  const what = `tensor ${JSON.stringify(name)}`;
  if (typeof info !== 'object' || info === null || Array.isArray(info)) fail(`${what} is not described by an object in the header`);
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  if (typeof dtype !== 'string') fail(`${what} has no dtype in the header`);
  if (!KNOWN_DTYPES.has(dtype)) fail(`${what} has dtype ${JSON.stringify(dtype)}, which is not a safetensors dtype`);
  if (dtype !== 'F32' && dtype !== 'I8') {
    fail(`${what} has dtype ${dtype}; torch-lstm reads F32 (float32) tensors only, and I8 (int8) weights of quantized models (convert it to float32 first)`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    fail(`${what} has shape ${JSON.stringify(shape)}; expected an array of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[0] > offsets[1]) {
    fail(`${what} has data_offsets ${JSON.stringify(offsets)}; expected [begin, end] with 0 <= begin <= end`);
  }
  const [begin, end] = offsets as [number, number];
  const size = shapeSize(shape);
  const bytes = size * ELEMENT_BYTES[dtype];
  if (bytes !== end - begin) {
    const kind = dtype === 'F32' ? 'float32' : 'int8';
    fail(`${what} has shape [${shape.join(', ')}] (${size} ${kind} values, ${bytes} bytes) but its data_offsets span ${end - begin} bytes`);
  }
  return { name, dtype, shape: [...(shape as number[])], begin, end };
}

/**
 * Decodes a safetensors file held in memory. `file` names it in errors.
 *
 * @example
 * const { tensors, metadata } = decodeSafetensors(await readFile(path), path);
 * F32 tensors come back as `Float32Array`s, I8 ones as `Int8Array`s.
 *
 * @throws {ModelFileError} a truncated or foreign file, a dtype other than F32 and I8, offsets out of
 *   bounds, overlapping or leaving gaps, a shape that does not match its bytes.
 */
export function decodeSafetensors(bytes: Uint8Array, file: string): SafetensorsContent {
  const fail = (problem: string): never => {
    throw new ModelFileError(file, problem);
  };
  if (bytes.length < 8) fail(`not a safetensors file: ${bytes.length} bytes, too short to hold the 8-byte header length (truncated?)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(MAX_HEADER_BYTES)) {
    fail(`not a safetensors file: its first 8 bytes give a header length of ${declared} bytes, more than any safetensors header`);
  }
  const headerLength = Number(declared);
  if (headerLength > bytes.length - 8) {
    fail(`truncated or not a safetensors file: the header should be ${headerLength} bytes but only ${bytes.length - 8} bytes follow the length`);
  }
  if (headerLength < 2 || bytes[8] !== 0x7b) fail('not a safetensors file: the header is not a JSON object');
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    fail('not a safetensors file, or a damaged one: the header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (err) {
    fail(`not a safetensors file, or a damaged one: the header is not valid JSON (${(err as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('not a safetensors file: the header is not a JSON object');
  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof info !== 'object' || info === null || Array.isArray(info)) fail('the header\'s "__metadata__" is not an object of strings');
      for (const [key, value] of Object.entries(info as Record<string, unknown>)) {
        if (typeof value !== 'string') fail(`the header's "__metadata__" entry ${JSON.stringify(key)} is not a string`);
        metadata[key] = value as string;
      }
      continue;
    }
    entries.push(entryAt(name, info, fail));
  }
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const [i, e] of entries.entries()) {
    if (e.begin !== expected) {
      const prev = i === 0 ? 'the start of the data' : `tensor ${JSON.stringify(entries[i - 1]!.name)}`;
      fail(`tensor ${JSON.stringify(e.name)} starts at byte ${e.begin} of the data, ${e.begin < expected ? 'overlapping' : 'leaving a gap after'} ${prev} (which ends at ${expected})`);
    }
    if (e.end > dataLength) {
      fail(`truncated: tensor ${JSON.stringify(e.name)} ends at byte ${e.end} of the data but the file holds only ${dataLength} bytes of data`);
    }
    expected = e.end;
  }
  if (expected !== dataLength) fail(`${dataLength - expected} unexpected bytes follow the last tensor (a damaged or foreign file)`);
  const tensors = entries.map((e): AnyNamedTensor => {
    if (e.dtype === 'I8') {
      const data = new Int8Array(e.end - e.begin);
      new Uint8Array(data.buffer).set(bytes.subarray(dataStart + e.begin, dataStart + e.end));
      return { name: e.name, shape: e.shape, data };
    }
    const data = new Float32Array((e.end - e.begin) / 4);
    const out = new Uint8Array(data.buffer);
    out.set(bytes.subarray(dataStart + e.begin, dataStart + e.end));
    if (!LITTLE_ENDIAN) {
      const le = new DataView(data.buffer);
      for (let i = 0; i < data.length; i++) data[i] = le.getFloat32(i * 4, true);
    }
    return { name: e.name, shape: e.shape, data };
  });
  return { tensors, metadata };
}

/**
 * Reads and decodes a safetensors file.
 *
 * @example
 * const { tensors } = await readSafetensors('model/weights.safetensors');
 * tensors.map((t) => t.name); // ['lstm/kernel', 'lstm/recurrent_kernel', 'lstm/bias', ...]
 * @throws {ModelFileError} (as a rejection) a missing, unreadable, truncated or foreign file.
 */
export async function readSafetensors(file: string): Promise<SafetensorsContent> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = errnoCode(err);
    const why = code === 'ENOENT' ? 'missing (no such file)' : code === 'EISDIR' ? 'is a directory, not a safetensors file' : `cannot be read (${(err as Error).message})`;
    throw new ModelFileError(file, why, { cause: err });
  }
  return decodeSafetensors(bytes, file);
}
