/**
 * `loadLayersModel(modelJsonPath)`: a TensorFlow.js layers model (`model.json` with
 * `modelTopology` and `weightsManifest`, plus its `.bin` weight shards), as `tf.LayersModel.save`
 * or the tfjs converter writes it, -> a torch-lstm model with the same weights.
 */
import { readFile } from 'node:fs/promises';
import { Functional } from '../../models/functional.js';
import { Sequential } from '../../models/sequential.js';
import { compileFromKeras, isFunctionalJson } from '../../serialization/keras-json.js';
import { checkOptions, describe, isPlainObject } from '../../validate.js';
import { errnoCode, ModelFileError } from '../errors.js';
import { MODEL_IO } from '../model-io.js';
import { type KerasSource, normalizeKerasModelJson } from './keras-config.js';
import { orderWeights, weightLayerNames } from './keras-weights.js';
import { parseManifest, readManifestWeights, weightsByLayer } from './tfjs-weights.js';

/** Options of {@link loadLayersModel}. */
export interface LoadLayersModelArgs {
  /** Compile the model with the training config saved in `model.json`, when it has one. Defaults to `true`. */
  compile?: boolean;
}

async function readModelJson(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = errnoCode(err);
    throw new ModelFileError(file, code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory; pass the path of its model.json' : `cannot be read (${(err as Error).message})`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ModelFileError(file, `is not valid JSON (${(err as Error).message}); the file is damaged or truncated`, { cause: err });
  }
  if (!isPlainObject(json) || !isPlainObject(json.modelTopology)) {
    throw new ModelFileError(file, 'is not a TensorFlow.js model.json: it has no modelTopology object');
  }
  if (json.format !== undefined && json.format !== 'layers-model') {
    throw new ModelFileError(
      file,
      `is a TensorFlow.js ${describe(json.format)} (format), not a layers model; torch-lstm reads the "layers-model" format that tf.LayersModel.save and the converter's keras output write`,
    );
  }
  return json;
}

/**
 * Loads a TensorFlow.js layers model (tfjs `tf.loadLayersModel`) from its `model.json` and the
 * weight shards beside it: the topology through the same validation as `sequential([...])`,
 * the weights checked against the manifest (every shard's length) and the model (every shape).
 *
 * TensorFlow.js's LSTM defaults to `recurrentActivation: 'hardSigmoid'`, which tfjs computes as
 * `clip(0.2 x + 0.5, 0, 1)`; torch-lstm computes Keras 3's hard_sigmoid, so such a model is
 * refused with an error saying so: build tfjs LSTMs with `recurrentActivation: 'sigmoid'` (the
 * Keras default) to bring them over.
 *
 * @param modelJsonPath the `model.json` file; its shards are read relative to its directory.
 * @example
 * // in tfjs: await model.save('file://./exported')  (tfjs-node), or a custom IOHandler
 * const model = await loadLayersModel('exported/model.json');
 * const yhat = await model.predict(x); // what tfjs's model.predict(x) gives
 * @throws (as a rejection) {@link ModelFileError} naming the file: a missing or damaged
 *   `model.json`, a graph model, a missing shard, shards whose byte length differs from the
 *   manifest, a layer or option torch-lstm does not offer, tfjs's hard_sigmoid, a shape mismatch;
 *   {@link TypeError} a wrong argument.
 */
export async function loadLayersModel(modelJsonPath: string, args?: LoadLayersModelArgs): Promise<Sequential | Functional> {
  if (typeof modelJsonPath !== 'string' || modelJsonPath.length === 0) {
    throw new TypeError(
      `Expected a file path (a non-empty string) for loadLayersModel.modelJsonPath but received ${describe(modelJsonPath)} of type ${modelJsonPath === null ? 'null' : typeof modelJsonPath}`,
    );
  }
  const o = checkOptions<LoadLayersModelArgs>(args, 'loadLayersModel', ['compile']);
  if (o.compile !== undefined && typeof o.compile !== 'boolean') {
    throw new TypeError(`Expected a boolean for loadLayersModel.compile but received ${describe(o.compile)} of type ${typeof o.compile}`);
  }
  const file = modelJsonPath;
  const json = await readModelJson(file);
  const topology = json.modelTopology as Record<string, unknown>;
  // tf.LayersModel.save writes the model JSON itself (with keras_version "tfjs-layers x.y.z");
  // the converter wraps a Keras model's as { keras_version, backend, model_config, training_config }.
  const modelJson = 'model_config' in topology ? topology.model_config : topology;
  const version = typeof topology.keras_version === 'string' ? topology.keras_version : undefined;
  const source: KerasSource =
    version === undefined || version.startsWith('tfjs') ? { writer: 'tfjs', ...(version ? { version } : {}) } : { writer: 'keras', version };
  const groups = parseManifest(json.weightsManifest, file);
  const normalized = normalizeKerasModelJson(modelJson, source, file);
  let model: Sequential | Functional;
  try {
    model = isFunctionalJson(normalized) ? Functional.fromConfig(normalized) : Sequential.fromConfig(normalized);
  } catch (err) {
    throw err instanceof ModelFileError ? err : new ModelFileError(file, `its modelTopology cannot be read: ${(err as Error).message}`, { cause: err });
  }
  try {
    const io = model[MODEL_IO]();
    const expected = io.weightNames();
    const layerNames = weightLayerNames(expected);
    const weights = await readManifestWeights(groups, file);
    model.setWeights(orderWeights(expected, weightsByLayer(weights, layerNames, file), file));
    const training = json.trainingConfig ?? topology.training_config;
    if (o.compile !== false && isPlainObject(training)) {
      try {
        io.compileFrom(compileFromKeras(training, io.compileOutputs()));
      } catch (err) {
        throw new ModelFileError(
          file,
          `its training config cannot be used (pass { compile: false } to load the model uncompiled, then compile it yourself): ${(err as Error).message}`,
          { cause: err },
        );
      }
    }
    return model;
  } catch (err) {
    model.dispose();
    throw err;
  }
}
