/**
 * Keras SimpleRNN -> ONNX `RNN` operator (the shared recurrent export: `recurrent.ts`):
 * `h_t = f(x_t W + h_{t-1} U + b)`. Kernel `[F, H]` -> `W` `[1, H, F]`, recurrent kernel
 * `[H, H]` -> `R` `[1, H, H]`, bias `[H]` -> `B = [b, 0]`. ONNX's default f is Tanh, Keras's
 * default activation; others go in `activations`.
 */
import type { SimpleRNNConfig } from '../../layers/index.js';
import type { LayerExportContext, LayerExporter } from './exporter.js';
import { exportRecurrent } from './recurrent.js';
import { cellActivation, kerasGatesToOnnx, type RnnCell } from './rnn-cell.js';

/** A SimpleRNN as one direction of ONNX's `RNN`. */
export function simpleRnnCell(ctx: LayerExportContext, config: SimpleRNNConfig): RnnCell {
  const units = config.units;
  const kernel = ctx.weight('kernel');
  let B: Float32Array | undefined;
  if (config.useBias) {
    B = new Float32Array(2 * units);
    B.set(ctx.weight('bias').data);
  }
  return {
    op: 'RNN',
    units,
    features: kernel.shape[0]!,
    W: kerasGatesToOnnx(kernel, units, [0]),
    R: kerasGatesToOnnx(ctx.weight('recurrent_kernel'), units, [0]),
    ...(B ? { B } : {}),
    functions: [cellActivation(ctx, 'RNN', 'activation', config.activation)],
  };
}

/** Exports a SimpleRNN layer (see the module comment). */
export const exportSimpleRnn: LayerExporter<SimpleRNNConfig> = (ctx, config, inputs) => exportRecurrent(ctx, config, inputs, simpleRnnCell(ctx, config));
