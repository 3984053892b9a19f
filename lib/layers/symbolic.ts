/**
 * The functional API's placeholders (Keras `KerasTensor`, tfjs `SymbolicTensor`): what `input()`
 * and `layer.apply()` return. A symbolic tensor holds no data, only its shape and where it comes
 * from: the layer call (a {@link Node}) that made it and which of that call's outputs it is.
 * `model({ inputs, outputs })` walks these links back from the outputs to build the graph.
 */
import type { Layer, Shape } from './layer.js';

/**
 * A non-tensor argument of a layer call, kept as Keras JSON writes it (`use_causal_mask: true`).
 * Layers that take none (LSTM, Dense, Dropout) record none.
 */
export type CallArgValue = string | number | boolean | null;

/**
 * One call of a layer on symbolic tensors (Keras `Node`): its inputs, in the order the engine
 * takes them (for a recurrent layer: the sequence, then the initial states), and its outputs.
 */
export class Node {
  /** The layer called. */
  readonly layer: Layer;
  /** Which call of the layer this is (0 for the first). */
  readonly index: number;
  /** The input tensors, flat, in the engine's order. */
  readonly inputs: readonly SymbolicTensor[];
  /** One tensor per output of the call. */
  readonly outputs: readonly SymbolicTensor[];
  /** Non-tensor call arguments (Keras JSON, snake_case keys); empty for most layers. */
  readonly callArgs: Readonly<Record<string, CallArgValue>>;

  /** @internal Made by `layer.apply()` and `input()`. */
  constructor(
    layer: Layer,
    index: number,
    inputs: readonly SymbolicTensor[],
    outputShapes: readonly Shape[],
    callArgs: Readonly<Record<string, CallArgValue>> = {},
  ) {
    this.layer = layer;
    this.index = index;
    this.inputs = Object.freeze([...inputs]);
    this.outputs = Object.freeze(outputShapes.map((shape, i) => new SymbolicTensor(shape, this, i)));
    this.callArgs = Object.freeze({ ...callArgs });
  }

  /** Whether this is the node of an `input()` (no inputs, an InputLayer). */
  get isInput(): boolean {
    return this.inputs.length === 0;
  }
}

/**
 * A placeholder for a tensor in a model being built: what `input()` and `layer.apply()` return.
 * Pass it to other layers' `apply` and to `model({ inputs, outputs })`.
 *
 * @example
 * const x = input({ shape: [10, 1] });
 * x.shape; // [null, 10, 1]
 * const h = layers.lstm({ units: 8 }).apply(x);
 * h.shape; // [null, 8]
 */
export class SymbolicTensor {
  /** The shape, batch first (`null`: known only when data arrives). */
  readonly shape: Shape;
  /** Always `'float32'`: model inputs and outputs cross as float32. */
  readonly dtype = 'float32' as const;
  /** The layer call that made this tensor. */
  readonly node: Node;
  /** Which output of that call this is. */
  readonly tensorIndex: number;

  /** @internal Made by {@link Node}. */
  constructor(shape: readonly (number | null)[], node: Node, tensorIndex: number) {
    this.shape = Object.freeze([...shape]) as Shape;
    this.node = node;
    this.tensorIndex = tensorIndex;
  }

  /** The layer that made this tensor (an InputLayer for an `input()`). */
  get sourceLayer(): Layer {
    return this.node.layer;
  }

  /** Which call of {@link sourceLayer} made this tensor. */
  get nodeIndex(): number {
    return this.node.index;
  }

  /**
   * The tensor's name: the input's name for an `input()`, else Keras's notation of a connection,
   * `<layer>[<node>][<tensor>]` (`lstm[0][0]`, `lstm[0][1]` for the h state of a `returnState` LSTM).
   */
  get name(): string {
    return this.node.isInput ? this.node.layer.name : `${this.node.layer.name}[${this.node.index}][${this.tensorIndex}]`;
  }

  /** The rank (number of dimensions, batch included). */
  get rank(): number {
    return this.shape.length;
  }

  /** `SymbolicTensor lstm[0][0] (None, 10, 64)`. */
  toString(): string {
    return `SymbolicTensor ${this.name} (${this.shape.map((d) => (d === null ? 'None' : String(d))).join(', ')})`;
  }
}

/** Whether `value` is a {@link SymbolicTensor}. */
export function isSymbolicTensor(value: unknown): value is SymbolicTensor {
  return value instanceof SymbolicTensor;
}
