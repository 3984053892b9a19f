/**
 * Small node patterns the layer exporters share: reductions written for the opset at hand,
 * casts, run-time dimensions (the batch and timesteps axes stay symbolic), and the Keras mask
 * as float or broadcastable forms.
 */
import { DataType } from './proto.js';
import { attr, type GraphBuilder } from './graph-builder.js';

/**
 * `ReduceSum`/`ReduceMean`/`ReduceMax` over `axes`. ReduceSum takes its axes as an input from
 * opset 13; the others from opset 18 (an attribute before).
 */
export function reduce(
  g: GraphBuilder,
  op: 'ReduceSum' | 'ReduceMean' | 'ReduceMax',
  input: string,
  axes: readonly number[],
  keepdims: boolean,
  output: string = op,
): string {
  const keep = attr.int('keepdims', keepdims ? 1 : 0);
  if (op === 'ReduceSum' || g.opset >= 18) return g.op(op, [input, g.int64s(axes)], [keep], output);
  return g.op(op, [input], [attr.ints('axes', axes), keep], output);
}

/** `Cast(input, to)`, `to` a {@link DataType}. */
export function cast(g: GraphBuilder, input: string, to: number, output = 'Cast'): string {
  return g.op('Cast', [input], [attr.int('to', to)], output);
}

/** `Unsqueeze(input, axes)` (axes as an input, opset 13 and later). */
export function unsqueeze(g: GraphBuilder, input: string, axes: readonly number[], output = 'Unsqueeze'): string {
  return g.op('Unsqueeze', [input, g.int64s(axes)], [], output);
}

/** The run-time shape of `input` (1-D int64). */
export function shapeOf(g: GraphBuilder, input: string): string {
  return g.op('Shape', [input]);
}

/** Dimensions `[from, to)` of `input` at run time (1-D int64 of length `to - from`). */
export function dims(g: GraphBuilder, input: string, from: number, to: number, output = 'dims'): string {
  return g.op('Slice', [shapeOf(g, input), g.int64s([from]), g.int64s([to]), g.int64s([0])], [], output);
}

/** Dimension `axis` of `input` at run time, as an int64 scalar. */
export function dimScalar(g: GraphBuilder, input: string, axis: number, output = 'dim'): string {
  return g.op('Gather', [shapeOf(g, input), g.int64(axis)], [attr.int('axis', 0)], output);
}

/** A bool mask as float32 (1 kept, 0 masked). */
export function maskAsFloat(g: GraphBuilder, mask: string, output = 'mask_float'): string {
  return cast(g, mask, DataType.FLOAT, output);
}

/** `Not(Equal(x, value))`: where a float tensor differs from a constant. */
export function notEqual(g: GraphBuilder, x: string, value: number, output = 'not_equal'): string {
  return g.op('Not', [g.op('Equal', [x, g.float32(value)])], [], output);
}

/** `x * mask[..., None]`: zeros where the `[batch, timesteps]` mask is false (a batch-major `x`). */
export function zeroMasked(g: GraphBuilder, x: string, mask: string, output = 'masked'): string {
  return g.op('Mul', [x, unsqueeze(g, maskAsFloat(g, mask), [-1])], [], output);
}
