/**
 * `model.save(dir)`: a saved model is a directory of three files.
 *
 * - `model.json`: `{ format: "torch-lstm", format_version: 1, torch_lstm_version, libtorch_version,
 *   save_id, model_config, compile_config, weights: { file, names }, optimizer: { file, iterations,
 *   learning_rate } | null }`. `model_config` is the model's Keras JSON and `compile_config` the
 *   Keras-format compile config, both from `lib/serialization` (what the engine builds from).
 * - `weights.safetensors`: a tensor per weight, `lstm/kernel`, `lstm/recurrent_kernel`,
 *   `lstm/bias`, `dense/kernel`, ... in Keras's layout (readable by Python's safetensors).
 * - `optimizer.safetensors`: the optimizer's slots, `optimizer/momentums/0`, ... (when included).
 *
 * The directory is written atomically (see `atomic.ts`); `save_id` ties the three files of one save.
 * A quantized model (`quantize(model)`) is saved the same way, with int8 weights and a
 * `quantization` entry in `model.json` (see `quantized-io.ts`).
 */
import { randomUUID } from 'node:crypto';
import { versions } from '../models/engine.js';
import type { CompileSpecJson, ModelSpecJson } from '../native.js';
import type { QuantizationMode } from '../quantization/options.js';
import { describe } from '../validate.js';
import { type FileToWrite, writeDirAtomic } from './atomic.js';
import { MODEL_IO, type SavableModel } from './model-io.js';
import { encodeSafetensors, type NamedTensor } from './safetensors.js';
import { FORMAT, FORMAT_VERSION, namedWeights } from './weights-file.js';

/** File names inside a saved model directory. */
export const MODEL_JSON = 'model.json';
export const WEIGHTS_FILE = 'weights.safetensors';
export const OPTIMIZER_FILE = 'optimizer.safetensors';
/** Prefix of the optimizer's tensor names in `optimizer.safetensors`. */
export const OPTIMIZER_PREFIX = 'optimizer/';

/** The `model.json` of a saved model. */
export interface ModelJson {
  format: typeof FORMAT;
  format_version: number;
  torch_lstm_version: string;
  libtorch_version: string;
  /** Random id written into each file of one save, so a mix of two saves is detected. */
  save_id: string;
  model_config: ModelSpecJson;
  compile_config: CompileSpecJson | null;
  weights: { file: string; names: string[] };
  optimizer: { file: string; iterations: number; learning_rate: number } | null;
  /** Present for an int8 model only: how it was quantized; its weights file then holds I8 matrices with `.scales`. */
  quantization?: { mode: QuantizationMode; engine: string };
}

/** Options of `model.save()`. */
export interface SaveArgs {
  /** Save the optimizer's state (step count, moments), so that `fit` resumes exactly. Defaults to `true`. */
  includeOptimizer?: boolean;
  /** Replace an existing saved model at `dir`. Defaults to `true`. */
  overwrite?: boolean;
}

function booleanOption(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`Expected a boolean for ${name} but received ${describe(value)} of type ${value === null ? 'null' : typeof value}`);
  return value;
}

/** Checks the `dir` argument of a save. @internal */
export function checkSaveDir(dir: unknown): void {
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new TypeError(`Expected a directory path (a non-empty string) for save.dir but received ${describe(dir)} of type ${dir === null ? 'null' : typeof dir}`);
  }
}

function checkSaveArgs(dir: unknown, args: unknown): { includeOptimizer: boolean; overwrite: boolean } {
  checkSaveDir(dir);
  if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args))) {
    throw new TypeError(`Expected an options object for save but received ${describe(args)}`);
  }
  const o = (args ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (key !== 'includeOptimizer' && key !== 'overwrite') throw new TypeError(`Unknown option "${key}" for save; known options: includeOptimizer, overwrite`);
  }
  return {
    includeOptimizer: booleanOption(o.includeOptimizer, 'save.includeOptimizer', true),
    overwrite: booleanOption(o.overwrite, 'save.overwrite', true),
  };
}

