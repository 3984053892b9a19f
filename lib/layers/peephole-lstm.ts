/**
 * The peephole LSTM (Gers & Schmidhuber, 2000): an LSTM whose input and forget gates also see
 * the previous cell state and whose output gate sees the new one, as tf.keras's
 * `tf.keras.experimental.PeepholeLSTMCell` wrapped in an `RNN`:
 *
 *     i = rσ(x W_i + h U_i + b_i + w_i ⊙ c_{t-1})     f = rσ(x W_f + h U_f + b_f + w_f ⊙ c_{t-1})
 *     c_t = f ⊙ c_{t-1} + i ⊙ σ(x W_c + h U_c + b_c)   o = rσ(x W_o + h U_o + b_o + w_o ⊙ c_t)
 *     h_t = o ⊙ σ(c_t)
 *
 * Keras has no layer class for it: `PeepholeLSTM` is this library's class name (in saved
 * models too), with the LSTM's options and config keys except `useCudnn` (LibTorch's fused
 * kernels and cuDNN have no peepholes: on the CPU the engine's own fused kernel, with an analytic
 * backward, trains and predicts it; elsewhere the cell loop). Weights: the LSTM's kernel, recurrent kernel and
 * bias, then `input_gate_peephole_weights`, `forget_gate_peephole_weights`,
 * `output_gate_peephole_weights` (each `[units]`, initialized with `kernelInitializer`).
 */
import type { WeightSpec } from './layer.js';
import { type LSTMArgs, type LSTMConfig, lstmConfig, LSTM_OPTIONS, lstmWeights } from './lstm.js';
import { RecurrentLayer, type RecurrentOutput } from './rnn-base.js';
import type { SymbolicTensor } from './symbolic.js';
import { checkOptions } from '../validate.js';

/** Options of {@link peepholeLstm}: the LSTM's, without `useCudnn`. */
export type PeepholeLSTMArgs = Omit<LSTMArgs, 'useCudnn'>;

/** The fully defaulted config of a {@link PeepholeLSTM} (what `getConfig()` returns). */
export type PeepholeLSTMConfig = Omit<LSTMConfig, 'useCudnn'>;

/** Every option {@link peepholeLstm} accepts. */
export const PEEPHOLE_LSTM_OPTIONS = LSTM_OPTIONS.filter((o) => o !== 'useCudnn');

/** Validates peephole LSTM options and fills the defaults; `path` names the options in errors. */
export function peepholeLstmConfig(args: unknown, path: string): PeepholeLSTMConfig {
  if (args !== undefined) checkOptions(args, path, PEEPHOLE_LSTM_OPTIONS);
  const { useCudnn: _unused, ...config } = lstmConfig(args, path, 'peephole_lstm');
  return config;
}

/** What `apply` of a PeepholeLSTM made with options `A` returns: `[output, h, c]` with `returnState: true`. */
export type PeepholeLSTMOutput<A> = RecurrentOutput<A, 2>;

/**
 * LSTM with peephole connections (see the module docs for the math). Same inputs, outputs and
 * states as an {@link LSTM}; computed by the engine's fused CPU kernel on the CPU (activations
 * it knows), by the cell loop elsewhere.
 */
export class PeepholeLSTM<O extends SymbolicTensor | SymbolicTensor[] = SymbolicTensor | SymbolicTensor[]> extends RecurrentLayer<PeepholeLSTMConfig, O> {
  readonly className = 'PeepholeLSTM' as const;
  readonly stateNames = ['h', 'c'] as const;
  /** The sequence, then optionally the initial states h and c. */
  override readonly maxInputs = 3;

  /**
   * @param args the options of {@link peepholeLstm}.
   * @param path @internal the options' name in error messages.
   */
  constructor(args: PeepholeLSTMArgs, path = 'peepholeLstm') {
    super(peepholeLstmConfig(args, path));
  }

  protected cellWeights(inputDim: number): WeightSpec[] {
    const u = this.config.units;
    return [
      ...lstmWeights(inputDim, u, this.config.useBias),
      { name: 'input_gate_peephole_weights', shape: [u], layout: 'peephole weights of the input gate [units]' },
      { name: 'forget_gate_peephole_weights', shape: [u], layout: 'peephole weights of the forget gate [units]' },
      { name: 'output_gate_peephole_weights', shape: [u], layout: 'peephole weights of the output gate [units]' },
    ];
  }
}

/**
 * Creates a peephole LSTM layer (tf.keras `RNN(PeepholeLSTMCell(units))`).
 *
 * @example
 * const model = sequential([layers.peepholeLstm({ units: 16, inputShape: [20, 1] }), layers.dense({ units: 1 })]);
 * @throws {TypeError} an unknown option (with the nearest known one) or a value of the wrong type.
 * @throws {RangeError} a value out of range.
 */
export function peepholeLstm<const A extends PeepholeLSTMArgs>(args: A): PeepholeLSTM<PeepholeLSTMOutput<A>> {
  return new PeepholeLSTM<PeepholeLSTMOutput<A>>(args, 'peepholeLstm');
}
