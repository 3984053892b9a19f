import { describe, it, expect } from 'vitest';
import { padSequences } from '../../../lib/preprocessing/pad-sequences.js';
import { Tensor } from '../../../lib/tensor.js';

// Expected values come from keras.utils.pad_sequences, Keras 3.15.1.
const seqs = [[1, 2, 3, 4, 5], [6, 7], [], [8, 9, 10]];

describe('padSequences', () => {
  it('pads and truncates on either side as Keras', () => {
    const run = (padding: 'pre' | 'post', truncating: 'pre' | 'post') =>
      padSequences(seqs, { maxlen: 3, padding, truncating, value: -1 }).toArray();
    expect(run('pre', 'pre')).toEqual([[3, 4, 5], [-1, 6, 7], [-1, -1, -1], [8, 9, 10]]);
    expect(run('pre', 'post')).toEqual([[1, 2, 3], [-1, 6, 7], [-1, -1, -1], [8, 9, 10]]);
    expect(run('post', 'pre')).toEqual([[3, 4, 5], [6, 7, -1], [-1, -1, -1], [8, 9, 10]]);
    expect(run('post', 'post')).toEqual([[1, 2, 3], [6, 7, -1], [-1, -1, -1], [8, 9, 10]]);
  });

  it('defaults to the longest length, pre-padding with 0', () => {
    const out = padSequences(seqs);
    expect(out).toBeInstanceOf(Tensor);
    expect(out.dtype).toBe('float32');
    expect(out.shape).toEqual([4, 5]);
    expect(out.toArray()).toEqual([[1, 2, 3, 4, 5], [0, 0, 0, 6, 7], [0, 0, 0, 0, 0], [0, 0, 8, 9, 10]]);
  });

  it('keeps float values (float32) and takes typed arrays', () => {
    expect(padSequences([[1.5, 2.25], [3.75]], { padding: 'post', dtype: 'float32' }).toArray()).toEqual([[1.5, 2.25], [3.75, 0]]);
    expect(padSequences([Int32Array.from([4, 5, 6]), Float32Array.from([7])], { maxlen: 2 }).toArray()).toEqual([[5, 6], [0, 7]]);
  });

  it('pads to a maxlen longer than every sequence', () => {
    expect(padSequences([[1], [2, 3]], { maxlen: 4, padding: 'post', value: 9 }).toArray()).toEqual([[1, 9, 9, 9], [2, 3, 9, 9]]);
  });

  it('does not alias its input', () => {
    const input = [[1, 2]];
    const out = padSequences(input);
    out.data[0] = 42;
    expect(input[0]).toEqual([1, 2]);
  });

  it('validates its arguments with the house wording', () => {
    expect(() => padSequences(seqs, { padding: 'left' as never })).toThrow(
      "Expected one of 'pre', 'post' for padSequences.padding but received \"left\" of type string",
    );
    expect(() => padSequences(seqs, { truncating: 'pots' as never })).toThrow(/did you mean 'post'/);
    expect(() => padSequences(seqs, { maxlen: 0 })).toThrow('Expected an integer >= 1 for padSequences.maxlen but received 0 of type number');
    expect(() => padSequences(seqs, { maxlen: 2.5 })).toThrow(TypeError);
    expect(() => padSequences(seqs, { dtype: 'int32' as never })).toThrow(RangeError);
    expect(() => padSequences(seqs, { value: NaN })).toThrow(TypeError);
    expect(() => padSequences(seqs, { value: Infinity })).toThrow(RangeError);
    expect(() => padSequences(seqs, { maxLen: 3 } as never)).toThrow('Unknown option "maxLen" for padSequences; did you mean "maxlen"?');
    expect(() => padSequences([])).toThrow(RangeError);
    expect(() => padSequences([[], []])).toThrow(/all empty/);
    expect(padSequences([[], []], { maxlen: 2 }).toArray()).toEqual([[0, 0], [0, 0]]);
    expect(() => padSequences('abc' as never)).toThrow(TypeError);
    expect(() => padSequences([[1], 2] as never)).toThrow('Expected an array of numbers for padSequences.sequences[1] but received 2 of type number');
    expect(() => padSequences([[1, '2']] as never)).toThrow('Expected a number for padSequences.sequences[0][1]');
    expect(() => padSequences([[1, NaN]])).toThrow(/finite numbers in padSequences.sequences but received NaN at \[0\]\[1\]/);
  });
});
