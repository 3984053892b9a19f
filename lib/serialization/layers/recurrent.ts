/**
 * The Keras JSON keys every recurrent layer shares (Keras `RNN` and the cells' options), both
 * ways: written in full by `recurrentToKeras`, read back by `recurrentArgsFromKeras`.
 */
import type { RecurrentConfig } from '../../layers/rnn-base.js';
import { regularizerFromKeras, regularizerToKeras } from '../../layers/regularizers.js';
import {
  activationsFromKeras,
  ANY,
  BASE_IGNORABLE,
  type Ignorable,
  initializersFromKeras,
  initializerToKeras,
  kerasArgs,
} from '../keras-common.js';

/** Keras key -> camelCase option, for the shared keys. */
export const RECURRENT_KEYS = {
  name: 'name', units: 'units', activation: 'activation', use_bias: 'useBias',
  kernel_initializer: 'kernelInitializer', recurrent_initializer: 'recurrentInitializer',
  bias_initializer: 'biasInitializer', kernel_regularizer: 'kernelRegularizer',
  recurrent_regularizer: 'recurrentRegularizer', bias_regularizer: 'biasRegularizer',
  activity_regularizer: 'activityRegularizer', dropout: 'dropout', recurrent_dropout: 'recurrentDropout',
  return_sequences: 'returnSequences', return_state: 'returnState', go_backwards: 'goBackwards',
  stateful: 'stateful',
} as const;

/** Keras keys accepted at their defaults (or any value, for those that change no math here). */
export const RECURRENT_IGNORABLE: Ignorable = {
  ...BASE_IGNORABLE, unroll: false, time_major: false,
  kernel_constraint: null, recurrent_constraint: null, bias_constraint: null,
  // Dropout masks are drawn from fit's seed; Keras 2's `implementation` changes no math. Keras 3
  // writes `zero_output_for_mask: true` into the layers a Bidirectional wraps with
  // return_sequences (the wrapper zeroes masked outputs itself); standalone layers write false.
  seed: ANY, implementation: ANY, zero_output_for_mask: ANY,
  batch_input_shape: ANY, input_shape: ANY, batch_size: ANY,
};

/** The shared keys of a recurrent layer's Keras config, every one present. */
export function recurrentToKeras(c: RecurrentConfig): Record<string, unknown> {
  return {
    name: c.name,
    trainable: true,
    dtype: 'float32',
    units: c.units,
    activation: c.activation,
    use_bias: c.useBias,
    kernel_initializer: initializerToKeras(c.kernelInitializer),
    recurrent_initializer: initializerToKeras(c.recurrentInitializer),
    bias_initializer: initializerToKeras(c.biasInitializer),
    kernel_regularizer: regularizerToKeras(c.kernelRegularizer),
    recurrent_regularizer: regularizerToKeras(c.recurrentRegularizer),
    bias_regularizer: regularizerToKeras(c.biasRegularizer),
    activity_regularizer: regularizerToKeras(c.activityRegularizer),
    dropout: c.dropout,
    recurrent_dropout: c.recurrentDropout,
    return_sequences: c.returnSequences,
    return_state: c.returnState,
    go_backwards: c.goBackwards,
    stateful: c.stateful,
    unroll: false,
  };
}

/**
 * A recurrent layer's Keras `config` -> camelCase args: `keys` and `ignorable` add the layer's
 * own keys to the shared ones; `activations` names its activation options. Initializers,
 * activations and regularizers are converted; the layer's factory validates the rest.
 */
export function recurrentArgsFromKeras(
  config: Record<string, unknown>,
  path: string,
  keys: Readonly<Record<string, string>> = {},
  ignorable: Ignorable = {},
  activations: readonly string[] = ['activation'],
): Record<string, unknown> {
  const args = kerasArgs(config, `${path}.config`, { ...RECURRENT_KEYS, ...keys }, { ...RECURRENT_IGNORABLE, ...ignorable });
  initializersFromKeras(args, ['kernelInitializer', 'recurrentInitializer', 'biasInitializer'], path);
  activationsFromKeras(args, activations, path);
  for (const key of ['kernelRegularizer', 'recurrentRegularizer', 'biasRegularizer', 'activityRegularizer']) {
    if (args[key] !== undefined) args[key] = regularizerFromKeras(args[key], `${path}.config.${key.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`)}`);
  }
  return args;
}
