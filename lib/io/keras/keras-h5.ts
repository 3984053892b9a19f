/**
 * A small read-only view of an HDF5 file through `h5wasm` (the HDF5 C library compiled to
 * WebAssembly): groups, string attributes and float datasets, which is all Keras's files need.
 *
 * The bytes are checked before HDF5 sees them (the signature, and the end-of-file address of
 * the superblock against the real length: HDF5's own truncation check, done here so that a
 * truncated file is one clear error rather than HDF5's diagnostic dump on stderr), then put in
 * h5wasm's in-memory file system (no temp file on disk; a `.keras` archive's weights never
 * touch the disk at all), opened, read, and removed again. h5wasm (4 MB of WebAssembly) loads
 * on first use, so importing torch-lstm does not pay for it.
 */
import type * as H5wasm from 'h5wasm';
import { ModelFileError } from '../errors.js';

/** Where an HDF5 file is: a file on disk, or a member of an archive (`model.weights.h5` of a `.keras` file). */
export interface H5Where {
  file: string;
  member?: string;
}

/**
 * The error of a problem in `where`, phrased as a predicate (`is truncated`, `has no ...`):
 * `<file>: <problem>`, or `<file>: its <member> <problem>`.
 */
export function h5Error(where: H5Where | string, problem: string, options?: { cause?: unknown }): ModelFileError {
  const w = typeof where === 'string' ? { file: where } : where;
  return new ModelFileError(w.file, w.member ? `its ${w.member} ${problem}` : problem, options);
}

/** `\x89HDF\r\n\x1a\n`, at offset 0, 512, 1024, 2048, ... (after a user block). */
const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function signatureAt(bytes: Uint8Array, offset: number): boolean {
  return SIGNATURE.every((b, i) => bytes[offset + i] === b);
}

/** Offset of the HDF5 signature, or -1. */
function findSignature(bytes: Uint8Array): number {
  for (let offset = 0; offset + SIGNATURE.length <= bytes.length; offset = offset === 0 ? 512 : offset * 2) {
    if (signatureAt(bytes, offset)) return offset;
  }
  return -1;
}

/** Whether `bytes` start like an HDF5 file (signature at offset 0). */
export function isHdf5(bytes: Uint8Array): boolean {
  return signatureAt(bytes, 0);
}

function readAddress(bytes: Uint8Array, at: number, size: number): number | undefined {
  if (at + size > bytes.length || size < 1 || size > 8) return undefined;
  let value = 0n;
  for (let i = size - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[at + i]!);
  if (value === (1n << BigInt(8 * size)) - 1n) return undefined; // the "undefined address"
  return Number(value);
}

/**
 * Checks the signature and that the file is as long as its superblock says (superblock
 * versions 0-3); `what` names the file in errors.
 * @throws {ModelFileError} not HDF5, or truncated.
 */
function checkHdf5Bytes(bytes: Uint8Array, what: H5Where): void {
  const sig = findSignature(bytes);
  if (sig < 0) throw h5Error(what, 'is not an HDF5 file (no HDF5 signature): a damaged file, or not a Keras .h5 file');
  const version = bytes[sig + 8];
  let sizeOfOffsets: number | undefined;
  let baseAt: number;
  if (version === 0 || version === 1) {
    sizeOfOffsets = bytes[sig + 13];
    baseAt = sig + (version === 0 ? 24 : 28);
  } else if (version === 2 || version === 3) {
    sizeOfOffsets = bytes[sig + 9];
    baseAt = sig + 12;
  } else {
    throw h5Error(what, `has an HDF5 superblock of version ${describeByte(version)}, which is not one HDF5 writes (0-3): the file is damaged`);
  }
  if (sizeOfOffsets === undefined || ![2, 4, 8].includes(sizeOfOffsets)) {
    throw h5Error(what, 'has a damaged HDF5 superblock (truncated, or not an HDF5 file)');
  }
  const base = readAddress(bytes, baseAt, sizeOfOffsets);
  const eof = readAddress(bytes, baseAt + 2 * sizeOfOffsets, sizeOfOffsets);
  if (base === undefined || eof === undefined) {
    throw h5Error(what, 'has a damaged HDF5 superblock (truncated, or not an HDF5 file)');
  }
  if (base + eof > bytes.length) {
    throw h5Error(
      what,
      `is truncated: its HDF5 superblock says the file is ${base + eof} bytes long but it has ${bytes.length}; the file was not completely written or copied`,
    );
  }
}

function describeByte(value: number | undefined): string {
  return value === undefined ? 'none (the file ends there)' : String(value);
}

/** A float dataset read as float32: its shape and data (row-major). */
export interface H5Array {
  shape: number[];
  data: Float32Array;
}

/** A read-only view of an open HDF5 file; every problem is a {@link ModelFileError} naming the file. */
export interface H5Reader {
  /** The children of the group at `path` (`''` or `'/'` is the root), in HDF5's order; `undefined` when there is no such group. */
  groupKeys(path: string): string[] | undefined;
  /** Whether `path` is a dataset. */
  isDataset(path: string): boolean;
  /** A string attribute (`undefined` when absent). */
  stringAttr(path: string, name: string): string | undefined;
  /** A list-of-strings attribute, e.g. Keras's `weight_names` (`undefined` when absent; an empty numeric array reads as `[]`). */
  stringListAttr(path: string, name: string): string[] | undefined;
  /** A float dataset as float32 (float64 is converted). */
  floatDataset(path: string): H5Array;
}

let counter = 0;
let loaded: Promise<typeof H5wasm> | undefined;

