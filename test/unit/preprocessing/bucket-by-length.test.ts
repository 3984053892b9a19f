import { describe, it, expect } from 'vitest';
import { bucketBySequenceLength, type SequenceBatch } from '../../../lib/preprocessing/bucket-by-length.js';

// Expected batches come from tf.data.Dataset.bucket_by_sequence_length, TensorFlow 2.21.0, on a
// dataset of (X[i], i) in order (padded_batch pads after the sequences with 0).
const X = [[1], [2, 3], [4, 5, 6], [7], [8, 9, 10, 11], [12, 13], [14, 15, 16, 17, 18], [19, 20, 21], [22]];
const Y = X.map((_, i) => i);

const plain = (batches: SequenceBatch[]) => batches.map((b) => [b.x.toArray(), b.y.toArray()]);

describe('bucketBySequenceLength', () => {
  it('emits the batches tf.data emits, each padded to its own longest sequence', () => {
    const batches = bucketBySequenceLength(X, Y, { bucketBoundaries: [3], bucketBatchSizes: [2, 2] });
    expect(plain(batches)).toEqual([
      [[[1, 0], [2, 3]], [0, 1]],
      [[[4, 5, 6, 0], [8, 9, 10, 11]], [2, 4]],
      [[[7, 0], [12, 13]], [3, 5]],
      [[[14, 15, 16, 17, 18], [19, 20, 21, 0, 0]], [6, 7]],
      [[[22]], [8]],
    ]);
    expect(batches.map((b) => b.lengths)).toEqual([[1, 2], [3, 4], [1, 2], [5, 3], [1]]);
    expect(batches.map((b) => b.indices)).toEqual([[0, 1], [2, 4], [3, 5], [6, 7], [8]]);
    expect(batches[0]!.x.dtype).toBe('float32');
    expect(batches[0]!.y.shape).toEqual([2]);
  });

  it('flushes the remainders bucket by bucket, as tf.data', () => {
    expect(plain(bucketBySequenceLength(X, Y, { bucketBoundaries: [2, 4], bucketBatchSizes: [4, 3, 3] }))).toEqual([
      [[[2, 3, 0], [4, 5, 6], [12, 13, 0]], [1, 2, 5]],
      [[[1], [7], [22]], [0, 3, 8]],
      [[[19, 20, 21]], [7]],
      [[[8, 9, 10, 11, 0], [14, 15, 16, 17, 18]], [4, 6]],
    ]);
    expect(plain(bucketBySequenceLength(X, Y, { bucketBoundaries: [2, 4], bucketBatchSizes: [3, 2, 1] }))).toEqual([
      [[[2, 3, 0], [4, 5, 6]], [1, 2]],
      [[[8, 9, 10, 11]], [4]],
      [[[14, 15, 16, 17, 18]], [6]],
      [[[12, 13, 0], [19, 20, 21]], [5, 7]],
      [[[1], [7], [22]], [0, 3, 8]],
    ]);
    expect(plain(bucketBySequenceLength(X, Y, { bucketBoundaries: [4], bucketBatchSizes: [9, 1] }))).toEqual([
      [[[8, 9, 10, 11]], [4]],
      [[[14, 15, 16, 17, 18]], [6]],
      [[[1, 0, 0], [2, 3, 0], [4, 5, 6], [7, 0, 0], [12, 13, 0], [19, 20, 21], [22, 0, 0]], [0, 1, 2, 3, 5, 7, 8]],
    ]);
  });

  it('takes no boundaries (one bucket) and drops remainders on request', () => {
    const all = bucketBySequenceLength(X, Y, { bucketBoundaries: [], bucketBatchSizes: [4] });
    expect(plain(all)).toEqual([
      [[[1, 0, 0], [2, 3, 0], [4, 5, 6], [7, 0, 0]], [0, 1, 2, 3]],
      [[[8, 9, 10, 11, 0], [12, 13, 0, 0, 0], [14, 15, 16, 17, 18], [19, 20, 21, 0, 0]], [4, 5, 6, 7]],
      [[[22]], [8]],
    ]);
    const dropped = bucketBySequenceLength(X, Y, { bucketBoundaries: [], bucketBatchSizes: [4], dropRemainder: true });
    expect(plain(dropped)).toEqual(plain(all).slice(0, 2));
    const drop3 = bucketBySequenceLength(X, Y, { bucketBoundaries: [3], bucketBatchSizes: [2, 2], dropRemainder: true });
    expect(drop3.map((b) => b.indices)).toEqual([[0, 1], [2, 4], [3, 5], [6, 7]]);
  });

  it('pre-pads with a value on request and keeps label vectors', () => {
    const [batch] = bucketBySequenceLength([[1, 2, 3], [4]], [[1, 0], [0, 1]], {
      bucketBoundaries: [],
      bucketBatchSizes: [2],
      padding: 'pre',
      value: -1,
    });
    expect(batch!.x.toArray()).toEqual([[1, 2, 3], [-1, -1, 4]]);
    expect(batch!.y.shape).toEqual([2, 2]);
    expect(batch!.y.toArray()).toEqual([[1, 0], [0, 1]]);
    expect(batch!.lengths).toEqual([3, 1]);
  });

  it('shuffles deterministically with a seed, keeping every example once', () => {
    const opts = { bucketBoundaries: [3], bucketBatchSizes: [2, 2], shuffle: true, seed: 42 };
    const a = bucketBySequenceLength(X, Y, opts);
    const b = bucketBySequenceLength(X, Y, opts);
    expect(plain(a)).toEqual(plain(b));
    const c = bucketBySequenceLength(X, Y, { ...opts, seed: 43 });
    expect(plain(c)).not.toEqual(plain(a));
    for (const batches of [a, c]) {
      expect(batches.flatMap((x) => x.indices).sort((p, q) => p - q)).toEqual(Y);
      for (const batch of batches) {
        // Every row is its sequence, post-padded to the batch's longest; y follows the indices.
        const width = Math.max(...batch.lengths);
        expect(batch.x.shape).toEqual([batch.indices.length, width]);
        batch.indices.forEach((i, r) => {
          const len = X[i]!.length;
          expect(batch.lengths[r]).toBe(len);
          expect(batch.x.toArray()).toContainEqual([...X[i]!, ...new Array(width - len).fill(0)]);
          expect((batch.y.toArray() as number[])[r]).toBe(i);
          expect(len < 3).toBe(batch.lengths.every((l) => l < 3)); // one bucket per batch
        });
      }
    }
    // Without shuffle the seed changes nothing.
    expect(plain(bucketBySequenceLength(X, Y, { bucketBoundaries: [3], bucketBatchSizes: [2, 2], seed: 1 }))).toEqual(
      plain(bucketBySequenceLength(X, Y, { bucketBoundaries: [3], bucketBatchSizes: [2, 2] })),
    );
  });

  it('validates its arguments with the house wording', () => {
    const ok = { bucketBoundaries: [3], bucketBatchSizes: [2, 2] };
    expect(() => bucketBySequenceLength(X, Y, undefined as never)).toThrow(TypeError);
    expect(() => bucketBySequenceLength(X, Y, { ...ok, bucketBoundaries: [3, 3] })).toThrow(
      'Expected strictly increasing integers >= 1 for bucketBySequenceLength.bucketBoundaries but received [3, 3]',
    );
    expect(() => bucketBySequenceLength(X, Y, { ...ok, bucketBoundaries: [0] })).toThrow(RangeError);
    expect(() => bucketBySequenceLength(X, Y, { ...ok, bucketBoundaries: [1.5] })).toThrow(
      'Expected an integer for bucketBySequenceLength.bucketBoundaries[0] but received 1.5 of type number',
    );
    expect(() => bucketBySequenceLength(X, Y, { ...ok, bucketBatchSizes: [2] })).toThrow(
      'Expected bucketBoundaries.length + 1 = 2 batch sizes for bucketBySequenceLength.bucketBatchSizes but received 1',
    );
    expect(() => bucketBySequenceLength(X, Y, { ...ok, bucketBatchSizes: [2, 0] })).toThrow(
      'Expected an integer >= 1 for bucketBySequenceLength.bucketBatchSizes[1] but received 0 of type number',
    );
    expect(() => bucketBySequenceLength(X, Y, { ...ok, padding: 'end' as never })).toThrow(RangeError);
    expect(() => bucketBySequenceLength(X, Y, { ...ok, seed: -1 })).toThrow(RangeError);
    expect(() => bucketBySequenceLength(X, Y, { ...ok, shuffle: 1 as never })).toThrow(TypeError);
    expect(() => bucketBySequenceLength(X, Y, { ...ok, bucketBoundary: [3] } as never)).toThrow(/did you mean "bucketBoundaries"/);
    expect(() => bucketBySequenceLength([[1], []], [0, 1], ok)).toThrow(
      'Expected a non-empty sequence for bucketBySequenceLength.sequences[1] but received an empty one',
    );
    expect(() => bucketBySequenceLength(X, Y.slice(1), ok)).toThrow(
      'Expected bucketBySequenceLength.labels to hold one label per sequence (9) but received 8',
    );
    expect(() => bucketBySequenceLength([[1], [2]], [[1, 0], [1]], ok)).toThrow(RangeError);
    expect(() => bucketBySequenceLength([[1], [2]], [0, [1]] as never, ok)).toThrow(TypeError);
    expect(() => bucketBySequenceLength([[1], [2]], [0, NaN], ok)).toThrow(TypeError);
  });
});
