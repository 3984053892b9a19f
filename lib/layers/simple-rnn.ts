/**
 * The SimpleRNN layer (Keras `keras.layers.SimpleRNN`): `h_t = activation(x_t W + h_{t-1} U + b)`,
 * kernel `[features, units]`, recurrent kernel `[units, units]`, bias `[units]`. With `tanh` or
 * `relu` the engine runs LibTorch's fused `at::rnn_tanh` / `at::rnn_relu`; otherwise the cell loop.
 */
import type { WeightSpec } from './layer.js';
import {
  finishRecurrentConfig,
  readRecurrentArgs,
  RECURRENT_OPTIONS,
  type RecurrentArgs,
  type RecurrentConfig,
  RecurrentLayer,
  type RecurrentOutput,
} from './rnn-base.js';
import type { SymbolicTensor } from './symbolic.js';

/** Options of {@link simpleRNN}: the shared recurrent options ({@link RecurrentArgs}). */
export type SimpleRNNArgs = RecurrentArgs;

/** The fully defaulted config of a {@link SimpleRNN} (what `getConfig()` returns). */
export type SimpleRNNConfig = RecurrentConfig;

/** Every option {@link simpleRNN} accepts. */
export const SIMPLE_RNN_OPTIONS = RECURRENT_OPTIONS;

/** Validates SimpleRNN options and fills the defaults; `path` names the options in errors. */
export function simpleRNNConfig(args: unknown, path: string): SimpleRNNConfig {
  const { o, base } = readRecurrentArgs<SimpleRNNArgs>(args, path, SIMPLE_RNN_OPTIONS);
  return finishRecurrentConfig<SimpleRNNConfig>(base, o, path, 'simple_rnn');
}

/** What `apply` of a SimpleRNN made with options `A` returns: `[output, h]` with `returnState: true`. */
export type SimpleRNNOutput<A> = RecurrentOutput<A, 1>;

/**
 * Fully-connected RNN whose output is fed back as its state, Keras semantics. Input
 * `[batch, timesteps, features]`; output `[batch, units]`, or `[batch, timesteps, units]` with
 * `returnSequences`; with `returnState` also the final state h.
 */
export class SimpleRNN<O extends SymbolicTensor | SymbolicTensor[] = SymbolicTensor | SymbolicTensor[]> extends RecurrentLayer<SimpleRNNConfig, O> {
  readonly className = 'SimpleRNN' as const;
  readonly stateNames = ['h'] as const;
  /** The sequence, then optionally the initial state h. */
  override readonly maxInputs = 2;

  /**
   * @param args the options of {@link simpleRNN}.
   * @param path @internal the options' name in error messages.
   */
  constructor(args: SimpleRNNArgs, path = 'simpleRNN') {
    super(simpleRNNConfig(args, path));
  }

  protected cellWeights(inputDim: number): WeightSpec[] {
    const u = this.config.units;
    const specs: WeightSpec[] = [
      { name: 'kernel', shape: [inputDim, u], layout: 'SimpleRNN kernel [inputDim, units]' },
      { name: 'recurrent_kernel', shape: [u, u], layout: 'SimpleRNN recurrent kernel [units, units]' },
    ];
    if (this.config.useBias) specs.push({ name: 'bias', shape: [u], layout: 'SimpleRNN bias [units]' });
    return specs;
  }
}

/**
 * Creates a SimpleRNN layer (Keras `keras.layers.SimpleRNN`; tfjs `layers.simpleRNN`).
 *
 * @example
 * const model = sequential([layers.simpleRNN({ units: 16, inputShape: [10, 1] }), layers.dense({ units: 1 })]);
 * @throws {TypeError} an unknown option (with the nearest known one) or a value of the wrong type.
 * @throws {RangeError} a value out of range.
 */
export function simpleRNN<const A extends SimpleRNNArgs>(args: A): SimpleRNN<SimpleRNNOutput<A>> {
  return new SimpleRNN<SimpleRNNOutput<A>>(args, 'simpleRNN');
}
