/**
 * TPE (Optuna's TPESampler defaults): gamma and weights, the Parzen estimators against hand
 * computations, the below/above split, the random startup, and the statistical check that TPE
 * finds the neighbourhood of a known optimum in fewer trials than random search.
 */
import { describe, expect, it } from 'vitest';
import { categorical, float, int } from '../../../lib/tuning/distributions.js';
import type { FrozenTrial } from '../../../lib/tuning/frozen-trial.js';
import { truncNormLogPdf } from '../../../lib/tuning/samplers/normal.js';
import { defaultWeights, ParzenEstimator } from '../../../lib/tuning/samplers/parzen-estimator.js';
import { defaultGamma, splitTrials } from '../../../lib/tuning/samplers/tpe.js';
import { createStudy } from '../../../lib/tuning/study.js';

const settings = { priorWeight: 1, considerMagicClip: true, considerEndpoints: false, weights: defaultWeights };

function trial(number: number, state: FrozenTrial['state'], value: number | null, intermediate: Record<number, number> = {}): FrozenTrial {
  return {
    number, state, value, params: {}, distributions: {}, intermediateValues: intermediate,
    datetimeStart: null, datetimeComplete: null, durationMs: null, userAttrs: {}, systemAttrs: {},
  };
}

describe("Optuna's defaults", () => {
  it('gamma(n) = min(ceil(0.1 n), 25)', () => {
    expect([1, 10, 11, 20, 21, 100, 250, 251, 1000].map(defaultGamma)).toEqual([1, 1, 2, 2, 3, 10, 25, 25, 25]);
  });

  it('weights: ones below 25 observations, then a ramp from 1/n to 1 for the older ones', () => {
    expect(defaultWeights(0)).toEqual([]);
    expect(defaultWeights(24)).toEqual(new Array(24).fill(1));
    const w = defaultWeights(35); // ramp of 10 from 1/35 to 1, then 25 ones
    expect(w).toHaveLength(35);
    expect(w[0]).toBeCloseTo(1 / 35, 15);
    expect(w[9]).toBeCloseTo(1, 15);
    expect(w[4]! - w[3]!).toBeCloseTo((1 - 1 / 35) / 9, 15);
    expect(w.slice(10)).toEqual(new Array(25).fill(1));
  });
});

