/**
 * Keras JSON of the Attention layer (`keras.layers.Attention`), both ways, and the call
 * convention Attention and AdditiveAttention share: a list `[query, value(, key)]` whose Keras 3
 * call may carry `use_causal_mask` / `return_attention_scores` keyword arguments (torch-lstm
 * keeps those as layer options, `use_causal_mask` / `return_attention_scores` config keys; a
 * Keras file's call argument becomes the option when the config does not set it and every call
 * agrees; a call argument that disagrees with the option is an error naming the layer).
 */
import { Attention, type AttentionArgs } from '../../layers/attention.js';
import type { CallArgValue } from '../../layers/symbolic.js';
import { describe, nearest } from '../../validate.js';
import { ANY, BASE_IGNORABLE, type Ignorable, kerasArgs } from '../keras-common.js';
import type { CallConvention, CallOption, IsTensor, LayerSerializer } from './serializer.js';

/** The call arguments that are layer options here. */
const OPTION_KWARGS = ['use_causal_mask', 'return_attention_scores'] as const;

/**
 * Attention-family call arguments kept as layer options (`use_causal_mask`, Keras 2's config
 * `causal`; `return_attention_scores`), both `false` in Keras by default.
 */
export const ATTENTION_CALL_OPTIONS: Readonly<Record<string, CallOption>> = {
  use_causal_mask: { configKeys: ['use_causal_mask', 'causal'], default: false },
  return_attention_scores: { configKeys: ['return_attention_scores'], default: false },
};

/** Keeps the option-like call arguments, accepts `training` and a null `mask`, rejects the rest. */
export function attentionCallArgs(kwargs: Record<string, unknown>, path: string, also: readonly string[] = []): Record<string, CallArgValue> {
  const out: Record<string, CallArgValue> = {};
  for (const [key, value] of Object.entries(kwargs)) {
    if ((OPTION_KWARGS as readonly string[]).includes(key)) {
      if (typeof value !== 'boolean') throw new TypeError(`Expected a boolean for ${path}.${key} but received ${describe(value)}`);
      out[key] = value;
    } else if (also.includes(key) || (key === 'training' && (value === null || typeof value === 'boolean'))) {
      continue;
    } else if ((key === 'mask' || key === 'attention_mask') && value === null) {
      continue;
    } else {
      const near = nearest(key, [...OPTION_KWARGS, ...also, 'training']);
      throw new RangeError(
        `${path} calls the layer with ${key}=${JSON.stringify(value) ?? describe(value)}, a call argument torch-lstm does not support here` +
          (near && near !== key ? `; did you mean "${near}"?` : ''),
      );
    }
  }
  return out;
}

function tensorAt<T>(value: unknown, isTensor: IsTensor<T>, path: string): T {
  if (!isTensor(value)) throw new TypeError(`Expected a Keras tensor reference for ${path} but received ${describe(value)}`);
  return value;
}

/** `[query, value(, key)]`: Keras 3 `args: [[q, v]]`, Keras 2 `[[q, v]]`. */
export const ATTENTION_CALL: CallConvention = {
  toKeras3: (inputs) => ({ args: [[...inputs]], kwargs: {} }),
  fromKeras3(args, kwargs, isTensor, path) {
    const list = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
    const inputs = list.map((t, i) => tensorAt(t, isTensor, `${path}.args[0][${i}]`));
    return { inputs, callArgs: attentionCallArgs(kwargs, `${path}.kwargs`) };
  },
  fromKeras2(entries, kwargs, _isTensor, path) {
    return { inputs: entries, callArgs: attentionCallArgs(kwargs, `${path}[0][3]`) };
  },
};

const KEYS = {
  name: 'name', use_scale: 'useScale', score_mode: 'scoreMode', dropout: 'dropout',
  use_causal_mask: 'useCausalMask', return_attention_scores: 'returnAttentionScores', causal: 'useCausalMask',
} as const;

const IGNORABLE: Ignorable = { ...BASE_IGNORABLE, seed: ANY, batch_input_shape: ANY, input_shape: ANY };

/** The Attention layer's Keras JSON converter. */
export const attentionSerializer: LayerSerializer<Attention> = {
  className: 'Attention',
  is: (layer): layer is Attention => layer instanceof Attention,
  call: ATTENTION_CALL,
  callOptions: ATTENTION_CALL_OPTIONS,
  toKeras(layer) {
    const c = layer.getConfig();
    return {
      name: c.name,
      trainable: true,
      dtype: 'float32',
      use_scale: c.useScale,
      score_mode: c.scoreMode,
      dropout: c.dropout,
      use_causal_mask: c.useCausalMask,
      return_attention_scores: c.returnAttentionScores,
    };
  },
  fromKeras(config, path, inputShape) {
    // Keras 2's `causal` is Keras 3's use_causal_mask.
    const args = kerasArgs(config, `${path}.config`, KEYS, IGNORABLE);
    return new Attention({ ...args, ...(inputShape === undefined ? {} : { inputShape }) } as unknown as AttentionArgs, path);
  },
};
