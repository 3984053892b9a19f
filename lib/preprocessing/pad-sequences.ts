/**
 * padSequences: Keras's `pad_sequences`, variable-length sequences to one `[n, maxlen]` tensor.
 */
import { Tensor } from '../tensor.js';
import { checkOptions, integer, number, oneOf, typeError } from '../validate.js';

/** Where {@link padSequences} pads or truncates: before (`'pre'`) or after (`'post'`) the values. */
export type PadSide = 'pre' | 'post';
const SIDES: readonly PadSide[] = ['pre', 'post'];

/** Options of {@link padSequences}. */
export interface PadSequencesOptions {
  /** The length of every row. Defaults to the longest sequence's length. */
  maxlen?: number;
  /**
   * The element type. Only `'float32'` (what models take) is offered; Keras's default is
   * `'int32'`. Integers up to 2^24 are exact in float32. Defaults to `'float32'`.
   */
  dtype?: 'float32';
  /** Pad before (`'pre'`) or after (`'post'`) each sequence. Defaults to `'pre'`. */
  padding?: PadSide;
  /** Drop values from the start (`'pre'`) or the end (`'post'`) of a sequence longer than `maxlen`. Defaults to `'pre'`. */
  truncating?: PadSide;
  /** The padding value. Defaults to `0`. */
  value?: number;
}

const KEYS = ['maxlen', 'dtype', 'padding', 'truncating', 'value'] as const;

/**
 * Pads sequences to the same length, as Keras's `pad_sequences`.
 *
 * Row `i` of the result holds `sequences[i]`: a sequence longer than `maxlen` loses values at
 * its start (`truncating: 'pre'`, keeping the last `maxlen`) or at its end (`'post'`); a shorter
 * one is filled with `value` before it (`padding: 'pre'`) or after it (`'post'`). An empty
 * sequence gives a row of `value`.
 *
 * The result is a float32 {@link Tensor} of shape `[sequences.length, maxlen]` (Keras returns
 * int32 by default): models take float32 inputs, and token indices below 2^24 are exact.
 *
 * `padding: 'post'` keeps the real steps at the start of each row, the layout a masked
 * recurrent layer runs on its fused kernel; `'pre'` (Keras's default) puts them at the end,
 * next to the last output of an unmasked LSTM.
 *
 * Args:
 *   sequences: an array of number arrays (or typed arrays), finite values.
 *   maxlen: the row length, an integer >= 1. Defaults to the longest sequence's length.
 *   dtype: `'float32'`, the only type offered. Defaults to `'float32'`.
 *   padding: `'pre'` or `'post'`. Defaults to `'pre'`.
 *   truncating: `'pre'` or `'post'`. Defaults to `'pre'`.
 *   value: the padding value, a finite number. Defaults to `0`.
 *
 * @example
 * ```ts
 * preprocessing.padSequences([[1, 2], [3, 4, 5, 6]], { maxlen: 3 }).toArray();
 * // [[0, 1, 2], [4, 5, 6]]
 * preprocessing.padSequences([[1, 2], [3]], { padding: 'post' }).toArray();
 * // [[1, 2], [3, 0]]
 * ```
 * @throws {TypeError} for an unknown option, a wrong type, or a sequence that is not an array of numbers.
 * @throws {RangeError} for `maxlen < 1`, an unknown `padding`, `truncating` or `dtype`, a non-finite
 *   value, no sequences, or only empty sequences without `maxlen`.
 */
export function padSequences(sequences: readonly ArrayLike<number>[], options: PadSequencesOptions = {}): Tensor {
  const opts = checkOptions<PadSequencesOptions>(options, 'padSequences', KEYS);
  if (opts.dtype !== undefined) oneOf(opts.dtype, 'padSequences.dtype', ['float32']);
  const padding = opts.padding === undefined ? 'pre' : oneOf(opts.padding, 'padSequences.padding', SIDES);
  const truncating = opts.truncating === undefined ? 'pre' : oneOf(opts.truncating, 'padSequences.truncating', SIDES);
  const value = opts.value === undefined ? 0 : number(opts.value, 'padSequences.value');
  const seqs = readSequences(sequences, 'padSequences.sequences');
  let maxlen: number;
  if (opts.maxlen !== undefined) {
    maxlen = integer(opts.maxlen, 'padSequences.maxlen', { min: 1 });
  } else {
    maxlen = seqs.reduce((m, s) => Math.max(m, s.length), 0);
    if (maxlen === 0) {
      throw new RangeError('Expected a non-empty sequence in padSequences.sequences (they are all empty), or a maxlen');
    }
  }
  return padRows(seqs, maxlen, { padding, truncating, value });
}

/**
 * @internal Packs sequences into a `[n, maxlen]` float32 tensor; checked arguments, `maxlen >= 1`.
 */
export function padRows(
  seqs: readonly ArrayLike<number>[],
  maxlen: number,
  o: { padding: PadSide; truncating: PadSide; value: number },
): Tensor {
  const data = new Float32Array(seqs.length * maxlen);
  if (o.value !== 0) data.fill(o.value);
  seqs.forEach((s, i) => {
    const keep = Math.min(s.length, maxlen);
    const from = o.truncating === 'pre' ? s.length - keep : 0;
    const to = i * maxlen + (o.padding === 'pre' ? maxlen - keep : 0);
    for (let k = 0; k < keep; k++) data[to + k] = s[from + k]!;
  });
  return new Tensor(data, [seqs.length, maxlen]);
}

/** @internal Checks a non-empty array of finite number sequences (arrays or typed arrays). */
export function readSequences(value: unknown, name: string): ArrayLike<number>[] {
  if (!Array.isArray(value)) throw typeError('an array of number arrays', name, value);
  if (value.length === 0) throw new RangeError(`Expected at least one sequence in ${name} but received an empty array`);
  value.forEach((s, i) => {
    if (!Array.isArray(s) && !(ArrayBuffer.isView(s) && !(s instanceof DataView))) {
      throw typeError('an array of numbers', `${name}[${i}]`, s);
    }
    const seq = s as ArrayLike<unknown>;
    for (let k = 0; k < seq.length; k++) {
      const v = seq[k];
      if (typeof v !== 'number') throw typeError('a number', `${name}[${i}][${k}]`, v);
      if (!Number.isFinite(v)) throw new RangeError(`Expected finite numbers in ${name} but received ${v} at [${i}][${k}]`);
    }
  });
  return value as ArrayLike<number>[];
}
