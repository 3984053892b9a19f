/**
 * Keras JSON of the MultiHeadAttention layer (`keras.layers.MultiHeadAttention`), both ways, and
 * its call convention: `mha(query, value)` or `mha(query, value, key)` (Keras 3 `args`, or the
 * `query`/`value`/`key` keyword arguments; Keras 2 `[[query, 0, 0, { value, key }]]`).
 */
import { MultiHeadAttention, type MultiHeadAttentionArgs } from '../../layers/multi-head-attention.js';
import { regularizerFromKeras, regularizerToKeras } from '../../layers/regularizers.js';
import { describe } from '../../validate.js';
import { ANY, BASE_IGNORABLE, type Ignorable, initializersFromKeras, initializerToKeras, kerasArgs } from '../keras-common.js';
import { ATTENTION_CALL_OPTIONS, attentionCallArgs } from './attention.js';
import type { CallConvention, IsTensor, LayerSerializer } from './serializer.js';

function tensorAt<T>(value: unknown, isTensor: IsTensor<T>, path: string): T {
  if (!isTensor(value)) throw new TypeError(`Expected a Keras tensor reference for ${path} but received ${describe(value)}`);
  return value;
}

/** The inputs `[query, value(, key)]` from positional tensors and the `query`/`value`/`key` keyword arguments. */
function mhaInputs<T>(positional: unknown[], kwargs: Record<string, unknown>, isTensor: IsTensor<T>, path: string): T[] {
  const slots: unknown[] = [...positional];
  (['query', 'value', 'key'] as const).forEach((name, i) => {
    if (kwargs[name] === undefined || kwargs[name] === null) return;
    if (slots[i] !== undefined) throw new RangeError(`${path} gives the ${name} both as an argument and as a keyword argument`);
    slots[i] = kwargs[name];
  });
  if (slots.length < 2 || slots.length > 3) throw new RangeError(`${path} must give a query and a value (and optionally a key) but gives ${slots.length} tensors`);
  return slots.map((t, i) => tensorAt(t, isTensor, `${path} (${['query', 'value', 'key'][i]})`));
}

/** MultiHeadAttention calls: `(query, value)` or `(query, value, key)`. */
export const MHA_CALL: CallConvention = {
  toKeras3: (inputs) => ({ args: [inputs[0], inputs[1]], kwargs: inputs.length > 2 ? { key: inputs[2] } : {} }),
  fromKeras3(args, kwargs, isTensor, path) {
    return {
      inputs: mhaInputs(args, kwargs, isTensor, path),
      callArgs: attentionCallArgs(kwargs, `${path}.kwargs`, ['query', 'value', 'key']),
    };
  },
  fromKeras2(entries, kwargs, isTensor, path) {
    return {
      inputs: mhaInputs(entries, kwargs, isTensor, path),
      callArgs: attentionCallArgs(kwargs, `${path}[0][3]`, ['query', 'value', 'key']),
    };
  },
};

const KEYS = {
  name: 'name', num_heads: 'numHeads', key_dim: 'keyDim', value_dim: 'valueDim', dropout: 'dropout', use_bias: 'useBias',
  output_shape: 'outputShape', kernel_initializer: 'kernelInitializer', bias_initializer: 'biasInitializer',
  kernel_regularizer: 'kernelRegularizer', bias_regularizer: 'biasRegularizer',
  use_causal_mask: 'useCausalMask', return_attention_scores: 'returnAttentionScores',
} as const;

const IGNORABLE: Ignorable = {
  ...BASE_IGNORABLE, activity_regularizer: null, kernel_constraint: null, bias_constraint: null, seed: ANY,
  // Recent Keras 3 (3.15 writes them): gated attention and a banded mask, accepted off.
  use_gate: false, sliding_window: null,
  // Flash attention computes the same function; Keras 2 records the built shapes.
  flash_attention: ANY, query_shape: ANY, key_shape: ANY, value_shape: ANY, attention_axes: ANY,
  batch_input_shape: ANY, input_shape: ANY,
};

/** `attention_axes` as Keras writes it after building on `[batch, time, features]` inputs: the time axis. */
function checkAttentionAxes(value: unknown, path: string): void {
  const list = Array.isArray(value) ? value : value === null || value === undefined ? [] : [value];
  if (list.length === 0 || (list.length === 1 && (list[0] === 1 || list[0] === -2))) return;
  throw new RangeError(`${path}.attention_axes is ${JSON.stringify(value)} but torch-lstm attends over the time axis only (null or [1])`);
}

/** The MultiHeadAttention layer's Keras JSON converter. */
export const multiHeadAttentionSerializer: LayerSerializer<MultiHeadAttention> = {
  className: 'MultiHeadAttention',
  is: (layer): layer is MultiHeadAttention => layer instanceof MultiHeadAttention,
  call: MHA_CALL,
  callOptions: ATTENTION_CALL_OPTIONS,
  toKeras(layer) {
    const c = layer.getConfig();
    return {
      name: c.name,
      trainable: true,
      dtype: 'float32',
      num_heads: c.numHeads,
      key_dim: c.keyDim,
      value_dim: c.valueDim,
      dropout: c.dropout,
      use_bias: c.useBias,
      output_shape: c.outputShape,
      attention_axes: null,
      kernel_initializer: initializerToKeras(c.kernelInitializer),
      bias_initializer: initializerToKeras(c.biasInitializer),
      kernel_regularizer: regularizerToKeras(c.kernelRegularizer),
      bias_regularizer: regularizerToKeras(c.biasRegularizer),
      activity_regularizer: null,
      use_causal_mask: c.useCausalMask,
      return_attention_scores: c.returnAttentionScores,
    };
  },
  fromKeras(config, path, inputShape) {
    checkAttentionAxes(config.attention_axes, `${path}.config`);
    const args = kerasArgs(config, `${path}.config`, KEYS, IGNORABLE);
    initializersFromKeras(args, ['kernelInitializer', 'biasInitializer'], path);
    for (const [key, keras] of [['kernelRegularizer', 'kernel_regularizer'], ['biasRegularizer', 'bias_regularizer']] as const) {
      if (args[key] !== undefined) args[key] = regularizerFromKeras(args[key], `${path}.config.${keras}`);
    }
    return new MultiHeadAttention({ ...args, ...(inputShape === undefined ? {} : { inputShape }) } as unknown as MultiHeadAttentionArgs, path);
  },
};
