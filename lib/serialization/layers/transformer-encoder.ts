/** Keras JSON of keras_hub's TransformerEncoder (`keras_hub.layers.TransformerEncoder`), both ways. */
import { regularizerFromKeras, regularizerToKeras } from '../../layers/regularizers.js';
import { TransformerEncoder, type TransformerEncoderArgs } from '../../layers/transformer-encoder.js';
import { activationsFromKeras, ANY, BASE_IGNORABLE, type Ignorable, initializersFromKeras, initializerToKeras, kerasArgs } from '../keras-common.js';
import type { LayerSerializer } from './serializer.js';

const KEYS = {
  name: 'name', intermediate_dim: 'intermediateDim', num_heads: 'numHeads', dropout: 'dropout', activation: 'activation',
  layer_norm_epsilon: 'layerNormEpsilon', kernel_initializer: 'kernelInitializer', bias_initializer: 'biasInitializer',
  kernel_regularizer: 'kernelRegularizer', bias_regularizer: 'biasRegularizer', activity_regularizer: 'activityRegularizer',
  normalize_first: 'normalizeFirst',
} as const;

const IGNORABLE: Ignorable = { ...BASE_IGNORABLE, batch_input_shape: ANY, input_shape: ANY };

/** The TransformerEncoder's Keras JSON converter. */
export const transformerEncoderSerializer: LayerSerializer<TransformerEncoder> = {
  className: 'TransformerEncoder',
  is: (layer): layer is TransformerEncoder => layer instanceof TransformerEncoder,
  toKeras(layer) {
    const c = layer.getConfig();
    return {
      name: c.name,
      trainable: true,
      dtype: 'float32',
      intermediate_dim: c.intermediateDim,
      num_heads: c.numHeads,
      dropout: c.dropout,
      activation: c.activation,
      layer_norm_epsilon: c.layerNormEpsilon,
      kernel_initializer: initializerToKeras(c.kernelInitializer),
      bias_initializer: initializerToKeras(c.biasInitializer),
      kernel_regularizer: regularizerToKeras(c.kernelRegularizer),
      bias_regularizer: regularizerToKeras(c.biasRegularizer),
      activity_regularizer: regularizerToKeras(c.activityRegularizer),
      normalize_first: c.normalizeFirst,
    };
  },
  fromKeras(config, path, inputShape) {
    const args = kerasArgs(config, `${path}.config`, KEYS, IGNORABLE);
    initializersFromKeras(args, ['kernelInitializer', 'biasInitializer'], path);
    activationsFromKeras(args, ['activation'], path);
    for (const [key, keras] of [
      ['kernelRegularizer', 'kernel_regularizer'], ['biasRegularizer', 'bias_regularizer'], ['activityRegularizer', 'activity_regularizer'],
    ] as const) {
      if (args[key] !== undefined) args[key] = regularizerFromKeras(args[key], `${path}.config.${keras}`);
    }
    return new TransformerEncoder({ ...args, ...(inputShape === undefined ? {} : { inputShape }) } as unknown as TransformerEncoderArgs, path);
  },
};
