/**
 * MedianPruner (Optuna's defaults: 5 startup trials, no warmup, every step) on scripted
 * learning curves: a hopeless curve is pruned at the first checked step where its best value
 * is worse than the completed trials' median; a good one runs to the end.
 */
import { describe, expect, it } from 'vitest';
import { medianPruner, nanPercentile, percentilePruner } from '../../../lib/tuning/pruners.js';
import { createStudy } from '../../../lib/tuning/study.js';
import { TrialPruned } from '../../../lib/tuning/trial.js';

/** Runs one trial per curve: reports each step, stops when the pruner says so. */
async function runCurves(curves: number[][], pruner = medianPruner(), direction: 'minimize' | 'maximize' = 'minimize') {
  const study = createStudy({ direction, sampler: 'random', seed: 0, pruner });
  let i = 0;
  await study.optimize(async (trial) => {
    const curve = curves[i++]!;
    for (let step = 0; step < curve.length; step++) {
      trial.report(curve[step]!, step);
      if (trial.shouldPrune()) throw new TrialPruned();
    }
    return curve.at(-1)!;
  }, { nTrials: curves.length });
  return study.trials;
}

/** A decaying curve: start, falling to floor. */
const curve = (start: number, floor: number, steps = 6) => Array.from({ length: steps }, (_, k) => floor + (start - floor) * 0.5 ** k);

describe('nanPercentile', () => {
  it("is numpy's linear-interpolation percentile, NaN ignored", () => {
    expect(nanPercentile([3, 1, 2, 4], 50)).toBe(2.5);
    expect(nanPercentile([1, NaN, 3], 50)).toBe(2);
    expect(nanPercentile([10, 20, 30, 40, 50], 25)).toBe(20);
    expect(nanPercentile([NaN], 50)).toBeNaN();
  });
});

describe('medianPruner', () => {
  it('prunes nothing during the 5 startup trials, then stops a hopeless curve at step 0', async () => {
    const good = [1, 1.1, 0.9, 1.2, 0.95].map((s) => curve(s, 0.1));
    const trials = await runCurves([...good, curve(5, 3), curve(0.8, 0.05)]);
    expect(trials.slice(0, 5).every((t) => t.state === 'COMPLETE')).toBe(true);
    expect(trials[5]!.state).toBe('PRUNED');
    expect(Object.keys(trials[5]!.intermediateValues)).toEqual(['0']);
    expect(trials[5]!.value).toBe(5); // Optuna: a pruned trial's value is its last reported one
    expect(trials[6]!.state).toBe('COMPLETE');
    expect(Object.keys(trials[6]!.intermediateValues)).toHaveLength(6);
  });

  it('compares the best value so far with the median at the current step', async () => {
    // Completed medians per step k: 1 * 0.5^k + 0.1 (for the middle curve). The test curve starts
    // well (0.5 < median 1 at step 0) but stalls at 0.5; its best (0.5) exceeds the step-2 median 0.35.
    const base = [0.8, 0.9, 1, 1.1, 1.2].map((s) => curve(s, 0.1));
    const stall = [0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
    const trials = await runCurves([...base, stall]);
    expect(trials[5]!.state).toBe('PRUNED');
    expect(Object.keys(trials[5]!.intermediateValues).map(Number)).toEqual([0, 1, 2]);
    // A curve whose single early best stays under every median is never pruned, even if it rises later.
    const early = [0.05, 2, 2, 2, 2, 2];
    expect((await runCurves([...base, early]))[5]!.state).toBe('COMPLETE');
  });

  it('respects nWarmupSteps, intervalSteps and nStartupTrials', async () => {
    const base = [1, 1, 1].map((s) => curve(s, 0.1, 8));
    const bad = curve(4, 2, 8);
    const warm = await runCurves([...base, bad], medianPruner({ nStartupTrials: 3, nWarmupSteps: 3 }));
    expect(Object.keys(warm[3]!.intermediateValues).map(Number)).toEqual([0, 1, 2, 3]);
    const every = await runCurves([...base, bad], medianPruner({ nStartupTrials: 3, nWarmupSteps: 1, intervalSteps: 3 }));
    expect(Object.keys(every[3]!.intermediateValues).map(Number)).toEqual([0, 1]);
    const late = await runCurves([...base, bad], medianPruner({ nStartupTrials: 4 }));
    expect(late[3]!.state).toBe('COMPLETE');
  });

  it('flips for maximize, prunes all-NaN curves, and needs nMinTrials reports at the step', async () => {
    const base = [0.8, 0.85, 0.9].map((v) => [v, v + 0.05]);
    const max = await runCurves([...base, [0.2, 0.3]], medianPruner({ nStartupTrials: 3 }), 'maximize');
    expect(max[3]!.state).toBe('PRUNED');
    const nan = await runCurves([...base.map((c) => c.map((v) => -v)), [NaN, NaN]], medianPruner({ nStartupTrials: 3 }));
    expect(nan[3]!.state).toBe('PRUNED');
    const few = await runCurves([[1], [1], [1], [5, 5]], medianPruner({ nStartupTrials: 3, nMinTrials: 4 }));
    expect(few[3]!.state).toBe('COMPLETE');
  });

  it('percentilePruner(25) keeps only the best quarter', async () => {
    const base = [1, 2, 3, 4, 5].map((v) => [v, v]);
    const trials = await runCurves([...base, [1.5, 1.5], [2.5, 2.5]], percentilePruner({ percentile: 25 }));
    // 25th percentile of [1..5] is 2: 1.5 is kept. Then of [1, 1.5, 2, 3, 4, 5] it is 1.625: 2.5 is pruned.
    expect(trials[5]!.state).toBe('COMPLETE');
    expect(trials[6]!.state).toBe('PRUNED');
  });

  it('validates its options', () => {
    expect(() => medianPruner({ nWarmupStep: 1 } as never)).toThrow(/did you mean "nWarmupSteps"/);
    expect(() => medianPruner({ intervalSteps: 0 })).toThrow(RangeError);
    expect(() => percentilePruner({ percentile: 120 })).toThrow(RangeError);
  });
});
