/**
 * `loadKerasModel(path)`: a Keras model file -> a torch-lstm model with the same weights, which
 * predicts what Keras predicts, trains further, saves in torch-lstm's format, quantizes and serves.
 *
 * Reads Keras 3 `.keras` archives (`config.json` + `model.weights.h5`) and legacy HDF5 `.h5`
 * files (Keras 2, or Keras 3's `model.save("x.h5")`: attribute `model_config`, group
 * `model_weights`). The model JSON goes through the same one serialization module as a saved
 * torch-lstm `model.json` (`Sequential.fromConfig`, or `Functional.fromConfig` for a functional
 * model), after the checks of `keras-config.ts` (every layer offered; Keras 2's `hard_sigmoid`).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Functional } from '../../models/functional.js';
import { Sequential } from '../../models/sequential.js';
import { compileFromKeras, isFunctionalJson } from '../../serialization/keras-json.js';
import { checkOptions, describe, isPlainObject } from '../../validate.js';
import { errnoCode, ModelFileError } from '../errors.js';
import { MODEL_IO } from '../model-io.js';
import { isZip, readKerasArchive } from './keras-archive.js';
import { type KerasSource, normalizeKerasModelJson } from './keras-config.js';
import { type H5Where, isHdf5, withHdf5 } from './keras-h5.js';
import { type FileWeight, kerasV3LayerWeights, legacyLayerWeights, orderWeights, weightLayerNames } from './keras-weights.js';

/** Options of {@link loadKerasModel}. */
export interface LoadKerasModelArgs {
  /**
   * Compile the model with the optimizer, loss and metrics saved in the file (Keras
   * `load_model(compile=True)`), when the file has them. The optimizer starts afresh: Keras's
   * optimizer state (moments, step count) is not imported. Defaults to `true`.
   */
  compile?: boolean;
}

/** What a Keras file holds, read: the model JSON, the compile config, where it came from, the weights. */
interface KerasFileContent {
  modelJson: unknown;
  compileJson: unknown;
  source: KerasSource;
  /** Reads the weights of the named layers (the file's layout decides where they are). */
  weights(layerNames: readonly string[]): Promise<{ byLayer: Map<string, FileWeight[]>; what: H5Where }>;
}

/** Parses a JSON attribute of a legacy `.h5` file. */
function parseAttr(text: string | undefined, name: string, file: string): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ModelFileError(file, `its ${name} attribute is not valid JSON (${(err as Error).message}); the file is damaged`, { cause: err });
  }
}

async function readKeras3(bytes: Uint8Array, file: string): Promise<KerasFileContent> {
  const archive = await readKerasArchive(bytes, file);
  const config = archive.config;
  const version = isPlainObject(archive.metadata) && typeof archive.metadata.keras_version === 'string' ? archive.metadata.keras_version : undefined;
  const what: H5Where = { file, member: 'model.weights.h5' };
  return {
    modelJson: config,
    compileJson: isPlainObject(config) ? config.compile_config : undefined,
    source: { writer: 'keras', ...(version === undefined ? {} : { version }) },
    weights: async (layerNames) => ({ byLayer: await withHdf5(archive.weights, what, (h5) => kerasV3LayerWeights(h5, layerNames, what)), what }),
  };
}

async function readLegacyH5(bytes: Uint8Array, file: string): Promise<KerasFileContent> {
  const read = await withHdf5(bytes, { file }, (h5) => {
    const modelConfig = h5.stringAttr('', 'model_config');
    if (modelConfig === undefined) {
      const hint = h5.stringListAttr('', 'layer_names') ? ' (it holds weights only: a file of model.save_weights())' : '';
      throw new ModelFileError(file, `has no model_config attribute, so it is not a whole Keras model saved with model.save("model.h5")${hint}`);
    }
    return {
      modelConfig,
      trainingConfig: h5.stringAttr('', 'training_config'),
      version: h5.stringAttr('', 'keras_version') ?? h5.stringAttr('model_weights', 'keras_version'),
    };
  });
  return {
    modelJson: parseAttr(read.modelConfig, 'model_config', file),
    compileJson: parseAttr(read.trainingConfig, 'training_config', file),
    source: { writer: 'keras', ...(read.version === undefined ? {} : { version: read.version }) },
    // Read once the config is known good, so that an unsupported layer is reported as such.
    weights: async () => ({ byLayer: await withHdf5(bytes, { file }, (h5) => legacyLayerWeights(h5, file)), what: { file } }),
  };
}

