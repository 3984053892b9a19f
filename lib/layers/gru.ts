/**
 * The GRU layer (Keras `keras.layers.GRU`): options, validation, defaults, shapes.
 *
 * Keras's math: gates z (update), r (reset) and the candidate h, in that order in the kernels;
 * `h_t = z * h_{t-1} + (1 - z) * hh`. `resetAfter: true` (Keras's default, the cuDNN/LibTorch
 * convention) applies the reset gate after the recurrent product and keeps two biases
 * (`[2, 3*units]`: input and recurrent); `resetAfter: false` applies it before and keeps one
 * (`[3*units]`, what tfjs supports). On the CPU a fused kernel (an analytic backward for
 * training, its forward for predict) runs every form (both `resetAfter`, recurrent dropout, masks)
 * when the activations are ones it knows. Elsewhere, with `resetAfter`, tanh/sigmoid and no recurrent dropout the engine
 * runs LibTorch's fused `at::gru` (cuDNN on CUDA); otherwise the cell loop.
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

/** Options of {@link gru}; see each field for its default (the shared ones in {@link RecurrentArgs}). */
export interface GRUArgs extends RecurrentArgs {
  /** Activation of the gates z and r. Defaults to `'sigmoid'`. */
  recurrentActivation?: ActivationIdentifier | null;
  /**
   * Apply the reset gate after the recurrent product (Keras's default, cuDNN-compatible, two
   * bias rows) rather than before (the original GRU, one bias; what tfjs implements).
   * Defaults to `true`.
   */
  resetAfter?: boolean;
  /**
   * Keras 3's `use_cudnn`: `'auto'` runs LibTorch's fused GRU when the math allows (tanh,
   * sigmoid, `resetAfter: true`, no recurrent dropout in training, no mask or a right-padded
   * one) and the cell loop otherwise; `true` demands the fused kernel (a RangeError when the
   * options rule it out); `false` forces the cell loop. Defaults to `'auto'`.
   */
  useCudnn?: 'auto' | boolean;
}

/** The fully defaulted config of a {@link GRU} (what `getConfig()` returns). */
export interface GRUConfig extends RecurrentConfig {
  recurrentActivation: ActivationName;
  resetAfter: boolean;
  useCudnn: 'auto' | boolean;
}

/** Every option {@link gru} accepts. */
export const GRU_OPTIONS = [...RECURRENT_OPTIONS, 'recurrentActivation', 'resetAfter', 'useCudnn'] as const;

/** What keeps LibTorch's fused GRU from computing this config (empty: it can). */
export function gruFusedBlockers(config: Pick<GRUConfig, 'activation' | 'recurrentActivation' | 'recurrentDropout' | 'resetAfter'>): string[] {
  const out: string[] = [];
  if (config.activation !== 'tanh') out.push(`activation '${config.activation}'`);
  if (config.recurrentActivation !== 'sigmoid') out.push(`recurrentActivation '${config.recurrentActivation}'`);
  if (!config.resetAfter) out.push('resetAfter false');
  if (config.recurrentDropout > 0) out.push(`recurrentDropout ${config.recurrentDropout}`);
  return out;
}

/** Validates GRU options and fills the defaults; `path` names the options in errors. */
export function gruConfig(args: unknown, path: string): GRUConfig {
  const { o, base } = readRecurrentArgs<GRUArgs>(args, path, GRU_OPTIONS);
  const config: Omit<GRUConfig, 'name' | 'inputShape'> = {
    ...base,
    recurrentActivation: activationOption(o.recurrentActivation, `${path}.recurrentActivation`, 'sigmoid'),
    resetAfter: orDefault(o.resetAfter, `${path}.resetAfter`, true),
    useCudnn: useCudnnOption(o.useCudnn, `${path}.useCudnn`),
  };
  if (config.useCudnn === true) {
    const blockers = gruFusedBlockers(config);
    if (blockers.length > 0) {
      throw new RangeError(
        `${path}.useCudnn is true but the fused GRU kernel (cuDNN on CUDA, at::gru on CPU) cannot compute ` +
          `${blockers.join(', ')}; it needs activation 'tanh', recurrentActivation 'sigmoid', resetAfter true and ` +
          `recurrentDropout 0. Pass useCudnn: 'auto' to fall back to the cell loop`,
      );
    }
  }
  return finishRecurrentConfig<GRUConfig>(config, o, path, 'gru');
}

/** What `apply` of a GRU made with options `A` returns: `[output, h]` with `returnState: true`. */
export type GRUOutput<A> = RecurrentOutput<A, 1>;

/**
 * Gated Recurrent Unit (Cho et al., 2014), Keras semantics. Input `[batch, timesteps, features]`;
 * output `[batch, units]`, or `[batch, timesteps, units]` with `returnSequences`; with
 * `returnState` also the final state h. `apply(x, { initialState: h0 })` starts from a given state.
 */
export class GRU<O extends SymbolicTensor | SymbolicTensor[] = SymbolicTensor | SymbolicTensor[]> extends RecurrentLayer<GRUConfig, O> {
  readonly className = 'GRU' as const;
  readonly stateNames = ['h'] as const;
  /** The sequence, then optionally the initial state h. */
  override readonly maxInputs = 2;

  /**
   * @param args the options of {@link gru}.
   * @param path @internal the options' name in error messages.
   */
  constructor(args: GRUArgs, path = 'gru') {
    super(gruConfig(args, path));
  }

  /** Whether the reset gate applies after the recurrent product. */
  get resetAfter(): boolean {
    return this.config.resetAfter;
  }

  protected cellWeights(inputDim: number): WeightSpec[] {
    const u = this.config.units;
    const specs: WeightSpec[] = [
      { name: 'kernel', shape: [inputDim, 3 * u], layout: 'GRU kernel [inputDim, 3*units], gate order z, r, h' },
      { name: 'recurrent_kernel', shape: [u, 3 * u], layout: 'GRU recurrent kernel [units, 3*units], gate order z, r, h' },
    ];
    if (this.config.useBias) {
      specs.push(
        this.config.resetAfter
          ? { name: 'bias', shape: [2, 3 * u], layout: 'GRU bias [2, 3*units] (input row, recurrent row), gate order z, r, h' }
          : { name: 'bias', shape: [3 * u], layout: 'GRU bias [3*units], gate order z, r, h' },
      );
    }
    return specs;
  }
}

/**
 * Creates a GRU layer (Keras `keras.layers.GRU`).
 *
 * @example
 * const model = sequential([
 *   layers.gru({ units: 32, inputShape: [24, 1], returnSequences: true }),
 *   layers.gru({ units: 16, resetAfter: false }),  // tfjs-compatible weights
 *   layers.dense({ units: 1 }),
 * ]);
 * @throws {TypeError} an unknown option (with the nearest known one) or a value of the wrong type.
 * @throws {RangeError} a value out of range, or `useCudnn: true` with options the fused kernel cannot compute.
 */
export function gru<const A extends GRUArgs>(args: A): GRU<GRUOutput<A>> {
  return new GRU<GRUOutput<A>>(args, 'gru');
}
