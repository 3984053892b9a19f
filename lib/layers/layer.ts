/**
 * The base of every layer: a name, a class name, a fully defaulted config, and `apply` for the
 * functional API.
 *
 * A layer here is a description: its weights live in the engine once a model is built
 * (`native/core`). What a layer knows in TS is enough to validate a model before it
 * reaches the engine: how many inputs it takes and of which rank, the shapes it outputs, and
 * the shapes of its weights (in Keras order and layout).
 */
import { checkOptions, describe, integer, isPlainObject, string } from '../validate.js';
import { type CallArgValue, isSymbolicTensor, Node, type SymbolicTensor } from './symbolic.js';

/** A shape with its batch dimension first; `null` is a dimension unknown until data arrives. */
export type Shape = (number | null)[];

/** One weight of a layer, in Keras order and layout. */
export interface WeightSpec {
  /** Keras weight name: `kernel`, `recurrent_kernel`, `bias`. */
  name: string;
  shape: number[];
  /** How the shape is made, for error messages: `[inputDim, 4*units], gates i, f, c, o`. */
  layout: string;
}

/** Options every layer accepts. */
export interface BaseLayerArgs {
  /**
   * Name of the layer, unique in a model. Defaults to the snake_case class name made
   * unique per class, as Keras does: `lstm`, `lstm_1`, `lstm_2`, ...
   */
  name?: string;
  /**
   * Shape of one sample, without the batch dimension (Keras `input_shape`). Needed on the
   * first layer of a model; `null` marks a dimension known only when data arrives (the
   * timesteps of variable-length sequences).
   */
  inputShape?: readonly (number | null)[] | null;
}

/** What every layer config holds once defaulted. */
export interface BaseLayerConfig {
  name: string;
  /** Present only when given (it describes the model's input, not the layer). */
  inputShape?: (number | null)[];
}

const counters = new Map<string, number>();

/**
 * A name unique per prefix, Keras-style: the first is `prefix`, then `prefix_1`, `prefix_2`, ...
 */
export function uniqueName(prefix: string): string {
  const n = counters.get(prefix) ?? 0;
  counters.set(prefix, n + 1);
  return n === 0 ? prefix : `${prefix}_${n}`;
}

/**
 * Forgets the names handed out so far (Keras `clear_session()` does the same), so the next
 * LSTM is `lstm` again. Meant for tests and notebooks.
 */
export function resetNames(): void {
  counters.clear();
}

/** Validates `name` (when given) or makes a unique one. */
export function layerName(value: unknown, path: string, prefix: string): string {
  if (value === undefined) return uniqueName(prefix);
  const name = string(value, `${path}.name`);
  if (/[\s/]/.test(name)) {
    throw new RangeError(
      `Expected a name without spaces or slashes for ${path}.name but received ${describe(name)}`,
    );
  }
  return name;
}

/**
 * Validates `inputShape`: a non-empty array of positive integers or `null`s, with `rank`
 * entries when given; with `lastKnown`, the last entry (features) must be a number.
 */
export function inputShapeOption(
  value: unknown,
  path: string,
  opts: { rank?: number; lastKnown?: boolean; what?: string } = {},
): (number | null)[] | undefined {
  if (value === undefined || value === null) return undefined;
  const name = `${path}.inputShape`;
  const what = opts.what ?? 'an array of positive integers or nulls';
  if (!Array.isArray(value) || value.length === 0) {
    throw new TypeError(
      `Expected ${what} for ${name} but received ${describe(value)} of type ${isPlainObject(value) ? 'object' : typeof value}`,
    );
  }
  if (opts.rank !== undefined && value.length !== opts.rank) {
    throw new RangeError(
      `Expected ${what} for ${name} but received [${value.map((d) => (d === null ? 'null' : String(d))).join(', ')}] ` +
        `(${value.length} entries; the batch dimension is not part of inputShape)`,
    );
  }
  return value.map((d, i) => {
    if (d === null && !(opts.lastKnown && i === value.length - 1)) return null;
    return integer(d, `${name}[${i}]`, { min: 1 });
  });
}

