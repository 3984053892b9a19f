/** Keras JSON of keras_hub's PositionEmbedding (`keras_hub.layers.PositionEmbedding`), both ways. */
import { PositionEmbedding, type PositionEmbeddingArgs } from '../../layers/position-embedding.js';
import { ANY, BASE_IGNORABLE, type Ignorable, initializersFromKeras, initializerToKeras, kerasArgs } from '../keras-common.js';
import type { LayerSerializer } from './serializer.js';

const KEYS = { name: 'name', sequence_length: 'sequenceLength', initializer: 'initializer', hierarchical_alpha: 'hierarchicalAlpha' } as const;
const IGNORABLE: Ignorable = { ...BASE_IGNORABLE, seq_axis: ANY, batch_input_shape: ANY, input_shape: ANY };

/** The PositionEmbedding layer's Keras JSON converter. */
export const positionEmbeddingSerializer: LayerSerializer<PositionEmbedding> = {
  className: 'PositionEmbedding',
  is: (layer): layer is PositionEmbedding => layer instanceof PositionEmbedding,
  toKeras(layer) {
    const c = layer.getConfig();
    return {
      name: c.name,
      trainable: true,
      dtype: 'float32',
      sequence_length: c.sequenceLength,
      initializer: initializerToKeras(c.initializer),
      hierarchical_alpha: c.hierarchicalAlpha,
    };
  },
  fromKeras(config, path, inputShape) {
    const args = kerasArgs(config, `${path}.config`, KEYS, IGNORABLE);
    initializersFromKeras(args, ['initializer'], path);
    return new PositionEmbedding({ ...args, ...(inputShape === undefined ? {} : { inputShape }) } as unknown as PositionEmbeddingArgs, path);
  },
};
