/**
 * bucketBySequenceLength: batches of sequences of similar length, each padded only to its own
 * longest sequence (tf.data's `bucket_by_sequence_length`).
 */
import { Tensor } from '../tensor.js';
import { Rng, randomSeed } from '../tuning/random.js';
import { boolean, checkOptions, integer, number, oneOf, typeError } from '../validate.js';
import { padRows, readSequences, type PadSide } from './pad-sequences.js';

/** Options of {@link bucketBySequenceLength}. */
export interface BucketBySequenceLengthOptions {
  /** Upper length boundaries of the buckets, strictly increasing integers >= 1. Required. */
  bucketBoundaries: readonly number[];
  /** The batch size of each bucket, `bucketBoundaries.length + 1` integers >= 1. Required. */
  bucketBatchSizes: readonly number[];
  /** Pad after (`'post'`) or before (`'pre'`) each sequence. Defaults to `'post'`. */
  padding?: PadSide;
  /** The padding value. Defaults to `0`. */
  value?: number;
  /** Shuffle the examples before bucketing them. Defaults to `false`. */
  shuffle?: boolean;
  /** Seed of the shuffle; the same seed gives the same batches. Defaults to a random seed. */
  seed?: number;
  /** Drop each bucket's last, incomplete batch. Defaults to `false`. */
  dropRemainder?: boolean;
}

/** One batch of {@link bucketBySequenceLength}. */
export interface SequenceBatch {
  /** The sequences, padded to the longest in the batch: `[batchSize, maxLength]`, float32. */
  x: Tensor;
  /** Their labels: `[batchSize]` for number labels, `[batchSize, k]` for label vectors. */
  y: Tensor;
  /** The length of each sequence before padding. */
  lengths: number[];
  /** The position of each example in the input arrays. */
  indices: number[];
}

const KEYS = ['bucketBoundaries', 'bucketBatchSizes', 'padding', 'value', 'shuffle', 'seed', 'dropRemainder'] as const;
const FN = 'bucketBySequenceLength';

/**
 * Groups sequences into buckets by length and cuts each bucket into batches, every batch padded
 * only to its own longest sequence, as tf.data's `bucket_by_sequence_length`.
 *
 * A sequence of length `L` goes to the first bucket `i` with `L < bucketBoundaries[i]`, or to
 * the last bucket when `L >= bucketBoundaries[bucketBoundaries.length - 1]`. The examples are
 * read in order (after the shuffle, when `shuffle`), and a bucket emits a batch as soon as it
 * holds `bucketBatchSizes[i]` examples; at the end each bucket's remainder is emitted, bucket by
 * bucket in boundary order (or dropped with `dropRemainder`). Batch order and contents are those
 * of `dataset.bucket_by_sequence_length(...)` on the same (shuffled) stream.
 *
 * Padding goes after the sequences by default (tf.data's `padded_batch`), so the real steps
 * start each row: with a mask, right-padded batches stay on the fused recurrent kernel. Short
 * batches of short sequences waste far less compute than one global `padSequences`. Reshuffle
 * every epoch by passing `seed + epoch`.
 *
 * Args:
 *   sequences: an array of non-empty number arrays (token indices), finite values.
 *   labels: one label per sequence: numbers, or number arrays all of the same length.
 *   bucketBoundaries: strictly increasing integers >= 1 (may be empty: one bucket). Required.
 *   bucketBatchSizes: `bucketBoundaries.length + 1` integers >= 1. Required.
 *   padding: `'post'` or `'pre'`. Defaults to `'post'`.
 *   value: the padding value, a finite number. Defaults to `0`.
 *   shuffle: shuffle the examples first (a full permutation, as `dataset.shuffle(n)`). Defaults to `false`.
 *   seed: the shuffle's seed, an integer >= 0. Defaults to a random seed.
 *   dropRemainder: drop incomplete batches. Defaults to `false`.
 *
 * @example
 * ```ts
 * const batches = preprocessing.bucketBySequenceLength(
 *   [[1], [2, 3], [4, 5, 6], [7], [8, 9, 10, 11]], [0, 1, 0, 1, 1],
 *   { bucketBoundaries: [3], bucketBatchSizes: [2, 2] },
 * );
 * batches.map((b) => b.x.shape);   // [[2, 2], [2, 4], [1, 1]]
 * batches[0].x.toArray();          // [[1, 0], [2, 3]]
 * batches[0].lengths;              // [1, 2]
 * ```
 * @throws {TypeError} for an unknown option, a missing or wrong-typed argument.
 * @throws {RangeError} for unsorted boundaries, a wrong number of batch sizes, an empty
 *   sequence, a non-finite value, or labels that do not match the sequences.
 */
