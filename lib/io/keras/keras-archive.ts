/**
 * The Keras 3 `.keras` archive: a zip holding `config.json` (the model's Keras JSON with its
 * `compile_config`), `model.weights.h5` (the weights, HDF5) and `metadata.json` (the Keras
 * version). Unzipped in memory with `fflate` (pure JavaScript, no dependencies, maintained; a
 * `.keras` file is small enough to read whole, so a streaming reader would add nothing).
 */
import { ModelFileError } from '../errors.js';

/** What a `.keras` archive holds, parsed. */
export interface KerasArchive {
  /** `config.json`, parsed (the model's Keras JSON). */
  config: unknown;
  /** `metadata.json`, parsed (`{ keras_version, date_saved }`), or `undefined` when absent. */
  metadata: unknown;
  /** The bytes of `model.weights.h5`. */
  weights: Uint8Array;
}

const CONFIG = 'config.json';
const METADATA = 'metadata.json';
const WEIGHTS = 'model.weights.h5';

/** Whether `bytes` start like a zip archive (a local file header, `PK\x03\x04`). */
export function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

function parseJson(bytes: Uint8Array, file: string, member: string): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    throw new ModelFileError(file, `its ${member} is not valid JSON (${(err as Error).message}); the archive is damaged`, { cause: err });
  }
}

/**
 * Reads a `.keras` archive from its bytes; `file` names it in errors.
 *
 * @example
 * const { config, weights } = await readKerasArchive(await readFile('model.keras'), 'model.keras');
 * @throws {ModelFileError} not a zip, a damaged or truncated zip, no `config.json` or no
 *   `model.weights.h5` (a Keras 2 SavedModel zip, `model.weights.npz`, ...).
 */
export async function readKerasArchive(bytes: Uint8Array, file: string): Promise<KerasArchive> {
  if (!isZip(bytes)) {
    throw new ModelFileError(file, 'is not a .keras archive (a zip file): it does not start with a zip header; the file is damaged, or is not a Keras 3 model');
  }
  const { unzipSync } = await import('fflate');
  let entries: Record<string, Uint8Array>;
  const names: string[] = [];
  try {
    entries = unzipSync(bytes, {
      filter: (f) => {
        names.push(f.name);
        return f.name === CONFIG || f.name === METADATA || f.name === WEIGHTS;
      },
    });
  } catch (err) {
    throw new ModelFileError(file, `is not a readable zip archive (${(err as Error).message}): the file is truncated or damaged`, { cause: err });
  }
  const listed = names.length === 0 ? 'nothing' : names.slice(0, 5).map((n) => JSON.stringify(n)).join(', ') + (names.length > 5 ? ', ...' : '');
  const config = entries[CONFIG];
  if (!config) {
    throw new ModelFileError(file, `has no ${CONFIG}, so it is not a Keras 3 .keras archive (it holds ${listed}); save the model with Keras 3's model.save("model.keras")`);
  }
  const weights = entries[WEIGHTS];
  if (!weights) {
    const npz = names.includes('model.weights.npz') ? ' (its weights are in model.weights.npz, which torch-lstm does not read; re-save with the default HDF5 weights)' : '';
    throw new ModelFileError(file, `has no ${WEIGHTS}${npz}; it holds ${listed}`);
  }
  const meta = entries[METADATA];
  return {
    config: parseJson(config, file, CONFIG),
    metadata: meta ? parseJson(meta, file, METADATA) : undefined,
    weights,
  };
}
