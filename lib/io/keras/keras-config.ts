/**
 * The checks a Keras or TensorFlow.js model JSON gets before the serialization module
 * (`lib/serialization/keras-json.ts`, THE one conversion point) reads it, for what only the file
 * around the JSON tells: which writer produced it.
 *
 * Every spelling of the Keras format (Keras 3's `shared_object_id`, initializers' null
 * `input_axes`, tfjs's `VarianceScaling` and `unit_forget_bias: null`, legacy and tfjs compile
 * configs) is read by the serialization module itself. What stays here:
 * - `{ model_config }` unwrapped and the `{ class_name, config }` shape checked, so that a file
 *   that holds no model is a {@link ModelFileError} naming the file;
 * - every layer torch-lstm does not offer named at once (the serialization module stops at the first);
 * - `hard_sigmoid` in a Keras 2 or TensorFlow.js file refused: there it is `clip(0.2 x + 0.5, 0, 1)`,
 *   whereas torch-lstm (as Keras 3) computes `relu6(x + 3) / 6`, so the imported model would
 *   silently compute another function. The JSON does not say which Keras wrote it (the file's
 *   metadata does), so this rule cannot live in the serialization module.
 */
import { layerClassNames } from '../../serialization/keras-json.js';
import { isPlainObject } from '../../validate.js';
import { ModelFileError } from '../errors.js';

/** Which writer produced the JSON. */
export interface KerasSource {
  /** `'keras'` for `.keras` and `.h5` files, `'tfjs'` for a TensorFlow.js `model.json`. */
  writer: 'keras' | 'tfjs';
  /** The Keras version the file records (`"3.15.1"`, `"2.15.0"`, `"tfjs-layers 4.22.0"`), when it does. */
  version?: string;
}

/** Whether the file's `hard_sigmoid` is Keras 2's `clip(0.2 x + 0.5)` (Keras 2.x and tfjs), not Keras 3's. */
function oldHardSigmoid(source: KerasSource): boolean {
  return source.writer === 'tfjs' || (source.version !== undefined && /^[12]\./.test(source.version));
}

const ACTIVATION_KEYS = ['activation', 'recurrent_activation'];

/**
 * Refuses Keras 2's / tfjs's `hard_sigmoid` anywhere in a layer's config, wrapped layers
 * included (a Bidirectional's `layer` and `backward_layer`, a TimeDistributed's `layer`).
 */
function refuseOldHardSigmoid(config: Record<string, unknown>, source: KerasSource, path: string, file: string): void {
  for (const [key, value] of Object.entries(config)) {
    if (ACTIVATION_KEYS.includes(key)) {
      const name = isPlainObject(value) ? value.config : value;
      if (name === 'hard_sigmoid' || name === 'hardSigmoid') {
        const who = source.writer === 'tfjs' ? 'TensorFlow.js' : `Keras ${source.version}`;
        throw new ModelFileError(
          file,
          `${path}.${key} is "hard_sigmoid", which ${who} computes as clip(0.2 x + 0.5, 0, 1); torch-lstm computes Keras 3's ` +
            'hard_sigmoid, relu6(x + 3) / 6, a different function, so this model cannot be imported exactly ' +
            '(retrain it with recurrent_activation "sigmoid", the Keras default, to import it)',
        );
      }
    } else if (isPlainObject(value) && typeof value.class_name === 'string' && isPlainObject(value.config)) {
      refuseOldHardSigmoid(value.config, source, `${path}.${key}.config`, file);
    }
  }
}

/** The model's layer list (`config.layers`), when the JSON has one. */
function layerList(model: Record<string, unknown>): unknown[] | undefined {
  const config = model.config;
  return isPlainObject(config) && Array.isArray(config.layers) ? config.layers : undefined;
}

/**
 * The model JSON of a Keras or tfjs file, ready for `Sequential.fromConfig` /
 * `Functional.fromConfig`: `{ model_config }` unwrapped, every layer checked to be one torch-lstm
 * offers (naming all the ones it does not at once), and Keras 2's / tfjs's `hard_sigmoid` refused.
 * The JSON itself is returned as it is.
 *
 * @example
 * const json = normalizeKerasModelJson(JSON.parse(text), { writer: 'keras', version: '3.15.1' }, file);
 * const model = Sequential.fromConfig(json);
 * @throws {ModelFileError} not a model JSON, a layer torch-lstm does not offer, Keras 2's hard_sigmoid.
 */
export function normalizeKerasModelJson(json: unknown, source: KerasSource, file: string): Record<string, unknown> {
  let model = json;
  if (isPlainObject(model) && 'model_config' in model && !('class_name' in model)) model = model.model_config;
  if (!isPlainObject(model) || typeof model.class_name !== 'string' || !isPlainObject(model.config)) {
    throw new ModelFileError(file, 'does not hold a Keras model config ({ class_name, config }): the file is damaged or not a Keras model');
  }
  const layers = layerList(model);
  if (!layers) return model;
  const offered = layerClassNames();
  const known = new Set<string>([...offered, 'InputLayer']);
  const unsupported: string[] = [];
  layers.forEach((layer, i) => {
    if (!isPlainObject(layer) || typeof layer.class_name !== 'string' || !isPlainObject(layer.config)) return;
    const name = typeof layer.config.name === 'string' ? ` "${layer.config.name}"` : '';
    if (!known.has(layer.class_name)) unsupported.push(`${layer.class_name} (config.layers[${i}]${name})`);
    if (oldHardSigmoid(source)) refuseOldHardSigmoid(layer.config, source, `config.layers[${i}]`, file);
  });
  if (unsupported.length > 0) {
    throw new ModelFileError(
      file,
      `uses ${unsupported.length === 1 ? 'a layer' : 'layers'} torch-lstm does not offer yet: ${unsupported.join(', ')}; ` +
        `torch-lstm offers ${offered.join(', ')}`,
    );
  }
  return model;
}
