/**
 * The Bidirectional wrapper (Keras `keras.layers.Bidirectional`): runs a recurrent layer over
 * the sequence forward and a copy of it (its own weights, `goBackwards` flipped) backward, then
 * merges the two outputs.
 *
 * Keras 3 semantics: the wrapped layer's config builds both directions (named
 * `forward_<name>` and `backward_<name>`; a `backwardLayer` may be given instead of the
 * copy); with `returnSequences` the backward outputs are put back in forward time before the
 * merge; `mergeMode` `'concat'` (default), `'sum'`, `'mul'`, `'ave'`, or `null` for the two
 * outputs side by side; `returnState` adds the forward states, then the backward ones. A mask
 * (from `embedding({ maskZero })` or `masking()`) reaches both directions; with
 * `returnSequences` masked timesteps output zeros (Keras forces `zero_output_for_mask`) and the
 * output keeps the mask. Weights: the forward layer's, then the backward layer's.
 */
import { checkOptions, describe, isPlainObject, nearest } from '../validate.js';
import { GRU, type GRUArgs } from './gru.js';
import { type BaseLayerArgs, type BaseLayerConfig, type CallInputs, Layer, inputShapeOption, layerName, type Shape, type WeightSpec } from './layer.js';
import { LSTM, type LSTMArgs } from './lstm.js';
import { PeepholeLSTM, type PeepholeLSTMArgs } from './peephole-lstm.js';
import { checkInitialStates, recurrentCallInputs } from './recurrent.js';
import { regularizerOption, type RegularizerConfig, type RegularizerIdentifier } from './regularizers.js';
import { type RecurrentConfig, RecurrentLayer } from './rnn-base.js';
import { SimpleRNN, type SimpleRNNArgs } from './simple-rnn.js';
import type { SymbolicTensor } from './symbolic.js';

/** How the two directions' outputs combine; `null` returns both. */
export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave';

/** The merge modes, Keras's spelling. */
export const MERGE_MODES: readonly MergeMode[] = ['concat', 'sum', 'mul', 'ave'];

/** A recurrent layer as config: `{ className, config }` (what `getConfig()` holds). */
export interface RecurrentLayerConfig {
  className: string;
  config: RecurrentConfig;
}

/** Options of {@link bidirectional}. */
export interface BidirectionalArgs extends BaseLayerArgs {
  /**
   * The recurrent layer to run both ways (`layers.lstm(...)`, `layers.gru(...)`,
   * `layers.simpleRNN(...)`, `layers.peepholeLstm(...)`), or its `{ className, config }`. Its
   * config is copied: the layer object itself is not used in the model. Required.
   */
  layer: RecurrentLayer | RecurrentLayerConfig;
  /** How the outputs combine: `'concat'`, `'sum'`, `'mul'`, `'ave'`, or `null` for both outputs. Defaults to `'concat'`. */
  mergeMode?: MergeMode | null;
  /**
   * The layer for the backward direction, instead of a copy of `layer` with `goBackwards`
   * flipped. It must differ from `layer` in `goBackwards` and agree in `returnSequences`,
   * `returnState` and `stateful`. Defaults to the copy.
   */
  backwardLayer?: RecurrentLayer | RecurrentLayerConfig;
  /** Penalty on the merged output (and the states), added to the loss. Defaults to `null` (none). */
  activityRegularizer?: RegularizerIdentifier;
  /** `[timesteps, features]` of one sample. Defaults to the wrapped layer's `inputShape`. */
  inputShape?: readonly (number | null)[] | null;
}

/** The fully defaulted config of a {@link Bidirectional} layer. */
export interface BidirectionalConfig extends BaseLayerConfig {
  /** The forward layer (named `forward_<name>`). */
  layer: RecurrentLayerConfig;
  /** The backward layer (named `backward_<name>` when derived). */
  backwardLayer: RecurrentLayerConfig;
  mergeMode: MergeMode | null;
  activityRegularizer: RegularizerConfig | null;
}

/** Every option {@link bidirectional} accepts. */
export const BIDIRECTIONAL_OPTIONS = ['layer', 'mergeMode', 'backwardLayer', 'activityRegularizer', 'inputShape', 'name'] as const;

