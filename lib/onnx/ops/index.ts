/**
 * The layer exporters by Keras class name. A layer kind without an entry is reported by
 * `exportOnnx` as not exportable (by name), so a new layer can land before its exporter.
 */
import type {
  AddConfig,
  AdditiveAttentionConfig,
  AttentionConfig,
  BidirectionalConfig,
  ConcatenateConfig,
  DenseConfig,
  DropoutConfig,
  EmbeddingConfig,
  GaussianNoiseConfig,
  GlobalAveragePooling1DConfig,
  GlobalMaxPooling1DConfig,
  GRUConfig,
  LayerNormalizationConfig,
  LSTMConfig,
  MaskingConfig,
  MultiHeadAttentionConfig,
  PeepholeLSTMConfig,
  PositionEmbeddingConfig,
  SimpleRNNConfig,
  TimeDistributedConfig,
  TransformerEncoderConfig,
} from '../../layers/index.js';
import { exportAdd } from './add.js';
import { exportAdditiveAttention } from './additive-attention.js';
import { exportAttention } from './attention.js';
import { exportBidirectional } from './bidirectional.js';
import { exportConcatenate } from './concatenate.js';
import { exportDense } from './dense.js';
import { exportDropout } from './dropout.js';
import { exportEmbedding } from './embedding.js';
import type { LayerExporter } from './exporter.js';
import { exportGaussianNoise } from './gaussian-noise.js';
import { exportGlobalAveragePooling1D } from './global-average-pooling-1d.js';
import { exportGlobalMaxPooling1D } from './global-max-pooling-1d.js';
import { exportGru } from './gru.js';
import { exportLayerNormalization } from './layer-normalization.js';
import { exportLstm } from './lstm.js';
import { exportMasking } from './masking.js';
import { exportMultiHeadAttention } from './multi-head-attention.js';
import { exportPeepholeLstm } from './peephole-lstm.js';
import { exportPositionEmbedding } from './position-embedding.js';
import { exportSimpleRnn } from './simple-rnn.js';
import { exportTimeDistributed } from './time-distributed.js';
import { exportTransformerEncoder } from './transformer-encoder.js';

export { type KerasWeight, type LayerExportContext, type LayerExporter, unsupported } from './exporter.js';

/** The config (`getConfig()`) of each exportable layer kind, by Keras class name. */
export interface ExportableConfigs {
  LSTM: LSTMConfig;
  GRU: GRUConfig;
  SimpleRNN: SimpleRNNConfig;
  PeepholeLSTM: PeepholeLSTMConfig;
  Bidirectional: BidirectionalConfig;
  Dense: DenseConfig;
  Dropout: DropoutConfig;
  GaussianNoise: GaussianNoiseConfig;
  Embedding: EmbeddingConfig;
  Masking: MaskingConfig;
  LayerNormalization: LayerNormalizationConfig;
  TimeDistributed: TimeDistributedConfig;
  GlobalAveragePooling1D: GlobalAveragePooling1DConfig;
  GlobalMaxPooling1D: GlobalMaxPooling1DConfig;
  Concatenate: ConcatenateConfig;
  Add: AddConfig;
  Attention: AttentionConfig;
  AdditiveAttention: AdditiveAttentionConfig;
  MultiHeadAttention: MultiHeadAttentionConfig;
  TransformerEncoder: TransformerEncoderConfig;
  PositionEmbedding: PositionEmbeddingConfig;
}

/** Exporter of each layer kind. */
export const LAYER_EXPORTERS: { readonly [K in keyof ExportableConfigs]: LayerExporter<ExportableConfigs[K]> } = {
  LSTM: exportLstm,
  GRU: exportGru,
  SimpleRNN: exportSimpleRnn,
  PeepholeLSTM: exportPeepholeLstm,
  Bidirectional: exportBidirectional,
  Dense: exportDense,
  Dropout: exportDropout,
  GaussianNoise: exportGaussianNoise,
  Embedding: exportEmbedding,
  Masking: exportMasking,
  LayerNormalization: exportLayerNormalization,
  // Deferred: time-distributed.ts looks its wrapped layer's exporter up here (an import cycle).
  TimeDistributed: (ctx, config, inputs) => exportTimeDistributed(ctx, config, inputs),
  GlobalAveragePooling1D: exportGlobalAveragePooling1D,
  GlobalMaxPooling1D: exportGlobalMaxPooling1D,
  Concatenate: exportConcatenate,
  Add: exportAdd,
  Attention: exportAttention,
  AdditiveAttention: exportAdditiveAttention,
  MultiHeadAttention: exportMultiHeadAttention,
  TransformerEncoder: exportTransformerEncoder,
  PositionEmbedding: exportPositionEmbedding,
};

/** The exporter of a layer kind (its config as `getConfig()` gives it); `undefined` when there is none. */
export function exporterFor(className: string): LayerExporter<unknown> | undefined {
  return Object.hasOwn(LAYER_EXPORTERS, className) ? (LAYER_EXPORTERS[className as keyof ExportableConfigs] as LayerExporter<unknown>) : undefined;
}
