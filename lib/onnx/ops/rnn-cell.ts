/**
 * A Keras recurrent layer as one direction of an ONNX recurrent operator (`LSTM`, `GRU`,
 * `RNN`): its weights in ONNX's layout and its activation functions. The layer files
 * (`lstm.ts`, `gru.ts`, `simple-rnn.ts`, `peephole-lstm.ts`) build it from Keras weights;
 * `recurrent.ts` turns one or two of them into the operator.
 */
import type { ActivationName } from '../../layers/index.js';
import { rnnActivation, RNN_EXPORTABLE_ACTIVATIONS, type RnnActivation } from './activation.js';
import { type KerasWeight, type LayerExportContext, unsupported } from './exporter.js';

/** The ONNX recurrent operators. */
export type RnnOp = 'LSTM' | 'GRU' | 'RNN';

/** Gate blocks per operator (LSTM i, o, f, c; GRU z, r, h; RNN one). */
export const GATES: Readonly<Record<RnnOp, number>> = { LSTM: 4, GRU: 3, RNN: 1 };

/** The states each operator carries, in Keras's order (`Y_h`, then `Y_c` for an LSTM). */
export const STATES: Readonly<Record<RnnOp, number>> = { LSTM: 2, GRU: 1, RNN: 1 };

/** ONNX's default activation functions of each operator (f, g, h / f, g / f). */
const DEFAULT_FUNCTIONS: Readonly<Record<RnnOp, readonly string[]>> = {
  LSTM: ['Sigmoid', 'Tanh', 'Tanh'],
  GRU: ['Sigmoid', 'Tanh'],
  RNN: ['Tanh'],
};

/** One direction of an ONNX recurrent operator, weights in ONNX's layout (the direction axis left out). */
export interface RnnCell {
  op: RnnOp;
  units: number;
  features: number;
  /** `W` `[gates*units, features]`, gate blocks in ONNX's order. */
  W: Float32Array;
  /** `R` `[gates*units, units]`. */
  R: Float32Array;
  /** `B` `[2*gates*units]` (`Wb` then `Rb`); absent without a bias (ONNX's default: zeros). */
  B?: Float32Array;
  /** LSTM peepholes `P` `[3*units]` (input, output, forget). */
  P?: Float32Array;
  /** The activation functions, in the operator's order. */
  functions: RnnActivation[];
  /** GRU: the reset gate applies after the recurrent product (Keras `reset_after`). */
  linearBeforeReset?: boolean;
}

/** Whether the functions are the operator's defaults (then no `activations` attribute is written). */
export function defaultFunctions(op: RnnOp, functions: readonly RnnActivation[]): boolean {
  return functions.every((f, i) => f.name === DEFAULT_FUNCTIONS[op][i]);
}

/**
 * Keras `[rows, gates*units]` (gate blocks along columns) -> ONNX `[gates*units, rows]` (gate
 * blocks along rows), ONNX gate block g taken from Keras block `order[g]`.
 */
export function kerasGatesToOnnx(w: KerasWeight, units: number, order: readonly number[]): Float32Array {
  const [rows, cols] = w.shape as [number, number];
  const out = new Float32Array(rows * cols);
  order.forEach((from, g) => {
    const src = from * units;
    for (let j = 0; j < units; j++) {
      const outRow = (g * units + j) * rows;
      for (let k = 0; k < rows; k++) out[outRow + k] = w.data[k * cols + src + j]!;
    }
  });
  return out;
}

/** Keras bias blocks `[gates*units]` reordered as `order` says. */
export function reorderBlocks(data: Float32Array, units: number, order: readonly number[]): Float32Array {
  const out = new Float32Array(order.length * units);
  order.forEach((from, g) => out.set(data.subarray(from * units, (from + 1) * units), g * units));
  return out;
}

/** The ONNX form of a Keras activation option, or a RangeError naming the layer, the option and the operator. */
export function cellActivation(ctx: Pick<LayerExportContext, 'label'>, op: RnnOp, option: string, value: ActivationName): RnnActivation {
  const a = rnnActivation(value);
  if (!a) {
    throw unsupported(
      ctx,
      `${option} '${value}' has no counterpart among the activation functions of ONNX's ${op} operator ` +
        `(exportable: ${RNN_EXPORTABLE_ACTIVATIONS.map((n) => `'${n}'`).join(', ')})`,
    );
  }
  return a;
}
