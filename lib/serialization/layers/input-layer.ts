/**
 * Keras JSON of an `InputLayer` (`keras.Input`), both ways: Keras 3's `batch_shape` and Keras 2's
 * `batch_input_shape`.
 */
import { InputLayer } from '../../layers/input-layer.js';
import { describe } from '../../validate.js';
import { ANY, checkDtype, kerasArgs } from '../keras-common.js';
import type { LayerSerializer } from './serializer.js';

/** The InputLayer's Keras JSON converter (an InputLayer is never called: it has no call convention). */
export const inputLayerSerializer: LayerSerializer<InputLayer> = {
  className: 'InputLayer',
  is: (layer): layer is InputLayer => layer instanceof InputLayer,
  toKeras(layer) {
    return { name: layer.name, batch_shape: layer.batchShape, dtype: 'float32' };
  },
  fromKeras(config, path) {
    kerasArgs(config, `${path}.config`, { batch_shape: 'batchShape', batch_input_shape: 'batchShape', name: 'name' }, {
      dtype: ANY, sparse: false, ragged: false, input_tensor: null, optional: false,
    });
    checkDtype(config.dtype, `${path}.config`);
    const shape = config.batch_shape ?? config.batch_input_shape;
    if (!Array.isArray(shape) || shape.length < 2) {
      throw new TypeError(`Expected an array [batch, ...] for ${path}.config.batch_shape but received ${describe(shape)}`);
    }
    return new InputLayer({ batchShape: shape as (number | null)[], ...(config.name === undefined ? {} : { name: config.name as string }) }, path);
  },
};
