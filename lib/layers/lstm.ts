/**
 * The LSTM layer (Keras `keras.layers.LSTM`): options, validation, defaults, shapes.
 *
 * The math is Keras's: gates i, f, c, o in that order, one bias vector, the forget-gate bias
 * set to 1 at initialization (`unitForgetBias`), `dropout` a per-sequence mask on the inputs,
 * `recurrentDropout` a per-sequence mask on h(t-1).
 */
import { boolean, checkOptions, describe, integer, number } from '../validate.js';
import { activation, type ActivationIdentifier, type ActivationName } from './activations.js';
import { initializer, type InitializerConfig, type InitializerIdentifier } from './initializers.js';
import {
  type BaseLayerArgs,
  type BaseLayerConfig,
  Layer,
  inputShapeOption,
  layerName,
  type Shape,
  type WeightSpec,
} from './layer.js';

/** Options of {@link lstm}; see each field for its default. */
export interface LSTMArgs extends BaseLayerArgs {
  /** Dimension of the output space (a positive integer). Required. */
  units: number;
  /** Activation of the cell candidate and the output. Defaults to `'tanh'`. */
  activation?: ActivationIdentifier | null;
  /** Activation of the gates i, f, o. Defaults to `'sigmoid'`. */
  recurrentActivation?: ActivationIdentifier | null;
  /** Whether the layer uses a bias vector. Defaults to `true`. */
  useBias?: boolean;
  /** Initializer of the input kernel. Defaults to `'glorotUniform'`. */
  kernelInitializer?: InitializerIdentifier;
  /** Initializer of the recurrent kernel. Defaults to `'orthogonal'`. */
  recurrentInitializer?: InitializerIdentifier;
  /** Initializer of the bias. Defaults to `'zeros'`. */
  biasInitializer?: InitializerIdentifier;
  /** Add 1 to the forget-gate bias at initialization (Jozefowicz et al.). Defaults to `true`. */
  unitForgetBias?: boolean;
  /** Fraction of the inputs dropped in training, one mask per sequence; in [0, 1). Defaults to `0`. */
  dropout?: number;
  /** Fraction of h(t-1) dropped in training, one mask per sequence; in [0, 1). Defaults to `0`. */
  recurrentDropout?: number;
  /** Return the whole output sequence `[batch, timesteps, units]` rather than the last output. Defaults to `false`. */
  returnSequences?: boolean;
  /** Also return the final states h and c (`[output, h, c]`). Defaults to `false`. */
  returnState?: boolean;
  /** Process the input sequence backwards (and return the reversed sequence). Defaults to `false`. */
  goBackwards?: boolean;
  /**
   * Keras 3's `use_cudnn`: which kernel runs. `'auto'` uses LibTorch's fused LSTM (cuDNN on
   * CUDA, `at::lstm` on CPU) whenever the math allows (tanh, sigmoid, no recurrent dropout)
   * and the explicit cell loop otherwise; `true` demands the fused kernel (a RangeError here
   * when the options rule it out, as Keras raises); `false` forces the cell loop.
   * Defaults to `'auto'`.
   */
  useCudnn?: 'auto' | boolean;
  /** `[timesteps, features]` of one sample; `timesteps` may be `null` (variable length). */
  inputShape?: readonly [number | null, number] | readonly (number | null)[] | null;
}

/** The fully defaulted config of an {@link LSTM} (what `getConfig()` returns). */
export interface LSTMConfig extends BaseLayerConfig {
  units: number;
  activation: ActivationName;
  recurrentActivation: ActivationName;
  useBias: boolean;
  kernelInitializer: InitializerConfig;
  recurrentInitializer: InitializerConfig;
  biasInitializer: InitializerConfig;
  unitForgetBias: boolean;
  dropout: number;
  recurrentDropout: number;
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
  useCudnn: 'auto' | boolean;
}

/** Every option {@link lstm} accepts. */
export const LSTM_OPTIONS = [
  'units', 'activation', 'recurrentActivation', 'useBias', 'kernelInitializer', 'recurrentInitializer',
  'biasInitializer', 'unitForgetBias', 'dropout', 'recurrentDropout', 'returnSequences', 'returnState',
  'goBackwards', 'useCudnn', 'inputShape', 'name',
] as const;

function rate(value: unknown, name: string): number {
  if (value === undefined) return 0;
  return number(value, name, { min: 0, max: 1, maxExclusive: true });
}

function orDefault(value: unknown, name: string, fallback: boolean): boolean {
  return value === undefined ? fallback : boolean(value, name);
}

/**
 * Validates LSTM options and fills the defaults. `path` names the options object in errors
 * (`lstm`, `layers[1]`). The layer name is drawn last, so a failed call takes no name.
 */
