/**
 * Keras TimeDistributed -> the wrapped layer's export applied to every timestep. A Dense is
 * applied to the sequence directly (`MatMul` broadcasts over batch and time, in either layout);
 * any other exportable layer runs on the sequence folded into the batch (`Reshape` to
 * `[batch * timesteps, ...]`, then back to `[batch, timesteps, ...]` with the run-time sizes).
 * The wrapped layer holds the weights (under the wrapper's name); the input mask passes through.
 */
import type { DenseConfig, TimeDistributedConfig } from '../../layers/index.js';
import { attr, type OnnxValue, toBatchMajor } from '../graph-builder.js';
import { dims } from '../tensor-ops.js';
import { denseNodes } from './dense.js';
import { type LayerExporter, singleInput, unsupported } from './exporter.js';
import { exporterFor, LAYER_EXPORTERS } from './index.js';

/** Exports a TimeDistributed layer (see the module comment). */
export const exportTimeDistributed: LayerExporter<TimeDistributedConfig> = (ctx, config, inputs) => {
  const { g } = ctx;
  const input = singleInput(inputs);
  const inner = config.layer;
  if (inner.className === 'Dense') return [denseNodes(ctx, inner.config as DenseConfig, input)];
  const exporter = exporterFor(inner.className);
  if (!exporter) {
    throw unsupported(ctx, `it wraps a ${inner.className} layer, which torch-lstm cannot export (it exports ${Object.keys(LAYER_EXPORTERS).join(', ')})`);
  }
  const x = toBatchMajor(g, input);
  const rest = x.shape.slice(2);
  if (rest.some((d) => d === null)) throw unsupported(ctx, 'the wrapped layer needs each timestep\'s shape known to fold time into the batch');
  const folded = g.op('Reshape', [x.name, g.int64s([-1, ...(rest as number[])])], [], 'folded');
  const outputs = exporter(ctx, inner.config, [{ name: folded, shape: [null, ...rest], timeMajor: false }]);
  const leading = dims(g, x.name, 0, 2, 'batch_and_steps');
  return outputs.map((o, i): OnnxValue => {
    const y = toBatchMajor(g, o);
    const shape = g.op('Concat', [leading, dims(g, y.name, 1, y.shape.length, 'step_shape')], [attr.int('axis', 0)], 'unfolded_shape');
    const out = g.op('Reshape', [y.name, shape], [], 'unfolded');
    return { name: out, shape: [x.shape[0] ?? null, x.shape[1] ?? null, ...y.shape.slice(1)], timeMajor: false, ...(i === 0 && x.mask ? { mask: x.mask } : {}) };
  });
};