/** The recurrent layer classes a Bidirectional can wrap, by Keras class name. */
const RECURRENT_CLASSES: Readonly<Record<string, (args: unknown, path: string) => RecurrentLayer>> = {
  LSTM: (args, path) => new LSTM(args as LSTMArgs, path),
  GRU: (args, path) => new GRU(args as GRUArgs, path),
  SimpleRNN: (args, path) => new SimpleRNN(args as SimpleRNNArgs, path),
  PeepholeLSTM: (args, path) => new PeepholeLSTM(args as PeepholeLSTMArgs, path),
};

function withoutPrefix(name: string, prefix: string): string {
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/** A recurrent layer of class `className` from `config` with `overrides` (no inputShape: the wrapper has it). */
function rebuild(className: string, config: RecurrentConfig, overrides: Partial<RecurrentConfig>, path: string): RecurrentLayer {
  const { inputShape: _inputShape, ...rest } = config;
  return RECURRENT_CLASSES[className]!({ ...rest, ...overrides }, path);
}

/** Reads the `layer` / `backwardLayer` option: a recurrent layer object or its `{ className, config }`. */
function innerLayer(value: unknown, path: string): RecurrentLayer {
  if (value instanceof RecurrentLayer) {
    if (!(value.className in RECURRENT_CLASSES)) {
      throw new TypeError(`Expected a recurrent layer (${Object.keys(RECURRENT_CLASSES).join(', ')}) for ${path} but received a ${value.className} layer`);
    }
    return value;
  }
  if (value instanceof Layer) {
    throw new TypeError(
      `Expected a recurrent layer (layers.lstm, layers.gru, layers.simpleRNN, layers.peepholeLstm) for ${path} but received ` +
        `the ${value.className} layer "${value.name}"; bidirectional wraps recurrent layers only`,
    );
  }
  if (isPlainObject(value) && typeof value.className === 'string') {
    const o = checkOptions<RecurrentLayerConfig>(value, path, ['className', 'config']);
    const make = RECURRENT_CLASSES[o.className!];
    if (!make) {
      const near = nearest(o.className!, Object.keys(RECURRENT_CLASSES));
      throw new RangeError(
        `Expected a recurrent class (${Object.keys(RECURRENT_CLASSES).join(', ')}) for ${path}.className but received ${describe(o.className)}` +
          (near ? ` (did you mean '${near}'?)` : ''),
      );
    }
    return make(o.config, `${path}.config`);
  }
  throw new TypeError(
    `Expected a recurrent layer (layers.lstm(...), layers.gru(...), ...) or its { className, config } for ${path} but received ${describe(value)} of type ${value === null ? 'null' : typeof value}`,
  );
}

function mergeModeOption(value: unknown, path: string): MergeMode | null {
  if (value === undefined) return 'concat';
  if (value === null) return null;
  if (typeof value !== 'string') {
    throw new TypeError(`Expected 'concat', 'sum', 'mul', 'ave' or null for ${path} but received ${describe(value)} of type ${typeof value}`);
  }
  if (!(MERGE_MODES as readonly string[]).includes(value)) {
    const near = nearest(value, MERGE_MODES);
    throw new RangeError(
      `Expected 'concat', 'sum', 'mul', 'ave' or null for ${path} but received ${describe(value)}` + (near ? ` (did you mean '${near}'?)` : ''),
    );
  }
  return value as MergeMode;
}

/** The two directions, validated: [forward, backward]. */
function directions(o: Partial<BidirectionalArgs>, path: string): [RecurrentLayer, RecurrentLayer] {
  const inner = innerLayer(o.layer, `${path}.layer`);
  const c = inner.getConfig();
  if (c.activityRegularizer !== null) {
    throw new RangeError(
      `${path}.layer has an activityRegularizer, which bidirectional does not support on the wrapped layer; ` +
        `give activityRegularizer to the bidirectional layer instead`,
    );
  }
  const base = withoutPrefix(c.name, 'forward_');
  const forward = rebuild(inner.className, c, { name: `forward_${base}` }, `${path}.layer`);
  let backward: RecurrentLayer;
  if (o.backwardLayer === undefined) {
    backward = rebuild(inner.className, c, { name: `backward_${withoutPrefix(base, 'backward_')}`, goBackwards: !c.goBackwards }, `${path}.layer`);
  } else {
    const given = innerLayer(o.backwardLayer, `${path}.backwardLayer`);
    const b = given.getConfig();
    if (b.activityRegularizer !== null) {
      throw new RangeError(`${path}.backwardLayer has an activityRegularizer, which bidirectional does not support on the wrapped layers`);
    }
    backward = rebuild(given.className, b, {}, `${path}.backwardLayer`);
    if (b.goBackwards === c.goBackwards) {
      throw new RangeError(`${path}.backwardLayer must have the opposite goBackwards of ${path}.layer (both are ${c.goBackwards})`);
    }
    for (const key of ['returnSequences', 'returnState', 'stateful'] as const) {
      if (b[key] !== c[key]) {
        throw new RangeError(`${path}.backwardLayer must have the same ${key} as ${path}.layer (${b[key]} vs ${c[key]})`);
      }
    }
    if (backward.stateNames.length !== forward.stateNames.length) {
      throw new RangeError(`${path}.backwardLayer (${backward.className}) must have as many states as ${path}.layer (${forward.className})`);
    }
  }
  return [forward, backward];
}

/** `{ className, config }` of a layer. */
function asConfig(layer: RecurrentLayer): RecurrentLayerConfig {
  return { className: layer.className, config: layer.getConfig() };
}

/**
 * Bidirectional wrapper for recurrent layers: the sequence read forward and backward, each
 * direction with its own weights. Input `[batch, timesteps, features]`; output as the wrapped
 * layer's with the last dimension doubled for `'concat'`; two outputs for `mergeMode: null`;
 * with `returnState`, then the forward states and the backward states.
 */
export class Bidirectional<O extends SymbolicTensor | SymbolicTensor[] = SymbolicTensor | SymbolicTensor[]> extends Layer<BidirectionalConfig, O> {
  readonly className = 'Bidirectional' as const;
  readonly minInputRank = 3;
  readonly maxInputRank = 3;
  override readonly applyOptions = ['initialState'] as const;
  /** The sequence, then optionally the forward and the backward initial states. */
  override readonly maxInputs: number;
  /** The forward direction (`forward_<name>`). */
  readonly forwardLayer: RecurrentLayer;
  /** The backward direction (`backward_<name>`, `goBackwards` flipped). */
  readonly backwardLayer: RecurrentLayer;

  /**
   * @param args the options of {@link bidirectional}.
   * @param path @internal the options' name in error messages.
   */
  constructor(args: BidirectionalArgs, path = 'bidirectional') {
    if (args === undefined) throw new TypeError(`Expected an options object with layer for ${path} but received undefined`);
    const o = checkOptions<BidirectionalArgs>(args, path, BIDIRECTIONAL_OPTIONS);
    if (o.layer === undefined) throw new TypeError(`Expected a recurrent layer for ${path}.layer but received undefined`);
    const mergeMode = mergeModeOption(o.mergeMode, `${path}.mergeMode`);
    const [forward, backward] = directions(o, path);
    if (mergeMode !== null && mergeMode !== 'concat' && forward.units !== backward.units) {
      throw new RangeError(
        `${path}.mergeMode '${mergeMode}' needs both directions to have the same units (forward ${forward.units}, backward ${backward.units})`,
      );
    }
    const activityRegularizer = regularizerOption(o.activityRegularizer, `${path}.activityRegularizer`);
    const given = o.layer instanceof RecurrentLayer ? o.layer.inputShape : undefined;
    const inputShape = inputShapeOption(o.inputShape ?? given, path, {
      rank: 2,
      lastKnown: true,
      what: 'an array [timesteps, features] (timesteps may be null)',
    });
    const name = layerName(o.name, path, 'bidirectional');
    const config: BidirectionalConfig = { name, layer: asConfig(forward), backwardLayer: asConfig(backward), mergeMode, activityRegularizer };
    super(inputShape ? { ...config, inputShape } : config);
    this.forwardLayer = forward;
    this.backwardLayer = backward;
    this.maxInputs = 1 + 2 * forward.stateNames.length;
  }

  /** How the outputs combine (`null`: both returned). */
  get mergeMode(): MergeMode | null {
    return this.config.mergeMode;
  }

  /** Whether the whole sequence is returned. */
  get returnSequences(): boolean {
    return this.forwardLayer.returnSequences;
  }

  /** Whether the final states of both directions are returned too. */
  get returnState(): boolean {
    return this.forwardLayer.returnState;
  }

  /** The initial states a call takes: the forward ones, then the backward ones. */
  get stateNames(): string[] {
    return [
      ...this.forwardLayer.stateNames.map((s) => `forward_${s}`),
      ...this.backwardLayer.stateNames.map((s) => `backward_${s}`),
    ];
  }

  protected override callInputs(inputs: unknown, kwargs: Record<string, unknown>, path: string): CallInputs {
    return recurrentCallInputs(this.className, inputs, kwargs, path, this.stateNames);
  }

  /** The inputs of each direction's call: the sequence and its half of the initial states. */
  #split(inputShapes: readonly Shape[]): [Shape[], Shape[]] {
    const n = this.forwardLayer.stateNames.length;
    const [x, ...states] = inputShapes;
    if (states.length === 0) return [[x!], [x!]];
    return [[x!, ...states.slice(0, n)], [x!, ...states.slice(n)]];
  }

  protected override checkInputShapes(inputShapes: readonly Shape[]): void {
    super.checkInputShapes(inputShapes);
    const states = inputShapes.length - 1;
    if (states !== 0 && states !== this.maxInputs - 1) {
      throw new RangeError(`Bidirectional takes the sequence and ${this.maxInputs - 1} initial states (${this.stateNames.join(', ')}) but received ${inputShapes.length} inputs`);
    }
    const [f, b] = this.#split(inputShapes);
    checkInitialStates(this.className, f, this.forwardLayer.units, this.forwardLayer.stateNames.map((s) => `forward_${s}`));
    checkInitialStates(this.className, b, this.backwardLayer.units, this.backwardLayer.stateNames.map((s) => `backward_${s}`));
  }

  protected outputShapesFor(inputShapes: readonly Shape[]): Shape[] {
    const [f, b] = this.#split(inputShapes);
    const [y, ...forwardStates] = this.forwardLayer.callShapes(f);
    const [yRev, ...backwardStates] = this.backwardLayer.callShapes(b);
    let outputs: Shape[];
    if (this.config.mergeMode === null) {
      outputs = [y!, yRev!];
    } else if (this.config.mergeMode === 'concat') {
      outputs = [[...y!.slice(0, -1), this.forwardLayer.units + this.backwardLayer.units]];
    } else {
      outputs = [y!];
    }
    return [...outputs, ...forwardStates, ...backwardStates];
  }

  protected weightSpecsFor(inputShapes: readonly Shape[]): WeightSpec[] {
    const [f, b] = this.#split(inputShapes);
    const named = (layer: RecurrentLayer, shapes: Shape[]) =>
      layer.callWeights(shapes).map((w) => ({ ...w, name: `${layer.name}/${w.name}`, layout: `${layer.name}: ${w.layout}` }));
    return [...named(this.forwardLayer, f), ...named(this.backwardLayer, b)];
  }
}

