/**
 * Saving and loading int8 models. A saved quantized model is a directory like a float one
 * (see `save-model.ts`), written by the same atomic writer:
 *
 * - `model.json`: the same document, with `quantization: { mode: "int8-dynamic", engine }`,
 *   `compile_config: null` and `optimizer: null` (int8 models do not train);
 * - `weights.safetensors`: each int8 matrix as an `I8` tensor in Keras's layout (`lstm/kernel`
 *   `[in, 4*units]`), its per-column scales as `lstm/kernel.scales` (`F32`, `[4*units]`), and
 *   the biases as `F32` (`lstm/bias`). A float value is `int8 * scale`.
 *
 * Loading dequantizes the weights and quantizes them again, which gives back exactly the
 * saved int8 weights (and so identical predictions).
 */
import type { ModelSpecJson, NativeTensor } from '../native.js';
import { dequantize, type QuantizedWeight } from '../quantization/int8-weights.js';
import type { QuantizationMode } from '../quantization/options.js';
import { boolean, checkOptions } from '../validate.js';
import { ModelFileError } from './errors.js';
import type { WeightName } from './model-io.js';
import { type AnyNamedTensor, encodeSafetensors } from './safetensors.js';
import { beginSave, checkSaveDir, writeSavedModel, WEIGHTS_FILE } from './save-model.js';

/** Suffix of the tensor holding an int8 matrix's per-column scales: `lstm/kernel.scales`. */
export const SCALES_SUFFIX = '.scales';

/** Options of `quantizedModel.save()`. */
export interface QuantizedSaveArgs {
  /** Replace an existing saved model at `dir`. Defaults to `true`. */
  overwrite?: boolean;
}

/** What saving needs of a quantized model. @internal */
export interface SavableQuantizedModel {
  readonly name: string;
  readonly quantization: { mode: QuantizationMode; engine: string };
  getConfig(): ModelSpecJson;
  getQuantizedWeights(): QuantizedWeight[];
}

/** The tensors of a quantized model's weights file, in Keras order, each int8 matrix followed by its scales. */
export function quantizedTensors(weights: readonly QuantizedWeight[]): AnyNamedTensor[] {
  return weights.flatMap((w): AnyNamedTensor[] => {
    if (w.data instanceof Int8Array) {
      if (!w.scales) throw new Error(`Internal error: the int8 weight ${w.name} has no scales`);
      return [
        { name: w.name, shape: [...w.shape], data: w.data },
        { name: w.name + SCALES_SUFFIX, shape: [w.scales.length], data: w.scales },
      ];
    }
    return [{ name: w.name, shape: [...w.shape], data: w.data }];
  });
}

/**
 * Saves a quantized model to the directory `dir` (see the module comment), atomically.
 * @throws (as a rejection) {@link TypeError} a bad argument; `EEXIST` when `dir` exists and
 *   `overwrite` is false, or it holds files a saved model does not; the file system's errors.
 */
export async function saveQuantizedModel(model: SavableQuantizedModel, dir: string, args?: QuantizedSaveArgs): Promise<void> {
  checkSaveDir(dir);
  const o = checkOptions<QuantizedSaveArgs>(args, 'save', ['overwrite']);
  const overwrite = o.overwrite === undefined ? true : boolean(o.overwrite, 'save.overwrite');
  const tensors = quantizedTensors(model.getQuantizedWeights());
  const { metadata, modelJson } = beginSave(model.name);
  const { mode, engine } = model.quantization;
  const json = modelJson({
    model_config: model.getConfig(),
    compile_config: null,
    weights: { file: WEIGHTS_FILE, names: tensors.map((t) => t.name) },
    optimizer: null,
    quantization: { mode, engine },
  });
  const files = [{ name: WEIGHTS_FILE, chunks: encodeSafetensors(tensors, { ...metadata, content: 'weights', quantization: mode }) }];
  await writeSavedModel(dir, files, json, overwrite);
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * The float32 weights a quantized weights file stands for, in the order of `expected` (the
 * model's weights): each int8 matrix dequantized with its `.scales`, float tensors as they are.
 * Every name, dtype and shape is checked; `file` names the file in errors.
 * @throws {ModelFileError} a missing or extra tensor, an int8 tensor without its scales, a shape mismatch.
 */
export function dequantizedWeights(expected: readonly WeightName[], tensors: readonly AnyNamedTensor[], file: string): NativeTensor[] {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const used = new Set<string>();
  const out = expected.map((w) => {
    const t = byName.get(w.name);
    if (!t) throw new ModelFileError(file, `has no tensor ${JSON.stringify(w.name)} (needed by the model's ${w.layer}); weights of another model?`);
    used.add(w.name);
    if (t.shape.length !== w.shape.length || t.shape.some((d, i) => d !== w.shape[i])) {
      throw new ModelFileError(file, `tensor ${JSON.stringify(w.name)} has shape ${shapeText(t.shape)} but the model's ${w.layer} expects ${shapeText(w.shape)}`);
    }
    if (t.data instanceof Float32Array) return { data: t.data, shape: [...t.shape] };
    const scalesName = w.name + SCALES_SUFFIX;
    const scales = byName.get(scalesName);
    if (!scales) throw new ModelFileError(file, `has the int8 tensor ${JSON.stringify(w.name)} but not its scales ${JSON.stringify(scalesName)}`);
    used.add(scalesName);
    const columns = w.shape[1];
    if (w.shape.length !== 2 || !(scales.data instanceof Float32Array) || scales.shape.length !== 1 || scales.shape[0] !== columns) {
      throw new ModelFileError(
        file,
        `tensor ${JSON.stringify(scalesName)} is ${scales.data instanceof Float32Array ? 'F32' : 'I8'} ${shapeText(scales.shape)}; ` +
          (w.shape.length === 2 ? `expected F32 [${columns}] (one scale per column of ${w.name})` : `${w.name} is not a matrix and cannot be int8`),
      );
    }
    return { data: dequantize(t.data, t.shape, scales.data, w.name), shape: [...t.shape] };
  });
  const extra = tensors.filter((t) => !used.has(t.name)).map((t) => JSON.stringify(t.name));
  if (extra.length > 0) {
    throw new ModelFileError(file, `holds ${extra.slice(0, 3).join(', ')}${extra.length > 3 ? ', ...' : ''}, which the model has no weight for (weights of another model?)`);
  }
  return out;
}
