/**
 * Keras JSON of an `InputLayer` (`keras.Input`), both ways: Keras 3's `batch_shape` and Keras 2's
 * `batch_input_shape`, and `dtype`: float32 or an integer dtype (an input of indices, e.g.
 * `keras.Input((T,), dtype="int32")` before an Embedding), kept as written; the values cross into
 * the engine as float32 either way (exact for integers up to 2^24).
 */
import { InputLayer } from '../../layers/input-layer.js';
import { describe } from '../../validate.js';
import { ANY, inputDtypeFromKeras, kerasArgs } from '../keras-common.js';
import type { LayerSerializer } from './serializer.js';

/** The InputLayer's Keras JSON converter (an InputLayer is never called: it has no call convention). */
export const inputLayerSerializer: LayerSerializer<InputLayer> = {
  className: 'InputLayer',
  is: (layer): layer is InputLayer => layer instanceof InputLayer,
  toKeras(layer) {
    return { name: layer.name, batch_shape: layer.batchShape, dtype: layer.dtype };
  },
  fromKeras(config, path) {
    kerasArgs(config, `${path}.config`, { batch_shape: 'batchShape', batch_input_shape: 'batchShape', name: 'name' }, {
      dtype: ANY, sparse: false, ragged: false, input_tensor: null, optional: false,
    });
    const dtype = inputDtypeFromKeras(config.dtype, `${path}.config`);
    const shape = config.batch_shape ?? config.batch_input_shape;
    if (!Array.isArray(shape) || shape.length < 2) {
      throw new TypeError(`Expected an array [batch, ...] for ${path}.config.batch_shape but received ${describe(shape)}`);
    }
    return new InputLayer({ batchShape: shape as (number | null)[], dtype, ...(config.name === undefined ? {} : { name: config.name as string }) }, path);
  },
};
