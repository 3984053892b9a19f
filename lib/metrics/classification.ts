/**
 * Binary classification scores in float64: accuracy, precision, recall, F1 and the confusion
 * counts, from true labels and predicted probabilities (or labels) such as a sigmoid model's
 * `predict` result.
 */
import { checkOptions, number } from '../validate.js';
import { flattenPair, type MetricInput } from './inputs.js';

/** Options of {@link binaryClassification}. */
export interface BinaryClassificationOptions {
  /** A prediction above this is class 1 (Keras's `BinaryAccuracy` threshold). Defaults to `0.5`. */
  threshold?: number;
}

/** What {@link binaryClassification} returns. */
export interface BinaryClassificationScores {
  accuracy: number;
  /** tp / (tp + fp); 0 when nothing was predicted positive (Keras's `Precision`). */
  precision: number;
  /** tp / (tp + fn); 0 when there are no positives (Keras's `Recall`). */
  recall: number;
  /** Harmonic mean of precision and recall; 0 when both are 0. */
  f1: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

/**
 * Scores of a binary classifier: true labels (0 or 1; anything above 0.5 counts as 1) against
 * predictions thresholded at `threshold`.
 *
 * @example
 * ```ts
 * metrics.binaryClassification([1, 0, 1, 0], [0.9, 0.2, 0.4, 0.7]);
 * // { accuracy: 0.5, precision: 0.5, recall: 0.5, f1: 0.5, tp: 1, fp: 1, tn: 1, fn: 1 }
 * ```
 * @throws {TypeError} when an argument is not numeric.
 * @throws {RangeError} when the two hold different numbers of values, are empty or non-finite.
 */
export function binaryClassification(
  yTrue: MetricInput,
  yPred: MetricInput,
  options?: BinaryClassificationOptions,
): BinaryClassificationScores {
  const o = checkOptions<BinaryClassificationOptions>(options ?? {}, 'binaryClassification', ['threshold']);
  const threshold = o.threshold === undefined ? 0.5 : number(o.threshold, 'binaryClassification.threshold');
  const [t, p] = flattenPair(yTrue, yPred, 'binaryClassification');
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < t.length; i++) {
    const actual = t[i]! > 0.5;
    const predicted = p[i]! > threshold;
    if (actual && predicted) tp++;
    else if (!actual && predicted) fp++;
    else if (actual) fn++;
    else tn++;
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { accuracy: (tp + tn) / t.length, precision, recall, f1, tp, fp, tn, fn };
}
