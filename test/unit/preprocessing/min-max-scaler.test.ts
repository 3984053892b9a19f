import { describe, it, expect } from 'vitest';
import { MinMaxScaler } from '../../../lib/preprocessing/min-max-scaler.js';

/** Deterministic pseudo-random rows in [-50, 50). */
function rows(n: number, features: number, seed = 7): number[][] {
  let s = seed;
  const next = (): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  return Array.from({ length: n }, () => Array.from({ length: features }, () => next() * 100 - 50));
}

describe('MinMaxScaler', () => {
  // scikit-learn's MinMaxScaler docstring example.
  const data = [[-1, 2], [-0.5, 6], [0, 10], [1, 18]];

  it('matches scikit-learn on its docstring example', () => {
    const scaler = new MinMaxScaler().fit(data);
    expect(scaler.dataMin).toEqual([-1, 2]);
    expect(scaler.dataMax).toEqual([1, 18]);
    expect(scaler.dataRange).toEqual([2, 16]);
    expect(scaler.scale).toEqual([0.5, 0.0625]);
    expect(scaler.min).toEqual([0.5, -0.125]);
    expect(scaler.nFeaturesIn).toBe(2);
    expect(scaler.nSamplesSeen).toBe(4);
    expect(scaler.transform(data)).toEqual([[0, 0], [0.25, 0.25], [0.5, 0.5], [1, 1]]);
    expect(scaler.transform([[2, 2]])).toEqual([[1.5, 0]]);
  });

  it('keeps the number[] form for one feature', () => {
    const scaler = new MinMaxScaler();
    const out = scaler.fitTransform([1, 2, 3]);
    expect(out).toEqual([0, 0.5, 1]);
    expect(scaler.transform([4])).toEqual([1.5]);
    expect(scaler.inverseTransform([0.25])).toEqual([1.5]);
    // A one-column number[][] is the same feature.
    expect(scaler.transform([[4]])).toEqual([[1.5]]);
  });

  it('scales to a custom featureRange', () => {
    const scaler = new MinMaxScaler({ featureRange: [-1, 1] });
    expect(scaler.fitTransform([0, 5, 10])).toEqual([-1, 0, 1]);
    expect(scaler.scale).toEqual([0.2]);
    expect(scaler.min).toEqual([-1]);
  });

  it('maps a constant feature to featureRange min, as scikit-learn (scale for a range of 1)', () => {
    const scaler = new MinMaxScaler().fit([[3, 1], [3, 2]]);
    expect(scaler.scale).toEqual([1, 1]);
    expect(scaler.min).toEqual([-3, -1]);
    expect(scaler.transform([[3, 1.5]])).toEqual([[0, 0.5]]);
    const ranged = new MinMaxScaler({ featureRange: [2, 5] }).fit([3, 3, 3]);
    expect(ranged.scale).toEqual([3]);
    expect(ranged.transform([3])).toEqual([2]);
    expect(ranged.inverseTransform([2])).toEqual([3]);
  });

  it('clips to featureRange only when clip is set', () => {
    expect(new MinMaxScaler().fit([0, 10]).transform([-5, 15])).toEqual([-0.5, 1.5]);
    expect(new MinMaxScaler({ clip: true }).fit([0, 10]).transform([-5, 5, 15])).toEqual([0, 0.5, 1]);
  });

  it('round-trips transform -> inverseTransform within 1e-12', () => {
    const X = rows(50, 3);
    const scaler = new MinMaxScaler({ featureRange: [-2, 3] });
    const back = scaler.inverseTransform(scaler.fitTransform(X));
    back.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - X[i]![j]!)).toBeLessThan(1e-12)));
    const t = scaler.transform(X);
    for (const row of t) for (const v of row) {
      expect(v).toBeGreaterThanOrEqual(-2 - 1e-12);
      expect(v).toBeLessThanOrEqual(3 + 1e-12);
    }
  });

  it('does not mutate its input', () => {
    const X = [[1, 2], [3, 4]];
    new MinMaxScaler().fitTransform(X);
    expect(X).toEqual([[1, 2], [3, 4]]);
  });

  it('refuses transform, inverseTransform and attributes before fit', () => {
    const scaler = new MinMaxScaler();
    expect(scaler.isFitted).toBe(false);
    expect(() => scaler.transform([1])).toThrow(/MinMaxScaler is not fitted yet; call fit\(\) or fitTransform\(\) before transform\(\)/);
    expect(() => scaler.inverseTransform([1])).toThrow(/not fitted yet.*inverseTransform\(\)/);
    expect(() => scaler.scale).toThrow(/not fitted yet.*reading scale/);
  });

  it('names both counts on a feature mismatch', () => {
    const scaler = new MinMaxScaler().fit(data);
    expect(() => scaler.transform([[1, 2, 3]])).toThrow(RangeError);
    expect(() => scaler.transform([[1, 2, 3]])).toThrow(
      'MinMaxScaler.transform.X has 3 features, but MinMaxScaler was fitted with 2 features',
    );
    expect(() => scaler.inverseTransform([1])).toThrow('has 1 feature, but MinMaxScaler was fitted with 2 features');
  });

  it('validates its options, naming the option and the value', () => {
    expect(() => new MinMaxScaler({ featureRange: [1, 0] })).toThrow(RangeError);
    expect(() => new MinMaxScaler({ featureRange: [1, 0] })).toThrow(
      'Expected [min, max] with finite min < max for MinMaxScaler.featureRange but received [1, 0]',
    );
    expect(() => new MinMaxScaler({ featureRange: [0] as unknown as [number, number] })).toThrow(
      /Expected an array \[min, max\] of two numbers for MinMaxScaler.featureRange but received an array of length 1/,
    );
    expect(() => new MinMaxScaler({ clip: 'yes' as unknown as boolean })).toThrow(
      'Expected a boolean for MinMaxScaler.clip but received "yes" of type string',
    );
    expect(() => new MinMaxScaler({ featureRang: [0, 1] } as never)).toThrow(
      'Unknown option "featureRang" for MinMaxScaler; did you mean "featureRange"?',
    );
  });

  it('validates the data', () => {
    const scaler = new MinMaxScaler();
    expect(() => scaler.fit([])).toThrow(/Expected a non-empty number\[\] or number\[\]\[\] for MinMaxScaler.fit.X/);
    expect(() => scaler.fit([1, NaN])).toThrow('Expected a finite number at MinMaxScaler.fit.X[1] but received NaN');
    expect(() => scaler.fit([[1, 2], [3]])).toThrow(/rectangular but MinMaxScaler.fit.X\[1\] has length 1/);
    expect(() => scaler.fit([1, '2'] as unknown as number[])).toThrow(TypeError);
  });

  it('saves and restores through JSON', () => {
    const scaler = new MinMaxScaler({ featureRange: [-1, 1], clip: true }).fit(data);
    const json = JSON.parse(JSON.stringify(scaler));
    expect(json.className).toBe('MinMaxScaler');
    const restored = MinMaxScaler.fromJSON(json);
    expect(restored.getConfig()).toEqual({ featureRange: [-1, 1], clip: true });
    expect(restored.transform([[0.5, 20]])).toEqual(scaler.transform([[0.5, 20]]));
    expect(restored.dataMax).toEqual([1, 18]);
    const unfitted = MinMaxScaler.fromJSON(JSON.parse(JSON.stringify(new MinMaxScaler())));
    expect(unfitted.isFitted).toBe(false);
    expect(() => MinMaxScaler.fromJSON({ className: 'StandardScaler' })).toThrow(/MinMaxScaler.fromJSON.json/);
    expect(() => MinMaxScaler.fromJSON({ ...json, state: { ...json.state, min: [0] } })).toThrow(
      'Expected MinMaxScaler.fromJSON.json.state.min to hold 2 values but received 1',
    );
  });
});
