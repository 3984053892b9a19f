/**
 * Keras Embedding -> `Gather(embeddings, Cast(ids, int64))`. The model input stays float32, as
 * torch-lstm's (a model's inputs cross as float32 and the engine casts the ids itself): the
 * Cast inside the graph truncates towards zero as the engine's does. An index outside
 * `[0, inputDim)` is an error in ONNX Runtime as in the engine. With `maskZero` the output
 * carries the mask `ids != 0`.
 */
import type { EmbeddingConfig } from '../../layers/index.js';
import { toBatchMajor } from '../graph-builder.js';
import { DataType } from '../proto.js';
import { cast, notEqual } from '../tensor-ops.js';
import { type LayerExporter, singleInput } from './exporter.js';

/** Exports an Embedding layer (see the module comment). */
export const exportEmbedding: LayerExporter<EmbeddingConfig> = (ctx, config, inputs) => {
  const { g } = ctx;
  const x = toBatchMajor(g, singleInput(inputs));
  const table = ctx.weight('embeddings');
  const E = g.initializer('embeddings', table.shape, table.data);
  const out = g.op('Gather', [E, cast(g, x.name, DataType.INT64, 'ids')], [], 'embedded');
  return [
    {
      name: out,
      shape: [...x.shape, config.outputDim],
      timeMajor: false,
      ...(config.maskZero ? { mask: notEqual(g, x.name, 0, 'mask') } : {}),
    },
  ];
};
