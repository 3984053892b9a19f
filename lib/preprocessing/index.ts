/**
 * Preprocessing: scalers, differencing, pipelines and windowing for sequence models.
 */
export { MinMaxScaler, type MinMaxScalerArgs, type MinMaxScalerConfig, type MinMaxScalerJSON } from './min-max-scaler.js';
export {
  StandardScaler,
  type StandardScalerArgs,
  type StandardScalerConfig,
  type StandardScalerJSON,
} from './standard-scaler.js';
export {
  Differencer,
  type DifferencerArgs,
  type DifferencerConfig,
  type DifferencerInverseOptions,
  type DifferencerJSON,
} from './differencer.js';
export { Pipeline, type Series, type Transformer } from './pipeline.js';
export { createDataset, type CreateDatasetOptions, type Dataset, type MultiStepDataset } from './create-dataset.js';
export {
  Tokenizer,
  textToWordSequence,
  DEFAULT_FILTERS,
  type TokenizerArgs,
  type TokenizerConfig,
  type TokenizerJSON,
  type TextInput,
  type MatrixMode,
} from './tokenizer.js';
export { padSequences, type PadSequencesOptions, type PadSide } from './pad-sequences.js';
export {
  bucketBySequenceLength,
  type BucketBySequenceLengthOptions,
  type SequenceBatch,
} from './bucket-by-length.js';
