/**
 * The GRU, SimpleRNN and PeepholeLSTM weight layouts of the ONNX export (no addon): gate
 * blocks, the bias for both GRU reset modes, and the peephole order.
 */
import { describe, expect, it } from 'vitest';
import { gruConfig } from '../../../lib/layers/gru.js';
import { peepholeLstmConfig } from '../../../lib/layers/peephole-lstm.js';
import { simpleRNNConfig } from '../../../lib/layers/simple-rnn.js';
import { GraphBuilder } from '../../../lib/onnx/graph-builder.js';
import type { KerasWeight, LayerExportContext } from '../../../lib/onnx/ops/exporter.js';
import { gruCell } from '../../../lib/onnx/ops/gru.js';
import { peepholeLstmCell } from '../../../lib/onnx/ops/peephole-lstm.js';
import { simpleRnnCell } from '../../../lib/onnx/ops/simple-rnn.js';

function context(weights: Record<string, KerasWeight>): LayerExportContext {
  return { g: new GraphBuilder('t', 17), label: 'layers[0] (t)', weight: (n) => weights[n]! };
}
const w = (shape: number[], values: number[]): KerasWeight => ({ shape, data: Float32Array.from(values) });

describe('Keras -> ONNX GRU, RNN and peephole weights', () => {
  // F = 2, H = 1: kernel column j is gate j (z, r, h); value = 10 * row + gate.
  const kernel = w([2, 3], [0, 1, 2, 10, 11, 12]);
  const recurrent = w([1, 3], [20, 21, 22]);

  it('GRU resetAfter: W [3H, F] transposed in the same gate order z, r, h; B = [input row, recurrent row]', () => {
    const cell = gruCell(context({ kernel, recurrent_kernel: recurrent, bias: w([2, 3], [30, 31, 32, 40, 41, 42]) }), gruConfig({ units: 1 }, 'gru'));
    expect(Array.from(cell.W)).toEqual([0, 10, 1, 11, 2, 12]);
    expect(Array.from(cell.R)).toEqual([20, 21, 22]);
    expect(Array.from(cell.B!)).toEqual([30, 31, 32, 40, 41, 42]);
    expect(cell.linearBeforeReset).toBe(true);
  });

  it('GRU resetAfter false: B = [bias, 0], linear_before_reset 0', () => {
    const cell = gruCell(context({ kernel, recurrent_kernel: recurrent, bias: w([3], [30, 31, 32]) }), gruConfig({ units: 1, resetAfter: false }, 'gru'));
    expect(Array.from(cell.B!)).toEqual([30, 31, 32, 0, 0, 0]);
    expect(cell.linearBeforeReset).toBe(false);
  });

  it('SimpleRNN: W [H, F], B = [bias, 0]; without useBias no B', () => {
    const cell = simpleRnnCell(context({ kernel: w([2, 1], [1, 2]), recurrent_kernel: w([1, 1], [3]), bias: w([1], [4]) }), simpleRNNConfig({ units: 1 }, 'rnn'));
    expect([Array.from(cell.W), Array.from(cell.R), Array.from(cell.B!)]).toEqual([[1, 2], [3], [4, 0]]);
    const plain = simpleRnnCell(context({ kernel: w([2, 1], [1, 2]), recurrent_kernel: w([1, 1], [3]) }), simpleRNNConfig({ units: 1, useBias: false }, 'rnn'));
    expect(plain.B).toBeUndefined();
  });

  it('PeepholeLSTM: P lists the peepholes i, o, f', () => {
    const cell = peepholeLstmCell(
      context({
        kernel: w([1, 4], [0, 1, 2, 3]),
        recurrent_kernel: w([1, 4], [0, 1, 2, 3]),
        bias: w([4], [0, 0, 0, 0]),
        input_gate_peephole_weights: w([1], [7]),
        forget_gate_peephole_weights: w([1], [8]),
        output_gate_peephole_weights: w([1], [9]),
      }),
      peepholeLstmConfig({ units: 1 }, 'peepholeLstm'),
    );
    expect(Array.from(cell.P!)).toEqual([7, 9, 8]);
  });
});
