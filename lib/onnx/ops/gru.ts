/**
 * Keras GRU -> ONNX `GRU` operator (the shared recurrent export: `recurrent.ts`).
 *
 * Both order the gates z, r, h and compute `h_t = z * h_{t-1} + (1 - z) * hh`, so the kernels
 * are only transposed: kernel `[F, 3H]` -> `W` `[1, 3H, F]`, recurrent kernel `[H, 3H]` -> `R`
 * `[1, 3H, H]`.
 * - `resetAfter: true` (Keras's default) is `linear_before_reset = 1`: the reset gate multiplies
 *   `h_{t-1} R_h + Rb_h`. Keras's bias `[2, 3H]` (input row, recurrent row) is `B = [Wb, Rb]`.
 * - `resetAfter: false` is `linear_before_reset = 0` (the reset gate multiplies `h_{t-1}`
 *   before `R_h`); Keras's one bias `[3H]` is `B = [b, 0]`.
 * - Activations: ONNX's defaults (f, g) = (Sigmoid, Tanh) are Keras's (recurrentActivation,
 *   activation) defaults; others go in `activations`.
 */
import type { GRUConfig } from '../../layers/index.js';
import type { LayerExportContext, LayerExporter } from './exporter.js';
import { exportRecurrent } from './recurrent.js';
import { cellActivation, kerasGatesToOnnx, type RnnCell } from './rnn-cell.js';

const SAME_ORDER = [0, 1, 2] as const;

/** A GRU as one direction of ONNX's `GRU`. */
export function gruCell(ctx: LayerExportContext, config: GRUConfig): RnnCell {
  const units = config.units;
  const kernel = ctx.weight('kernel');
  let B: Float32Array | undefined;
  if (config.useBias) {
    const bias = ctx.weight('bias').data; // [2, 3H] with resetAfter, else [3H]
    B = new Float32Array(6 * units);
    B.set(bias);
  }
  return {
    op: 'GRU',
    units,
    features: kernel.shape[0]!,
    W: kerasGatesToOnnx(kernel, units, SAME_ORDER),
    R: kerasGatesToOnnx(ctx.weight('recurrent_kernel'), units, SAME_ORDER),
    ...(B ? { B } : {}),
    functions: [
      cellActivation(ctx, 'GRU', 'recurrentActivation', config.recurrentActivation),
      cellActivation(ctx, 'GRU', 'activation', config.activation),
    ],
    linearBeforeReset: config.resetAfter,
  };
}

/** Exports a GRU layer (see the module comment). */
export const exportGru: LayerExporter<GRUConfig> = (ctx, config, inputs) => exportRecurrent(ctx, config, inputs, gruCell(ctx, config));
