import { describe, it, expect } from 'vitest';
import { StandardScaler } from '../../../lib/preprocessing/standard-scaler.js';

describe('StandardScaler', () => {
  // scikit-learn's StandardScaler docstring example.
  const data = [[0, 0], [0, 0], [1, 1], [1, 1]];

  it('matches scikit-learn on its docstring example', () => {
    const scaler = new StandardScaler().fit(data);
    expect(scaler.mean).toEqual([0.5, 0.5]);
    expect(scaler.variance).toEqual([0.25, 0.25]);
    expect(scaler.scale).toEqual([0.5, 0.5]);
    expect(scaler.nSamplesSeen).toBe(4);
    expect(scaler.transform(data)).toEqual([[-1, -1], [-1, -1], [1, 1], [1, 1]]);
    expect(scaler.transform([[2, 2]])).toEqual([[3, 3]]);
  });

  it('uses the population variance (ddof = 0)', () => {
    const scaler = new StandardScaler();
    const out = scaler.fitTransform([1, 2, 3]);
    expect(scaler.variance[0]).toBeCloseTo(2 / 3, 15);
    expect(scaler.scale[0]).toBeCloseTo(Math.sqrt(2 / 3), 15);
    expect(out[0]).toBeCloseTo(-Math.sqrt(1.5), 14);
    expect(out[1]).toBe(0);
    expect(out[2]).toBeCloseTo(Math.sqrt(1.5), 14);
  });

  it('gives a zero-variance feature scale 1, also when rounding leaves a tiny variance', () => {
    const scaler = new StandardScaler().fit([[5, 0.1], [5, 0.1], [5, 0.1]]);
    expect(scaler.scale).toEqual([1, 1]);
    expect(scaler.variance[0]).toBe(0);
    const out = scaler.transform([[5, 0.1]]);
    expect(out[0]![0]).toBe(0);
    expect(Math.abs(out[0]![1]!)).toBeLessThan(1e-15);
  });

  it('honours withMean and withStd', () => {
    const noMean = new StandardScaler({ withMean: false });
    const a = noMean.fitTransform([1, 2, 3]);
    expect(a[0]).toBeCloseTo(1 / Math.sqrt(2 / 3), 14);
    expect(noMean.mean).toEqual([2]);
    expect(noMean.inverseTransform(a)[2]).toBeCloseTo(3, 14);
    const noStd = new StandardScaler({ withStd: false });
    expect(noStd.fitTransform([1, 2, 3])).toEqual([-1, 0, 1]);
    expect(noStd.scale).toEqual([1]);
    expect(noStd.inverseTransform([-1, 0, 1])).toEqual([1, 2, 3]);
  });

  it('round-trips transform -> inverseTransform within 1e-12', () => {
    const X = Array.from({ length: 40 }, (_, i) => [Math.sin(i) * 3 + 1, (i % 7) - 2.5, i * 0.01]);
    const scaler = new StandardScaler();
    const t = scaler.fitTransform(X);
    const back = scaler.inverseTransform(t);
    back.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - X[i]![j]!)).toBeLessThan(1e-12)));
    // Standardized columns: mean 0, population variance 1.
    for (let j = 0; j < 3; j++) {
      const col = t.map((r) => r[j]!);
      const m = col.reduce((a, b) => a + b, 0) / col.length;
      const v = col.reduce((a, b) => a + (b - m) ** 2, 0) / col.length;
      expect(Math.abs(m)).toBeLessThan(1e-12);
      expect(v).toBeCloseTo(1, 12);
    }
  });

  it('refuses use before fit and a feature mismatch', () => {
    expect(() => new StandardScaler().transform([1])).toThrow(/StandardScaler is not fitted yet.*transform\(\)/);
    expect(() => new StandardScaler().mean).toThrow(/reading mean/);
    const scaler = new StandardScaler().fit(data);
    expect(() => scaler.transform([1, 2])).toThrow(
      'StandardScaler.transform.X has 1 feature, but StandardScaler was fitted with 2 features',
    );
  });

  it('validates its options', () => {
    expect(() => new StandardScaler({ withMean: 1 as unknown as boolean })).toThrow(
      'Expected a boolean for StandardScaler.withMean but received 1 of type number',
    );
    expect(() => new StandardScaler({ withSTD: true } as never)).toThrow(/did you mean "withStd"/);
    expect(() => new StandardScaler().fit([1, Infinity])).toThrow(/StandardScaler.fit.X\[1\] but received Infinity/);
  });

  it('saves and restores through JSON', () => {
    const scaler = new StandardScaler({ withMean: false }).fit(data);
    const restored = StandardScaler.fromJSON(JSON.parse(JSON.stringify(scaler.toJSON())));
    expect(restored.withMean).toBe(false);
    expect(restored.variance).toEqual([0.25, 0.25]);
    expect(restored.transform([[1, 3]])).toEqual(scaler.transform([[1, 3]]));
    expect(() => StandardScaler.fromJSON(null)).toThrow(TypeError);
  });
});
