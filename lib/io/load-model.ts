/**
 * `loadModel(dir)`: reads a directory written by `model.save(dir)` back into a Sequential or a
 * functional model (by its `model_config`'s `class_name`), compiled when it was saved compiled, with its optimizer state when it was saved, so that a
 * `fit` with `initialEpoch` continues exactly where the saved run stopped; or, when
 * `model.json` has `quantization`, into the same int8 {@link QuantizedModel}.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Functional } from '../models/functional.js';
import { QuantizedModel } from '../models/quantized-model.js';
import { Sequential } from '../models/sequential.js';
import type { NativeOptimizerState, NativeTensor } from '../native.js';
import { compileFromKeras, isFunctionalJson } from '../serialization/keras-json.js';
import { QUANTIZATION_MODES } from '../quantization/options.js';
import { describe, isPlainObject } from '../validate.js';
import { recoverableOld } from './atomic.js';
import { errnoCode, ModelFileError } from './errors.js';
import { dequantizedWeights } from './quantized-io.js';
import { MODEL_IO, type WeightName } from './model-io.js';
import { type AnyNamedTensor, readSafetensors } from './safetensors.js';
import { MODEL_JSON, type ModelJson, OPTIMIZER_PREFIX } from './save-model.js';
import { float32Tensors, FORMAT, FORMAT_VERSION, matchTensors } from './weights-file.js';

/** What `loadModel` gives: a float model (Sequential or functional), or an int8 one when the directory holds a quantized model. */
export type LoadedModel = Sequential | Functional | QuantizedModel;

/** The float model of a `model_config`: Functional (Keras 2 `Model` too) or Sequential, by its `class_name`. */
function modelFromConfig(json: unknown): Sequential | Functional {
  return isFunctionalJson(json) ? Functional.fromConfig(json) : Sequential.fromConfig(json);
}

/** Files of two saves (a save finished between two reads of `dir`): read again. `inner`: the error they gave. */
class MixedSave extends Error {
  constructor(readonly inner?: unknown) {
    super('mixed saves');
  }
}

/** Reads and checks `model.json`; every problem names the file. */
async function readModelJson(dir: string): Promise<ModelJson> {
  const file = path.join(dir, MODEL_JSON);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const why = errnoCode(err) === 'ENOENT' ? `missing: ${dir} is not a saved torch-lstm model (it has no ${MODEL_JSON})` : `cannot be read (${(err as Error).message})`;
    throw new ModelFileError(file, why, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ModelFileError(file, `is not valid JSON (${(err as Error).message}); the file is damaged or truncated`, { cause: err });
  }
  if (!isPlainObject(json)) throw new ModelFileError(file, `is not a torch-lstm model file (it holds ${describe(json)}, not an object)`);
  if (json.format !== FORMAT) {
    const hint = 'class_name' in json || 'model_config' in json ? '; a Keras config? read it with Sequential.fromConfig() or Functional.fromConfig()' : '';
    throw new ModelFileError(file, `is not a torch-lstm model file (its "format" is ${describe(json.format)}, not "${FORMAT}")${hint}`);
  }
  const version = json.format_version;
  if (!Number.isSafeInteger(version) || (version as number) < 1) {
    throw new ModelFileError(file, `has an invalid format_version ${describe(version)}; the file is damaged`);
  }
  if ((version as number) > FORMAT_VERSION) {
    throw new ModelFileError(
      file,
      `was saved by a newer torch-lstm (${describe(json.torch_lstm_version)}, format_version ${version}); this torch-lstm reads format_version ${FORMAT_VERSION} and older: upgrade torch-lstm to load it`,
    );
  }
  const fileField = (value: unknown, field: string): void => {
    const name = isPlainObject(value) ? value.file : undefined;
    if (typeof name !== 'string' || name.length === 0 || name !== path.basename(name) || name === '.' || name === '..') {
      throw new ModelFileError(file, `has an invalid "${field}.file" ${describe(name)}; expected a file name inside the model directory`);
    }
  };
  fileField(json.weights, 'weights');
  if (json.optimizer !== null && json.optimizer !== undefined) {
    fileField(json.optimizer, 'optimizer');
    const o = json.optimizer as Record<string, unknown>;
    if (!Number.isSafeInteger(o.iterations) || (o.iterations as number) < 0) throw new ModelFileError(file, `has an invalid optimizer.iterations ${describe(o.iterations)}`);
    if (json.compile_config === null || json.compile_config === undefined) throw new ModelFileError(file, 'has an optimizer state but no compile_config; the file is damaged');
  }
  if (json.quantization !== undefined && json.quantization !== null) {
    const q = json.quantization;
    const mode = isPlainObject(q) ? q.mode : undefined;
    if (!(QUANTIZATION_MODES as readonly unknown[]).includes(mode)) {
      throw new ModelFileError(
        file,
        `has quantization mode ${describe(mode)}, which this torch-lstm does not know (it reads ${QUANTIZATION_MODES.map((m) => `"${m}"`).join(', ')}): saved by a newer torch-lstm? upgrade torch-lstm to load it`,
      );
    }
    if (json.optimizer !== null && json.optimizer !== undefined) throw new ModelFileError(file, 'has a quantized model with an optimizer state; the file is damaged');
  }
  return json as unknown as ModelJson;
}

