/**
 * PeepholeLSTM -> ONNX `LSTM` operator with the peephole input `P` `[1, 3H]`: ONNX adds
 * `P_i * c_{t-1}` to the input gate, `P_f * c_{t-1}` to the forget gate and `P_o * c_t` to the
 * output gate, as tf.keras's PeepholeLSTMCell does. `P` lists them i, o, f; the rest is the
 * LSTM's export (`lstm.ts`).
 */
import type { PeepholeLSTMConfig } from '../../layers/index.js';
import type { LayerExportContext, LayerExporter } from './exporter.js';
import { lstmCell } from './lstm.js';
import { exportRecurrent } from './recurrent.js';
import type { RnnCell } from './rnn-cell.js';

/** A PeepholeLSTM as one direction of ONNX's `LSTM` with peepholes. */
export function peepholeLstmCell(ctx: LayerExportContext, config: PeepholeLSTMConfig): RnnCell {
  const cell = lstmCell(ctx, config);
  const H = config.units;
  const P = new Float32Array(3 * H);
  P.set(ctx.weight('input_gate_peephole_weights').data, 0);
  P.set(ctx.weight('output_gate_peephole_weights').data, H);
  P.set(ctx.weight('forget_gate_peephole_weights').data, 2 * H);
  return { ...cell, P };
}

/** Exports a PeepholeLSTM layer (see the module comment). */
export const exportPeepholeLstm: LayerExporter<PeepholeLSTMConfig> = (ctx, config, inputs) =>
  exportRecurrent(ctx, config, inputs, peepholeLstmCell(ctx, config));
