/**
 * Keras JSON of a Sequential model, both ways: our `model.json` document, a Keras 3
 * `config.json` (with `module`, `build_config`, `compile_config` around it) and a Keras 2 one
 * (`batch_input_shape` on the first layer).
 */
import { InputLayer } from '../layers/input-layer.js';
import type { Layer } from '../layers/layer.js';
import type { KerasLayerJson, SequentialSpecJson } from '../native.js';
import { describe, isPlainObject } from '../validate.js';
import { ANY, checkDtype, kerasArgs, objectAt } from './keras-common.js';
import { layerFromKeras, layerToKeras } from './layers/index.js';

/** A sequential model as data: its name and its layers. */
export interface SequentialSpec {
  name: string;
  layers: Layer[];
}

/** The name of the InputLayer a Sequential model's Keras JSON starts with. */
export const SEQUENTIAL_INPUT_NAME = 'input_layer';

/**
 * A sequential model -> Keras JSON: an `InputLayer` built from the first layer's inputShape
 * (when it has one), then every layer.
 */
export function modelToKeras(model: SequentialSpec): SequentialSpecJson {
  const layers: KerasLayerJson[] = [];
  const first = model.layers[0]?.inputShape;
  if (first) {
    layers.push({
      class_name: 'InputLayer',
      config: { name: SEQUENTIAL_INPUT_NAME, batch_shape: [null, ...first], dtype: 'float32' },
    });
  }
  for (const layer of model.layers) layers.push(layerToKeras(layer));
  return { class_name: 'Sequential', config: { name: model.name, layers } };
}

/** Unwraps `{ model_config }` (a saved `model.json`, a Keras 2 `.h5` attribute). */
export function unwrapModelConfig(json: unknown, path: string): { o: Record<string, unknown>; path: string } {
  let o = objectAt(json, path);
  if ('model_config' in o) {
    path = `${path}.model_config`;
    o = objectAt(o.model_config, path);
  }
  return { o, path };
}

/**
 * Keras JSON of a Sequential model -> spec. Accepts our `model.json` document, a Keras 3
 * `config.json` (with `module`, `build_config`, `compile_config` around it), a Keras 2 one
 * (`batch_input_shape` on the first layer), or the same wrapped in `{ model_config }`.
 */
export function modelFromKeras(json: unknown, at = 'model'): SequentialSpec {
  const { o, path } = unwrapModelConfig(json, at);
  const cls = o.class_name;
  if (cls !== 'Sequential') {
    throw new RangeError(`${path}.class_name is ${JSON.stringify(cls)}; torch-lstm reads Sequential models here (Functional models: model.fromConfig or loadModel)`);
  }
  const config = objectAt(o.config, `${path}.config`);
  kerasArgs(config, `${path}.config`, { name: 'name', layers: 'layers' }, {
    trainable: true, dtype: ANY, build_input_shape: ANY,
  });
  checkDtype(config.dtype, `${path}.config`);
  const name = config.name ?? 'sequential';
  if (typeof name !== 'string' || name.length === 0) {
    throw new TypeError(`Expected a non-empty string for ${path}.config.name but received ${describe(name)}`);
  }
  if (!Array.isArray(config.layers)) {
    throw new TypeError(`Expected an array for ${path}.config.layers but received ${describe(config.layers)}`);
  }
  const entries = config.layers.map((raw, i) => objectAt(raw, `${path}.config.layers[${i}]`));
  // The input shape: an InputLayer first (Keras 3, and our own document), else Keras 3's
  // `build_input_shape` or the first layer's `build_config`, else Keras 2's `batch_input_shape`
  // on the first layer (read by layerFromKeras).
  let batchShape: unknown;
  const hasInputLayer = entries[0]?.class_name === 'InputLayer';
  if (hasInputLayer) batchShape = (layerFromKeras(entries[0]!, `${path}.config.layers[0]`) as InputLayer).batchShape;
  else if (Array.isArray(config.build_input_shape)) batchShape = config.build_input_shape;
  else if (entries[0] && isPlainObject(entries[0].build_config)) batchShape = entries[0].build_config.input_shape;
  const layers: Layer[] = [];
  entries.forEach((layerJson, i) => {
    if (i === 0 && hasInputLayer) return;
    if (layerJson.class_name === 'InputLayer') {
      throw new RangeError(`${path}.config.layers[${i}] is an InputLayer; a Sequential model has at most one, first`);
    }
    const index = layers.length;
    let layerConfig = layerJson.config;
    if (index === 0 && Array.isArray(batchShape) && isPlainObject(layerConfig) && layerConfig.batch_input_shape === undefined) {
      // The layer factory validates the shape (rank, positive integers) with the layer's path.
      layerConfig = { ...layerConfig, batch_input_shape: batchShape };
    }
    layers.push(layerFromKeras({ ...layerJson, config: layerConfig }, `layers[${index}]`));
  });
  return { name, layers };
}
