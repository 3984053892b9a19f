/** Keras JSON of the GaussianNoise layer (`keras.layers.GaussianNoise`), both ways. */
import { GaussianNoise, type GaussianNoiseArgs } from '../../layers/gaussian-noise.js';
import { ANY, BASE_IGNORABLE, type Ignorable, kerasArgs } from '../keras-common.js';
import type { LayerSerializer } from './serializer.js';

const KEYS = { name: 'name', stddev: 'stddev' } as const;
/** Keras 3's `seed` is accepted: the noise is drawn from fit's generator (as dropout masks are). */
const IGNORABLE: Ignorable = { ...BASE_IGNORABLE, seed: ANY, batch_input_shape: ANY, input_shape: ANY };

/** The GaussianNoise layer's Keras JSON converter. */
export const gaussianNoiseSerializer: LayerSerializer<GaussianNoise> = {
  className: 'GaussianNoise',
  is: (layer): layer is GaussianNoise => layer instanceof GaussianNoise,
  toKeras(layer) {
    const c = layer.getConfig();
    return { name: c.name, trainable: true, dtype: 'float32', stddev: c.stddev };
  },
  fromKeras(config, path, inputShape) {
    const args = kerasArgs(config, `${path}.config`, KEYS, IGNORABLE);
    return new GaussianNoise({ ...args, ...(inputShape === undefined ? {} : { inputShape }) } as unknown as GaussianNoiseArgs, path);
  },
};
