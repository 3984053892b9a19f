import { describe, expect, it } from 'vitest';
import { binaryClassification } from '../../../lib/metrics/classification.js';

describe('metrics.binaryClassification', () => {
  it('counts the confusion matrix and derives the scores (closed form)', () => {
    // tp: 0.9, 0.8; fn: 0.3; fp: 0.6; tn: 0.1, 0.2
    const s = binaryClassification([1, 1, 1, 0, 0, 0], [0.9, 0.8, 0.3, 0.6, 0.1, 0.2]);
    expect(s).toMatchObject({ tp: 2, fn: 1, fp: 1, tn: 2 });
    expect(s.accuracy).toBeCloseTo(4 / 6, 12);
    expect(s.precision).toBeCloseTo(2 / 3, 12);
    expect(s.recall).toBeCloseTo(2 / 3, 12);
    expect(s.f1).toBeCloseTo(2 / 3, 12);
  });

  it('takes a threshold and predict-shaped inputs', () => {
    const s = binaryClassification({ data: [1, 0], shape: [2, 1] }, { data: new Float32Array([0.55, 0.45]), shape: [2, 1] }, { threshold: 0.6 });
    expect(s).toMatchObject({ tp: 0, fn: 1, fp: 0, tn: 1, precision: 0, recall: 0, f1: 0, accuracy: 0.5 });
  });

  it('names the argument in errors', () => {
    expect(() => binaryClassification([1, 0], [1])).toThrow(/binaryClassification.yTrue and binaryClassification.yPred/);
    expect(() => binaryClassification([1], [1], { threshold: 'x' as unknown as number })).toThrow(/binaryClassification.threshold/);
    expect(() => binaryClassification([1], [1], { treshold: 0.5 } as never)).toThrow(/threshold/);
  });
});
