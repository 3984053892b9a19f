/**
 * What one layer kind's Keras JSON converter provides ({@link LayerSerializer}), and how the
 * input tensors of a call map to Keras's call arguments ({@link CallConvention}): one tensor
 * (`Dense`), a list (`Attention`, `Concatenate`), or a sequence with its initial states
 * (recurrent layers: Keras's `initial_state`).
 */
import type { Layer } from '../../layers/layer.js';
import type { CallArgValue } from '../../layers/symbolic.js';
import { describe, nearest } from '../../validate.js';

/** A call's inputs read from Keras JSON: flat tensors in the engine's order and non-tensor arguments. */
export interface KerasCall<T> {
  inputs: T[];
  callArgs: Record<string, CallArgValue>;
}

/** Tells tensor references (already resolved to `T`) from other values in Keras call arguments. */
export type IsTensor<T> = (value: unknown) => value is T;

/**
 * How the input tensors of a call map to Keras call arguments, both ways. `T` is a tensor
 * reference (what the model-level converter writes or has read).
 */
export interface CallConvention {
  /** Keras 3 `{ args, kwargs }` of a call on `inputs` (engine order) with `callArgs`. */
  toKeras3<T>(inputs: readonly T[], callArgs: Readonly<Record<string, CallArgValue>>): { args: unknown[]; kwargs: Record<string, unknown> };
  /** A Keras 3 node's `args` and `kwargs` (tensor references resolved) -> the call. */
  fromKeras3<T>(args: unknown[], kwargs: Record<string, unknown>, isTensor: IsTensor<T>, path: string): KerasCall<T>;
  /** A Keras 2 node (its first-argument tensors and kwargs, references resolved) -> the call. */
  fromKeras2<T>(entries: T[], kwargs: Record<string, unknown>, isTensor: IsTensor<T>, path: string): KerasCall<T>;
}

/**
 * One layer kind's Keras JSON converter. `toKeras` writes every key (the engine never invents a
 * default); `fromKeras` validates through the layer's own option checks, so a bad Keras config
 * gets the same message as a bad factory call.
 */
export interface LayerSerializer<L extends Layer = Layer> {
  /** The Keras class name (`LSTM`). */
  readonly className: string;
  /** Whether `layer` is of this kind (usually `instanceof`). */
  is(layer: Layer): layer is L;
  /** The layer's Keras `config`, every key present (no `inputShape`: that is the model's InputLayer). */
  toKeras(layer: L): Record<string, unknown>;
  /**
   * A Keras `config` -> the layer; `path` names it in errors (`layers[1]`). `inputShape` is the
   * sample shape a Sequential model gives its first layer (Keras 2's `batch_input_shape`).
   */
  fromKeras(config: Record<string, unknown>, path: string, inputShape?: unknown): L;
  /** How its calls' inputs map to Keras call arguments. Defaults to {@link TENSOR_CALL}. */
  readonly call?: CallConvention;
  /**
   * Keras call keyword arguments that torch-lstm keeps as layer options (Attention's
   * `use_causal_mask`), each with the config keys that set the option (Keras 2's `causal` too)
   * and the Keras default. Reading a Functional model whose layer config sets none of those
   * keys, the calls' keyword argument becomes the option (every call must agree). None by default.
   */
  readonly callOptions?: Readonly<Record<string, CallOption>>;
}

/** A call keyword argument kept as a layer option: the config keys that set it, and its Keras default. */
export interface CallOption {
  configKeys: readonly string[];
  default: CallArgValue;
}

/** Keras call keyword arguments that carry no meaning in a saved graph (`training` is set by fit/predict). */
function checkIgnoredKwargs(kwargs: Record<string, unknown>, path: string, known: readonly string[]): Record<string, CallArgValue> {
  const out: Record<string, CallArgValue> = {};
  for (const [key, value] of Object.entries(kwargs)) {
    if (known.includes(key)) continue;
    if (key === 'training' && (value === null || typeof value === 'boolean')) continue;
    if (key === 'mask' && value === null) continue;
    const near = nearest(key, [...known, 'training', 'mask']);
    throw new RangeError(
      `${path} calls the layer with ${key}=${JSON.stringify(value) ?? describe(value)}, a call argument torch-lstm does not support here` +
        (near && near !== key ? `; did you mean "${near}"?` : ''),
    );
  }
  return out;
}