describe('ParzenEstimator', () => {
  it('numeric: kernel widths from neighbour gaps (endpoints excluded), magic clip, prior at the centre', () => {
    // Observations 2 and 3 in [-10, 10], prior centre 0: sorted [0, 2, 3] between the ends -10, 10.
    // Gaps: 0 -> max(10, 2) but first kernel uses its inner gap 2; 2 -> max(2, 1) = 2; 3 -> last kernel's inner gap 1.
    // Magic clip: min sigma = 20 / min(100, 1 + 3) = 5, so both observation kernels get sigma 5.
    const d = float(-10, 10);
    const pe = new ParzenEstimator([2, 3], d, settings);
    const x = 1.7;
    const expected = Math.log(
      (Math.exp(truncNormLogPdf(x, 2, 5, -10, 10)) + Math.exp(truncNormLogPdf(x, 3, 5, -10, 10)) + Math.exp(truncNormLogPdf(x, 0, 20, -10, 10))) / 3,
    );
    expect(pe.logPdf([x])[0]).toBeCloseTo(expected, 12);
  });

  it('numeric without the clip: the neighbour-gap widths themselves', () => {
    const d = float(0, 100);
    const pe = new ParzenEstimator([10, 20, 80], d, { ...settings, considerMagicClip: false });
    // With the prior at 50: sorted [10, 20, 50, 80]; widths 10 (first: inner gap), max(10, 30) = 30 for 20, 30 for 50 (prior), 30 (last: inner gap).
    const x = 33;
    const mix = [[10, 10], [20, 30], [80, 30], [50, 100]].map(([mu, s]) => Math.exp(truncNormLogPdf(x, mu!, s!, 0, 100)) / 4);
    expect(pe.logPdf([x])[0]).toBeCloseTo(Math.log(mix.reduce((a, b) => a + b)), 12);
  });

  it('log and int distributions: kernels in log space over bounds widened by half a step; draws legal', () => {
    const d = int(1, 1000, { log: true });
    const pe = new ParzenEstimator([10, 100], d, settings);
    const lo = Math.log(0.5);
    const hi = Math.log(1000.5);
    // The mass of value 100's bin [99.5, 100.5] in log space under the mixture.
    const sigma = (hi - lo) / 4;
    const bin = (mu: number, s: number) => {
      const cdf = (v: number) => 0.5 * (1 + erf((v - mu) / (s * Math.SQRT2)));
      return (cdf(Math.log(100.5)) - cdf(Math.log(99.5))) / (cdf(hi) - cdf(lo));
    };
    const expected = (bin(Math.log(10), sigma) + bin(Math.log(100), sigma) + bin((lo + hi) / 2, hi - lo)) / 3;
    expect(pe.logPdf([100])[0]).toBeCloseTo(Math.log(expected), 6);
  });

  it('categorical: each observation adds 1 to its choice over a priorWeight/kernels floor; the prior is uniform', () => {
    const d = categorical(['a', 'b', 'c']);
    const pe = new ParzenEstimator([0, 0, 2], d, settings);
    // 4 kernels; an observation's row is (1/4 + 1 on its choice, 1/4 elsewhere) / 1.75.
    const pA = (2 * (1.25 / 1.75) + 0.25 / 1.75 + 1 / 3) / 4;
    const pB = (3 * (0.25 / 1.75) + 1 / 3) / 4;
    const [la, lb] = pe.logPdf([0, 1]);
    expect(la).toBeCloseTo(Math.log(pA), 12);
    expect(lb).toBeCloseTo(Math.log(pB), 12);
    const empty = new ParzenEstimator([], d, settings);
    expect(empty.logPdf([1])[0]).toBeCloseTo(Math.log(1 / 3), 12);
  });
});

/** A plain erf for the hand computation above (Abramowitz-Stegun 7.1.26 is too coarse; use the series). */
function erf(x: number): number {
  let sum = x;
  let term = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
}

describe('splitTrials', () => {
  it('ranks complete trials by value, then pruned ones (later steps first, then by value); keeps chronological order', () => {
    const trials = [
      trial(0, 'COMPLETE', 5),
      trial(1, 'PRUNED', 0.1, { 0: 0.3, 1: 0.1 }),
      trial(2, 'COMPLETE', 1),
      trial(3, 'PRUNED', 0.2, { 0: 0.2, 1: 0.4, 2: 0.2 }),
      trial(4, 'PRUNED', null),
      trial(5, 'COMPLETE', 3),
    ];
    const [below, above] = splitTrials(trials, 4, 'minimize');
    // Order: 2 (1), 5 (3), 0 (5), then pruned at step 2 (#3), step 1 (#1), no report (#4).
    expect(below.map((t) => t.number)).toEqual([0, 2, 3, 5]);
    expect(above.map((t) => t.number)).toEqual([1, 4]);
    const [bestMax] = splitTrials(trials, 1, 'maximize');
    expect(bestMax.map((t) => t.number)).toEqual([0]);
  });
});

