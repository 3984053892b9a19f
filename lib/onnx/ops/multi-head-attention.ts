/**
 * Keras MultiHeadAttention -> primitive operators, as Keras (and the engine) compute it:
 *
 *     q = (query @ Wq + bq) / sqrt(keyDim), k = key @ Wk + bk, v = value @ Wv + bv   (each [B, H, T, d])
 *     probs = softmax(q @ k^T - 1e9 * !mask)                                         ([B, H, Tq, Tv])
 *     out = concat_heads(probs @ v) @ Wo + bo                                        ([B, Tq, ...outputShape])
 *
 * Projections are a `MatMul` with the kernel reshaped to `[features, heads * d]`, then a
 * `Reshape` to `[0, 0, heads, d]` (0 keeps the run-time batch and timesteps) and a Transpose.
 * The mask combines the value's and the key's masks, the causal mask and the query's mask, as
 * Keras's `_compute_attention_mask`; the output carries the query's mask. With
 * `returnAttentionScores` the probabilities are a second output. Dropout applies in training only.
 */
import type { MultiHeadAttentionConfig } from '../../layers/index.js';
import { attr, type GraphBuilder, type OnnxValue } from '../graph-builder.js';
import { unsqueeze } from '../tensor-ops.js';
import type { LayerExportContext, LayerExporter } from './exporter.js';
import { attentionInputs, maskedSoftmax, scoresMask } from './score-attention.js';

type MhaOptions = Pick<MultiHeadAttentionConfig, 'numHeads' | 'keyDim' | 'valueDim' | 'useBias' | 'outputShape' | 'useCausalMask'>;

/** `x [B, T, D]` through `<name>/kernel [D, H, d]` (+ `<name>/bias [H, d]`) -> `[B, H, T, d]`. */
function project(ctx: LayerExportContext, name: string, x: string, useBias: boolean): string {
  const { g } = ctx;
  const kernel = ctx.weight(`${name}/kernel`);
  const [D, H, d] = kernel.shape as [number, number, number];
  let y = g.op('MatMul', [x, g.initializer(`${name}_kernel`, [D, H * d], kernel.data)], [], `${name}_projected`);
  y = g.op('Reshape', [y, g.int64s([0, 0, H, d])], [], `${name}_heads`);
  if (useBias) {
    const bias = ctx.weight(`${name}/bias`);
    y = g.op('Add', [y, g.initializer(`${name}_bias`, bias.shape, bias.data)], [], `${name}_biased`);
  }
  return g.op('Transpose', [y], [attr.ints('perm', [0, 2, 1, 3])], name);
}

function and(g: GraphBuilder, a: string | undefined, b: string): string {
  return a ? g.op('And', [a, b], [], 'attention_mask') : b;
}

/**
 * The nodes of a multi-head attention of `query` over `value` (and `key`), weights from `ctx`
 * (`query/kernel`, ..., `attention_output/bias`): the output `[B, Tq, ...outputShape]` and the
 * probabilities `[B, H, Tq, Tv]`.
 */
export function multiHeadAttentionNodes(
  ctx: LayerExportContext,
  config: MhaOptions,
  query: OnnxValue,
  value: OnnxValue,
  key: OnnxValue | undefined,
): { output: string; probs: string } {
  const { g } = ctx;
  let mask = scoresMask(g, query, value, config.useCausalMask);
  if (key?.mask) mask = and(g, mask, unsqueeze(g, key.mask, [1], 'key_mask'));
  if (query.mask) mask = and(g, mask, unsqueeze(g, query.mask, [2], 'query_mask'));
  const q = g.op('Mul', [project(ctx, 'query', query.name, config.useBias), g.float32(1 / Math.sqrt(config.keyDim))], [], 'query_scaled');
  const k = project(ctx, 'key', (key ?? value).name, config.useBias);
  const v = project(ctx, 'value', value.name, config.useBias);
  const scores = g.op('MatMul', [q, g.op('Transpose', [k], [attr.ints('perm', [0, 1, 3, 2])], 'key_t')], [], 'scores');
  const probs = maskedSoftmax(g, scores, mask ? unsqueeze(g, mask, [1], 'heads_mask') : undefined);
  const heads = config.numHeads * config.valueDim;
  let context = g.op('Transpose', [g.op('MatMul', [probs, v], [], 'context_heads')], [attr.ints('perm', [0, 2, 1, 3])], 'context_steps');
  context = g.op('Reshape', [context, g.int64s([0, 0, heads])], [], 'context');
  const kernel = ctx.weight('attention_output/kernel');
  const outShape = kernel.shape.slice(2);
  const outSize = outShape.reduce((a, b) => a * b, 1);
  let out = g.op('MatMul', [context, g.initializer('attention_output_kernel', [heads, outSize], kernel.data)], [], 'output_projected');
  if (outShape.length !== 1) out = g.op('Reshape', [out, g.int64s([0, 0, ...outShape])], [], 'output_shaped');
  if (config.useBias) {
    const bias = ctx.weight('attention_output/bias');
    out = g.op('Add', [out, g.initializer('attention_output_bias', bias.shape, bias.data)], [], 'attention_output');
  }
  return { output: out, probs };
}

/** Exports a MultiHeadAttention layer (see the module comment). */
export const exportMultiHeadAttention: LayerExporter<MultiHeadAttentionConfig> = (ctx, config, inputs) => {
  const { query, value, key, hasKey } = attentionInputs(ctx.g, inputs);
  const { output, probs } = multiHeadAttentionNodes(ctx, config, query, value, hasKey ? key : undefined);
  const [batch, tq] = query.shape;
  const outShape = config.outputShape ?? [query.shape[2] as number];
  const outputs: OnnxValue[] = [{ name: output, shape: [batch ?? null, tq ?? null, ...outShape], timeMajor: false, ...(query.mask ? { mask: query.mask } : {}) }];
  if (config.returnAttentionScores) outputs.push({ name: probs, shape: [batch ?? null, config.numHeads, tq ?? null, value.shape[1] ?? null], timeMajor: false });
  return outputs;
};
