/** Keras JSON of the AdditiveAttention layer (`keras.layers.AdditiveAttention`), both ways. */
import { AdditiveAttention, type AdditiveAttentionArgs } from '../../layers/additive-attention.js';
import { ANY, BASE_IGNORABLE, type Ignorable, kerasArgs } from '../keras-common.js';
import { ATTENTION_CALL, ATTENTION_CALL_OPTIONS } from './attention.js';
import type { LayerSerializer } from './serializer.js';

const KEYS = {
  name: 'name', use_scale: 'useScale', dropout: 'dropout',
  use_causal_mask: 'useCausalMask', return_attention_scores: 'returnAttentionScores', causal: 'useCausalMask',
} as const;

const IGNORABLE: Ignorable = { ...BASE_IGNORABLE, seed: ANY, batch_input_shape: ANY, input_shape: ANY };

/** The AdditiveAttention layer's Keras JSON converter. */
export const additiveAttentionSerializer: LayerSerializer<AdditiveAttention> = {
  className: 'AdditiveAttention',
  is: (layer): layer is AdditiveAttention => layer instanceof AdditiveAttention,
  call: ATTENTION_CALL,
  callOptions: ATTENTION_CALL_OPTIONS,
  toKeras(layer) {
    const c = layer.getConfig();
    return {
      name: c.name,
      trainable: true,
      dtype: 'float32',
      use_scale: c.useScale,
      dropout: c.dropout,
      use_causal_mask: c.useCausalMask,
      return_attention_scores: c.returnAttentionScores,
    };
  },
  fromKeras(config, path, inputShape) {
    const args = kerasArgs(config, `${path}.config`, KEYS, IGNORABLE);
    return new AdditiveAttention({ ...args, ...(inputShape === undefined ? {} : { inputShape }) } as unknown as AdditiveAttentionArgs, path);
  },
};