describe('TPESampler', () => {
  const objective = (t: { suggestFloat: (n: string, a: number, b: number) => number; suggestInt: (n: string, a: number, b: number) => number }) =>
    quadratic(t.suggestFloat('x', -5, 5), t.suggestFloat('y', -5, 5), t.suggestInt('k', 0, 20));

  it('starts with the random sampler (same draws for the same seed), then differs', async () => {
    const tpe = createStudy({ sampler: 'tpe', seed: 11, pruner: 'none' });
    const random = createStudy({ sampler: 'random', seed: 11, pruner: 'none' });
    await tpe.optimize(objective, { nTrials: 15 });
    await random.optimize(objective, { nTrials: 15 });
    expect(tpe.trials.slice(0, 10).map((t) => t.params)).toEqual(random.trials.slice(0, 10).map((t) => t.params));
    expect(tpe.trials.slice(10).map((t) => t.params)).not.toEqual(random.trials.slice(10).map((t) => t.params));
  });

  it('is reproducible from the seed and proposes legal values for every kind of distribution', async () => {
    const run = async () => {
      const study = createStudy({ sampler: 'tpe', seed: 5, pruner: 'none' });
      await study.optimize((t) => {
        const units = t.suggestInt('units', 16, 256, { log: true });
        const dropout = t.suggestFloat('dropout', 0, 0.5, { step: 0.05 });
        const lr = t.suggestFloat('lr', 1e-4, 1e-1, { log: true });
        const opt = t.suggestCategorical('optimizer', ['adam', 'rmsprop', 'sgd']);
        return Math.abs(Math.log2(units / 64)) + Math.abs(dropout - 0.2) + Math.abs(Math.log10(lr / 3e-3)) + (opt === 'adam' ? 0 : 1);
      }, { nTrials: 30 });
      return study.trials;
    };
    const a = await run();
    expect(a.map((t) => t.params)).toEqual((await run()).map((t) => t.params));
    for (const t of a) {
      const { units, dropout, lr, optimizer } = t.params as { units: number; dropout: number; lr: number; optimizer: string };
      expect(Number.isInteger(units) && units >= 16 && units <= 256).toBe(true);
      expect(Math.round(dropout / 0.05) * 0.05).toBeCloseTo(dropout, 12);
      expect(lr >= 1e-4 && lr <= 1e-1).toBe(true);
      expect(['adam', 'rmsprop', 'sgd']).toContain(optimizer);
    }
    // After the startup, TPE favours the best categorical choice.
    expect(a.slice(10).filter((t) => t.params.optimizer === 'adam').length).toBeGreaterThan(10);
  });

  /**
   * f(x, y, k) = (x - 1.5)² + (y + 2)² + ((k - 6) / 4)², x, y in [-5, 5], k in 0..20 (integer),
   * minimum 0 at (1.5, -2, 6). The neighbourhood of the optimum: f <= 0.5 (a ball of radius
   * ~0.71 in (x, y, k/4): about 7% of each half-range). For each of 20 seeds and each sampler,
   * count the trials until the first one inside the neighbourhood, or 51 when none of the 50
   * does. TPE must need fewer: the difference of the means must exceed two standard errors of
   * the difference (a one-sided test at about the 2.5% level), not just one lucky seed.
   */
  it('reaches the neighbourhood of a quadratic optimum in fewer trials than random search (20 seeds, 50 trials)', async () => {
    const budget = 50;
    const trialsToReach = async (sampler: 'tpe' | 'random', seed: number) => {
      const study = createStudy({ sampler, seed, pruner: 'none' });
      await study.optimize(objective, { nTrials: budget });
      const first = study.trials.findIndex((t) => t.value! <= 0.5);
      return first === -1 ? budget + 1 : first + 1;
    };
    const seeds = Array.from({ length: 20 }, (_, i) => i);
    const stats = async (sampler: 'tpe' | 'random') => {
      const n = await Promise.all(seeds.map((s) => trialsToReach(sampler, s)));
      const mean = n.reduce((a, b) => a + b, 0) / n.length;
      const variance = n.reduce((a, b) => a + (b - mean) ** 2, 0) / (n.length - 1);
      return { mean, se: Math.sqrt(variance / n.length) };
    };
    const tpe = await stats('tpe');
    const random = await stats('random');
    const margin = 2 * Math.sqrt(tpe.se ** 2 + random.se ** 2);
    expect(random.mean - tpe.mean, `TPE ${tpe.mean}±${tpe.se.toFixed(2)} vs random ${random.mean}±${random.se.toFixed(2)}`).toBeGreaterThan(margin);
  }, 60_000);
});

function quadratic(x: number, y: number, k: number): number {
  return (x - 1.5) ** 2 + (y + 2) ** 2 + ((k - 6) / 4) ** 2;
}
