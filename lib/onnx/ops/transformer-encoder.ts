/**
 * keras_hub TransformerEncoder -> the nodes of its parts, as the engine computes it:
 * self-attention (`multi-head-attention.ts`, `keyDim = features / numHeads`, the padding mask
 * as the query's and the value's mask), residual `Add`, LayerNormalization
 * (`layer-normalization.ts`), then the feed-forward block Dense(intermediateDim, activation) ->
 * Dense(features) (`dense.ts`), residual `Add`, LayerNormalization. `normalizeFirst` moves each
 * normalization before its block. Dropout applies in training only. The mask passes through.
 */
import type { TransformerEncoderConfig } from '../../layers/index.js';
import { type OnnxValue, toBatchMajor } from '../graph-builder.js';
import { denseNodes } from './dense.js';
import { innerContext, type LayerExporter, singleInput } from './exporter.js';
import { layerNormalizationNodes } from './layer-normalization.js';
import { multiHeadAttentionNodes } from './multi-head-attention.js';

/** Exports a TransformerEncoder layer (see the module comment). */
export const exportTransformerEncoder: LayerExporter<TransformerEncoderConfig> = (ctx, config, inputs) => {
  const { g } = ctx;
  const input = toBatchMajor(g, singleInput(inputs));
  const features = input.shape[2] as number;
  const keyDim = features / config.numHeads;
  const norm = (name: string, v: OnnxValue) =>
    layerNormalizationNodes(innerContext(ctx, name), { axis: -1, epsilon: config.layerNormEpsilon, center: true, scale: true }, v);
  const pre = config.normalizeFirst;
  let x = pre ? norm('self_attention_layer_norm', input) : input;
  const attended = multiHeadAttentionNodes(
    innerContext(ctx, 'self_attention_layer'),
    { numHeads: config.numHeads, keyDim, valueDim: keyDim, useBias: true, outputShape: null, useCausalMask: false },
    x,
    x,
    undefined,
  ).output;
  x = { ...input, name: g.op('Add', [attended, input.name], [], 'attention_residual') };
  if (!pre) x = norm('self_attention_layer_norm', x);
  const residual = x;
  if (pre) x = norm('feedforward_layer_norm', x);
  x = denseNodes(innerContext(ctx, 'feedforward_intermediate_dense'), { units: config.intermediateDim, useBias: true, activation: config.activation }, x);
  x = denseNodes(innerContext(ctx, 'feedforward_output_dense'), { units: features, useBias: true, activation: 'linear' }, x);
  x = { ...input, name: g.op('Add', [x.name, residual.name], [], 'feedforward_residual') };
  if (!pre) x = norm('feedforward_layer_norm', x);
  return [{ ...x, shape: [...input.shape] }];
};
