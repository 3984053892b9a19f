/**
 * Studies: trial states and values, the best trial, enqueued and grid trials, and the JSON
 * storage — written atomically, resumed by a new object or a new process with the numbering
 * and the sampler's stream continuing, a trial left RUNNING by a killed process marked FAIL.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStudy, type Objective } from '../../../lib/tuning/study.js';
import { type Trial, TrialPruned } from '../../../lib/tuning/trial.js';

const here = path.dirname(fileURLToPath(import.meta.url));
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'torch-lstm-study-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sphere: Objective = (t) => (t.suggestFloat('x', -5, 5) - 1) ** 2 + (t.suggestInt('n', 0, 10) - 3) ** 2;

describe('study.optimize', () => {
  it('records params, values, states, durations and the best trial', async () => {
    const study = createStudy({ direction: 'minimize', sampler: 'random', seed: 1 });
    expect(() => study.bestTrial).toThrow(/No trials are completed/);
    await study.optimize(sphere, { nTrials: 8 });
    const trials = study.trials;
    expect(trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const t of trials) {
      expect(t.state).toBe('COMPLETE');
      expect(t.value).toBeCloseTo(((t.params.x as number) - 1) ** 2 + ((t.params.n as number) - 3) ** 2, 12);
      expect(t.distributions.x).toEqual({ kind: 'float', low: -5, high: 5, step: null, log: false });
      expect(t.durationMs).toBeGreaterThanOrEqual(0);
      expect(Date.parse(t.datetimeComplete!)).toBeGreaterThanOrEqual(Date.parse(t.datetimeStart!));
    }
    const min = Math.min(...trials.map((t) => t.value!));
    expect(study.bestValue).toBe(min);
    expect(study.bestTrial.number).toBe(trials.findIndex((t) => t.value === min));
    expect(study.bestParams).toEqual(study.bestTrial.params);
  });

  it('maximize picks the largest value', async () => {
    const study = createStudy({ direction: 'maximize', sampler: 'random', seed: 2 });
    await study.optimize((t) => t.suggestFloat('x', 0, 1), { nTrials: 6 });
    expect(study.bestValue).toBe(Math.max(...study.trials.map((t) => t.value!)));
  });

  it('PRUNED on TrialPruned, FAIL with a warning on NaN, FAIL and rejection on an error', async () => {
    const study = createStudy({ sampler: 'random', seed: 0 });
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    await study.optimize((t) => {
      if (t.number === 0) {
        t.report(0.7, 0);
        t.report(0.5, 1);
        throw new TrialPruned();
      }
      return NaN;
    }, { nTrials: 2 });
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
    const boom = new Error('boom');
    await expect(study.optimize(() => { throw boom; }, { nTrials: 3 })).rejects.toBe(boom);
    const [pruned, nan, failed] = study.trials;
    expect(pruned).toMatchObject({ state: 'PRUNED', value: 0.5, intermediateValues: { 0: 0.7, 1: 0.5 } });
    expect(nan).toMatchObject({ state: 'FAIL', value: null });
    expect(failed).toMatchObject({ state: 'FAIL', failReason: 'Error: boom' });
    expect(study.trials).toHaveLength(3); // the error stopped the loop
  });

  it('a name suggested twice gives the same value; another distribution for it is an error; a finished trial refuses calls', async () => {
    const study = createStudy({ sampler: 'random', seed: 0 });
    let kept: Trial | undefined;
    await study.optimize((t) => {
      kept = t;
      const a = t.suggestFloat('x', 0, 1);
      expect(t.suggestFloat('x', 0, 1)).toBe(a);
      expect(() => t.suggestInt('x', 0, 1)).toThrow(/already suggested from another distribution/);
      t.report(1, 0);
      t.report(2, 0); // ignored, as Optuna
      expect(t.intermediateValues).toEqual({ 0: 1 });
      return a;
    }, { nTrials: 1 });
    expect(() => kept!.suggestFloat('y', 0, 1)).toThrow(/has finished \(COMPLETE\)/);
    expect(() => kept!.report(1, -1)).toThrow();
  });

  it('enqueued trials run first with their fixed values; unlisted names are sampled', async () => {
    const study = createStudy({ sampler: 'tpe', seed: 0 });
    study.enqueueTrial({ x: 1, n: 3 });
    study.enqueueTrial({ x: 4 });
    expect(study.trials.map((t) => t.state)).toEqual(['WAITING', 'WAITING']);
    await study.optimize(sphere, { nTrials: 3 });
    const [a, b] = study.trials;
    expect(a!.params).toEqual({ x: 1, n: 3 });
    expect(a!.value).toBe(0);
    expect(b!.params.x).toBe(4);
    expect(study.trials).toHaveLength(3);
    study.enqueueTrial({ x: 50 });
    await expect(study.optimize(sphere, { nTrials: 1 })).rejects.toThrow(/outside the distribution/);
  });

  it("the grid sampler walks the grid in scikit-learn's order and stops when it is exhausted", async () => {
    const study = createStudy({ sampler: 'grid', paramGrid: { b: [1, 2], a: ['u', 'v'] } });
    const seen: unknown[] = [];
    await study.optimize((t) => {
      seen.push([t.suggestCategorical('a', ['u', 'v']), t.suggestInt('b', 1, 2)]);
      return 0;
    });
    expect(seen).toEqual([['u', 1], ['u', 2], ['v', 1], ['v', 2]]);
  });

  it('stops at the timeout; checks its options', async () => {
    const study = createStudy({ sampler: 'random', seed: 0 });
    await study.optimize(async (t) => {
      await new Promise((r) => setTimeout(r, 30));
      return t.suggestFloat('x', 0, 1);
    }, { timeout: 0.1 });
    expect(study.trials.length).toBeGreaterThanOrEqual(2);
    expect(study.trials.length).toBeLessThanOrEqual(5);
    await expect(study.optimize(sphere)).rejects.toThrow(/nTrials or timeout/);
    await expect(study.optimize(sphere, { ntrials: 3 } as never)).rejects.toThrow(/did you mean "nTrials"/);
    expect(() => createStudy({ direction: 'minimise' as never })).toThrow(/did you mean 'minimize'/);
    expect(() => createStudy({ sampler: 'grid' })).toThrow(/paramGrid is required/);
  });
});

describe('storage', () => {
  it('writes the study atomically after every trial (no temporary file left) and a new object resumes it', async () => {
    const file = path.join(dir, 'study.json');
    const first = createStudy({ sampler: 'tpe', seed: 42, storage: file });
    const sizes: number[] = [];
    await first.optimize(sphere, {
      nTrials: 12,
      callbacks: [() => void sizes.push(JSON.parse(readFileSync(file, 'utf8')).trials.length)],
    });
    expect(sizes).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(readdirSync(dir)).toEqual(['study.json']);

    const resumed = createStudy({ storage: file }); // seed, direction and sampler come from the file
    expect(resumed.seed).toBe(42);
    expect(resumed.sampler.name).toBe('tpe');
    expect(resumed.trials).toEqual(first.trials);
    await resumed.optimize(sphere, { nTrials: 8 });
    expect(resumed.trials.map((t) => t.number)).toEqual(Array.from({ length: 20 }, (_, i) => i));

    // The sampler state is a function of the seed and the trials: the resumed run proposes exactly
    // what one uninterrupted run of 20 trials proposes.
    const straight = createStudy({ sampler: 'tpe', seed: 42 });
    await straight.optimize(sphere, { nTrials: 20 });
    expect(resumed.trials.map((t) => t.params)).toEqual(straight.trials.map((t) => t.params));
  });

  it('keeps NaN and infinite values through the file', async () => {
    const file = path.join(dir, 's.json');
    const study = createStudy({ sampler: 'random', seed: 1, storage: file });
    await study.optimize((t) => {
      t.report(NaN, 0);
      t.report(-Infinity, 1);
      return Infinity;
    }, { nTrials: 1 });
    const back = createStudy({ storage: file }).trials[0]!;
    expect(back.intermediateValues[0]).toBeNaN();
    expect(back.intermediateValues[1]).toBe(-Infinity);
    expect(back.value).toBe(Infinity);
  });

  it('a trial left RUNNING by a killed process becomes FAIL and the numbering continues', () => {
    const file = path.join(dir, 'crash.json');
    const viteNode = path.resolve(here, '../../../node_modules/vite-node/vite-node.mjs');
    const child = spawnSync(process.execPath, [viteNode, path.join(here, 'fixtures/crash-child.ts'), file, '4'], { encoding: 'utf8' });
    expect(child.signal, child.stderr).toBe('SIGKILL');
    const raw = JSON.parse(readFileSync(file, 'utf8'));
    expect(raw.trials.map((t: { state: string }) => t.state)).toEqual(['COMPLETE', 'COMPLETE', 'COMPLETE', 'COMPLETE', 'RUNNING']);

    const study = createStudy({ storage: file });
    const crashed = study.trials[4]!;
    expect(crashed.state).toBe('FAIL');
    expect(crashed.failReason).toMatch(/stopped before it finished/);
    // The file was rewritten with the FAIL at once.
    expect(JSON.parse(readFileSync(file, 'utf8')).trials[4].state).toBe('FAIL');
    return study.optimize((t) => (t.suggestFloat('x', -5, 5) - 1) ** 2, { nTrials: 2 }).then(() => {
      expect(study.trials.map((t) => [t.number, t.state])).toEqual([
        [0, 'COMPLETE'], [1, 'COMPLETE'], [2, 'COMPLETE'], [3, 'COMPLETE'], [4, 'FAIL'], [5, 'COMPLETE'], [6, 'COMPLETE'],
      ]);
    });
  }, 30_000);

  it('refuses a different seed or direction, and a file that is not a study', () => {
    const file = path.join(dir, 'a.json');
    createStudy({ direction: 'maximize', seed: 7, storage: file });
    expect(() => createStudy({ seed: 8, storage: file })).toThrow(/created with seed 7/);
    expect(() => createStudy({ direction: 'minimize', storage: file })).toThrow(/is 'maximize'/);
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{"format":"something-else"}');
    expect(() => createStudy({ storage: bad })).toThrow(/not a valid study file/);
    writeFileSync(bad, '{ torn');
    expect(() => createStudy({ storage: bad })).toThrow(SyntaxError);
  });

  it('a grid study resumed after a failure retries the failed combination', async () => {
    const file = path.join(dir, 'g.json');
    const grid = { u: [1, 2, 3] };
    const study = createStudy({ sampler: 'grid', paramGrid: grid, storage: file });
    await expect(study.optimize((t) => {
      const u = t.suggestCategorical('u', [1, 2, 3]);
      if (u === 2) throw new Error('flaky');
      return u;
    })).rejects.toThrow('flaky');
    const again = createStudy({ storage: file });
    await again.optimize((t) => t.suggestCategorical('u', [1, 2, 3]));
    expect(again.trials.map((t) => [t.params.u, t.state])).toEqual([[1, 'COMPLETE'], [2, 'FAIL'], [2, 'COMPLETE'], [3, 'COMPLETE']]);
  });
});