/** The int8 model of a save with `quantization`: the saved int8 weights, dequantized, quantized again (an exact rebuild). */
async function readQuantized(dir: string, json: ModelJson): Promise<QuantizedModel> {
  const jsonFile = path.join(dir, MODEL_JSON);
  let float: Sequential | Functional;
  try {
    float = modelFromConfig(json.model_config);
  } catch (err) {
    throw inFile(jsonFile, 'its model_config cannot be read', err);
  }
  let weights: NativeTensor[];
  try {
    const expected = float[MODEL_IO]().weightNames();
    const weightsFile = path.join(dir, json.weights.file);
    const content = await readSafetensors(weightsFile);
    weights = sameSave(json, content.metadata, () => dequantizedWeights(expected, content.tensors, weightsFile));
  } finally {
    float.dispose();
  }
  return new QuantizedModel(json.model_config, weights, json.quantization!.mode);
}

/** Runs `use` on a file's content; when the file is of another save than model.json, any outcome is a MixedSave. */
function sameSave<T>(json: ModelJson, metadata: Record<string, string>, use: () => T): T {
  const mixed = typeof json.save_id === 'string' && metadata.save_id !== undefined && metadata.save_id !== json.save_id;
  let out: T;
  try {
    out = use();
  } catch (err) {
    throw mixed ? new MixedSave(err) : err;
  }
  if (mixed) throw new MixedSave();
  return out;
}

/** Optimizer slots `optimizer/<slot>/<weight index>` -> the engine's state, shapes checked against the weights. */
function optimizerState(all: readonly AnyNamedTensor[], weights: readonly WeightName[], iterations: number, learningRate: number, file: string): NativeOptimizerState {
  const out: Record<string, NativeTensor> = {};
  for (const t of float32Tensors(all, file)) {
    const m = /^optimizer\/([A-Za-z_][A-Za-z0-9_]*)\/(\d+)$/.exec(t.name);
    const index = m ? Number(m[2]) : -1;
    const weight = weights[index];
    if (!t.name.startsWith(OPTIMIZER_PREFIX) || !weight) {
      throw new ModelFileError(file, `holds a tensor ${JSON.stringify(t.name)}, not an optimizer slot "optimizer/<slot>/<weight index>" of this model (${weights.length} weights)`);
    }
    if (t.shape.length !== weight.shape.length || t.shape.some((d, i) => d !== weight.shape[i])) {
      throw new ModelFileError(file, `tensor ${JSON.stringify(t.name)} has shape [${t.shape.join(', ')}] but weight ${index} (${weight.name}) has [${weight.shape.join(', ')}]`);
    }
    out[t.name.slice(OPTIMIZER_PREFIX.length)] = { data: t.data, shape: [...t.shape] };
  }
  return { iterations, learningRate, tensors: out };
}

/** Wraps an error raised while reading one part of a file, naming the file. */
function inFile(file: string, what: string, err: unknown): Error {
  if (err instanceof ModelFileError || err instanceof MixedSave) return err;
  return new ModelFileError(file, `${what}: ${(err as Error).message}`, { cause: err });
}

