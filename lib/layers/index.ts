/**
 * The layers namespace (tfjs style: `layers.lstm({...})`) and the layer classes.
 *
 * Adding a layer kind: one file here (its options, validation, defaults, shapes and weights, as
 * `lstm.ts`), one file in `lib/serialization/layers/` (its Keras JSON), and one line in each
 * registry: {@link layers} below and `LAYER_SERIALIZERS` in `lib/serialization/layers/index.ts`.
 */
import { add } from './add.js';
import { additiveAttention } from './additive-attention.js';
import { attention } from './attention.js';
import { concatenate } from './concatenate.js';
import { globalAveragePooling1d } from './global-average-pooling-1d.js';
import { globalMaxPooling1d } from './global-max-pooling-1d.js';
import { layerNormalization } from './layer-normalization.js';
import { multiHeadAttention } from './multi-head-attention.js';
import { positionEmbedding } from './position-embedding.js';
import { timeDistributed } from './time-distributed.js';
import { transformerEncoder } from './transformer-encoder.js';
import { bidirectional } from './bidirectional.js';
import { dense } from './dense.js';
import { dropout } from './dropout.js';
import { embedding } from './embedding.js';
import { gaussianNoise } from './gaussian-noise.js';
import { gru } from './gru.js';
import { Layer } from './layer.js';
import { lstm } from './lstm.js';
import { masking } from './masking.js';
import { peepholeLstm } from './peephole-lstm.js';
import { simpleRNN } from './simple-rnn.js';

export { Layer, resetNames, type ApplyArgs, type BaseLayerArgs, type BaseLayerConfig, type Shape, type WeightSpec } from './layer.js';
export { SymbolicTensor, Node, isSymbolicTensor, type CallArgValue } from './symbolic.js';
export { InputLayer, input, INPUT_DTYPES, type InputArgs, type InputDtype, type InputLayerConfig } from './input-layer.js';
export { LSTM, lstm, type LSTMArgs, type LSTMConfig, type LSTMOutput } from './lstm.js';
export { GRU, gru, type GRUArgs, type GRUConfig, type GRUOutput } from './gru.js';
export { SimpleRNN, simpleRNN, type SimpleRNNArgs, type SimpleRNNConfig, type SimpleRNNOutput } from './simple-rnn.js';
export { PeepholeLSTM, peepholeLstm, type PeepholeLSTMArgs, type PeepholeLSTMConfig, type PeepholeLSTMOutput } from './peephole-lstm.js';
export { RecurrentLayer, type RecurrentArgs, type RecurrentConfig } from './rnn-base.js';
export { Dense, dense, type DenseArgs, type DenseConfig } from './dense.js';
export { Dropout, dropout, type DropoutArgs, type DropoutConfig } from './dropout.js';
export { Embedding, embedding, type EmbeddingArgs, type EmbeddingConfig } from './embedding.js';
export { Masking, masking, type MaskingArgs, type MaskingConfig } from './masking.js';
export { GaussianNoise, gaussianNoise, type GaussianNoiseArgs, type GaussianNoiseConfig } from './gaussian-noise.js';
export {
  Bidirectional,
  bidirectional,
  type BidirectionalArgs,
  type BidirectionalConfig,
  type BidirectionalOutput,
  type MergeMode,
  type RecurrentLayerConfig,
} from './bidirectional.js';
export { LayerNormalization, layerNormalization, type LayerNormalizationArgs, type LayerNormalizationConfig } from './layer-normalization.js';
export { Attention, attention, type AttentionArgs, type AttentionConfig, type AttentionOutput, type ScoreAttentionArgs } from './attention.js';
export { AdditiveAttention, additiveAttention, type AdditiveAttentionArgs, type AdditiveAttentionConfig } from './additive-attention.js';
export {
  MultiHeadAttention,
  multiHeadAttention,
  type MultiHeadAttentionArgs,
  type MultiHeadAttentionConfig,
  type MultiHeadAttentionOutput,
} from './multi-head-attention.js';
export { TransformerEncoder, transformerEncoder, type TransformerEncoderArgs, type TransformerEncoderConfig } from './transformer-encoder.js';
export { PositionEmbedding, positionEmbedding, type PositionEmbeddingArgs, type PositionEmbeddingConfig } from './position-embedding.js';
export { GlobalAveragePooling1D, globalAveragePooling1d, type GlobalAveragePooling1DArgs, type GlobalAveragePooling1DConfig } from './global-average-pooling-1d.js';
export { GlobalMaxPooling1D, globalMaxPooling1d, type GlobalMaxPooling1DArgs, type GlobalMaxPooling1DConfig } from './global-max-pooling-1d.js';
export { TimeDistributed, timeDistributed, type TimeDistributedArgs, type TimeDistributedConfig } from './time-distributed.js';
export { Concatenate, concatenate, type ConcatenateArgs, type ConcatenateConfig } from './concatenate.js';
export { Add, add, type AddArgs, type AddConfig } from './add.js';
export { ACTIVATIONS, type ActivationIdentifier, type ActivationName } from './activations.js';
export {
  Initializer,
  initializers,
  type InitializerClassName,
  type InitializerConfig,
  type InitializerIdentifier,
  type InitializerName,
} from './initializers.js';

/** Any layer a model can hold. */
export type AnyLayer = Layer;

/** Whether a value is a layer made by this package. */
export function isLayer(value: unknown): value is Layer {
  return value instanceof Layer;
}

/**
 * Layer factories, Keras's layers with tfjs's names. This object is the registry of layer
 * factories: a new layer kind adds one line here.
 *
 * @example
 * const model = sequential([
 *   layers.lstm({ units: 64, inputShape: [10, 1], returnSequences: true }),
 *   layers.dropout({ rate: 0.2 }),
 *   layers.lstm({ units: 32 }),
 *   layers.dense({ units: 1 }),
 * ]);
 */
export const layers = {
  lstm,
  gru,
  simpleRNN,
  peepholeLstm,
  dense,
  dropout,
  embedding,
  masking,
  gaussianNoise,
  bidirectional,
  layerNormalization,
  attention,
  additiveAttention,
  multiHeadAttention,
  transformerEncoder,
  positionEmbedding,
  globalAveragePooling1d,
  globalMaxPooling1d,
  timeDistributed,
  concatenate,
  add,
} as const;
