/**
 * Keras Add -> `Add` nodes, the inputs summed in order (`((a + b) + c)`, broadcasting as Keras's
 * Merge allows). Sequences that are all time-major stay time-major. The output is masked only
 * when every input is, with the union (OR) of their masks (Keras 3 `Merge.compute_mask`).
 */
import type { AddConfig } from '../../layers/index.js';
import { toBatchMajor } from '../graph-builder.js';
import type { LayerExporter } from './exporter.js';

/** Exports an Add layer (see the module comment). */
export const exportAdd: LayerExporter<AddConfig> = (ctx, _config, inputs) => {
  const { g } = ctx;
  const timeMajor = inputs.every((v) => v.timeMajor);
  const values = timeMajor ? inputs : inputs.map((v) => toBatchMajor(g, v));
  let sum = values[0]!.name;
  for (const v of values.slice(1)) sum = g.op('Add', [sum, v.name], [], 'sum');
  const shape = values[0]!.shape.map((d, k) => (d === 1 || d === null ? (values.find((v) => v.shape[k] !== 1)?.shape[k] ?? d) : d));
  let mask: string | undefined;
  if (values.every((v) => v.mask)) {
    mask = values[0]!.mask!;
    for (const v of values.slice(1)) mask = g.op('Or', [mask, v.mask!], [], 'mask');
  }
  return [{ name: sum, shape, timeMajor, ...(mask ? { mask } : {}) }];
};
