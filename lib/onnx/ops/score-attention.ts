/**
 * What the attention exporters share (`attention.ts`, `additive-attention.ts`,
 * `multi-head-attention.ts`): the mask of the scores (the value's mask and the causal mask)
 * and Keras's masked softmax, as primitive operators. Every shape is taken at run time, so the
 * batch and timesteps axes stay symbolic.
 */
import { attr, type GraphBuilder, type OnnxValue, toBatchMajor } from '../graph-builder.js';
import { DataType } from '../proto.js';
import { cast, dimScalar, unsqueeze } from '../tensor-ops.js';

/** Keras's masked-out bias (not -inf: a fully masked row stays finite), as the engine uses it for float32. */
const MASKED_BIAS = 1e9;

/** The inputs of an attention call, batch-major: query, value, and key (the value when not given). */
export function attentionInputs(g: GraphBuilder, inputs: readonly OnnxValue[]): { query: OnnxValue; value: OnnxValue; key: OnnxValue; hasKey: boolean } {
  const [query, value, key] = inputs.map((v) => toBatchMajor(g, v)) as [OnnxValue, OnnxValue, OnnxValue | undefined];
  return { query, value, key: key ?? value, hasKey: key !== undefined };
}

/** bool `[Tq, Tv]`: query step i may attend to value steps j <= i. */
export function causalMask(g: GraphBuilder, query: string, value: string): string {
  const rows = unsqueeze(g, g.op('Range', [g.int64(0), dimScalar(g, query, 1, 'query_steps'), g.int64(1)], [], 'query_positions'), [1]);
  const cols = g.op('Range', [g.int64(0), dimScalar(g, value, 1, 'value_steps'), g.int64(1)], [], 'value_positions');
  return g.op('Not', [g.op('Less', [rows, cols])], [], 'causal');
}

/**
 * The mask of the scores `[B, Tq, Tv]` (broadcastable): the value's mask `[B, 1, Tv]` and, with
 * `causal`, the lower triangle; `undefined` when neither applies.
 */
export function scoresMask(g: GraphBuilder, query: OnnxValue, value: OnnxValue, causal: boolean): string | undefined {
  let mask = value.mask ? unsqueeze(g, value.mask, [1], 'value_mask') : undefined;
  if (causal) {
    // [1, Tq, Tv]: always rank 3, so callers can add a heads axis at 1 (multi-head attention).
    const lower = unsqueeze(g, causalMask(g, query.name, value.name), [0], 'causal_batch');
    mask = mask ? g.op('And', [mask, lower], [], 'scores_mask') : lower;
  }
  return mask;
}

/** Keras's masked softmax over the last axis: `softmax(scores - 1e9 * !mask)`. */
export function maskedSoftmax(g: GraphBuilder, scores: string, mask: string | undefined): string {
  let s = scores;
  if (mask) s = g.op('Sub', [scores, g.op('Mul', [cast(g, g.op('Not', [mask]), DataType.FLOAT, 'masked_out'), g.float32(MASKED_BIAS)])], [], 'masked_scores');
  return g.op('Softmax', [s], [attr.int('axis', -1)], 'attention_weights');
}

/**
 * Attention and AdditiveAttention after their scores: masked softmax, the weighted sum of the
 * values, the output zeroed where the query is masked (which carries on as the output's mask),
 * and the weights as a second output with `returnAttentionScores`.
 */
export function finishScoreAttention(
  g: GraphBuilder,
  config: { useCausalMask: boolean; returnAttentionScores: boolean },
  scores: string,
  query: OnnxValue,
  value: OnnxValue,
): OnnxValue[] {
  const weights = maskedSoftmax(g, scores, scoresMask(g, query, value, config.useCausalMask));
  let out = g.op('MatMul', [weights, value.name], [], 'attended');
  if (query.mask) out = g.op('Mul', [out, unsqueeze(g, cast(g, query.mask, DataType.FLOAT), [-1])], [], 'query_masked');
  const [batch, tq] = query.shape;
  const outputs: OnnxValue[] = [{ name: out, shape: [batch ?? null, tq ?? null, value.shape[2] ?? null], timeMajor: false, ...(query.mask ? { mask: query.mask } : {}) }];
  if (config.returnAttentionScores) outputs.push({ name: weights, shape: [batch ?? null, tq ?? null, value.shape[1] ?? null], timeMajor: false });
  return outputs;
}
