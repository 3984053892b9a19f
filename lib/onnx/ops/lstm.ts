/**
 * Keras LSTM -> ONNX `LSTM` operator.
 *
 * - Gates: Keras orders them i, f, c, o; ONNX i, o, f, c. Keras's kernel `[F, 4H]` becomes
 *   ONNX's `W` `[1, 4H, F]` (transposed, gate blocks reordered), the recurrent kernel `[H, 4H]`
 *   becomes `R` `[1, 4H, H]`, and Keras's one bias becomes `B = [Wb, Rb]` `[1, 8H]` with
 *   `Rb = 0` (ONNX adds both). Without `useBias`, `B` is left out (ONNX's default is zeros).
 * - Activations: ONNX's defaults (f, g, h) = (Sigmoid, Tanh, Tanh) are Keras's
 *   (recurrentActivation, activation, activation) defaults; other ones go in `activations`
 *   (see `activation.ts`; `hard_sigmoid` is HardSigmoid alpha 1/6, beta 0.5).
 * - Layout: Keras is batch-first; the operator is written with `layout = 0` (time-major) between
 *   Transposes, because ONNX Runtime's CPU LSTM rejects `layout = 1`. Stacked LSTMs pass the
 *   time-major sequence on without transposing back.
 * - `goBackwards`: `direction = "reverse"`. Its `Y_h` is Keras's last output. Its `Y` is indexed
 *   by input time, while Keras's returned sequence is in processing order (the output for the
 *   last input step first), so with `returnSequences` the sequence is reversed along time.
 * - `returnState`: `[h, c]` are `Y_h` and `Y_c`.
 * - Dropout and recurrent dropout apply in training only: nothing to export.
 */
import type { LSTMConfig } from '../../layers/index.js';
import { attr, type OnnxValue, reverseAxis, squeeze, toTimeMajor } from '../graph-builder.js';
import { rnnActivation, rnnActivationAttributes, RNN_EXPORTABLE_ACTIVATIONS, type RnnActivation } from './activation.js';
import { type KerasWeight, type LayerExporter, unsupported } from './exporter.js';

/** ONNX gate block g comes from Keras gate block ONNX_FROM_KERAS[g] (ONNX i, o, f, c <- Keras i, f, c, o). */
const ONNX_FROM_KERAS = [0, 3, 1, 2] as const;

/**
 * Keras `[rows, 4H]` (gate blocks along columns, order i, f, c, o) -> ONNX `[4H, rows]`
 * (gate blocks along rows, order i, o, f, c).
 */
export function kerasGatesToOnnx(w: KerasWeight, units: number): Float32Array {
  const [rows, cols] = w.shape as [number, number];
  const out = new Float32Array(rows * cols);
  for (let g = 0; g < 4; g++) {
    const src = ONNX_FROM_KERAS[g]! * units;
    for (let j = 0; j < units; j++) {
      const outRow = (g * units + j) * rows;
      for (let k = 0; k < rows; k++) out[outRow + k] = w.data[k * cols + src + j]!;
    }
  }
  return out;
}

/** Keras bias `[4H]` (i, f, c, o) -> ONNX `B` `[8H]`: `Wb` in i, o, f, c order, then `Rb = 0`. */
export function kerasBiasToOnnx(bias: KerasWeight, units: number): Float32Array {
  const out = new Float32Array(8 * units);
  for (let g = 0; g < 4; g++) out.set(bias.data.subarray(ONNX_FROM_KERAS[g]! * units, (ONNX_FROM_KERAS[g]! + 1) * units), g * units);
  return out;
}

function activationFor(ctx: Parameters<LayerExporter<LSTMConfig>>[0], option: string, value: LSTMConfig['activation']): RnnActivation {
  const a = rnnActivation(value);
  if (!a) {
    throw unsupported(
      ctx,
      `${option} '${value}' has no counterpart among the activation functions of ONNX's LSTM operator ` +
        `(exportable: ${RNN_EXPORTABLE_ACTIVATIONS.map((n) => `'${n}'`).join(', ')})`,
    );
  }
  return a;
}

/** Exports an LSTM layer (see the module comment). */
export const exportLstm: LayerExporter<LSTMConfig> = (ctx, config, input) => {
  const { g } = ctx;
  const units = config.units;
  const f = activationFor(ctx, 'recurrentActivation', config.recurrentActivation);
  const act = activationFor(ctx, 'activation', config.activation);
  const kernel = ctx.weight('kernel');
  const features = kernel.shape[0]!;

  const x = toTimeMajor(g, input);
  const W = g.initializer('W', [1, 4 * units, features], kerasGatesToOnnx(kernel, units));
  const R = g.initializer('R', [1, 4 * units, units], kerasGatesToOnnx(ctx.weight('recurrent_kernel'), units));
  const inputs = [x.name, W, R];
  if (config.useBias) inputs.push(g.initializer('B', [1, 8 * units], kerasBiasToOnnx(ctx.weight('bias'), units)));

  const attributes = [attr.int('hidden_size', units), attr.string('direction', config.goBackwards ? 'reverse' : 'forward')];
  const functions = [f, act, act];
  const isDefault = f.name === 'Sigmoid' && act.name === 'Tanh';
  if (!isDefault) attributes.push(...rnnActivationAttributes(functions));

  const [Y, Yh, Yc] = g.node('LSTM', inputs, [config.returnSequences ? 'Y' : '', 'Y_h', config.returnState ? 'Y_c' : ''], attributes);
  const [batch, timesteps] = input.shape;
  const outputs: OnnxValue[] = [];
  if (config.returnSequences) {
    // Y: [T, 1, batch, H] -> [T, batch, H], kept time-major for the next layer.
    let seq = squeeze(g, Y!, [1], 'sequence');
    if (config.goBackwards) seq = reverseAxis(g, seq, 0, 'sequence_in_processing_order');
    outputs.push({ name: seq, shape: [batch ?? null, timesteps ?? null, units], timeMajor: true });
  } else {
    outputs.push({ name: squeeze(g, Yh!, [0], 'last_output'), shape: [batch ?? null, units], timeMajor: false });
  }
  if (config.returnState) {
    const h = config.returnSequences ? squeeze(g, Yh!, [0], 'h') : outputs[0]!.name;
    outputs.push({ name: h, shape: [batch ?? null, units], timeMajor: false });
    outputs.push({ name: squeeze(g, Yc!, [0], 'c'), shape: [batch ?? null, units], timeMajor: false });
  }
  return outputs;
};
