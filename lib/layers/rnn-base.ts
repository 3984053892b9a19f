/**
 * What every recurrent layer (LSTM, GRU, SimpleRNN, PeepholeLSTM) shares, Keras's `RNN` base:
 * the common options and their defaults, `stateful`, the regularizers, initial states in the
 * functional API, output shapes and masks.
 *
 * Masks (from `embedding({ maskZero: true })` or `masking()`) flow through every recurrent
 * layer as in Keras: a masked timestep carries the states through unchanged, and with
 * `returnSequences` its output repeats the previous output (zeros before the first valid
 * step); the output keeps the mask with `returnSequences` and drops it otherwise. Right-padded
 * masks keep the fused LibTorch kernel (packed sequences); any other mask runs the cell loop.
 */
import { boolean, checkOptions, describe, integer, number } from '../validate.js';
import { activation, type ActivationIdentifier, type ActivationName } from './activations.js';
import { initializer, type InitializerConfig, type InitializerIdentifier } from './initializers.js';
import {
  type BaseLayerArgs,
  type BaseLayerConfig,
  type CallInputs,
  Layer,
  inputShapeOption,
  layerName,
  type Shape,
  type WeightSpec,
} from './layer.js';
import { checkInitialStates, recurrentCallInputs } from './recurrent.js';
import { regularizerOption, type RegularizerConfig, type RegularizerIdentifier } from './regularizers.js';
import type { SymbolicTensor } from './symbolic.js';

/** Options every recurrent layer accepts; see each field for its default. */
export interface RecurrentArgs extends BaseLayerArgs {
  /** Dimension of the output space (a positive integer). Required. */
  units: number;
  /** Activation of the candidate (and of the LSTM output). Defaults to `'tanh'`. */
  activation?: ActivationIdentifier | null;
  /** Whether the layer uses a bias vector. Defaults to `true`. */
  useBias?: boolean;
  /** Initializer of the input kernel. Defaults to `'glorotUniform'`. */
  kernelInitializer?: InitializerIdentifier;
  /** Initializer of the recurrent kernel. Defaults to `'orthogonal'`. */
  recurrentInitializer?: InitializerIdentifier;
  /** Initializer of the bias. Defaults to `'zeros'`. */
  biasInitializer?: InitializerIdentifier;
  /** Penalty on the input kernel, added to the loss. Defaults to `null` (none). */
  kernelRegularizer?: RegularizerIdentifier;
  /** Penalty on the recurrent kernel, added to the loss. Defaults to `null` (none). */
  recurrentRegularizer?: RegularizerIdentifier;
  /** Penalty on the bias, added to the loss. Defaults to `null` (none). */
  biasRegularizer?: RegularizerIdentifier;
  /** Penalty on the layer's outputs (every output, states included), added to the loss. Defaults to `null` (none). */
  activityRegularizer?: RegularizerIdentifier;
  /**
   * Fraction of the inputs dropped in training, one mask per sequence (one per gate with
   * `recurrentDropout`, as Keras); in [0, 1). Defaults to `0`.
   */
  dropout?: number;
  /** Fraction of h(t-1) dropped in training, one mask per sequence and gate; in [0, 1). Defaults to `0`. */
  recurrentDropout?: number;
  /** Return the whole output sequence `[batch, timesteps, units]` rather than the last output. Defaults to `false`. */
  returnSequences?: boolean;
  /** Also return the final states (`[output, ...states]`). Defaults to `false`. */
  returnState?: boolean;
  /** Process the input sequence backwards (and return the reversed sequence). Defaults to `false`. */
  goBackwards?: boolean;
  /**
   * Keep the final states of each batch as the initial states of the next (sample i of a batch
   * continues sample i of the previous one), until `model.resetStates()`. Every batch must then
   * have the same size: use a `batchSize` that divides the number of samples (a batch of
   * another size is an error naming the layer), and `shuffle: false` in `fit`. No gradient
   * crosses batches. Defaults to `false`.
   */
  stateful?: boolean;
  /** `[timesteps, features]` of one sample; `timesteps` may be `null` (variable length). */
  inputShape?: readonly [number | null, number] | readonly (number | null)[] | null;
}

