/**
 * Keras Embedding <-> `torch.nn.Embedding` weights: `weight` `[num_embeddings, embedding_dim]`
 * is Keras's `embeddings` `[inputDim, outputDim]`, the same layout. (`maskZero` has no weight;
 * `nn.Embedding(padding_idx=0)` only keeps row 0 out of the gradient, it masks nothing.)
 */
import type { EmbeddingConfig } from '../../layers/index.js';
import type { LayerConverter } from './converter.js';

export const embeddingConverter: LayerConverter<EmbeddingConfig> = {
  multiLayer: false,

  toPytorch({ module, weight }) {
    const table = weight('embeddings');
    return [{ key: `${module}.weight`, tensor: { shape: [...table.shape], data: Float32Array.from(table.data) } }];
  },

  fromPytorch({ module, kerasShape, take }) {
    return { embeddings: Float32Array.from(take(`${module}.weight`, kerasShape('embeddings'))) };
  },
};
