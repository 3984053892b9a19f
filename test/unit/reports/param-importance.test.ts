import { describe, expect, it } from 'vitest';
import { groupsOf, parameterImportance, type ImportanceTrialLike } from '../../../lib/reports/param-importance.js';
import { rng } from './fixtures.js';

function study(n: number, objective: (p: { x: number; y: number; opt: string }) => number, seed = 1): ImportanceTrialLike[] {
  const random = rng(seed);
  return Array.from({ length: n }, () => {
    const p = { x: random() * 10, y: Math.round(random() * 100) / 100, opt: ['adam', 'sgd', 'rmsprop'][Math.floor(random() * 3)]! };
    return { params: p, value: objective(p), state: 'COMPLETE' };
  });
}

const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);

describe('parameterImportance (fANOVA-lite)', () => {
  // Chance alone lets an irrelevant parameter explain a little of the variance in a small study,
  // so "about 1" is checked on average over seeds, and the ranking in every seed.
  const average = (objective: Parameters<typeof study>[1], name: string): number => {
    let total = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const imp = parameterImportance(study(60, objective, seed));
      expect(Object.keys(imp)[0]).toBe(name);
      expect(imp[name]).toBeGreaterThan(0.75);
      expect(sum(imp)).toBeCloseTo(1, 12);
      total += imp[name]!;
    }
    return total / 20;
  };

  it('gives ~1 to a numeric parameter that fully determines the objective', () => {
    expect(average(({ x }) => (x - 4) ** 2, 'x')).toBeGreaterThan(0.93);
    expect(parameterImportance(study(60, ({ x }) => x, 3)).x).toBeGreaterThan(0.95);
  });

  it('gives ~1 to a categorical parameter that fully determines the objective', () => {
    expect(average(({ opt }) => ({ adam: 0.1, sgd: 0.5, rmsprop: 0.3 })[opt]!, 'opt')).toBeGreaterThan(0.93);
  });

  it('splits between two parameters by their share of the variance', () => {
    const imp = parameterImportance(study(200, ({ x, opt }) => x + (opt === 'sgd' ? 10 : 0)));
    // Var(x) = 100/12 ≈ 8.3; the sgd indicator adds 100 * (1/3)(2/3) ≈ 22.2: about 27% vs 73%.
    expect(imp.opt).toBeGreaterThan(imp.x!);
    expect(imp.x).toBeGreaterThan(0.15);
    expect(imp.y).toBeLessThan(0.05);
  });

  it('ignores pruned and failed trials and values that are not finite; all 0 when nothing varies', () => {
    const trials = study(30, () => 1);
    expect(Object.values(parameterImportance(trials))).toEqual([0, 0, 0]);
    const noisy = [...study(30, ({ x }) => x), { params: { x: 100, y: 0, opt: 'sgd' }, value: null, state: 'PRUNED' }];
    noisy.push({ params: { x: 0, y: 0, opt: 'adam' }, value: 1e9, state: 'FAIL' });
    noisy.push({ params: { x: 0, y: 0, opt: 'adam' }, value: NaN, state: 'COMPLETE' });
    expect(parameterImportance(noisy).x).toBeGreaterThan(0.9);
    expect(parameterImportance([])).toEqual({});
  });

  it('cuts numeric values into quantile bins, keeping ties together', () => {
    expect(groupsOf([5, 1, 4, 2, 3, 6], 3)).toEqual([2, 0, 1, 0, 1, 2]);
    expect(groupsOf([1, 1, 1, 1, 2, 3], 3)).toEqual([0, 0, 0, 0, 1, 2]);
    expect(groupsOf([0.1, 0.1, 0.1, 0.1, 0.1, 0.9, 0.8, 0.7], 2)).toEqual([0, 0, 0, 0, 0, 1, 1, 1]);
    expect(groupsOf(['a', 'b', 'a'], 1)).toEqual([0, 1, 0]);
  });

  it('checks its input', () => {
    expect(() => parameterImportance('x' as never)).toThrow('Expected an array of trials for parameterImportance.trials');
    expect(() => parameterImportance([{ value: 1 } as never])).toThrow('parameterImportance.trials[0].params');
    expect(() => parameterImportance([], { bins: 1 })).toThrow(RangeError);
  });
});