/** Options of `layer.apply()` (Keras call arguments); each layer accepts those it lists. */
export interface ApplyArgs {
  /**
   * Recurrent layers: the initial states (Keras `initial_state`), e.g. `[h0, c0]` for an LSTM.
   * The same as `apply([x, h0, c0])`. Defaults to zeros.
   */
  initialState?: SymbolicTensor | readonly SymbolicTensor[];
}

/** What a call is made of once its arguments are read: the flat input tensors and the non-tensor arguments. */
export interface CallInputs {
  inputs: SymbolicTensor[];
  callArgs: Record<string, CallArgValue>;
}

/** `(None, 10, 64)`: a shape in messages, as Keras prints it. */
function shapeWords(shape: readonly (number | null)[]): string {
  return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/** Whether a `Shape | Shape[]` argument is a list of shapes. */
function isShapeList(value: Shape | readonly Shape[]): value is readonly Shape[] {
  return value.length > 0 && Array.isArray(value[0]);
}

/**
 * Base class of every layer. `C` is its config type and `O` what {@link Layer.apply} returns (one
 * SymbolicTensor, or an array for a layer with several outputs). Subclasses declare how many inputs a call takes
 * and of which rank, the shapes they output and the weights they hold; the engine does the math.
 *
 * A layer is used in a `sequential([...])` stack, or called on symbolic tensors with
 * {@link Layer.apply} to build a functional model. A layer applied twice is shared: both calls
 * use the same weights.
 */
export abstract class Layer<
  C extends BaseLayerConfig = BaseLayerConfig,
  O extends SymbolicTensor | SymbolicTensor[] = SymbolicTensor | SymbolicTensor[],
> {
  /** The Keras class name (`LSTM`, `Dense`, `Dropout`). */
  abstract readonly className: string;
  protected readonly config: Readonly<C>;
  readonly #nodes: Node[] = [];

  protected constructor(config: C) {
    this.config = Object.freeze({ ...config });
  }

  /** The layer's name, unique in a model. */
  get name(): string {
    return this.config.name;
  }

  /** Shape of one input sample (Keras `input_shape`), when given. */
  get inputShape(): (number | null)[] | undefined {
    return this.config.inputShape ? [...this.config.inputShape] : undefined;
  }

  /** The fully defaulted config (camelCase); `factory(layer.getConfig())` rebuilds the layer. */
  getConfig(): C {
    return structuredClone(this.config) as C;
  }

  /** Smallest rank (batch included) of the first input a call accepts. */
  abstract readonly minInputRank: number;
  /** Largest rank (batch included) of the first input; `Infinity` for any. */
  abstract readonly maxInputRank: number;
  /** Fewest input tensors a call takes. Defaults to `1`. */
  readonly minInputs: number = 1;
  /** Most input tensors a call takes (`Infinity`: any number). Defaults to `1`. */
  readonly maxInputs: number = 1;
  /** The options `apply` accepts besides the inputs (`['initialState']` for recurrent layers). */
  readonly applyOptions: readonly string[] = [];

  /**
   * The output shapes of a call on inputs of these shapes (batch first), one per input tensor ->
   * one per output. Throws a RangeError (without a path; the caller adds it) when the inputs
   * cannot be accepted. Subclasses implement it; use {@link computeOutputShape} from outside.
   */
  protected abstract outputShapesFor(inputShapes: readonly Shape[]): Shape[];

  /** The weights this layer holds when called on inputs of these shapes, in Keras order. */
  protected abstract weightSpecsFor(inputShapes: readonly Shape[]): WeightSpec[];

  /**
   * Checks the number of inputs and the rank of the first; layers with more to check (initial
   * states, matching shapes) extend it. Throws a RangeError without a path.
   */
  protected checkInputShapes(inputShapes: readonly Shape[]): void {
    const n = inputShapes.length;
    if (n < this.minInputs || n > this.maxInputs) {
      const want = this.minInputs === this.maxInputs ? `${this.minInputs}` : this.maxInputs === Infinity ? `at least ${this.minInputs}` : `${this.minInputs} to ${this.maxInputs}`;
      throw new RangeError(`${this.className} takes ${want} input tensor${want === '1' ? '' : 's'} but received ${n}`);
    }
    const rank = inputShapes[0]!.length;
    if (rank < this.minInputRank || rank > this.maxInputRank) {
      const want = this.minInputRank === this.maxInputRank ? `rank ${this.minInputRank}` : `rank >= ${this.minInputRank}`;
      throw new RangeError(`${this.className} expects an input of ${want} (batch included) but received shape ${shapeWords(inputShapes[0]!)}`);
    }
  }

  /**
   * One shape per input -> one per output, after checking the inputs (a RangeError without a path).
   * @internal The model builders' entry point.
   */
  callShapes(inputShapes: readonly Shape[]): Shape[] {
    this.checkInputShapes(inputShapes);
    return this.outputShapesFor(inputShapes);
  }

  /** The weights for a call on inputs of these shapes (checked first). @internal */
  callWeights(inputShapes: readonly Shape[]): WeightSpec[] {
    this.checkInputShapes(inputShapes);
    return this.weightSpecsFor(inputShapes);
  }

  /**
   * The output shape for an input shape (batch first), Keras's `compute_output_shape`: a layer
   * taking several inputs takes a list of shapes, and a layer with several outputs (an LSTM with
   * `returnState`: output, h, c) gives a list of shapes.
   * @throws {RangeError} when the layer cannot take inputs of that shape.
   */
  computeOutputShape(inputShape: Shape | readonly Shape[]): Shape | Shape[] {
    const out = this.callShapes(isShapeList(inputShape) ? inputShape : [inputShape]);
    return out.length === 1 ? out[0]! : out;
  }

  /** The weights this layer holds for an input shape (or a list of them), in Keras order. */
  weightSpecs(inputShape: Shape | readonly Shape[]): WeightSpec[] {
    return this.callWeights(isShapeList(inputShape) ? inputShape : [inputShape]);
  }

  /** Number of parameters for an input shape (or a list of them). */
  countParams(inputShape: Shape | readonly Shape[]): number {
    return this.weightSpecs(inputShape).reduce((sum, w) => sum + w.shape.reduce((a, b) => a * b, 1), 0);
  }

  /** The calls made so far with {@link apply}, in order. @internal */
  get inboundNodes(): readonly Node[] {
    return this.#nodes;
  }

  /**
   * Reads the arguments of {@link apply}: the input tensors in the engine's order and the
   * non-tensor call arguments. The default takes one tensor (or, for a layer with `maxInputs > 1`,
   * an array of tensors) and no options; recurrent layers add `initialState`.
   */
  protected callInputs(inputs: unknown, kwargs: Record<string, unknown>, path: string): CallInputs {
    void kwargs;
    const list = Array.isArray(inputs) ? (inputs as unknown[]) : [inputs];
    if (this.maxInputs === 1 && Array.isArray(inputs) && inputs.length !== 1) {
      throw new TypeError(`Expected one SymbolicTensor for ${path}.inputs (${this.className} takes one input) but received an array of length ${inputs.length}`);
    }
    if (this.maxInputs > 1 && !Array.isArray(inputs)) {
      throw new TypeError(`Expected an array of SymbolicTensors for ${path}.inputs (${this.className} takes several inputs) but received ${describe(inputs)}`);
    }
    return { inputs: list.map((t, i) => symbolicInput(t, Array.isArray(inputs) ? `${path}.inputs[${i}]` : `${path}.inputs`)), callArgs: {} };
  }

  /**
   * Calls the layer on symbolic tensors (from `input()` or another layer's `apply`) to build a
   * functional model (Keras `layer(x)`): checks the shapes and returns the output tensor, or an
   * array of them when the layer has several outputs (an LSTM with `returnState` gives
   * `[output, h, c]`). Layers taking several inputs take an array (`attention.apply([query, value])`);
   * a recurrent layer takes `apply(x, { initialState: [h0, c0] })` or `apply([x, h0, c0])`.
   * Applying a layer again shares it: every call uses the same weights.
   *
   * @example
   * const inputs = input({ shape: [10, 1] });
   * const seq = layers.lstm({ units: 64, returnSequences: true }).apply(inputs);
   * const out = layers.dense({ units: 1 }).apply(layers.lstm({ units: 32 }).apply(seq));
   * const m = model({ inputs, outputs: out });
   * @throws {TypeError} an input that is not a SymbolicTensor, an unknown option.
   * @throws {RangeError} inputs of a shape the layer cannot take (naming the layer), or a shared
   *   layer called on inputs that need other weights than its first call.
   */
  apply(inputs: SymbolicTensor | readonly SymbolicTensor[], kwargs?: ApplyArgs): O {
    const path = `${this.name}.apply`;
    if (this.applyOptions.length === 0 && isPlainObject(kwargs) && Object.keys(kwargs).length > 0) {
      throw new TypeError(`Unknown option "${Object.keys(kwargs)[0]}" for ${path}.kwargs; ${this.className} takes no options in apply`);
    }
    const options = checkOptions<Record<string, unknown>>(kwargs, `${path}.kwargs`, this.applyOptions);
    return this.applyCall(this.callInputs(inputs, options, path));
  }

  /**
   * Calls the layer on its inputs in the engine's order (what a saved model's graph holds).
   * @internal `apply` and `Functional.fromConfig` use it.
   */
  applyCall(call: CallInputs): O {
    const shapes = call.inputs.map((t) => [...t.shape]);
    const label = `Layer "${this.name}" (${this.className})`;
    const declared = this.config.inputShape;
    if (declared && shapes[0]) {
      const got = shapes[0];
      const agrees = got.length === declared.length + 1 && declared.every((d, k) => d === null || got[k + 1] === null || d === got[k + 1]);
      if (!agrees) {
        throw new RangeError(`${label} declares inputShape ${shapeWords([null, ...declared])} but is applied to ${call.inputs[0]!.name} of shape ${shapeWords(got)}`);
      }
    }
    let outputShapes: Shape[];
    let weights: WeightSpec[];
    try {
      outputShapes = this.callShapes(shapes);
      weights = this.weightSpecsFor(shapes);
    } catch (err) {
      if (err instanceof RangeError) {
        throw new RangeError(`${label} cannot be applied to ${call.inputs.map((t) => `${t.name} ${shapeWords(t.shape)}`).join(', ')}: ${err.message}`);
      }
      throw err;
    }
    const first = this.#nodes[0];
    if (first) {
      const built = this.weightSpecsFor(first.inputs.map((t) => [...t.shape]));
      const same = built.length === weights.length && built.every((w, i) => w.shape.join() === weights[i]!.shape.join());
      if (!same) {
        const text = (ws: WeightSpec[]) => ws.map((w) => `${w.name} [${w.shape.join(', ')}]`).join(', ');
        throw new RangeError(
          `${label} is shared (applied before to ${first.inputs.map((t) => t.name).join(', ')}) but this call needs other weights ` +
            `(${text(weights)} instead of ${text(built)}); a shared layer takes inputs of the same feature size`,
        );
      }
    }
    const node = new Node(this, this.#nodes.length, call.inputs, outputShapes, call.callArgs);
    this.#nodes.push(node);
    return (node.outputs.length === 1 ? node.outputs[0]! : [...node.outputs]) as O;
  }

  /** Records the node of an `input()`. @internal */
  protected addInputNode(shape: Shape): SymbolicTensor {
    const node = new Node(this, this.#nodes.length, [], [shape]);
    this.#nodes.push(node);
    return node.outputs[0]!;
  }
}

/** Checks one input of `apply`: a SymbolicTensor. */
export function symbolicInput(value: unknown, path: string): SymbolicTensor {
  if (!isSymbolicTensor(value)) {
    throw new TypeError(
      `Expected a SymbolicTensor (from input() or another layer's apply) for ${path} but received ${describe(value)} of type ${
        value === null ? 'null' : isPlainObject(value) ? 'object' : typeof value
      }`,
    );
  }
  return value;
}