/** The fully defaulted options every recurrent layer's config holds. */
export interface RecurrentConfig extends BaseLayerConfig {
  units: number;
  activation: ActivationName;
  useBias: boolean;
  kernelInitializer: InitializerConfig;
  recurrentInitializer: InitializerConfig;
  biasInitializer: InitializerConfig;
  kernelRegularizer: RegularizerConfig | null;
  recurrentRegularizer: RegularizerConfig | null;
  biasRegularizer: RegularizerConfig | null;
  activityRegularizer: RegularizerConfig | null;
  dropout: number;
  recurrentDropout: number;
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
  stateful: boolean;
}

/** The options of {@link RecurrentArgs}. */
export const RECURRENT_OPTIONS = [
  'units', 'activation', 'useBias', 'kernelInitializer', 'recurrentInitializer', 'biasInitializer',
  'kernelRegularizer', 'recurrentRegularizer', 'biasRegularizer', 'activityRegularizer', 'dropout',
  'recurrentDropout', 'returnSequences', 'returnState', 'goBackwards', 'stateful', 'inputShape', 'name',
] as const;

/** A dropout rate in [0, 1); `0` when absent. */
export function rate(value: unknown, name: string): number {
  if (value === undefined) return 0;
  return number(value, name, { min: 0, max: 1, maxExclusive: true });
}

/** A boolean option with its default. */
export function orDefault(value: unknown, name: string, fallback: boolean): boolean {
  return value === undefined ? fallback : boolean(value, name);
}

/** Keras 3's `use_cudnn`: `'auto'`, `true` or `false`. */
export function useCudnnOption(value: unknown, name: string): 'auto' | boolean {
  if (value === undefined || value === 'auto') return 'auto';
  if (typeof value === 'boolean') return value;
  const err = `Expected 'auto', true or false for ${name} but received ${describe(value)} of type ${typeof value}`;
  throw typeof value === 'string' ? new RangeError(err) : new TypeError(err);
}

/** A named option: `activation(o.x ?? fallback)`. */
export function activationOption(value: unknown, name: string, fallback: ActivationName): ActivationName {
  return value === undefined ? fallback : activation(value, name);
}

/**
 * Reads the shared options (`options` lists every option of the layer, for the unknown-option
 * check) and returns them defaulted, with the layer's own options still to read from `o`.
 * `prefix` names the layer when no name is given (`gru`, `gru_1`, ...); the name is drawn last
 * by {@link finishRecurrentConfig}, so a failed call takes no name.
 */
export function readRecurrentArgs<A extends RecurrentArgs>(
  args: unknown,
  path: string,
  options: readonly string[],
): { o: Partial<A>; base: Omit<RecurrentConfig, 'name' | 'inputShape'> } {
  if (args === undefined) throw new TypeError(`Expected an options object with units for ${path} but received undefined`);
  const o = checkOptions<A>(args, path, options);
  const base: Omit<RecurrentConfig, 'name' | 'inputShape'> = {
    units: integer(o.units, `${path}.units`, { min: 1 }),
    activation: activationOption(o.activation, `${path}.activation`, 'tanh'),
    useBias: orDefault(o.useBias, `${path}.useBias`, true),
    kernelInitializer: initializer(o.kernelInitializer ?? 'glorotUniform', `${path}.kernelInitializer`),
    recurrentInitializer: initializer(o.recurrentInitializer ?? 'orthogonal', `${path}.recurrentInitializer`),
    biasInitializer: initializer(o.biasInitializer ?? 'zeros', `${path}.biasInitializer`),
    kernelRegularizer: regularizerOption(o.kernelRegularizer, `${path}.kernelRegularizer`),
    recurrentRegularizer: regularizerOption(o.recurrentRegularizer, `${path}.recurrentRegularizer`),
    biasRegularizer: regularizerOption(o.biasRegularizer, `${path}.biasRegularizer`),
    activityRegularizer: regularizerOption(o.activityRegularizer, `${path}.activityRegularizer`),
    dropout: rate(o.dropout, `${path}.dropout`),
    recurrentDropout: rate(o.recurrentDropout, `${path}.recurrentDropout`),
    returnSequences: orDefault(o.returnSequences, `${path}.returnSequences`, false),
    returnState: orDefault(o.returnState, `${path}.returnState`, false),
    goBackwards: orDefault(o.goBackwards, `${path}.goBackwards`, false),
    stateful: orDefault(o.stateful, `${path}.stateful`, false),
  };
  return { o, base };
}

