import { describe, expect, it } from 'vitest';
import { pruningSchedule } from '../../../lib/compression/pruning-schedule.js';

/** tfmot's PolynomialDecay.__call__, written out. */
function tfmotPolynomial(c: { initial: number; final: number; begin: number; end: number; power: number; frequency: number }, step: number) {
  const p = Math.min(1, Math.max(0, (step - c.begin) / (c.end - c.begin)));
  const sparsity = c.final + (c.initial - c.final) * (1 - p) ** c.power;
  const prune = step >= c.begin && step <= c.end && (step - c.begin) % c.frequency === 0;
  return { prune, sparsity };
}

describe('pruningSchedule.polynomialDecay', () => {
  it('matches tfmot at every step, before, inside and after [beginStep, endStep]', () => {
    const c = { initial: 0.1, final: 0.8, begin: 2, end: 12, power: 3, frequency: 2 };
    const s = pruningSchedule.polynomialDecay({
      initialSparsity: c.initial, finalSparsity: c.final, beginStep: c.begin, endStep: c.end, power: c.power, frequency: c.frequency,
    });
    for (let step = 0; step <= 16; step++) {
      const want = tfmotPolynomial(c, step);
      const got = s.at(step);
      expect(got.prune).toBe(want.prune);
      expect(got.sparsity).toBeCloseTo(want.sparsity, 12);
    }
  });

  it('gives the known values of the cubic default: 0 -> 0.5 over 10 steps', () => {
    const s = pruningSchedule.polynomialDecay({ finalSparsity: 0.5, endStep: 10 });
    expect(s.at(0)).toEqual({ prune: true, sparsity: 0 });
    expect(s.at(5).sparsity).toBeCloseTo(0.4375, 12); // 0.5 - 0.5 * 0.5^3
    expect(s.at(9).sparsity).toBeCloseTo(0.4995, 12); // 0.5 - 0.5 * 0.1^3
    expect(s.at(10)).toEqual({ prune: true, sparsity: 0.5 });
    expect(s.at(11)).toEqual({ prune: false, sparsity: 0.5 });
    expect(s.getConfig()).toEqual({
      class_name: 'PolynomialDecay',
      config: { initial_sparsity: 0, final_sparsity: 0.5, power: 3, begin_step: 0, end_step: 10, frequency: 1 },
    });
  });

  it('names the option and the value it rejects', () => {
    expect(() => pruningSchedule.polynomialDecay({ finalSparsity: 1, endStep: 5 })).toThrow(
      'Expected a number >= 0 and < 1 for pruningSchedule.polynomialDecay.finalSparsity but received 1 of type number',
    );
    expect(() => pruningSchedule.polynomialDecay({ finalSparsity: 0.5, beginStep: 4, endStep: 4 })).toThrow(
      /pruningSchedule\.polynomialDecay\.endStep but received 4/,
    );
    expect(() => pruningSchedule.polynomialDecay({ finalSparsity: 0.5, endStep: 5, frequency: 0 })).toThrow(
      /pruningSchedule\.polynomialDecay\.frequency but received 0/,
    );
    expect(() => pruningSchedule.polynomialDecay({ finalSparsity: 0.5, endStep: 5, powr: 2 } as never)).toThrow(
      'Unknown option "powr" for pruningSchedule.polynomialDecay; did you mean "power"?',
    );
  });
});

describe('pruningSchedule.constantSparsity', () => {
  it('matches tfmot: the target at beginStep + k * frequency, forever with endStep -1', () => {
    const s = pruningSchedule.constantSparsity({ targetSparsity: 0.6, beginStep: 3, frequency: 2 });
    const pruned = Array.from({ length: 12 }, (_, step) => s.at(step).prune);
    expect(pruned).toEqual([false, false, false, true, false, true, false, true, false, true, false, true]);
    expect(s.at(7).sparsity).toBe(0.6);
    const bounded = pruningSchedule.constantSparsity({ targetSparsity: 0.6, beginStep: 1, endStep: 3 });
    expect([0, 1, 2, 3, 4].map((step) => bounded.at(step).prune)).toEqual([false, true, true, true, false]);
  });

  it('names the option and the value it rejects', () => {
    expect(() => pruningSchedule.constantSparsity({ targetSparsity: -0.1 })).toThrow(
      'Expected a number >= 0 and < 1 for pruningSchedule.constantSparsity.targetSparsity but received -0.1 of type number',
    );
    expect(() => pruningSchedule.constantSparsity({ targetSparsity: 0.5, beginStep: 5, endStep: 2 })).toThrow(
      'Expected -1 or an integer >= beginStep (5) for pruningSchedule.constantSparsity.endStep but received 2 of type number',
    );
    expect(() => pruningSchedule.constantSparsity(undefined as never)).toThrow(/pruningSchedule\.constantSparsity but received undefined/);
  });
});