function tensorAt<T>(value: unknown, isTensor: IsTensor<T>, path: string): T {
  if (!isTensor(value)) throw new TypeError(`Expected a Keras tensor reference for ${path} but received ${describe(value)}`);
  return value;
}

/** A call on one tensor: Keras 3 `args: [x]`, Keras 2 `[[x]]`. */
export const TENSOR_CALL: CallConvention = {
  toKeras3: (inputs) => ({ args: [inputs[0]], kwargs: {} }),
  fromKeras3(args, kwargs, isTensor, path) {
    const first = Array.isArray(args[0]) && (args[0] as unknown[]).length === 1 ? (args[0] as unknown[])[0] : args[0];
    if (args.length !== 1) throw new RangeError(`Expected one tensor argument in ${path}.args but received ${args.length}`);
    return { inputs: [tensorAt(first, isTensor, `${path}.args[0]`)], callArgs: checkIgnoredKwargs(kwargs, `${path}.kwargs`, []) };
  },
  fromKeras2(entries, kwargs, _isTensor, path) {
    if (entries.length !== 1) throw new RangeError(`Expected one input tensor in ${path} but received ${entries.length}`);
    return { inputs: entries, callArgs: checkIgnoredKwargs(kwargs, `${path}[0][3]`, []) };
  },
};

/** A call on a list of tensors (Attention, Concatenate, Add): Keras 3 `args: [[a, b]]`, Keras 2 `[[a, b]]`. */
export const LIST_CALL: CallConvention = {
  toKeras3: (inputs) => ({ args: [[...inputs]], kwargs: {} }),
  fromKeras3(args, kwargs, isTensor, path) {
    const list = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
    const inputs = list.map((t, i) => tensorAt(t, isTensor, `${path}.args[0][${i}]`));
    return { inputs, callArgs: checkIgnoredKwargs(kwargs, `${path}.kwargs`, []) };
  },
  fromKeras2(entries, kwargs, _isTensor, path) {
    return { inputs: entries, callArgs: checkIgnoredKwargs(kwargs, `${path}[0][3]`, []) };
  },
};

/**
 * A recurrent call: the sequence, then the initial states. Keras 3 writes `args: [x]` with
 * `kwargs: { initial_state: [h0, c0] }`; Keras 2 writes `[[x, h0, c0]]` (some versions also
 * repeat the states under `initial_state` in each entry's kwargs).
 */
export const RECURRENT_CALL: CallConvention = {
  toKeras3: (inputs) => ({ args: [inputs[0]], kwargs: inputs.length > 1 ? { initial_state: inputs.slice(1) } : {} }),
  fromKeras3(args, kwargs, isTensor, path) {
    const list = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
    const inputs = list.map((t, i) => tensorAt(t, isTensor, `${path}.args[${i}]`));
    const states = statesOf(kwargs.initial_state, isTensor, `${path}.kwargs.initial_state`);
    if (states.length > 0 && inputs.length > 1) throw new RangeError(`${path} gives initial states both in args and in kwargs.initial_state`);
    return { inputs: [...inputs, ...states], callArgs: checkIgnoredKwargs(kwargs, `${path}.kwargs`, ['initial_state']) };
  },
  fromKeras2(entries, kwargs, isTensor, path) {
    const states = statesOf(kwargs.initial_state, isTensor, `${path}[0][3].initial_state`);
    const inputs = entries.length > 1 ? entries : [...entries, ...states];
    return { inputs, callArgs: checkIgnoredKwargs(kwargs, `${path}[0][3]`, ['initial_state']) };
  },
};

function statesOf<T>(value: unknown, isTensor: IsTensor<T>, path: string): T[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((t, i) => tensorAt(t, isTensor, Array.isArray(value) ? `${path}[${i}]` : path));
}
