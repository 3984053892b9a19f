/**
 * keras_hub PositionEmbedding -> the position embeddings broadcast to the input's shape
 * (`Expand`), as the engine computes them: for a known number of steps below `sequenceLength`,
 * the first rows of the table (`Slice`); otherwise keras_hub's hierarchical positions
 * `alpha * E'[i / n] + (1 - alpha) * E'[i % n]` with `E' = (E - alpha * E[0]) / (1 - alpha)`
 * over `Range(0, timesteps)` (for fewer than n steps this is the table's row again, within
 * float32 rounding). The output carries no mask.
 */
import type { PositionEmbeddingConfig } from '../../layers/index.js';
import { attr, toBatchMajor } from '../graph-builder.js';
import { dimScalar, shapeOf } from '../tensor-ops.js';
import { type LayerExporter, singleInput } from './exporter.js';

/** Exports a PositionEmbedding layer (see the module comment). */
export const exportPositionEmbedding: LayerExporter<PositionEmbeddingConfig> = (ctx, config, inputs) => {
  const { g } = ctx;
  const x = toBatchMajor(g, singleInput(inputs));
  const table = ctx.weight('embeddings');
  const E = g.initializer('embeddings', table.shape, table.data);
  const n = config.sequenceLength;
  const steps = x.shape[x.shape.length - 2];
  let positions: string;
  if (typeof steps === 'number' && steps < n) {
    positions = g.op('Slice', [E, g.int64s([0]), g.int64s([steps]), g.int64s([0])], [], 'positions');
  } else {
    const a = config.hierarchicalAlpha;
    const first = g.op('Slice', [E, g.int64s([0]), g.int64s([1]), g.int64s([0])], [], 'first_row');
    const scaled = g.op('Div', [g.op('Sub', [E, g.op('Mul', [first, g.float32(a)])]), g.float32(1 - a)], [], 'hierarchical_table');
    const ids = g.op('Range', [g.int64(0), dimScalar(g, x.name, x.shape.length - 2, 'steps'), g.int64(1)], [], 'position_ids');
    const gather = (index: string, name: string) => g.op('Gather', [scaled, index], [attr.int('axis', 0)], name);
    const outer = gather(g.op('Div', [ids, g.int64(n)], [], 'outer_ids'), 'outer');
    const inner = gather(g.op('Mod', [ids, g.int64(n)], [], 'inner_ids'), 'inner');
    positions = g.op('Add', [g.op('Mul', [outer, g.float32(a)]), g.op('Mul', [inner, g.float32(1 - a)])], [], 'positions');
  }
  return [{ name: g.op('Expand', [positions, shapeOf(g, x.name)], [], 'position_embeddings'), shape: [...x.shape], timeMajor: false }];
};
