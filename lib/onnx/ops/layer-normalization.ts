/**
 * Keras LayerNormalization -> ONNX `LayerNormalization` (opset 17 and later) when the
 * normalized axes are the trailing ones `[k, rank)` (the usual `axis: -1`): `axis = k`,
 * `epsilon`, `Scale` = gamma (ones with `scale: false`), `B` = beta (left out with
 * `center: false`). Otherwise (an opset below 17, or axes that leave a later axis out) it is
 * decomposed as Keras computes it: `inv = gamma / sqrt(var + epsilon)`,
 * `y = x * inv + (beta - mean * inv)`, mean and variance by `ReduceMean` over the axes.
 * gamma and beta (shaped as the axes are listed) are laid over the input's axes as Keras
 * reshapes them. The mask passes through.
 */
import type { LayerNormalizationConfig } from '../../layers/index.js';
import { attr, type OnnxValue, toBatchMajor } from '../graph-builder.js';
import { reduce } from '../tensor-ops.js';
import { type LayerExportContext, type LayerExporter, singleInput } from './exporter.js';

/** The normalized axes of an input of `rank` (batch included), sorted and non-negative. */
function normalizedAxes(config: Pick<LayerNormalizationConfig, 'axis'>, rank: number): number[] {
  const listed = Array.isArray(config.axis) ? config.axis : [config.axis];
  return listed.map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
}

/** The nodes of a LayerNormalization on `input`; `ctx.weight` gives its `gamma` and `beta`. */
export function layerNormalizationNodes(
  ctx: LayerExportContext,
  config: Pick<LayerNormalizationConfig, 'axis' | 'epsilon' | 'center' | 'scale'>,
  value: OnnxValue,
): OnnxValue {
  const { g } = ctx;
  const rank = value.shape.length;
  const axes = normalizedAxes(config, rank);
  const lastOnly = axes.length === 1 && axes[0] === rank - 1;
  const input = lastOnly ? value : toBatchMajor(g, value);
  const trailing = axes.every((a, i) => a === rank - axes.length + i);
  const sizes = axes.map((a) => input.shape[a] as number);
  const gamma = config.scale ? ctx.weight('gamma') : undefined;
  const beta = config.center ? ctx.weight('beta') : undefined;
  let out: string;
  if (g.opset >= 17 && trailing) {
    const scale = g.initializer('gamma', sizes, gamma?.data ?? new Float32Array(sizes.reduce((a, b) => a * b, 1)).fill(1));
    const inputs = [input.name, scale, ...(beta ? [g.initializer('beta', sizes, beta.data)] : [])];
    out = g.op('LayerNormalization', inputs, [attr.int('axis', axes[0]!), attr.float('epsilon', config.epsilon)]);
  } else {
    // Keras's arithmetic (and the engine's): inv = rsqrt(var + eps) * gamma; y = x * inv + (beta - mean * inv).
    const broadcast = lastOnly ? sizes : Array.from({ length: rank }, (_, k) => (axes.includes(k) ? (input.shape[k] as number) : 1));
    const mean = reduce(g, 'ReduceMean', input.name, axes, true, 'mean');
    const centered = g.op('Sub', [input.name, mean], [], 'centered');
    const variance = reduce(g, 'ReduceMean', g.op('Mul', [centered, centered], [], 'squared'), axes, true, 'variance');
    let inv = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [variance, g.float32(config.epsilon)])])], [], 'inv_std');
    if (gamma) inv = g.op('Mul', [inv, g.initializer('gamma', broadcast, gamma.data)], [], 'inv');
    let shift = g.op('Mul', [g.op('Neg', [mean]), inv], [], 'shift');
    if (beta) shift = g.op('Add', [shift, g.initializer('beta', broadcast, beta.data)], [], 'shift_beta');
    out = g.op('Add', [g.op('Mul', [input.name, inv], [], 'scaled'), shift], [], 'normalized');
  }
  return { ...input, name: out };
}

/** Exports a LayerNormalization layer (see the module comment). */
export const exportLayerNormalization: LayerExporter<LayerNormalizationConfig> = (ctx, config, inputs) => [
  layerNormalizationNodes(ctx, config, singleInput(inputs)),
];
