/**
 * Keras Masking -> the mask `any(x != maskValue, axis=-1)` (`[batch, timesteps]`) and the
 * input with masked steps zeroed (`x * mask`), as Keras and the engine compute them.
 */
import type { MaskingConfig } from '../../layers/index.js';
import { toBatchMajor } from '../graph-builder.js';
import { DataType } from '../proto.js';
import { cast, maskAsFloat, notEqual, reduce, unsqueeze } from '../tensor-ops.js';
import { type LayerExporter, singleInput } from './exporter.js';

/** Exports a Masking layer (see the module comment). */
export const exportMasking: LayerExporter<MaskingConfig> = (ctx, config, inputs) => {
  const { g } = ctx;
  const x = toBatchMajor(g, singleInput(inputs));
  const differs = maskAsFloat(g, notEqual(g, x.name, config.maskValue, 'differs'), 'differs_float');
  const keep = reduce(g, 'ReduceMax', differs, [-1], false, 'keep');
  const mask = cast(g, keep, DataType.BOOL, 'mask');
  const out = g.op('Mul', [x.name, unsqueeze(g, keep, [-1])], [], 'masked');
  return [{ name: out, shape: [...x.shape], timeMajor: false, mask }];
};
