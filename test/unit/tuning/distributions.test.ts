/**
 * Distributions (Optuna's Int/Float/CategoricalDistribution): validation, the step grid,
 * and the uniform draws of the random sampler over them.
 */
import { describe, expect, it } from 'vitest';
import { categorical, contains, float, int } from '../../../lib/tuning/distributions.js';
import { Rng } from '../../../lib/tuning/random.js';
import { sampleUniform } from '../../../lib/tuning/samplers/random.js';

describe('tuning.int / tuning.float / tuning.categorical', () => {
  it('build plain data with the defaults filled', () => {
    expect(int(16, 256, { log: true })).toEqual({ kind: 'int', low: 16, high: 256, step: 1, log: true });
    expect(float(0, 0.5)).toEqual({ kind: 'float', low: 0, high: 0.5, step: null, log: false });
    expect(categorical(['adam', 'sgd'])).toEqual({ kind: 'categorical', choices: ['adam', 'sgd'] });
  });

  it('round high down onto the step grid (as Optuna)', () => {
    expect(int(6, 40, { step: 6 }).high).toBe(36);
    expect(float(0, 1, { step: 0.3 }).high).toBe(0.9);
    expect(float(0.1, 0.5, { step: 0.1 }).high).toBe(0.5);
  });

  it('reject invalid bounds and option combinations, naming what is wrong', () => {
    expect(() => int(1.5, 3)).toThrow(/tuning\.int\.low/);
    expect(() => int(5, 3)).toThrow(RangeError);
    expect(() => int(0, 10, { log: true })).toThrow(/>= 1 for tuning\.int\.low/);
    expect(() => int(1, 10, { log: true, step: 2 })).toThrow(RangeError);
    expect(() => float(0, 1, { log: true })).toThrow(/> 0 for tuning\.float\.low/);
    expect(() => float(1e-4, 1, { log: true, step: 0.1 })).toThrow(RangeError);
    expect(() => float(0, Infinity)).toThrow(RangeError);
    expect(() => float(0, 1, { steps: 0.1 } as never)).toThrow(/did you mean "step"/);
    expect(() => categorical([])).toThrow(RangeError);
    expect(() => categorical(['a', 'a'])).toThrow(/distinct/);
    expect(() => categorical([{}] as never)).toThrow(/tuning\.categorical\[0\]/);
  });

  it('contains: range, integrality, step grid, membership', () => {
    expect(contains(int(6, 36, { step: 6 }), 12)).toBe(true);
    expect(contains(int(6, 36, { step: 6 }), 13)).toBe(false);
    expect(contains(float(0, 1, { step: 0.1 }), 0.3)).toBe(true);
    expect(contains(float(0, 1), 1.01)).toBe(false);
    expect(contains(categorical([1, 'a', null]), null)).toBe(true);
    expect(contains(categorical([1, 'a']), 'b')).toBe(false);
  });
});

describe('uniform draws (the random sampler)', () => {
  const rng = new Rng(3);
  const draw = (d: Parameters<typeof sampleUniform>[1], n: number) => Array.from({ length: n }, () => sampleUniform(rng, d) as number);

  it('int: every value of the grid, equally often, ends included', () => {
    const values = draw(int(6, 36, { step: 6 }), 6000);
    const counts = new Map<number, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([6, 12, 18, 24, 30, 36]);
    for (const c of counts.values()) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });

  it('float log: uniform in log space (median at the geometric mean)', () => {
    const values = draw(float(1e-4, 1e-2, { log: true }), 4000).sort((a, b) => a - b);
    expect(values[0]).toBeGreaterThanOrEqual(1e-4);
    expect(values.at(-1)).toBeLessThanOrEqual(1e-2);
    expect(Math.log10(values[2000]!)).toBeCloseTo(-3, 1);
  });

  it('int log: small values more often than large ones, all in range', () => {
    const values = draw(int(1, 1000, { log: true }), 4000);
    expect(values.every((v) => Number.isInteger(v) && v >= 1 && v <= 1000)).toBe(true);
    expect(values.filter((v) => v <= 31).length / 4000).toBeGreaterThan(0.4);
  });

  it('float step: values on the grid without floating-point tails', () => {
    const values = draw(float(0, 0.5, { step: 0.1 }), 500);
    expect(new Set(values)).toEqual(new Set([0, 0.1, 0.2, 0.3, 0.4, 0.5]));
  });

  it('categorical: each choice about equally often', () => {
    const values = Array.from({ length: 3000 }, () => sampleUniform(rng, categorical(['a', 'b', 'c'])));
    for (const c of ['a', 'b', 'c']) expect(Math.abs(values.filter((v) => v === c).length - 1000)).toBeLessThan(120);
  });
});