/** What `apply` of a Bidirectional made with options `A` returns. */
export type BidirectionalOutput<A> = A extends { mergeMode: null } ? SymbolicTensor[] : SymbolicTensor | SymbolicTensor[];

/**
 * Creates a Bidirectional wrapper (Keras `keras.layers.Bidirectional`) around a recurrent layer.
 *
 * @example
 * const model = sequential([
 *   layers.embedding({ inputDim: 1000, outputDim: 16, maskZero: true, inputShape: [null] }),
 *   layers.bidirectional({ layer: layers.lstm({ units: 32, returnSequences: true }) }),
 *   layers.bidirectional({ layer: layers.gru({ units: 16 }), mergeMode: 'sum' }),
 *   layers.dense({ units: 1, activation: 'sigmoid' }),
 * ]);
 * @throws {TypeError} an unknown option, a `layer` that is not a recurrent layer.
 * @throws {RangeError} an unknown `mergeMode` (with the nearest), a `backwardLayer` that does not
 *   pair with `layer`, an activityRegularizer on the wrapped layer.
 */
export function bidirectional<const A extends BidirectionalArgs>(args: A): Bidirectional<BidirectionalOutput<A>> {
  return new Bidirectional<BidirectionalOutput<A>>(args, 'bidirectional');
}
