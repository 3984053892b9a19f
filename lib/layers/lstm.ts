/**
 * The LSTM layer (Keras `keras.layers.LSTM`): options, validation, defaults, shapes.
 *
 * The math is Keras's: gates i, f, c, o in that order, one bias vector, the forget-gate bias
 * set to 1 at initialization (`unitForgetBias`), `dropout` a per-sequence mask on the inputs,
 * `recurrentDropout` per-sequence masks on h(t-1). The options every recurrent layer shares
 * (stateful, regularizers, masks, initial states) are in `rnn-base.ts`.
 */
import type { ActivationIdentifier, ActivationName } from './activations.js';
import type { WeightSpec } from './layer.js';
import {
  activationOption,
  finishRecurrentConfig,
  orDefault,
  readRecurrentArgs,
  RECURRENT_OPTIONS,
  type RecurrentArgs,
  type RecurrentConfig,
  RecurrentLayer,
  type RecurrentOutput,
  useCudnnOption,
} from './rnn-base.js';
import type { SymbolicTensor } from './symbolic.js';

/** Options of {@link lstm}; see each field for its default (the shared ones in {@link RecurrentArgs}). */
export interface LSTMArgs extends RecurrentArgs {
  /** Activation of the gates i, f, o. Defaults to `'sigmoid'`. */
  recurrentActivation?: ActivationIdentifier | null;
  /** Add 1 to the forget-gate bias at initialization (Jozefowicz et al.). Defaults to `true`. */
  unitForgetBias?: boolean;
  /**
   * Keras 3's `use_cudnn`: which kernel runs. `'auto'` uses LibTorch's fused LSTM (cuDNN on
   * CUDA, `at::lstm` on CPU) whenever the math allows (tanh, sigmoid, no recurrent dropout in
   * training, no mask or a right-padded one) and the explicit cell loop otherwise; `true`
   * demands the fused kernel (a RangeError here when the options rule it out, as Keras
   * raises); `false` forces the cell loop. Defaults to `'auto'`.
   */
  useCudnn?: 'auto' | boolean;
}

/** The fully defaulted config of an {@link LSTM} (what `getConfig()` returns). */
export interface LSTMConfig extends RecurrentConfig {
  recurrentActivation: ActivationName;
  unitForgetBias: boolean;
  useCudnn: 'auto' | boolean;
}

/** Every option {@link lstm} accepts. */
export const LSTM_OPTIONS = [...RECURRENT_OPTIONS, 'recurrentActivation', 'unitForgetBias', 'useCudnn'] as const;

/**
 * Validates LSTM options and fills the defaults. `path` names the options object in errors
 * (`lstm`, `layers[1]`); `prefix` is the default name's stem. The layer name is drawn last, so a
 * failed call takes no name.
 */
export function lstmConfig(args: unknown, path: string, prefix = 'lstm'): LSTMConfig {
  const { o, base } = readRecurrentArgs<LSTMArgs>(args, path, LSTM_OPTIONS);
  const config: Omit<LSTMConfig, 'name' | 'inputShape'> = {
    ...base,
    recurrentActivation: activationOption(o.recurrentActivation, `${path}.recurrentActivation`, 'sigmoid'),
    unitForgetBias: orDefault(o.unitForgetBias, `${path}.unitForgetBias`, true),
    useCudnn: useCudnnOption(o.useCudnn, `${path}.useCudnn`),
  };
  if (config.useCudnn === true) {
    const blockers = fusedBlockers(config);
    if (blockers.length > 0) {
      throw new RangeError(
        `${path}.useCudnn is true but the fused LSTM kernel (cuDNN on CUDA, at::lstm on CPU) cannot compute ` +
          `${blockers.join(', ')}; it needs activation 'tanh', recurrentActivation 'sigmoid' and recurrentDropout 0. ` +
          `Pass useCudnn: 'auto' to fall back to the cell loop`,
      );
    }
  }
  return finishRecurrentConfig<LSTMConfig>(config, o, path, prefix);
}

