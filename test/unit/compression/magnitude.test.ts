import { describe, expect, it } from 'vitest';
import { magnitudeMasks, prunedCount, roundHalfEven } from '../../../lib/compression/magnitude.js';

const f = (...v: number[]) => ({ data: Float32Array.from(v) });
const arr = (m: Float32Array | null) => (m ? Array.from(m) : null);

describe('magnitude masks', () => {
  it('global scope: one threshold over all included weights, so a tensor of small weights loses more', () => {
    const weights = [f(0.1, -0.2, 0.3, -0.4), f(5, -6, 7, 8), f(0.01, 0.02)];
    const masks = magnitudeMasks(weights, [true, true, false], 0.5, 'global');
    // 8 included values, 4 pruned: the four smallest |w| are all in the first tensor.
    expect(masks.map(arr)).toEqual([[0, 0, 0, 0], [1, 1, 1, 1], null]);
  });

  it('layer scope: each tensor pruned to the sparsity on its own', () => {
    const weights = [f(0.1, -0.2, 0.3, -0.4), f(5, -6, 7, 8), f(0.01, 0.02)];
    const masks = magnitudeMasks(weights, [true, true, false], 0.5, 'layer');
    expect(masks.map(arr)).toEqual([[0, 0, 1, 1], [0, 0, 1, 1], null]);
  });

  it('ranks by magnitude, not sign, and breaks ties by position', () => {
    const masks = magnitudeMasks([f(-3, 1, -1, 2, 1, 0.5)], [true], 0.5, 'layer');
    // |w| = 3, 1, 1, 2, 1, 0.5: prune 0.5 then the first two of the three 1s.
    expect(arr(masks[0]!)).toEqual([1, 0, 0, 1, 1, 0]);
  });

  it('counts as tfmot: keep max(round_half_even(n * (1 - s)), 1)', () => {
    expect(roundHalfEven(2.5)).toBe(2);
    expect(roundHalfEven(3.5)).toBe(4);
    expect(roundHalfEven(2.4)).toBe(2);
    expect(prunedCount(10, 0.5)).toBe(5);
    expect(prunedCount(5, 0.5)).toBe(3); // keep round(2.5) = 2
    expect(prunedCount(7, 0.5)).toBe(3); // keep round(3.5) = 4
    expect(prunedCount(4, 0.99)).toBe(3); // at least one kept
    expect(prunedCount(4, 0)).toBe(0);
    const masks = magnitudeMasks([f(1, 2, 3, 4, 5, 6, 7)], [true], 0.5, 'global');
    expect(arr(masks[0]!)).toEqual([0, 0, 0, 1, 1, 1, 1]);
  });

  it('hits the target within rounding on a large random tensor, in both scopes', () => {
    let s = 1;
    const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5;
    const weights = [{ data: Float32Array.from({ length: 1001 }, rand) }, { data: Float32Array.from({ length: 333 }, rand) }];
    for (const scope of ['global', 'layer'] as const) {
      const masks = magnitudeMasks(weights, [true, true], 0.3, scope);
      const z = masks.map((m) => m!.reduce((n, v) => n + (v === 0 ? 1 : 0), 0));
      if (scope === 'layer') expect(z).toEqual([prunedCount(1001, 0.3), prunedCount(333, 0.3)]);
      else expect(z[0]! + z[1]!).toBe(prunedCount(1334, 0.3));
      // Every kept value is at least as large as every pruned one (within its group).
      const groups = scope === 'layer' ? [[0], [1]] : [[0, 1]];
      for (const g of groups) {
        const kept = g.flatMap((t) => Array.from(weights[t]!.data).filter((_, i) => masks[t]![i] === 1).map(Math.abs));
        const pruned = g.flatMap((t) => Array.from(weights[t]!.data).filter((_, i) => masks[t]![i] === 0).map(Math.abs));
        expect(Math.min(...kept)).toBeGreaterThanOrEqual(Math.max(...pruned));
      }
    }
  });
});
