/**
 * Keras Dense -> ONNX. On a 2-D input `[batch, in]`: `Gemm(x, kernel, bias)`. On a higher-rank
 * input (Keras applies Dense to the last axis, e.g. each step of a sequence): `MatMul(x, kernel)`
 * then `Add(bias)`, which broadcast over the leading axes and so work in either sequence layout.
 * The kernel keeps Keras's `[in, out]` layout (Gemm with `transB = 0`). The activation follows
 * as operators (`activation.ts`). A mask passes through (Keras Dense supports masking).
 */
import type { DenseConfig } from '../../layers/index.js';
import type { OnnxValue } from '../graph-builder.js';
import { activationNodes } from './activation.js';
import { type LayerExportContext, type LayerExporter, singleInput } from './exporter.js';

/** The nodes of a Dense layer on `input`; `ctx.weight` gives its `kernel` and `bias`. */
export function denseNodes(ctx: LayerExportContext, config: Pick<DenseConfig, 'units' | 'useBias' | 'activation'>, input: OnnxValue): OnnxValue {
  const { g } = ctx;
  const kernel = ctx.weight('kernel');
  const K = g.initializer('kernel', kernel.shape, kernel.data);
  const bias = config.useBias ? ctx.weight('bias') : undefined;
  const b = bias ? g.initializer('bias', bias.shape, bias.data) : undefined;
  let y: string;
  if (input.shape.length === 2) {
    y = g.op('Gemm', b ? [input.name, K, b] : [input.name, K]);
  } else {
    y = g.op('MatMul', [input.name, K]);
    if (b) y = g.op('Add', [y, b], [], 'BiasAdd');
  }
  const out = activationNodes(g, config.activation, y);
  return { ...input, name: out, shape: [...input.shape.slice(0, -1), config.units] };
}

/** Exports a Dense layer (see the module comment). */
export const exportDense: LayerExporter<DenseConfig> = (ctx, config, inputs) => [denseNodes(ctx, config, singleInput(inputs))];
