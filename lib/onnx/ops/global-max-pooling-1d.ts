/**
 * Keras GlobalMaxPooling1D -> `ReduceMax` over the steps axis (1 for `channelsLast`, 2 for
 * `channelsFirst`), `keepdims` as configured. It takes no mask (as in Keras; the engine
 * refuses a masked input before a model reaches the export).
 */
import type { GlobalMaxPooling1DConfig } from '../../layers/index.js';
import { toBatchMajor } from '../graph-builder.js';
import { reduce } from '../tensor-ops.js';
import { type LayerExporter, singleInput, unsupported } from './exporter.js';
import { pooledShape } from './global-average-pooling-1d.js';

/** Exports a GlobalMaxPooling1D layer (see the module comment). */
export const exportGlobalMaxPooling1D: LayerExporter<GlobalMaxPooling1DConfig> = (ctx, config, inputs) => {
  const { g } = ctx;
  const x = toBatchMajor(g, singleInput(inputs));
  if (x.mask) throw unsupported(ctx, 'GlobalMaxPooling1D takes no mask (Keras), but its input carries one');
  const out = reduce(g, 'ReduceMax', x.name, [config.dataFormat === 'channelsLast' ? 1 : 2], config.keepdims, 'max');
  return [{ name: out, shape: pooledShape(x.shape, config), timeMajor: false }];
};
