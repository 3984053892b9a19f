/**
 * Keras GlobalAveragePooling1D -> `ReduceMean` over the steps axis (1 for `channelsLast`, 2 for
 * `channelsFirst`), `keepdims` as configured. Under a mask it is Keras's mask-aware mean, as the
 * engine computes it: the sum over the kept steps (`Where(mask, x, 0)`) divided by their number.
 * The output carries no mask.
 */
import type { GlobalAveragePooling1DConfig } from '../../layers/index.js';
import { type OnnxValue, toBatchMajor } from '../graph-builder.js';
import { maskAsFloat, reduce, unsqueeze } from '../tensor-ops.js';
import { type LayerExporter, singleInput } from './exporter.js';

/** The output shape of a 1-D global pooling of `shape` (`[batch, steps, features]` or channels first). */
export function pooledShape(shape: OnnxValue['shape'], config: Pick<GlobalAveragePooling1DConfig, 'dataFormat' | 'keepdims'>): OnnxValue['shape'] {
  const last = config.dataFormat === 'channelsLast';
  const features = shape[last ? 2 : 1] ?? null;
  if (!config.keepdims) return [shape[0] ?? null, features];
  return last ? [shape[0] ?? null, 1, features] : [shape[0] ?? null, features, 1];
}

/** Exports a GlobalAveragePooling1D layer (see the module comment). */
export const exportGlobalAveragePooling1D: LayerExporter<GlobalAveragePooling1DConfig> = (ctx, config, inputs) => {
  const { g } = ctx;
  const x = toBatchMajor(g, singleInput(inputs));
  const steps = config.dataFormat === 'channelsLast' ? 1 : 2;
  let out: string;
  if (!x.mask) {
    out = reduce(g, 'ReduceMean', x.name, [steps], config.keepdims, 'mean');
  } else {
    const keep = unsqueeze(g, x.mask, [steps === 1 ? 2 : 1], 'keep');
    const sum = reduce(g, 'ReduceSum', g.op('Where', [keep, x.name, g.float32(0)], [], 'kept'), [steps], config.keepdims, 'sum');
    const count = reduce(g, 'ReduceSum', maskAsFloat(g, keep, 'keep_float'), [steps], config.keepdims, 'count');
    out = g.op('Div', [sum, count], [], 'mean');
  }
  return [{ name: out, shape: pooledShape(x.shape, config), timeMajor: false }];
};
