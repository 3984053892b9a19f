/**
 * Keras LSTM -> ONNX `LSTM` operator (the shared recurrent export: `recurrent.ts`).
 *
 * - Gates: Keras orders them i, f, c, o; ONNX i, o, f, c. Keras's kernel `[F, 4H]` becomes
 *   ONNX's `W` `[1, 4H, F]` (transposed, gate blocks reordered), the recurrent kernel `[H, 4H]`
 *   becomes `R` `[1, 4H, H]`, and Keras's one bias becomes `B = [Wb, Rb]` `[1, 8H]` with
 *   `Rb = 0` (ONNX adds both). Without `useBias`, `B` is left out (ONNX's default is zeros).
 * - Activations: ONNX's defaults (f, g, h) = (Sigmoid, Tanh, Tanh) are Keras's
 *   (recurrentActivation, activation, activation) defaults; other ones go in `activations`
 *   (see `activation.ts`; `hard_sigmoid` is HardSigmoid alpha 1/6, beta 0.5).
 * - `returnState`: `[h, c]` are `Y_h` and `Y_c`.
 */
import type { LSTMConfig } from '../../layers/index.js';
import type { KerasWeight, LayerExportContext, LayerExporter } from './exporter.js';
import { exportRecurrent } from './recurrent.js';
import { cellActivation, kerasGatesToOnnx as gatesToOnnx, reorderBlocks, type RnnCell } from './rnn-cell.js';

/** ONNX gate block g comes from Keras gate block ONNX_FROM_KERAS[g] (ONNX i, o, f, c <- Keras i, f, c, o). */
export const ONNX_FROM_KERAS = [0, 3, 1, 2] as const;

/**
 * Keras `[rows, 4H]` (gate blocks along columns, order i, f, c, o) -> ONNX `[4H, rows]`
 * (gate blocks along rows, order i, o, f, c).
 */
export function kerasGatesToOnnx(w: KerasWeight, units: number): Float32Array {
  return gatesToOnnx(w, units, ONNX_FROM_KERAS);
}

/** Keras bias `[4H]` (i, f, c, o) -> ONNX `B` `[8H]`: `Wb` in i, o, f, c order, then `Rb = 0`. */
export function kerasBiasToOnnx(bias: KerasWeight, units: number): Float32Array {
  const out = new Float32Array(8 * units);
  out.set(reorderBlocks(bias.data, units, ONNX_FROM_KERAS));
  return out;
}

/** An LSTM (or the LSTM part of a PeepholeLSTM) as one direction of ONNX's `LSTM`. */
export function lstmCell(ctx: LayerExportContext, config: Pick<LSTMConfig, 'units' | 'useBias' | 'activation' | 'recurrentActivation'>): RnnCell {
  const units = config.units;
  const kernel = ctx.weight('kernel');
  const act = cellActivation(ctx, 'LSTM', 'activation', config.activation);
  return {
    op: 'LSTM',
    units,
    features: kernel.shape[0]!,
    W: kerasGatesToOnnx(kernel, units),
    R: kerasGatesToOnnx(ctx.weight('recurrent_kernel'), units),
    ...(config.useBias ? { B: kerasBiasToOnnx(ctx.weight('bias'), units) } : {}),
    functions: [cellActivation(ctx, 'LSTM', 'recurrentActivation', config.recurrentActivation), act, act],
  };
}

/** Exports an LSTM layer (see the module comment). */
export const exportLstm: LayerExporter<LSTMConfig> = (ctx, config, inputs) => exportRecurrent(ctx, config, inputs, lstmCell(ctx, config));