/** The entries of `model.json` that differ between saves of a float and of an int8 model. @internal */
export type ModelJsonBody = Omit<ModelJson, 'format' | 'format_version' | 'torch_lstm_version' | 'libtorch_version' | 'save_id'>;

/** One save in progress: the metadata each of its safetensors files carries, and its `model.json`. @internal */
export interface SaveInProgress {
  /** `{ format, format_version, save_id, model }`: each file adds its `content` (and more). */
  metadata: { format: typeof FORMAT; format_version: string; save_id: string; model: string };
  /** `model.json`: the format, the versions and this save's id, then `body`. */
  modelJson(body: ModelJsonBody): ModelJson;
}

/** Starts a save of the model named `modelName`: a fresh `save_id` ties its files together. @internal */
export function beginSave(modelName: string): SaveInProgress {
  const v = versions();
  const saveId = randomUUID();
  return {
    metadata: { format: FORMAT, format_version: String(FORMAT_VERSION), save_id: saveId, model: modelName },
    modelJson: (body) => ({
      format: FORMAT,
      format_version: FORMAT_VERSION,
      torch_lstm_version: v.torchLstm,
      libtorch_version: v.torch,
      save_id: saveId,
      ...body,
    }),
  };
}

/**
 * Writes a saved model's directory atomically: `files` (its safetensors files), then `json` as
 * `model.json`, last, so that a reader of the temp directory never sees it before the tensors.
 * @internal
 */
export async function writeSavedModel(dir: string, files: readonly FileToWrite[], json: ModelJson, overwrite: boolean): Promise<void> {
  const modelJson = { name: MODEL_JSON, chunks: [Buffer.from(`${JSON.stringify(json, null, 2)}\n`, 'utf8')] };
  await writeDirAtomic(dir, [...files, modelJson], { overwrite, replaceable: [MODEL_JSON, WEIGHTS_FILE, OPTIMIZER_FILE] });
}

/**
 * Saves `model` to the directory `dir` (see the module comment). The weights and optimizer
 * state are copied out of the engine at once, so training may go on while the files are written.
 *
 * @example
 * await saveModel(model, 'models/co2');
 * const again = await loadModel('models/co2');
 * @throws (as a rejection) {@link TypeError} a bad argument; `EEXIST` when `dir` exists and
 *   `overwrite` is false, or `dir` holds files a saved model does not; `ERR_BUSY` during fit
 *   outside its callbacks; the file system's errors.
 */
export async function saveModel(model: SavableModel, dir: string, args?: SaveArgs): Promise<void> {
  const { includeOptimizer, overwrite } = checkSaveArgs(dir, args);
  const io = model[MODEL_IO]();
  const weights = namedWeights(model);
  const compile = io.compileConfig();
  const state = includeOptimizer && compile ? io.getOptimizerState() : null;
  const { metadata, modelJson } = beginSave(model.name);

  const files = [{ name: WEIGHTS_FILE, chunks: encodeSafetensors(weights, { ...metadata, content: 'weights' }) }];
  let optimizer: ModelJson['optimizer'] = null;
  if (state) {
    const learningRate = Number(compile!.optimizer.config.learning_rate);
    const slots: NamedTensor[] = Object.entries(state.tensors).map(([key, t]) => ({ name: OPTIMIZER_PREFIX + key, shape: [...t.shape], data: t.data }));
    const optimizerMeta = { ...metadata, content: 'optimizer', iterations: String(state.iterations), learning_rate: String(learningRate) };
    files.push({ name: OPTIMIZER_FILE, chunks: encodeSafetensors(slots, optimizerMeta) });
    optimizer = { file: OPTIMIZER_FILE, iterations: state.iterations, learning_rate: learningRate };
  }
  const json = modelJson({
    model_config: model.getConfig(),
    compile_config: compile,
    weights: { file: WEIGHTS_FILE, names: weights.map((w) => w.name) },
    optimizer,
  });
  await writeSavedModel(dir, files, json, overwrite);
}
