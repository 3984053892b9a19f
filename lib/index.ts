/**
 * torch-lstm: Keras-style LSTM models for Node.js on LibTorch.
 */
export { sequential, Sequential } from './models/sequential.js';
export type { SequentialArgs } from './models/sequential.js';
export { model, Functional } from './models/functional.js';
export type { ModelArgs } from './models/functional.js';
export { LayersModel } from './models/layers-model.js';
export type { EvaluateArgs, PredictArgs, GradientsArgs } from './models/call-args.js';
export type { FitArgs } from './models/fit.js';
export type { ModelData, ClassWeight } from './models/model-data.js';
export type { CompileArgs, LossIdentifier, MetricName } from './models/compile-args.js';
export {
  layers, input, LSTM, GRU, SimpleRNN, PeepholeLSTM, RecurrentLayer, Bidirectional, Dense, Dropout, Embedding, Masking, GaussianNoise,
  LayerNormalization, Attention, AdditiveAttention, MultiHeadAttention, TransformerEncoder, PositionEmbedding, GlobalAveragePooling1D,
  GlobalMaxPooling1D, TimeDistributed, Concatenate, Add, InputLayer, Layer, SymbolicTensor, Initializer, initializers,
} from './layers/index.js';
export type {
  LSTMArgs, LSTMConfig, LSTMOutput, GRUArgs, GRUConfig, SimpleRNNArgs, SimpleRNNConfig, PeepholeLSTMArgs, PeepholeLSTMConfig,
  RecurrentArgs, RecurrentConfig, BidirectionalArgs, BidirectionalConfig, DenseArgs, DenseConfig, DropoutArgs, DropoutConfig,
  EmbeddingArgs, EmbeddingConfig, MaskingArgs, MaskingConfig, GaussianNoiseArgs, GaussianNoiseConfig, LayerNormalizationArgs,
  LayerNormalizationConfig, AttentionArgs, AttentionConfig, AdditiveAttentionArgs, AdditiveAttentionConfig, MultiHeadAttentionArgs,
  MultiHeadAttentionConfig, TransformerEncoderArgs, TransformerEncoderConfig, PositionEmbeddingArgs, PositionEmbeddingConfig,
  TimeDistributedArgs, TimeDistributedConfig, ConcatenateArgs, ConcatenateConfig, AddArgs, AddConfig,
  InputArgs, InputDtype, InputLayerConfig, ApplyArgs, Shape, ActivationIdentifier, InitializerIdentifier,
} from './layers/index.js';
export { regularizers, Regularizer, type RegularizerIdentifier, type RegularizerConfig } from './layers/regularizers.js';
export { optimizers } from './training/optimizers.js';
export type { AdamArgs, SGDArgs, RMSpropArgs, AdagradArgs, AnyOptimizer } from './training/optimizers.js';
export { losses } from './training/losses.js';
export type { CrossentropyArgs, SparseCrossentropyArgs } from './training/losses.js';
export * as callbacks from './training/callbacks/index.js';
export * as preprocessing from './preprocessing/index.js';
export * as metrics from './metrics/index.js';
export * as forecasting from './forecasting/index.js';
export * as reports from './reports/index.js';
export * as tuning from './tuning/index.js';
export { Tensor } from './tensor.js';
export type { TensorInput, TensorLike, NestedArray } from './tensor.js';
export { TorchError, AbortError } from './errors.js';
export { getThreadInfo, setNumThreads } from './threads.js';
export { versions } from './models/engine.js';
export { loadModel, ModelFileError, type SaveArgs, type SaveWeightsArgs } from './io/index.js';
export { loadKerasModel, loadLayersModel, type LoadKerasModelArgs, type LoadLayersModelArgs } from './io/index.js';
export { exportOnnx, toOnnx, DEFAULT_OPSET, MIN_OPSET, MAX_OPSET, type ExportOnnxArgs } from './onnx/index.js';
export { toPytorchStateDict, fromPytorchStateDict, saveStateDict, loadStateDict } from './io/pytorch/index.js';
export type { StateDictArgs, SaveStateDictArgs, LoadStateDictArgs, PytorchModuleRef } from './io/pytorch/index.js';
export { serve, Server, ServingError } from './serving/index.js';
export type { ServeArgs, CloseArgs, ServerStats, BatchStats, ServableModel, ModelSource, TensorInfo, ServingStatus } from './serving/index.js';
export { quantize, QUANTIZATION_MODES } from './quantization/index.js';
export type { QuantizeArgs, QuantizationMode, QuantizationReport, QuantizableModel, QuantizedWeight, FloatVsInt8, ErrorMetrics } from './quantization/index.js';
export { QuantizedModel } from './models/quantized-model.js';
export type { QuantizationInfo, QuantizedPredictArgs } from './models/quantized-model.js';
export type { LoadedModel, QuantizedSaveArgs } from './io/index.js';
export * as compression from './compression/index.js';
