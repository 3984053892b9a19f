/**
 * Keras AdditiveAttention (Bahdanau) -> primitive operators on `[query, value(, key)]`: scores
 * `ReduceSum(tanh(query[:, :, None] + key[:, None]) * scale, -1)` (`scale` the learned
 * `[features]` vector with `useScale`), then the masked softmax, the weighted sum of the values
 * and the query mask (`score-attention.ts`).
 */
import type { AdditiveAttentionConfig } from '../../layers/index.js';
import { reduce, unsqueeze } from '../tensor-ops.js';
import type { LayerExporter } from './exporter.js';
import { attentionInputs, finishScoreAttention } from './score-attention.js';

/** Exports an AdditiveAttention layer (see the module comment). */
export const exportAdditiveAttention: LayerExporter<AdditiveAttentionConfig> = (ctx, config, inputs) => {
  const { g } = ctx;
  const { query, value, key } = attentionInputs(g, inputs);
  let t = g.op('Tanh', [g.op('Add', [unsqueeze(g, query.name, [2]), unsqueeze(g, key.name, [1])], [], 'pairs')]); // [B, Tq, Tv, D]
  if (config.useScale) {
    const scale = ctx.weight('scale');
    t = g.op('Mul', [t, g.initializer('scale', scale.shape, scale.data)], [], 'scaled');
  }
  return finishScoreAttention(g, config, reduce(g, 'ReduceSum', t, [-1], false, 'scores'), query, value);
};
