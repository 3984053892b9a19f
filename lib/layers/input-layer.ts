/**
 * `input()` (Keras `keras.Input`, tfjs `tf.input`): the start of a functional model. It makes an
 * `InputLayer` and returns its symbolic tensor, which layers are then applied to.
 */
import { checkOptions, describe, integer, isPlainObject } from '../validate.js';
import { type BaseLayerConfig, Layer, layerName, type Shape, type WeightSpec } from './layer.js';
import type { SymbolicTensor } from './symbolic.js';

/** Options of {@link input}. */
export interface InputArgs {
  /**
   * Shape of one sample, without the batch dimension (`[timesteps, features]` for a sequence);
   * `null` marks a dimension known only when data arrives. Required unless `batchShape` is given.
   */
  shape?: readonly (number | null)[];
  /** A fixed batch size (Keras `batch_size`). Defaults to `null` (any). */
  batchSize?: number | null;
  /** The shape with the batch dimension first (Keras `batch_shape`), instead of `shape` and `batchSize`. */
  batchShape?: readonly (number | null)[];
  /** Name of the input, unique in a model. Defaults to `input_layer`, `input_layer_1`, ... (Keras 3's names). */
  name?: string;
  /**
   * The input's dtype, as Keras records it: `'float32'`, or an integer dtype for an input of
   * indices (token ids feeding an `Embedding`, Keras `keras.Input(shape, dtype="int32")`). The
   * values cross into the engine as float32 whatever the dtype (an embedding casts its indices
   * back itself); float32 holds every integer up to 2^24 (16,777,216) exactly, so indices below
   * that arrive unchanged. The dtype is kept in the saved config. Defaults to `'float32'`.
   */
  dtype?: InputDtype;
}

/** The dtypes an input may declare: float32, or an integer dtype (an input of indices). */
export const INPUT_DTYPES = ['float32', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64'] as const;

/** A dtype of {@link INPUT_DTYPES}. */
export type InputDtype = (typeof INPUT_DTYPES)[number];

/** The fully defaulted config of an {@link InputLayer}. */
export interface InputLayerConfig extends BaseLayerConfig {
  /** The shape, batch dimension first. */
  batchShape: Shape;
  dtype: InputDtype;
}

const INPUT_OPTIONS = ['shape', 'batchSize', 'batchShape', 'name', 'dtype'] as const;

function dims(value: unknown, name: string, from: number): (number | null)[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new TypeError(`Expected a non-empty array of positive integers or nulls for ${name} but received ${describe(value)} of type ${isPlainObject(value) ? 'object' : typeof value}`);
  }
  return value.map((d, i) => (d === null ? null : integer(d, `${name}[${i + from}]`, { min: 1 })));
}

/** Validates {@link input} options and fills the defaults; `path` names them in errors. */
export function inputLayerConfig(args: unknown, path: string): InputLayerConfig {
  if (args === undefined) throw new TypeError(`Expected an options object with a shape for ${path} but received undefined`);
  const o = checkOptions<InputArgs>(args, path, INPUT_OPTIONS);
  if (o.dtype !== undefined && !(INPUT_DTYPES as readonly unknown[]).includes(o.dtype)) {
    throw new RangeError(
      `Expected one of ${INPUT_DTYPES.map((d) => `'${d}'`).join(', ')} for ${path}.dtype but received ${describe(o.dtype)}: ` +
        'model inputs are float32, or integers (indices) that cross into the engine as float32',
    );
  }
  let batchShape: Shape;
  if (o.batchShape !== undefined) {
    if (o.shape !== undefined || (o.batchSize !== undefined && o.batchSize !== null)) {
      throw new TypeError(`${path} takes either batchShape or shape (with batchSize), not both`);
    }
    batchShape = dims(o.batchShape, `${path}.batchShape`, 0);
    if (batchShape.length < 2) throw new RangeError(`Expected ${path}.batchShape to have a batch dimension and at least one more but received [${batchShape.join(', ')}]`);
  } else {
    if (o.shape === undefined) throw new TypeError(`Expected an array for ${path}.shape (one sample, without the batch dimension, e.g. [timesteps, features]) but received undefined`);
    const batch = o.batchSize === undefined || o.batchSize === null ? null : integer(o.batchSize, `${path}.batchSize`, { min: 1 });
    batchShape = [batch, ...dims(o.shape, `${path}.shape`, 0)];
  }
  const name = layerName(o.name, path, 'input_layer');
  return { name, batchShape, dtype: o.dtype ?? 'float32' };
}

/**
 * A model input (Keras `InputLayer`): it has no weights and is not applied; {@link input} makes
 * one and returns its tensor. A functional model's `layers` list its inputs first.
 */
export class InputLayer extends Layer<InputLayerConfig, SymbolicTensor> {
  readonly className = 'InputLayer' as const;
  readonly minInputRank = 0;
  readonly maxInputRank = Infinity;
  override readonly minInputs = 0;
  override readonly maxInputs = 0;
  /** The input's tensor. */
  readonly output: SymbolicTensor;

  /**
   * @param args the options of {@link input}.
   * @param path @internal the options' name in error messages.
   */
  constructor(args: InputArgs, path = 'input') {
    super(inputLayerConfig(args, path));
    this.output = this.addInputNode([...this.config.batchShape]);
  }

  /** The shape with the batch dimension first. */
  get batchShape(): Shape {
    return [...this.config.batchShape];
  }

  /** The dtype the input declares (its values cross into the engine as float32 whatever it is). */
  get dtype(): InputDtype {
    return this.config.dtype;
  }

  /** Shape of one sample (the batch dimension left out). */
  override get inputShape(): (number | null)[] {
    return this.config.batchShape.slice(1);
  }

  protected override checkInputShapes(): void {}

  protected outputShapesFor(): Shape[] {
    return [[...this.config.batchShape]];
  }

  protected weightSpecsFor(): WeightSpec[] {
    return [];
  }

  override apply(): never {
    throw new TypeError(`Layer "${this.name}" is an InputLayer: use its tensor (what input() returned), it is not applied to tensors`);
  }
}

/**
 * Creates a model input (Keras `keras.Input`) and returns its symbolic tensor, the start of a
 * functional model.
 *
 * @example
 * const inputs = input({ shape: [T, F] });
 * const lstmOut = layers.lstm({ units: 64, returnSequences: true }).apply(inputs);
 * const att = layers.attention().apply([lstmOut, lstmOut]);
 * @throws {TypeError} an unknown option or a value of the wrong type.
 * @throws {RangeError} a dimension that is not a positive integer or null, a dtype other than float32 or an integer one.
 */
export function input(args: InputArgs): SymbolicTensor {
  return new InputLayer(args, 'input').output;
}
