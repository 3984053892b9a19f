/** Keras JSON of the Masking layer (`keras.layers.Masking`), both ways. */
import { Masking, type MaskingArgs } from '../../layers/masking.js';
import { ANY, BASE_IGNORABLE, type Ignorable, kerasArgs } from '../keras-common.js';
import type { LayerSerializer } from './serializer.js';

const KEYS = { name: 'name', mask_value: 'maskValue' } as const;
const IGNORABLE: Ignorable = { ...BASE_IGNORABLE, batch_input_shape: ANY, input_shape: ANY };

/** The Masking layer's Keras JSON converter. */
export const maskingSerializer: LayerSerializer<Masking> = {
  className: 'Masking',
  is: (layer): layer is Masking => layer instanceof Masking,
  toKeras(layer) {
    const c = layer.getConfig();
    return { name: c.name, trainable: true, dtype: 'float32', mask_value: c.maskValue };
  },
  fromKeras(config, path, inputShape) {
    const args = kerasArgs(config, `${path}.config`, KEYS, IGNORABLE);
    return new Masking({ ...args, ...(inputShape === undefined ? {} : { inputShape }) } as unknown as MaskingArgs, path);
  },
};