/** Adds the input shape (when given) and the name, drawn last. */
export function finishRecurrentConfig<C extends RecurrentConfig>(
  config: Omit<C, 'name' | 'inputShape'>,
  o: Partial<RecurrentArgs>,
  path: string,
  prefix: string,
): C {
  const inputShape = inputShapeOption(o.inputShape, path, {
    rank: 2,
    lastKnown: true,
    what: 'an array [timesteps, features] (timesteps may be null)',
  });
  const name = layerName(o.name, path, prefix);
  return (inputShape ? { name, ...config, inputShape } : { name, ...config }) as C;
}

/**
 * What `apply` of a recurrent layer made with options `A` returns: `[output, ...states]` (`N`
 * states) with `returnState: true`, else one tensor (either, when not known statically).
 */
export type RecurrentOutput<A, N extends 1 | 2> = [ReturnStateOf<A>] extends [true]
  ? N extends 2
    ? [SymbolicTensor, SymbolicTensor, SymbolicTensor]
    : [SymbolicTensor, SymbolicTensor]
  : [ReturnStateOf<A>] extends [false | undefined]
    ? SymbolicTensor
    : SymbolicTensor | SymbolicTensor[];

/**
 * The type of `returnState` in options `A` (`undefined` when not given). Read by key rather than
 * with `A extends { returnState?: false }`: an options object without the key is not assignable
 * to that all-optional ("weak") type, so the check would fail for `{ units: 8 }`.
 */
type ReturnStateOf<A> = 'returnState' extends keyof A ? A['returnState' & keyof A] : undefined;

/**
 * Base class of the recurrent layers. Input `[batch, timesteps, features]`; output
 * `[batch, units]`, or `[batch, timesteps, units]` with `returnSequences`; with `returnState`
 * also the final states, each `[batch, units]`. In a functional model
 * `apply(x, { initialState })` (or `apply([x, ...states])`) starts from given states.
 */
export abstract class RecurrentLayer<
  C extends RecurrentConfig = RecurrentConfig,
  O extends SymbolicTensor | SymbolicTensor[] = SymbolicTensor | SymbolicTensor[],
> extends Layer<C, O> {
  readonly minInputRank = 3;
  readonly maxInputRank = 3;
  override readonly applyOptions = ['initialState'] as const;
  /** The states in Keras order (`['h', 'c']` for an LSTM, `['h']` otherwise). */
  abstract readonly stateNames: readonly string[];

  /** Dimension of the output space. */
  get units(): number {
    return this.config.units;
  }

  /** Whether the whole sequence is returned. */
  get returnSequences(): boolean {
    return this.config.returnSequences;
  }

  /** Whether the final states are returned too. */
  get returnState(): boolean {
    return this.config.returnState;
  }

  /** Whether the final states carry into the next batch (until `model.resetStates()`). */
  get stateful(): boolean {
    return this.config.stateful;
  }

  protected override callInputs(inputs: unknown, kwargs: Record<string, unknown>, path: string): CallInputs {
    return recurrentCallInputs(this.className, inputs, kwargs, path, this.stateNames);
  }

  protected override checkInputShapes(inputShapes: readonly Shape[]): void {
    super.checkInputShapes(inputShapes);
    checkInitialStates(this.className, inputShapes, this.config.units, this.stateNames);
  }

  protected outputShapesFor(inputShapes: readonly Shape[]): Shape[] {
    const [batch, timesteps] = inputShapes[0]!;
    const output: Shape = this.config.returnSequences
      ? [batch ?? null, timesteps ?? null, this.config.units]
      : [batch ?? null, this.config.units];
    return [output, ...this.stateShapes(inputShapes[0]!)];
  }

  /** The shapes of the states a `returnState` layer also outputs (`[]` without `returnState`). */
  stateShapes(inputShape: Shape): Shape[] {
    if (!this.config.returnState) return [];
    return this.stateNames.map(() => [inputShape[0] ?? null, this.config.units]);
  }

  protected weightSpecsFor(inputShapes: readonly Shape[]): WeightSpec[] {
    const inputShape = inputShapes[0]!;
    const inputDim = inputShape[inputShape.length - 1];
    if (typeof inputDim !== 'number') throw new RangeError(`the features dimension of a ${this.className} input must be known`);
    return this.cellWeights(inputDim);
  }

  /** The weights for inputs of `inputDim` features, in Keras order and layout. */
  protected abstract cellWeights(inputDim: number): WeightSpec[];
}
