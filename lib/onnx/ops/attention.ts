/**
 * Keras Attention (Luong, dot-product) -> primitive operators on `[query, value(, key)]`:
 * `scoreMode: 'dot'`: `MatMul(query, Transpose(key))`, times the learned `scale` with
 * `useScale`; `'concat'`: `concat_score_weight * ReduceSum(tanh(scale * (query[:, :, None] +
 * key[:, None])), -1)`. Then the masked softmax, the weighted sum of the values and the query
 * mask (`score-attention.ts`). Dropout on the weights applies in training only.
 */
import type { AttentionConfig } from '../../layers/index.js';
import { attr } from '../graph-builder.js';
import { reduce, unsqueeze } from '../tensor-ops.js';
import type { LayerExporter } from './exporter.js';
import { attentionInputs, finishScoreAttention } from './score-attention.js';

/** Exports an Attention layer (see the module comment). */
export const exportAttention: LayerExporter<AttentionConfig> = (ctx, config, inputs) => {
  const { g } = ctx;
  const { query, value, key } = attentionInputs(g, inputs);
  const scalar = (name: string) => g.initializer(name, [], ctx.weight(name).data);
  let scores: string;
  if (config.scoreMode === 'dot') {
    scores = g.op('MatMul', [query.name, g.op('Transpose', [key.name], [attr.ints('perm', [0, 2, 1])], 'key_t')], [], 'scores');
    if (config.useScale) scores = g.op('Mul', [scores, scalar('scale')], [], 'scaled_scores');
  } else {
    let sum = g.op('Add', [unsqueeze(g, query.name, [2]), unsqueeze(g, key.name, [1])], [], 'pairs'); // [B, Tq, Tv, D]
    if (config.useScale) sum = g.op('Mul', [sum, scalar('scale')], [], 'scaled_pairs');
    const summed = reduce(g, 'ReduceSum', g.op('Tanh', [sum]), [-1], false, 'tanh_sum');
    scores = g.op('Mul', [scalar('concat_score_weight'), summed], [], 'scores');
  }
  return finishScoreAttention(g, config, scores, query, value);
};