export function lstmConfig(args: unknown, path: string): LSTMConfig {
  if (args === undefined) throw new TypeError(`Expected an options object with units for ${path} but received undefined`);
  const o = checkOptions<LSTMArgs>(args, path, LSTM_OPTIONS);
  const units = integer(o.units, `${path}.units`, { min: 1 });
  const config: Omit<LSTMConfig, 'name'> = {
    units,
    activation: o.activation === undefined ? 'tanh' : activation(o.activation, `${path}.activation`),
    recurrentActivation:
      o.recurrentActivation === undefined ? 'sigmoid' : activation(o.recurrentActivation, `${path}.recurrentActivation`),
    useBias: orDefault(o.useBias, `${path}.useBias`, true),
    kernelInitializer: initializer(o.kernelInitializer ?? 'glorotUniform', `${path}.kernelInitializer`),
    recurrentInitializer: initializer(o.recurrentInitializer ?? 'orthogonal', `${path}.recurrentInitializer`),
    biasInitializer: initializer(o.biasInitializer ?? 'zeros', `${path}.biasInitializer`),
    unitForgetBias: orDefault(o.unitForgetBias, `${path}.unitForgetBias`, true),
    dropout: rate(o.dropout, `${path}.dropout`),
    recurrentDropout: rate(o.recurrentDropout, `${path}.recurrentDropout`),
    returnSequences: orDefault(o.returnSequences, `${path}.returnSequences`, false),
    returnState: orDefault(o.returnState, `${path}.returnState`, false),
    goBackwards: orDefault(o.goBackwards, `${path}.goBackwards`, false),
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
  const inputShape = inputShapeOption(o.inputShape, path, {
    rank: 2,
    lastKnown: true,
    what: 'an array [timesteps, features] (timesteps may be null)',
  });
  const name = layerName(o.name, path, 'lstm');
  return inputShape ? { name, ...config, inputShape } : { name, ...config };
}

function useCudnnOption(value: unknown, name: string): 'auto' | boolean {
  if (value === undefined || value === 'auto') return 'auto';
  if (typeof value === 'boolean') return value;
  const err = `Expected 'auto', true or false for ${name} but received ${describe(value)} of type ${typeof value}`;
  throw typeof value === 'string' ? new RangeError(err) : new TypeError(err);
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
 * Long Short-Term Memory layer (Hochreiter & Schmidhuber, 1997), Keras semantics.
 * Input `[batch, timesteps, features]`; output `[batch, units]`, or `[batch, timesteps, units]`
 * with `returnSequences`.
 */
export class LSTM extends Layer<LSTMConfig> {
  readonly className = 'LSTM' as const;
  readonly minInputRank = 3;
  readonly maxInputRank = 3;

  /**
   * @param args the options of {@link lstm}.
   * @param path @internal the options' name in error messages.
   */
  constructor(args: LSTMArgs, path = 'lstm') {
    super(lstmConfig(args, path));
  }

  get units(): number {
    return this.config.units;
  }

  get returnSequences(): boolean {
    return this.config.returnSequences;
  }

  get returnState(): boolean {
    return this.config.returnState;
  }

  computeOutputShape(inputShape: Shape): Shape {
    const [batch, timesteps] = inputShape;
    return this.config.returnSequences
      ? [batch ?? null, timesteps ?? null, this.config.units]
      : [batch ?? null, this.config.units];
  }

  override stateShapes(inputShape: Shape): Shape[] {
    if (!this.config.returnState) return [];
    const h: Shape = [inputShape[0] ?? null, this.config.units];
    return [h, [...h]];
  }

  weightSpecs(inputShape: Shape): WeightSpec[] {
    const inputDim = inputShape[inputShape.length - 1];
    if (typeof inputDim !== 'number') throw new RangeError('the features dimension of an LSTM input must be known');
    const u = this.config.units;
    const specs: WeightSpec[] = [
      { name: 'kernel', shape: [inputDim, 4 * u], layout: 'LSTM kernel [inputDim, 4*units], gate order i, f, c, o' },
      { name: 'recurrent_kernel', shape: [u, 4 * u], layout: 'LSTM recurrent kernel [units, 4*units], gate order i, f, c, o' },
    ];
    if (this.config.useBias) specs.push({ name: 'bias', shape: [4 * u], layout: 'LSTM bias [4*units], gate order i, f, c, o' });
    return specs;
  }
}

/**
 * Creates an LSTM layer (Keras `keras.layers.LSTM`).
 *
 * @example
 * const model = sequential([
 *   layers.lstm({ units: 64, inputShape: [10, 1], returnSequences: true, dropout: 0.2 }),
 *   layers.lstm({ units: 32, recurrentDropout: 0.1 }),
 *   layers.dense({ units: 1 }),
 * ]);
 * @throws {TypeError} an unknown option (with the nearest known one) or a value of the wrong type.
 * @throws {RangeError} a value out of range, or `useCudnn: true` with options the fused kernel cannot compute.
 */
export function lstm(args: LSTMArgs): LSTM {
  return new LSTM(args, 'lstm');
}
