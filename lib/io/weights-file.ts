/**
 * Weights as named tensors (`lstm/kernel`, `lstm/recurrent_kernel`, `lstm/bias`, `dense/kernel`,
 * ...: the layer's name, then Keras's weight name, in Keras's layout), and the weights-only
 * file of `model.saveWeights()` / `model.loadWeights()`.
 */
import type { NativeTensor } from '../native.js';
import { describe } from '../validate.js';
import { writeFileAtomic } from './atomic.js';
import { ModelFileError } from './errors.js';
import { MODEL_IO, type SavableModel, type WeightName } from './model-io.js';
import { type AnyNamedTensor, encodeSafetensors, type NamedTensor, readSafetensors } from './safetensors.js';

/** The on-disk format written in every file's metadata. */
export const FORMAT = 'torch-lstm';
/** The newest `format_version` this torch-lstm writes and reads. */
export const FORMAT_VERSION = 1;
/** What a weights-only file's name ends with (Keras: `.weights.h5`). */
export const WEIGHTS_SUFFIX = '.weights.safetensors';

/**
 * The model's weights, named (a snapshot: the data is copied out of the engine).
 * @example
 * namedWeights(model).map((t) => t.name); // ['lstm/kernel', 'lstm/recurrent_kernel', 'lstm/bias', 'dense/kernel', 'dense/bias']
 */
export function namedWeights(model: SavableModel): NamedTensor[] {
  const weights = model.getWeights();
  const names = model[MODEL_IO]().weightNames();
  if (names.length !== weights.length) {
    throw new Error(`Internal error: the model has ${weights.length} weights but ${names.length} weight names`);
  }
  return weights.map((w, i) => ({ name: names[i]!.name, shape: [...w.shape], data: w.data }));
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * The tensors of `file` as float32 ones: an int8 tensor (the weights of a quantized model)
 * is an error saying so.
 * @throws {ModelFileError} an I8 tensor.
 */
export function float32Tensors(tensors: readonly AnyNamedTensor[], file: string): NamedTensor[] {
  const int8 = tensors.find((t) => t.data instanceof Int8Array);
  if (int8) {
    throw new ModelFileError(
      file,
      `tensor ${JSON.stringify(int8.name)} is int8 (I8): these are the weights of a quantized model, which a float model cannot take; load the saved quantized model with loadModel(dir)`,
    );
  }
  return tensors as NamedTensor[];
}

/**
 * Puts named tensors in the order of `expected`, checking that every name is there, none is
 * extra, each shape matches and each is float32. `file` names the file in errors.
 * @example
 * model.setWeights(matchTensors(model[MODEL_IO]().weightNames(), (await readSafetensors(file)).tensors, file));
 * @throws {ModelFileError} a missing or extra tensor, a shape mismatch.
 */
export function matchTensors(expected: readonly WeightName[], all: readonly AnyNamedTensor[], file: string): NativeTensor[] {
  const tensors = float32Tensors(all, file);
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const known = new Set(expected.map((w) => w.name));
  const extra = tensors.filter((t) => !known.has(t.name)).map((t) => JSON.stringify(t.name));
  const missing = expected.filter((w) => !byName.has(w.name));
  if (missing.length > 0) {
    const w = missing[0]!;
    throw new ModelFileError(
      file,
      `has no tensor ${JSON.stringify(w.name)} (needed by the model's ${w.layer}` +
        `${missing.length > 1 ? `; ${missing.length - 1} more missing` : ''})` +
        (extra.length > 0 ? `; it holds ${extra.slice(0, 3).join(', ')}${extra.length > 3 ? ', ...' : ''} instead: weights of another model?` : ''),
    );
  }
  if (extra.length > 0) {
    throw new ModelFileError(file, `holds ${extra.slice(0, 3).join(', ')}${extra.length > 3 ? ', ...' : ''}, which the model has no weight for (weights of another model?)`);
  }
  return expected.map((w) => {
    const t = byName.get(w.name)!;
    if (t.shape.length !== w.shape.length || t.shape.some((d, i) => d !== w.shape[i])) {
      throw new ModelFileError(file, `tensor ${JSON.stringify(w.name)} has shape ${shapeText(t.shape)} but the model's ${w.layer} expects ${shapeText(w.shape)}`);
    }
    return { data: t.data, shape: [...t.shape] };
  });
}

/** Options of `model.saveWeights()`. */
export interface SaveWeightsArgs {
  /** Replace an existing file. Defaults to `true`. */
  overwrite?: boolean;
}

function filePath(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`Expected a file path (a non-empty string) for ${name} but received ${describe(value)} of type ${value === null ? 'null' : typeof value}`);
  }
  return value;
}

/**
 * Writes the model's weights to a `.weights.safetensors` file, atomically (temp file + rename).
 *
 * @example
 * await saveWeightsFile(model, 'ckpt/best.weights.safetensors');
 * @throws (as a rejection) {@link RangeError} a name without the suffix; `EEXIST` without overwrite.
 */
export async function saveWeightsFile(model: SavableModel, file: string, args: SaveWeightsArgs = {}): Promise<void> {
  filePath(file, 'saveWeights.filepath');
  if (!file.endsWith(WEIGHTS_SUFFIX)) {
    throw new RangeError(`Expected a file name ending in "${WEIGHTS_SUFFIX}" for saveWeights.filepath but received ${describe(file)}`);
  }
  const overwrite = args.overwrite ?? true;
  if (typeof overwrite !== 'boolean') throw new TypeError(`Expected a boolean for saveWeights.overwrite but received ${describe(overwrite)}`);
  const tensors = namedWeights(model);
  const metadata = { format: FORMAT, format_version: String(FORMAT_VERSION), content: 'weights', model: model.name };
  await writeFileAtomic(file, encodeSafetensors(tensors, metadata), { overwrite });
}

/**
 * Sets the model's weights from a safetensors file holding a tensor per weight, by name
 * (`lstm/kernel`, ...): what `saveWeights` writes, a saved model's `weights.safetensors`, or a
 * file written elsewhere with the same names and layout.
 *
 * @example
 * await loadWeightsFile(model, 'ckpt/best.weights.safetensors');
 * @throws (as a rejection) {@link ModelFileError} a missing, truncated or foreign file, a missing
 *   or extra tensor, a shape mismatch.
 */
export async function loadWeightsFile(model: SavableModel, file: string): Promise<void> {
  filePath(file, 'loadWeights.filepath');
  const expected = model[MODEL_IO]().weightNames();
  const { tensors, metadata } = await readSafetensors(file);
  const version = Number(metadata.format_version);
  if (metadata.format === FORMAT && version > FORMAT_VERSION) {
    throw new ModelFileError(file, `was saved by a newer torch-lstm (format_version ${metadata.format_version}; this one reads up to ${FORMAT_VERSION}); upgrade torch-lstm to read it`);
  }
  model.setWeights(matchTensors(expected, tensors, file));
}
