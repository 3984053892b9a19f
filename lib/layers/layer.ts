/**
 * The base of every layer: a name, a class name, and a fully defaulted config.
 *
 * A layer here is a description: its weights live in the engine once a model is built
 * (`native/core`). What a layer knows in TS is enough to validate a model before it
 * reaches the engine: the rank it accepts, the shape it outputs, and the shapes of its
 * weights (in Keras order and layout).
 */
import { describe, integer, isPlainObject, string } from '../validate.js';

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

/**
 * Base class of every layer. Subclasses declare their config type and how they transform
 * shapes; the engine does the math.
 */
export abstract class Layer<C extends BaseLayerConfig = BaseLayerConfig> {
  /** The Keras class name (`LSTM`, `Dense`, `Dropout`). */
  abstract readonly className: string;
  protected readonly config: Readonly<C>;

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

  /** Smallest input rank accepted (batch included). */
  abstract readonly minInputRank: number;
  /** Largest input rank accepted (batch included); `Infinity` for any. */
  abstract readonly maxInputRank: number;

  /**
   * The shape of the main output for an input shape (batch first). Throws a RangeError
   * (without a path; the model adds it) when the input cannot be accepted.
   */
  abstract computeOutputShape(inputShape: Shape): Shape;

  /** Extra outputs after the main one (LSTM `returnState`: h and c). */
  stateShapes(_inputShape: Shape): Shape[] {
    return [];
  }

  /** The weights this layer holds for an input shape, in Keras order. */
  abstract weightSpecs(inputShape: Shape): WeightSpec[];

  /** Number of parameters for an input shape. */
  countParams(inputShape: Shape): number {
    return this.weightSpecs(inputShape).reduce((sum, w) => sum + w.shape.reduce((a, b) => a * b, 1), 0);
  }
}
