/** Keras JSON of the Embedding layer (`keras.layers.Embedding`), both ways. */
import { Embedding, type EmbeddingArgs } from '../../layers/embedding.js';
import { regularizerFromKeras, regularizerToKeras } from '../../layers/regularizers.js';
import { ANY, BASE_IGNORABLE, type Ignorable, initializersFromKeras, initializerToKeras, kerasArgs } from '../keras-common.js';
import type { LayerSerializer } from './serializer.js';

const KEYS = {
  name: 'name', input_dim: 'inputDim', output_dim: 'outputDim', embeddings_initializer: 'embeddingsInitializer',
  embeddings_regularizer: 'embeddingsRegularizer', activity_regularizer: 'activityRegularizer', mask_zero: 'maskZero',
} as const;

/** Keras keys accepted at their defaults; Keras 2's `input_length` only restates the input shape. */
const IGNORABLE: Ignorable = {
  ...BASE_IGNORABLE, embeddings_constraint: null, lora_rank: null, lora_alpha: ANY, sparse: false, quantization_config: null,
  input_length: ANY, batch_input_shape: ANY, input_shape: ANY,
};

/** The Embedding layer's Keras JSON converter. */
export const embeddingSerializer: LayerSerializer<Embedding> = {
  className: 'Embedding',
  is: (layer): layer is Embedding => layer instanceof Embedding,
  toKeras(layer) {
    const c = layer.getConfig();
    return {
      name: c.name,
      trainable: true,
      dtype: 'float32',
      input_dim: c.inputDim,
      output_dim: c.outputDim,
      embeddings_initializer: initializerToKeras(c.embeddingsInitializer),
      embeddings_regularizer: regularizerToKeras(c.embeddingsRegularizer),
      activity_regularizer: regularizerToKeras(c.activityRegularizer),
      mask_zero: c.maskZero,
    };
  },
  fromKeras(config, path, inputShape) {
    const args = kerasArgs(config, `${path}.config`, KEYS, IGNORABLE);
    initializersFromKeras(args, ['embeddingsInitializer'], path);
    for (const key of ['embeddingsRegularizer', 'activityRegularizer'] as const) {
      if (args[key] !== undefined) args[key] = regularizerFromKeras(args[key], `${path}.config.${key === 'activityRegularizer' ? 'activity_regularizer' : 'embeddings_regularizer'}`);
    }
    return new Embedding({ ...args, ...(inputShape === undefined ? {} : { inputShape }) } as unknown as EmbeddingArgs, path);
  },
};