/** What keeps the fused kernel from computing this config (empty: it can). */
export function fusedBlockers(config: Pick<LSTMConfig, 'activation' | 'recurrentActivation' | 'recurrentDropout'>): string[] {
  const out: string[] = [];
  if (config.activation !== 'tanh') out.push(`activation '${config.activation}'`);
  if (config.recurrentActivation !== 'sigmoid') out.push(`recurrentActivation '${config.recurrentActivation}'`);
  if (config.recurrentDropout > 0) out.push(`recurrentDropout ${config.recurrentDropout}`);
  return out;
}

/**
 * What `apply` of an LSTM made with options `A` returns: `[output, h, c]` with `returnState: true`,
 * else one tensor (either, when `returnState` is not known statically).
 */
export type LSTMOutput<A> = RecurrentOutput<A, 2>;

/** The states of an LSTM, in Keras order. */
const LSTM_STATES = ['h', 'c'] as const;

/** The LSTM's weights for `inputDim` features, Keras order and layout. */
export function lstmWeights(inputDim: number, units: number, useBias: boolean): WeightSpec[] {
  const u = units;
  const specs: WeightSpec[] = [
    { name: 'kernel', shape: [inputDim, 4 * u], layout: 'LSTM kernel [inputDim, 4*units], gate order i, f, c, o' },
    { name: 'recurrent_kernel', shape: [u, 4 * u], layout: 'LSTM recurrent kernel [units, 4*units], gate order i, f, c, o' },
  ];
  if (useBias) specs.push({ name: 'bias', shape: [4 * u], layout: 'LSTM bias [4*units], gate order i, f, c, o' });
  return specs;
}

/**
 * Long Short-Term Memory layer (Hochreiter & Schmidhuber, 1997), Keras semantics.
 * Input `[batch, timesteps, features]`; output `[batch, units]`, or `[batch, timesteps, units]`
 * with `returnSequences`; with `returnState`, also the final states h and c, each `[batch, units]`.
 * In a functional model, `apply(x, { initialState: [h0, c0] })` (or `apply([x, h0, c0])`) starts
 * from given states instead of zeros.
 */
export class LSTM<O extends SymbolicTensor | SymbolicTensor[] = SymbolicTensor | SymbolicTensor[]> extends RecurrentLayer<LSTMConfig, O> {
  readonly className = 'LSTM' as const;
  readonly stateNames = LSTM_STATES;
  /** The sequence, then optionally the initial states h and c. */
  override readonly maxInputs = 3;

  /**
   * @param args the options of {@link lstm}.
   * @param path @internal the options' name in error messages.
   */
  constructor(args: LSTMArgs, path = 'lstm') {
    super(lstmConfig(args, path));
  }

  protected cellWeights(inputDim: number): WeightSpec[] {
    return lstmWeights(inputDim, this.config.units, this.config.useBias);
  }
}

/**
 * Creates an LSTM layer (Keras `keras.layers.LSTM`).
 *
 * @example
 * const model = sequential([
 *   layers.lstm({ units: 64, inputShape: [10, 1], returnSequences: true, dropout: 0.2 }),
 *   layers.lstm({ units: 32, recurrentDropout: 0.1, kernelRegularizer: regularizers.l2(1e-4) }),
 *   layers.dense({ units: 1 }),
 * ]);
 * // functional: an encoder's states start the decoder
 * const [, h, c] = layers.lstm({ units: 32, returnState: true }).apply(encoderInputs);
 * const decoded = layers.lstm({ units: 32, returnSequences: true }).apply(decoderInputs, { initialState: [h, c] });
 * @throws {TypeError} an unknown option (with the nearest known one) or a value of the wrong type.
 * @throws {RangeError} a value out of range, or `useCudnn: true` with options the fused kernel cannot compute.
 */
export function lstm<const A extends LSTMArgs>(args: A): LSTM<LSTMOutput<A>> {
  return new LSTM<LSTMOutput<A>>(args, 'lstm');
}
