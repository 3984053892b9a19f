/**
 * Pruning through the engine: masks hold through fine-tuning (the optimizer steps, setWeights),
 * the achieved sparsity is the target within rounding, the callback follows its schedule, and
 * stripPruning lets training move pruned weights again.
 */
import { describe, expect, it } from 'vitest';
import { callbacks, optimizers, type Tensor } from '../../../lib/index.js';
import { prune, pruneCallback, pruningSchedule, stripPruning } from '../../../lib/compression/index.js';
import { lstmModel, sineTask } from './helpers.js';

/** The sine task: windows of LOOK_BACK steps at angular frequency FREQUENCY (see helpers.ts). */
const LOOK_BACK = 8;
const FREQUENCY = 0.4;

function smallModel(seed: number) {
  const model = lstmModel(12, LOOK_BACK, seed);
  model.compile({ optimizer: optimizers.adam({ learningRate: 1e-2 }), loss: 'mse' });
  return model;
}

const zeroIndices = (w: Tensor) => Array.from(w.data).flatMap((v, i) => (v === 0 ? [i] : []));

describe('prune through the engine', () => {
  it('keeps masked entries exactly zero through fine-tuning and setWeights, at the target sparsity', async () => {
    const { x, y } = sineTask(256, 1, LOOK_BACK, FREQUENCY);
    const model = smallModel(3);
    await model.fit(x, y, { epochs: 3, batchSize: 32, verbose: 0, seed: 1 });
    const report = prune(model, { sparsity: 0.5 });
    // 12 * 4 * (1 + 12) + 12 = 636 prunable values: exactly 318 pruned.
    expect(report.prunableParams).toBe(48 + 576 + 12);
    expect(report.paramsPruned).toBe(318);
    expect(report.sparsity).toBe(0.5);
    const pruned = model.getWeights();
    const masked = [0, 1, 3].map((i) => zeroIndices(pruned[i]!));
    expect(masked.reduce((n, z) => n + z.length, 0)).toBe(318);

    const before = model.getWeights();
    await model.fit(x, y, { epochs: 3, batchSize: 32, verbose: 0, seed: 2 });
    const after = model.getWeights();
    [0, 1, 3].forEach((w, k) => {
      for (const i of masked[k]!) expect(after[w]!.data[i] === 0).toBe(true); // 0 or -0
    });
    // Training did move the kept weights (and the unmasked biases).
    expect(Array.from(after[1]!.data)).not.toEqual(Array.from(before[1]!.data));
    expect(Array.from(after[2]!.data)).not.toEqual(Array.from(before[2]!.data));

    // setWeights with every entry non-zero: masked entries are zeroed again.
    model.setWeights(after.map((w) => ({ data: w.data.map((v) => v + 1), shape: w.shape })));
    const reset = model.getWeights();
    [0, 1, 3].forEach((w, k) => {
      for (const i of masked[k]!) expect(reset[w]!.data[i] === 0).toBe(true);
    });

    stripPruning(model);
    await model.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0, seed: 3 });
    expect(zeroIndices(model.getWeights()[1]!).length).toBeLessThan(masked[1]!.length);
    model.dispose();
  });

  it('layer scope reaches the target in every tensor within rounding', async () => {
    const model = smallModel(5);
    const report = prune(model, { sparsity: 0.3, scope: 'layer', include: ['kernel', 'recurrent_kernel', 'bias'] });
    expect(report.weights).toHaveLength(5);
    const weights = model.getWeights();
    report.weights.forEach((w, i) => {
      expect(Math.abs(w.sparsity - 0.3)).toBeLessThanOrEqual(0.5 / w.params + 1e-12);
      // The LSTM bias starts as zeros and unit-forget-bias ones: more zeros than the mask prunes.
      expect(zeroIndices(weights[i]!).length).toBeGreaterThanOrEqual(w.pruned);
    });
    model.dispose();
  });

  it('the callback reaches the final sparsity on schedule and holds it while fine-tuning', async () => {
    const { x, y } = sineTask(128, 2, LOOK_BACK, FREQUENCY);
    const model = smallModel(7);
    const schedule = pruningSchedule.polynomialDecay({ initialSparsity: 0.1, finalSparsity: 0.6, beginStep: 1, endStep: 4 });
    const cb = pruneCallback({ schedule });
    const sparsityAfter: number[] = [];
    const recorder = callbacks.lambdaCallback({
      onEpochEnd: () => {
        const w = model.getWeights();
        const z = [0, 1, 3].reduce((n, i) => n + zeroIndices(w[i]!).length, 0);
        sparsityAfter.push(z / [0, 1, 3].reduce((n, i) => n + w[i]!.size, 0));
      },
    });
    await model.fit(x, y, { epochs: 7, batchSize: 32, verbose: 0, seed: 4, callbacks: [cb, recorder] });
    expect(cb.updates.map((u) => u.step)).toEqual([1, 2, 3, 4]);
    const n = 636;
    const want = [1, 2, 3, 4].map((s) => schedule.at(s).sparsity);
    cb.updates.forEach((u, i) => expect(Math.abs(u.report.sparsity - want[i]!)).toBeLessThanOrEqual(0.5 / n + 1e-12));
    // Step s is set at the end of epoch s - 1.
    expect(sparsityAfter[0]).toBeCloseTo(want[0]!, 2);
    expect(sparsityAfter[3]).toBeCloseTo(0.6, 2);
    expect(sparsityAfter.slice(3)).toEqual(Array(4).fill(sparsityAfter[3]));
    model.dispose();
  });

  it('setWeightMasks checks count and shapes, and null clears', () => {
    const model = smallModel(9);
    expect(() => model.setWeightMasks([null])).toThrow(/Expected 5 masks for setWeightMasks \(lstm.*\/kernel/);
    const w = model.getWeights();
    expect(() => model.setWeightMasks([{ data: new Float32Array(3), shape: [3] }, null, null, null, null])).toThrow(
      /Expected masks\[0\] \(.*\/kernel\) of shape \[1, 48\] but received \[3\]/,
    );
    model.setWeightMasks([null, null, null, { data: new Float32Array(12), shape: [12, 1] }, null]);
    expect(zeroIndices(model.getWeights()[3]!)).toHaveLength(12);
    model.setWeightMasks(null);
    model.setWeights(w);
    expect(Array.from(model.getWeights()[3]!.data)).toEqual(Array.from(w[3]!.data));
    model.dispose();
  });
});
