import { describe, it, expect } from 'vitest';
import { Differencer } from '../../../lib/preprocessing/differencer.js';

const season = [0, 3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5];
/** A linear trend plus a 12-step pattern: every lag-12 difference is exactly 24. */
const seasonal = (t: number): number => 2 * t + season[t % 12]!;

function close(actual: number[] | number[][], expected: number[] | number[][], tol = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    if (Array.isArray(a)) (a as number[]).forEach((v, j) => expect(Math.abs(v - (e as number[])[j]!)).toBeLessThan(tol));
    else expect(Math.abs((a as number) - (e as number))).toBeLessThan(tol);
  });
}

describe('Differencer', () => {
  it('takes first differences and continues a forecast from the fitted end', () => {
    const diff = new Differencer();
    expect(diff.fitTransform([10, 12, 15])).toEqual([2, 3]);
    expect(diff.lastValues).toEqual([15]);
    expect(diff.inverseTransform([1, 1])).toEqual([16, 17]);
  });

  it('inverts one step from given true levels (initial)', () => {
    const diff = new Differencer().fit([10, 12, 15]);
    expect(diff.inverseTransform([4], { initial: [20] })).toEqual([24]);
    // Only the last lag * order rows of initial are used.
    expect(diff.inverseTransform([4], { initial: [1, 2, 20] })).toEqual([24]);
  });

  it('takes second differences of squares and integrates them back', () => {
    const diff = new Differencer({ order: 2 });
    expect(diff.span).toBe(2);
    expect(diff.fitTransform([1, 4, 9, 16, 25])).toEqual([2, 2, 2]);
    expect(diff.inverseTransform([2, 2, 2], { initial: [1, 4] })).toEqual([9, 16, 25]);
    // Continues after 16, 25: the next squares.
    expect(diff.inverseTransform([2, 2])).toEqual([36, 49]);
  });

  it('removes a yearly pattern with lag 12 and restores it', () => {
    const train = Array.from({ length: 36 }, (_, t) => seasonal(t));
    const diff = new Differencer({ lag: 12 });
    const d = diff.fitTransform(train);
    expect(d).toEqual(new Array(24).fill(24));
    const next = Array.from({ length: 15 }, (_, k) => seasonal(36 + k));
    expect(diff.inverseTransform(new Array(15).fill(24))).toEqual(next);
  });

  it('round-trips per feature with lag 3, order 2 within 1e-12', () => {
    const X = Array.from({ length: 40 }, (_, t) => [Math.sin(t * 0.7), Math.cos(t * 0.3) + t * 0.01]);
    const diff = new Differencer({ lag: 3, order: 2 });
    const d = diff.fitTransform(X);
    expect(d.length).toBe(34);
    // The first difference, by hand: (x[6] - x[3]) - (x[3] - x[0]).
    expect(d[0]![1]).toBeCloseTo(X[6]![1]! - 2 * X[3]![1]! + X[0]![1]!, 14);
    close(diff.inverseTransform(d, { initial: X.slice(0, 6) }), X.slice(6));
  });

  it('continues from the end of the fitted series: transform(full) tail inverts to the held-out part', () => {
    const full = Array.from({ length: 30 }, (_, t) => 100 + t * t * 0.5 + Math.sin(t));
    const train = full.slice(0, 20);
    const diff = new Differencer({ lag: 2, order: 2 }).fit(train);
    const tail = diff.transform(full).slice(train.length - diff.span);
    close(diff.inverseTransform(tail), full.slice(20), 1e-9);
  });

  it('inverts many one-step predictions from the true levels (inverseOneStep)', () => {
    const diff = new Differencer().fit([10, 12, 15]);
    // Aligned with the end: predictions for positions 1 and 2, from levels 10 and 12.
    expect(diff.inverseOneStep([1, 2], [10, 12, 15])).toEqual([11, 14]);
    // The position right after the series.
    expect(diff.inverseOneStep([1], [10, 12, 15], 3)).toEqual([16]);
    const order2 = new Differencer({ order: 2 }).fit([1, 4, 9, 16]);
    const levels = [1, 4, 9, 16, 25, 36];
    // Perfect predicted second differences give back the true levels.
    expect(order2.inverseOneStep([2, 2, 2], levels, 3)).toEqual([16, 25, 36]);
    // Each row equals a one-step inverseTransform from the true previous levels.
    const got = order2.inverseOneStep([5, -1], levels, 4);
    expect(got).toEqual([
      order2.inverseTransform([5], { initial: levels.slice(2, 4) })[0],
      order2.inverseTransform([-1], { initial: levels.slice(3, 5) })[0],
    ]);
    expect(() => order2.inverseOneStep([1], levels, 1)).toThrow(
      'Expected an integer >= 2 for Differencer.inverseOneStep.start but received 1 of type number',
    );
    expect(() => order2.inverseOneStep([1, 2], levels, 6)).toThrow(/an integer <= 5 for Differencer.inverseOneStep.start/);
  });

  it('keeps the input form: number[][] in, number[][] out', () => {
    const diff = new Differencer();
    expect(diff.fitTransform([[1, 10], [3, 20], [6, 40]])).toEqual([[2, 10], [3, 20]]);
    expect(diff.inverseTransform([[1, 1]])).toEqual([[7, 41]]);
    expect(diff.lastValues).toEqual([[6, 40]]);
  });

  it('validates options and data, naming the option and the value', () => {
    expect(() => new Differencer({ lag: 0 })).toThrow('Expected an integer >= 1 for Differencer.lag but received 0 of type number');
    expect(() => new Differencer({ order: 1.5 })).toThrow('Expected an integer for Differencer.order but received 1.5 of type number');
    expect(() => new Differencer({ lags: 2 } as never)).toThrow('Unknown option "lags" for Differencer; did you mean "lag"?');
    const diff = new Differencer({ lag: 12 });
    expect(() => diff.fit(new Array(12).fill(1))).toThrow(
      'Expected more than lag * order = 12 rows in Differencer.fit.X but received 12',
    );
    expect(() => diff.transform(new Array(20).fill(1))).toThrow(/not fitted yet.*transform\(\)/);
    diff.fit(new Array(13).fill(1));
    expect(() => diff.inverseTransform([1], { initial: [1, 2] })).toThrow(
      'Expected at least lag * order = 12 rows in Differencer.inverseTransform.options.initial but received 2',
    );
    expect(() => diff.inverseTransform([[1, 2]])).toThrow(
      'Differencer.inverseTransform.diffs has 2 features, but Differencer was fitted with 1 feature',
    );
    expect(() => diff.inverseTransform([1], { inital: [1] } as never)).toThrow(/did you mean "initial"/);
  });

  it('saves and restores through JSON', () => {
    const diff = new Differencer({ lag: 2 }).fit([1, 2, 4, 8]);
    const restored = Differencer.fromJSON(JSON.parse(JSON.stringify(diff)));
    expect(restored.getConfig()).toEqual({ lag: 2, order: 1 });
    expect(restored.lastValues).toEqual([4, 8]);
    expect(restored.inverseTransform([1, 1])).toEqual([5, 9]);
    expect(() => Differencer.fromJSON({ className: 'Differencer', config: { lag: 3 }, state: { lastValues: [1], oneD: true } })).toThrow(
      'Expected lag * order = 3 rows in Differencer.fromJSON.json.state.lastValues but received 1',
    );
  });
});