/** h5wasm, loaded and initialized once, on first use. */
function h5wasmModule(): Promise<typeof H5wasm> {
  loaded ??= import('h5wasm').then(async (m) => {
    await m.ready;
    return m;
  });
  return loaded;
}

function joinPath(path: string): string {
  return path === '' ? '/' : path.startsWith('/') ? path : `/${path}`;
}

function readFailed(what: H5Where, action: string, err: unknown): ModelFileError {
  return err instanceof ModelFileError ? err : h5Error(what, `could not be read (${action}): ${(err as Error)?.message ?? String(err)}`, { cause: err });
}

/**
 * Opens HDF5 `bytes` (a whole file in memory), runs `use` on a reader and closes the file
 * again, whatever happens. `what` names the file in errors.
 *
 * @example
 * const names = await withHdf5(bytes, file, (h5) => h5.stringListAttr('model_weights', 'layer_names'));
 * @throws {ModelFileError} not HDF5, truncated, or unreadable.
 */
export async function withHdf5<T>(bytes: Uint8Array, what: H5Where, use: (reader: H5Reader) => T): Promise<T> {
  checkHdf5Bytes(bytes, what);
  const h5wasm = await h5wasmModule();
  const fs = h5wasm.FS;
  if (!fs) throw new Error('Internal error: h5wasm has no file system after initialization');
  const name = `/torch-lstm-${process.pid}-${++counter}.h5`;
  fs.writeFile(name, bytes);
  let file: H5wasm.File | undefined;
  try {
    try {
      file = new h5wasm.File(name, 'r');
    } catch (err) {
      throw readFailed(what, 'opening it as HDF5', err);
    }
    if (file.file_id < 0n) throw h5Error(what, 'cannot be opened as HDF5: the file is damaged');
    return use(reader(h5wasm, file, what));
  } finally {
    try {
      file?.close();
    } catch {
      // Closing a file that failed to open; nothing left to free.
    }
    fs.unlink(name);
  }
}

function reader(h5wasm: typeof H5wasm, file: H5wasm.File, what: H5Where): H5Reader {
  const entity = (path: string) => {
    try {
      return file.get(joinPath(path));
    } catch (err) {
      throw readFailed(what, `reading ${JSON.stringify(path)}`, err);
    }
  };
  const exists = (path: string): boolean => {
    // Walk down with keys() so that a missing path never reaches HDF5 (which would print its error stack).
    const parts = path.split('/').filter((p) => p.length > 0);
    let group: H5wasm.Group = file;
    for (let i = 0; i < parts.length; i++) {
      if (!group.keys().includes(parts[i]!)) return false;
      if (i === parts.length - 1) return true;
      const next = group.get(parts[i]!);
      if (!(next instanceof h5wasm.Group)) return false;
      group = next;
    }
    return true;
  };
  const attribute = (path: string, name: string): unknown => {
    if (!exists(path)) return undefined;
    const obj = entity(path);
    if (!obj || !('attrs' in obj)) return undefined;
    try {
      const attrs = obj.attrs;
      return name in attrs ? attrs[name]!.value : undefined;
    } catch (err) {
      throw readFailed(what, `reading the attribute ${JSON.stringify(name)} of ${JSON.stringify(path)}`, err);
    }
  };
  return {
    groupKeys(path) {
      if (!exists(path)) return undefined;
      const g = entity(path);
      return g instanceof h5wasm.Group ? g.keys() : undefined;
    },
    isDataset(path) {
      return exists(path) && entity(path) instanceof h5wasm.Dataset;
    },
    stringAttr(path, name) {
      const v = attribute(path, name);
      if (v === undefined) return undefined;
      if (typeof v === 'string') return v;
      if (v instanceof Uint8Array) return new TextDecoder().decode(v);
      throw h5Error(what, `has an attribute ${JSON.stringify(name)} on ${JSON.stringify(path || '/')} that is not a string`);
    },
    stringListAttr(path, name) {
      const v = attribute(path, name);
      if (v === undefined) return undefined;
      if (typeof v === 'string') return [v];
      if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v as string[];
      if (ArrayBuffer.isView(v) && (v as unknown as ArrayLike<number>).length === 0) return [];
      throw h5Error(what, `has an attribute ${JSON.stringify(name)} on ${JSON.stringify(path || '/')} that is not a list of strings`);
    },
    floatDataset(path) {
      if (!exists(path)) throw h5Error(what, `has no dataset ${JSON.stringify(path)}`);
      const d = entity(path);
      if (!(d instanceof h5wasm.Dataset)) throw h5Error(what, `has no dataset ${JSON.stringify(path)} (it is a group)`);
      let value: unknown;
      let shape: number[];
      try {
        const meta = d.metadata;
        if (meta.type !== 1 /* H5T_FLOAT */ || (meta.size !== 4 && meta.size !== 8)) {
          throw h5Error(
            what,
            `has a dataset ${JSON.stringify(path)} of ${meta.type === 1 ? `${8 * meta.size}-bit floats` : 'non-float values'}; torch-lstm reads float32 (or float64) weights`,
          );
        }
        shape = [...(d.shape ?? [])];
        value = d.value;
      } catch (err) {
        throw readFailed(what, `reading the dataset ${JSON.stringify(path)}`, err);
      }
      const size = shape.reduce((a, b) => a * b, 1);
      if (typeof value === 'number') value = new Float64Array([value]);
      if (!(value instanceof Float32Array || value instanceof Float64Array) || value.length !== size) {
        throw h5Error(what, `has a dataset ${JSON.stringify(path)} that could not be read as ${size} floats of shape [${shape.join(', ')}]`);
      }
      return { shape, data: value instanceof Float32Array ? value : Float32Array.from(value) };
    },
  };
}