export function bucketBySequenceLength(
  sequences: readonly ArrayLike<number>[],
  labels: readonly (number | ArrayLike<number>)[],
  options: BucketBySequenceLengthOptions,
): SequenceBatch[] {
  if (options === undefined) throw typeError('an options object with bucketBoundaries and bucketBatchSizes', `${FN}.options`, options);
  const opts = checkOptions<BucketBySequenceLengthOptions>(options, FN, KEYS);
  const boundaries = readIntegers(opts.bucketBoundaries, `${FN}.bucketBoundaries`);
  boundaries.forEach((b, i) => {
    if (b < 1 || (i > 0 && b <= boundaries[i - 1]!)) {
      throw new RangeError(`Expected strictly increasing integers >= 1 for ${FN}.bucketBoundaries but received [${boundaries.join(', ')}]`);
    }
  });
  const batchSizes = readIntegers(opts.bucketBatchSizes, `${FN}.bucketBatchSizes`);
  if (batchSizes.length !== boundaries.length + 1) {
    throw new RangeError(
      `Expected bucketBoundaries.length + 1 = ${boundaries.length + 1} batch sizes for ${FN}.bucketBatchSizes but received ${batchSizes.length}`,
    );
  }
  batchSizes.forEach((s, i) => integer(s, `${FN}.bucketBatchSizes[${i}]`, { min: 1 }));
  const padding = opts.padding === undefined ? 'post' : oneOf(opts.padding, `${FN}.padding`, ['pre', 'post'] as const);
  const value = opts.value === undefined ? 0 : number(opts.value, `${FN}.value`);
  const shuffle = opts.shuffle === undefined ? false : boolean(opts.shuffle, `${FN}.shuffle`);
  const seed = opts.seed === undefined ? randomSeed() : integer(opts.seed, `${FN}.seed`, { min: 0 });
  const dropRemainder = opts.dropRemainder === undefined ? false : boolean(opts.dropRemainder, `${FN}.dropRemainder`);

  const seqs = readSequences(sequences, `${FN}.sequences`);
  seqs.forEach((s, i) => {
    if (s.length === 0) throw new RangeError(`Expected a non-empty sequence for ${FN}.sequences[${i}] but received an empty one`);
  });
  const y = readLabels(labels, seqs.length);

  const order = seqs.map((_, i) => i);
  if (shuffle) {
    const rng = new Rng(seed);
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.integer(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
  }
  const pending: number[][] = batchSizes.map(() => []);
  const groups: number[][] = [];
  for (const i of order) {
    const len = seqs[i]!.length;
    let b = boundaries.findIndex((bound) => len < bound);
    if (b === -1) b = boundaries.length;
    pending[b]!.push(i);
    if (pending[b]!.length === batchSizes[b]) {
      groups.push(pending[b]!);
      pending[b] = [];
    }
  }
  if (!dropRemainder) for (const rest of pending) if (rest.length > 0) groups.push(rest);

  return groups.map((indices) => {
    const rows = indices.map((i) => seqs[i]!);
    const lengths = rows.map((r) => r.length);
    const x = padRows(rows, Math.max(...lengths), { padding, truncating: 'post', value });
    const data = new Float32Array(indices.length * y.width);
    indices.forEach((i, r) => data.set(y.rows[i]!, r * y.width));
    const shape = y.vector ? [indices.length, y.width] : [indices.length];
    return { x, y: new Tensor(data, shape), lengths, indices };
  });
}

function readIntegers(value: unknown, name: string): number[] {
  if (!Array.isArray(value)) throw typeError('an array of integers', name, value);
  value.forEach((v, i) => integer(v, `${name}[${i}]`));
  return [...(value as number[])];
}

/** Labels as rows of `width` values; `vector` when they were given as arrays. */
function readLabels(labels: unknown, n: number): { rows: ArrayLike<number>[]; width: number; vector: boolean } {
  const name = `${FN}.labels`;
  if (!Array.isArray(labels)) throw typeError('an array of numbers or of number arrays', name, labels);
  if (labels.length !== n) {
    throw new RangeError(`Expected ${name} to hold one label per sequence (${n}) but received ${labels.length}`);
  }
  const vector = typeof labels[0] !== 'number';
  if (!vector) {
    labels.forEach((v, i) => number(v, `${name}[${i}]`));
    return { rows: (labels as number[]).map((v) => [v]), width: 1, vector };
  }
  const rows = readSequences(labels, name);
  const width = rows[0]!.length;
  rows.forEach((r, i) => {
    if (r.length !== width || width === 0) {
      throw new RangeError(`Expected ${name}[${i}] to hold ${width || 'at least one'} value${width === 1 ? '' : 's'} but received ${r.length}`);
    }
  });
  return { rows, width, vector };
}