async function readFrom(dir: string): Promise<LoadedModel> {
  const json = await readModelJson(dir);
  if (json.quantization) return readQuantized(dir, json);
  const jsonFile = path.join(dir, MODEL_JSON);
  let model: Sequential | Functional;
  try {
    model = modelFromConfig(json.model_config);
  } catch (err) {
    throw inFile(jsonFile, 'its model_config cannot be read', err);
  }
  try {
    const io = model[MODEL_IO]();
    const expected = io.weightNames();
    const weightsFile = path.join(dir, json.weights.file);
    const weights = await readSafetensors(weightsFile);
    model.setWeights(sameSave(json, weights.metadata, () => matchTensors(expected, weights.tensors, weightsFile)));
    if (json.compile_config !== null && json.compile_config !== undefined) {
      try {
        io.compileFrom(compileFromKeras(json.compile_config, io.compileOutputs()));
      } catch (err) {
        throw inFile(jsonFile, 'its compile_config cannot be used', err);
      }
      if (json.optimizer) {
        const optimizerFile = path.join(dir, json.optimizer.file);
        const slots = await readSafetensors(optimizerFile);
        const learningRate = model.optimizer.learningRate;
        const iterations = json.optimizer.iterations;
        const state = sameSave(json, slots.metadata, () => optimizerState(slots.tensors, expected, iterations, learningRate, optimizerFile));
        try {
          io.setOptimizerState(state);
        } catch (err) {
          throw inFile(optimizerFile, 'the optimizer state does not fit the model', err);
        }
      }
    }
    return model;
  } catch (err) {
    model.dispose();
    throw err;
  }
}

/**
 * Loads a model saved with `model.save(dir)` (Keras `keras.models.load_model`): the
 * architecture from `model.json`, the weights from `weights.safetensors`, the compile config
 * and, when saved, the optimizer's state, so that training resumes exactly:
 * `fit(x, y, { epochs: 20, initialEpoch: 10 })` on the loaded model continues a run saved
 * after epoch 10.
 *
 * A model saved by a {@link QuantizedModel} (`model.json` has `quantization`) comes back as
 * that int8 model, with the same int8 weights and so the same predictions.
 *
 * Temp directories left by a save that was killed are ignored; if a save was killed in the
 * instant between moving the old version aside and putting the new one in place (`dir` is
 * then absent), the old complete version is loaded from where it was moved.
 *
 * @example
 * await model.save('models/co2');
 * const model2 = await loadModel('models/co2');
 * const yhat = await model2.predict(xTest); // identical to model.predict(xTest)
 * if (model2 instanceof QuantizedModel) console.log(model2.quantization); // { mode: 'int8-dynamic', engine: 'onednn' }
 * @throws (as a rejection) {@link ModelFileError} naming the file: a missing directory or
 *   `model.json`, a damaged or foreign file, a newer format ("saved by a newer torch-lstm"),
 *   a truncated or foreign safetensors file, a missing tensor, a shape mismatch;
 *   {@link TorchError} `ERR_TORCH` for a quantized model where LibTorch has no int8 engine.
 */
export async function loadModel(dir: string): Promise<LoadedModel> {
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new TypeError(`Expected a directory path (a non-empty string) for loadModel.dir but received ${describe(dir)} of type ${dir === null ? 'null' : typeof dir}`);
  }
  for (let attempt = 0; ; attempt++) {
    let source = dir;
    const st = await stat(dir).catch((err) => {
      if (errnoCode(err) === 'ENOENT') return undefined;
      throw new ModelFileError(dir, `cannot be read (${(err as Error).message})`, { cause: err });
    });
    if (!st) {
      const old = await recoverableOld(path.resolve(dir));
      if (!old) throw new ModelFileError(dir, 'no saved model here: the directory does not exist');
      source = old;
    } else if (!st.isDirectory()) {
      throw new ModelFileError(dir, `is a file, not a saved model directory (model.save() writes a directory with ${MODEL_JSON})`);
    }
    try {
      return await readFrom(source);
    } catch (err) {
      // Files of two saves (a save replaced the directory while we read it), or the moved-aside
      // version was removed by a save completing: read again.
      const raced = err instanceof MixedSave || (source !== dir && errnoCode((err as { cause?: unknown }).cause) === 'ENOENT');
      if (raced && attempt < 3) continue;
      if (err instanceof MixedSave) {
        throw err.inner ?? new ModelFileError(dir, 'its files come from different saves (was it being saved to while loading?)');
      }
      throw err;
    }
  }
}
