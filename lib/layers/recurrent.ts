/**
 * What recurrent layers (LSTM, and GRU, SimpleRNN, Bidirectional as they come) share in the
 * functional API: a call takes the sequence and, optionally, its initial states (Keras
 * `initial_state`), as `apply(x, { initialState })` or `apply([x, ...states])`.
 */
import { type CallInputs, type Shape, symbolicInput } from './layer.js';

/** `(None, 8)`. */
function words(shape: readonly (number | null)[]): string {
  return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/**
 * Reads the arguments of a recurrent layer's `apply`: `x`, `[x, ...states]`, or `x` with
 * `{ initialState }`. `states` names the states in messages (`['h', 'c']` for an LSTM).
 */
export function recurrentCallInputs(
  className: string,
  inputs: unknown,
  kwargs: Record<string, unknown>,
  path: string,
  states: readonly string[],
): CallInputs {
  const given = kwargs.initialState;
  const list = Array.isArray(inputs) ? (inputs as unknown[]) : [inputs];
  if (list.length === 0) throw new TypeError(`Expected a SymbolicTensor for ${path}.inputs but received an empty array`);
  const stateText = `[${states.map((s) => `${s}0`).join(', ')}]`;
  let stateValues: unknown[] = list.slice(1);
  let statePath = (i: number) => `${path}.inputs[${i + 1}]`;
  if (given !== undefined) {
    if (list.length > 1) {
      throw new TypeError(`${path} received initial states twice: in the inputs array and in initialState; give them once`);
    }
    stateValues = Array.isArray(given) ? (given as unknown[]) : [given];
    statePath = Array.isArray(given) ? (i) => `${path}.kwargs.initialState[${i}]` : () => `${path}.kwargs.initialState`;
  }
  if (stateValues.length !== 0 && stateValues.length !== states.length) {
    throw new RangeError(
      `Expected ${states.length} initial state${states.length === 1 ? '' : 's'} ${stateText} for ${path} (${className}) but received ${stateValues.length}` +
        (given === undefined ? ` (apply([x, ${states.map((s) => `${s}0`).join(', ')}]) or apply(x, { initialState: ${stateText} }))` : ''),
    );
  }
  const x = symbolicInput(list[0], Array.isArray(inputs) ? `${path}.inputs[0]` : `${path}.inputs`);
  return { inputs: [x, ...stateValues.map((s, i) => symbolicInput(s, statePath(i)))], callArgs: {} };
}

/**
 * Checks the initial states of a recurrent call: each `[batch, units]`. Throws a RangeError
 * without a path.
 */
export function checkInitialStates(className: string, inputShapes: readonly Shape[], units: number, states: readonly string[]): void {
  const given = inputShapes.slice(1);
  if (given.length !== 0 && given.length !== states.length) {
    throw new RangeError(`${className} takes the sequence and ${states.length} initial states (${states.join(', ')}) but received ${inputShapes.length} inputs`);
  }
  given.forEach((shape, i) => {
    const fits = shape.length === 2 && (shape[1] === null || shape[1] === units);
    if (!fits) {
      throw new RangeError(`the initial state ${states[i]} of ${className} must have shape (None, ${units}) but has ${words(shape)}`);
    }
  });
}
