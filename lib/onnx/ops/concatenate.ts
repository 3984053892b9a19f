/**
 * Keras Concatenate -> `Concat` along `axis` (Keras's axis, batch-major). Sequences that are all
 * time-major and joined on their last axis stay time-major. Under masks, the output mask is
 * Keras's (and the engine's): each input's mask widened to its shape (all true without one),
 * joined along the axis, then any over the last axis.
 */
import type { ConcatenateConfig } from '../../layers/index.js';
import { attr, type OnnxValue, toBatchMajor } from '../graph-builder.js';
import { DataType } from '../proto.js';
import { cast, maskAsFloat, reduce, shapeOf, unsqueeze } from '../tensor-ops.js';
import type { LayerExporter } from './exporter.js';

/** Exports a Concatenate layer (see the module comment). */
export const exportConcatenate: LayerExporter<ConcatenateConfig> = (ctx, config, inputs) => {
  const { g } = ctx;
  const rank = inputs[0]!.shape.length;
  const axis = config.axis < 0 ? config.axis + rank : config.axis;
  const timeMajor = rank === 3 && axis === 2 && inputs.every((v) => v.timeMajor);
  const values = timeMajor ? inputs : inputs.map((v) => toBatchMajor(g, v));
  const out = g.op('Concat', values.map((v) => v.name), [attr.int('axis', axis)], 'concatenated');
  const shape = [...values[0]!.shape];
  shape[axis] = values.some((v) => v.shape[axis] === null) ? null : values.reduce((n, v) => n + (v.shape[axis] as number), 0);
  let mask: string | undefined;
  if (values.some((v) => v.mask)) {
    const full = values.map((v) => {
      const batchMajor = timeMajor ? g.op('Transpose', [v.name], [attr.ints('perm', [1, 0, 2])], 'BatchMajor') : v.name;
      const size = shapeOf(g, batchMajor);
      if (!v.mask) return g.op('Expand', [g.float32(1), size], [], 'all_kept');
      const m = maskAsFloat(g, v.mask);
      return rank > 2 ? g.op('Expand', [unsqueeze(g, m, [-1]), size], [], 'mask_wide') : m;
    });
    const joined = g.op('Concat', full, [attr.int('axis', axis)], 'masks_joined');
    mask = cast(g, reduce(g, 'ReduceMax', joined, [-1], false, 'mask_any'), DataType.BOOL, 'mask');
  }
  return [{ name: out, shape, timeMajor, ...(mask ? { mask } : {}) } satisfies OnnxValue];
};
