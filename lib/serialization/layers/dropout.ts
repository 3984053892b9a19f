/** Keras JSON of the Dropout layer (`keras.layers.Dropout`), both ways. */
import { Dropout, type DropoutArgs } from '../../layers/dropout.js';
import { ANY, BASE_IGNORABLE, type Ignorable, kerasArgs } from '../keras-common.js';
import type { LayerSerializer } from './serializer.js';

const KEYS = { name: 'name', rate: 'rate' } as const;
const IGNORABLE: Ignorable = { ...BASE_IGNORABLE, noise_shape: null, seed: ANY, batch_input_shape: ANY, input_shape: ANY };

/** The Dropout layer's Keras JSON converter. */
export const dropoutSerializer: LayerSerializer<Dropout> = {
  className: 'Dropout',
  is: (layer): layer is Dropout => layer instanceof Dropout,
  toKeras(layer) {
    const c = layer.getConfig();
    return { name: c.name, trainable: true, dtype: 'float32', rate: c.rate };
  },
  fromKeras(config, path, inputShape) {
    const args = kerasArgs(config, `${path}.config`, KEYS, IGNORABLE);
    return new Dropout({ ...args, ...(inputShape === undefined ? {} : { inputShape }) } as unknown as DropoutArgs, path);
  },
};
