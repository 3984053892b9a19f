/** Keras JSON of the LayerNormalization layer (`keras.layers.LayerNormalization`), both ways. */
import { LayerNormalization, type LayerNormalizationArgs } from '../../layers/layer-normalization.js';
import { regularizerFromKeras, regularizerToKeras } from '../../layers/regularizers.js';
import { ANY, BASE_IGNORABLE, type Ignorable, initializersFromKeras, initializerToKeras, kerasArgs } from '../keras-common.js';
import type { LayerSerializer } from './serializer.js';

const KEYS = {
  name: 'name', axis: 'axis', epsilon: 'epsilon', center: 'center', scale: 'scale',
  beta_initializer: 'betaInitializer', gamma_initializer: 'gammaInitializer',
  beta_regularizer: 'betaRegularizer', gamma_regularizer: 'gammaRegularizer',
} as const;

const IGNORABLE: Ignorable = {
  ...BASE_IGNORABLE, rms_scaling: false, beta_constraint: null, gamma_constraint: null, activity_regularizer: null,
  batch_input_shape: ANY, input_shape: ANY,
};

/** The LayerNormalization layer's Keras JSON converter. */
export const layerNormalizationSerializer: LayerSerializer<LayerNormalization> = {
  className: 'LayerNormalization',
  is: (layer): layer is LayerNormalization => layer instanceof LayerNormalization,
  toKeras(layer) {
    const c = layer.getConfig();
    return {
      name: c.name,
      trainable: true,
      dtype: 'float32',
      axis: c.axis,
      epsilon: c.epsilon,
      center: c.center,
      scale: c.scale,
      rms_scaling: false,
      beta_initializer: initializerToKeras(c.betaInitializer),
      gamma_initializer: initializerToKeras(c.gammaInitializer),
      beta_regularizer: regularizerToKeras(c.betaRegularizer),
      gamma_regularizer: regularizerToKeras(c.gammaRegularizer),
    };
  },
  fromKeras(config, path, inputShape) {
    const args = kerasArgs(config, `${path}.config`, KEYS, IGNORABLE);
    initializersFromKeras(args, ['betaInitializer', 'gammaInitializer'], path);
    for (const [key, keras] of [['betaRegularizer', 'beta_regularizer'], ['gammaRegularizer', 'gamma_regularizer']] as const) {
      if (args[key] !== undefined) args[key] = regularizerFromKeras(args[key], `${path}.config.${keras}`);
    }
    return new LayerNormalization({ ...args, ...(inputShape === undefined ? {} : { inputShape }) } as unknown as LayerNormalizationArgs, path);
  },
};