function cannotRead(file: string, what: string, err: unknown): ModelFileError {
  if (err instanceof ModelFileError) return err;
  return new ModelFileError(file, `${what}: ${(err as Error).message}`, { cause: err });
}

/**
 * Loads a Keras model saved by Keras (`model.save("model.keras")` or `model.save("model.h5")`):
 * the architecture from its config, read through the same validation as `sequential([...])`,
 * the weights in Keras's layout, and (unless `compile: false`) the optimizer, loss and metrics.
 * The model then predicts what Keras predicts (float32) and trains, saves, quantizes and
 * serves as any torch-lstm model.
 *
 * Keras's optimizer state is not imported (training continues with a fresh optimizer).
 * Layers torch-lstm does not offer yet are an error naming each of them.
 *
 * @param filepath a `.keras` archive (Keras 3) or a legacy `.h5` file (Keras 2 or 3); the
 *   content decides, not the extension.
 * @example
 * const model = await loadKerasModel('models/forecaster.keras');
 * const yhat = await model.predict(x); // what Keras's model.predict(x) gives
 * await model.fit(x, y, { epochs: 5 }); // fine-tune on LibTorch
 * await model.save('models/forecaster'); // torch-lstm's own format
 * @throws (as a rejection) {@link ModelFileError} naming the file: missing, neither zip nor
 *   HDF5, truncated or damaged, no `config.json`, a layer or option torch-lstm does not offer,
 *   Keras 2's `hard_sigmoid`, a weight count or shape that does not fit the config, an
 *   unusable compile config; {@link TypeError} a wrong argument.
 */
export async function loadKerasModel(filepath: string, args?: LoadKerasModelArgs): Promise<Sequential | Functional> {
  if (typeof filepath !== 'string' || filepath.length === 0) {
    throw new TypeError(
      `Expected a file path (a non-empty string) for loadKerasModel.filepath but received ${describe(filepath)} of type ${filepath === null ? 'null' : typeof filepath}`,
    );
  }
  const o = checkOptions<LoadKerasModelArgs>(args, 'loadKerasModel', ['compile']);
  if (o.compile !== undefined && typeof o.compile !== 'boolean') {
    throw new TypeError(`Expected a boolean for loadKerasModel.compile but received ${describe(o.compile)} of type ${typeof o.compile}`);
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(filepath);
  } catch (err) {
    const code = errnoCode(err);
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory (a torch-lstm model directory? load it with loadModel(dir))' : `cannot be read (${(err as Error).message})`;
    throw new ModelFileError(filepath, why, { cause: err });
  }
  const ext = path.extname(filepath).toLowerCase();
  let content: KerasFileContent;
  if (isZip(bytes) || (ext === '.keras' && !isHdf5(bytes))) content = await readKeras3(bytes, filepath);
  else if (isHdf5(bytes) || ext === '.h5' || ext === '.hdf5') content = await readLegacyH5(bytes, filepath);
  else {
    throw new ModelFileError(filepath, 'is neither a Keras 3 .keras archive (zip) nor a Keras .h5 file (HDF5); the file is damaged or of another kind');
  }

  const json = normalizeKerasModelJson(content.modelJson, content.source, filepath);
  let model: Sequential | Functional;
  try {
    model = isFunctionalJson(json) ? Functional.fromConfig(json) : Sequential.fromConfig(json);
  } catch (err) {
    throw cannotRead(filepath, 'its model config cannot be read', err);
  }
  try {
    const io = model[MODEL_IO]();
    const expected = io.weightNames();
    const layerNames = weightLayerNames(expected);
    const { byLayer, what } = await content.weights(layerNames);
    model.setWeights(orderWeights(expected, byLayer, what));
    if (o.compile !== false && content.compileJson !== undefined && content.compileJson !== null) {
      try {
        io.compileFrom(compileFromKeras(content.compileJson, io.compileOutputs()));
      } catch (err) {
        throw cannotRead(filepath, 'its compile config cannot be used (pass { compile: false } to load the model uncompiled, then compile it yourself)', err);
      }
    }
    return model;
  } catch (err) {
    model.dispose();
    throw err;
  }
}
