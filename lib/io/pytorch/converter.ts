/**
 * What converting one layer's weights between Keras's layout and PyTorch's takes. One file per
 * layer kind (`lstm.ts`, `gru.ts`, `bidirectional.ts`, `dense.ts`, `embedding.ts`,
 * `layer-normalization.ts`); `state-dict.ts` maps Keras class names to them.
 */

/** Where a layer's tensors live in a PyTorch state_dict: the module's name, and for a multi-layer `nn.LSTM` the layer index k of `weight_ih_l<k>`. */
export interface PytorchModuleRef {
  /** The module's name in the state_dict (a dotted path such as `encoder.rnn`). */
  module: string;
  /** The layer index inside a multi-layer recurrent module (`_l<k>`). Defaults to `0`. */
  layer?: number;
}

/** A float32 tensor, row-major. */
export interface Float32Weight {
  shape: number[];
  data: Float32Array;
}

/** Exporting one layer: its config, its Keras weights by name, where it goes. */
export interface ToPytorchContext<C> {
  config: C;
  module: string;
  layer: number;
  /** Appended to a recurrent module's parameter names: `''`, or `'_reverse'` for the backward direction of a bidirectional module. */
  suffix: string;
  /** The layer in messages: `layers[1] (gru)`. */
  label: string;
  weight(name: string): Float32Weight;
}

/** Importing one layer: its config, where its tensors are, and the state_dict to take them from. */
export interface FromPytorchContext<C> {
  config: C;
  module: string;
  layer: number;
  /** As {@link ToPytorchContext.suffix}. */
  suffix: string;
  /** The layer in messages: `layers[1] (lstm_1)`. */
  label: string;
  /** The shape of the layer's Keras weight `name` (`kernel`: `[features, 4*units]`). */
  kerasShape(name: string): number[];
  /** The tensor `key` of the state_dict, checked to have `shape`; a missing one or another shape is an error. */
  take(key: string, shape: readonly number[]): Float32Array;
  /** Whether the state_dict has `key`. */
  has(key: string): boolean;
  /** Ends the import with an error saying `problem`. */
  fail(problem: string): never;
}

/** How a layer kind's weights map to PyTorch's. */
export interface LayerConverter<C> {
  /** Whether a module may hold several such layers (`nn.LSTM(num_layers=...)`), so `layer` is meaningful. */
  multiLayer: boolean;
  /**
   * Why this layer's weights have no PyTorch counterpart (a GRU with `resetAfter: false`), or
   * `undefined` when they have one. Checked before anything is read or written.
   */
  refuse?(config: C): string | undefined;
  /** The layer's tensors in PyTorch's names and layout, in `state_dict()` order. */
  toPytorch(ctx: ToPytorchContext<C>): { key: string; tensor: Float32Weight }[];
  /** The layer's Keras weights, by Keras name, from the state_dict. */
  fromPytorch(ctx: FromPytorchContext<C>): Record<string, Float32Array>;
}

/** `a^T` of a row-major `[rows, cols]` matrix. */
export function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}

/**
 * `[rows, gates*units]` gate blocks along columns (Keras) -> `[gates*units, rows]` gate blocks
 * along rows (PyTorch), PyTorch block g taken from Keras block `order[g]`; `inverse` goes back.
 */
export function gatesToRows(data: Float32Array, rows: number, units: number, order: readonly number[]): Float32Array {
  const cols = order.length * units;
  const out = new Float32Array(rows * cols);
  order.forEach((from, g) => {
    for (let j = 0; j < units; j++) for (let k = 0; k < rows; k++) out[(g * units + j) * rows + k] = data[k * cols + from * units + j]!;
  });
  return out;
}

/** The inverse of {@link gatesToRows}: PyTorch `[gates*units, rows]` -> Keras `[rows, gates*units]`. */
export function rowsToGates(data: Float32Array, rows: number, units: number, order: readonly number[]): Float32Array {
  const cols = order.length * units;
  const out = new Float32Array(rows * cols);
  order.forEach((from, g) => {
    for (let j = 0; j < units; j++) for (let k = 0; k < rows; k++) out[k * cols + from * units + j] = data[(g * units + j) * rows + k]!;
  });
  return out;
}

/** Bias blocks reordered: block g of the result is block `order[g]` of `data`. */
export function reorderBlocks(data: Float32Array, units: number, order: readonly number[]): Float32Array {
  const out = new Float32Array(order.length * units);
  order.forEach((from, g) => out.set(data.subarray(from * units, (from + 1) * units), g * units));
  return out;
}

/** The inverse of {@link reorderBlocks}. */
export function unorderBlocks(data: Float32Array, units: number, order: readonly number[]): Float32Array {
  const out = new Float32Array(order.length * units);
  order.forEach((from, g) => out.set(data.subarray(g * units, (g + 1) * units), from * units));
  return out;
}
