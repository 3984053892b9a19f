import { describe, expect, it } from 'vitest';
import { prune, pruneCallback, pruningSchedule, stripPruning } from '../../../lib/compression/index.js';
import { CallbackList } from '../../../lib/training/callbacks/callback-list.js';
import { FakePrunable, zeros } from './fake-prunable.js';

describe('prune', () => {
  it('masks kernels and recurrent kernels by default, never biases, and reports what it pruned', () => {
    const model = new FakePrunable();
    const report = prune(model, { sparsity: 0.5 });
    expect(model.masks!.map((m) => m !== null)).toEqual([true, true, false, true, false]);
    expect(report.weights.map((w) => w.name)).toEqual(['lstm/kernel', 'lstm/recurrent_kernel', 'dense/kernel']);
    // Global: 24 + 16 + 2 = 42 values, 21 pruned; the fake's values grow with the weight index,
    // so the whole LSTM kernel (24 values, all below 200) goes first... but only 21 of them.
    expect(report.weights.map((w) => w.pruned)).toEqual([21, 0, 0]);
    expect(report).toMatchObject({ scope: 'global', targetSparsity: 0.5, sparsity: 0.5, paramsPruned: 21, prunableParams: 42, totalParams: 51 });
    expect(report.modelSparsity).toBeCloseTo(21 / 51, 12);
    expect(zeros(model.weights[0]!)).toBe(21);
    expect(Array.from(model.weights[0]!.data.slice(21))).toEqual([122, 123, 124]);
  });

  it("layer scope prunes each weight tensor to the sparsity on its own", () => {
    const model = new FakePrunable();
    const report = prune(model, { sparsity: 0.5, scope: 'layer' });
    expect(report.weights.map((w) => [w.name, w.pruned, w.sparsity])).toEqual([
      ['lstm/kernel', 12, 0.5], ['lstm/recurrent_kernel', 8, 0.5], ['dense/kernel', 1, 0.5],
    ]);
    expect(model.weights.map(zeros)).toEqual([12, 8, 0, 1, 0]);
  });

  it('selects by layer name, weight kind and weight name', () => {
    const pick = (include: string[]) => {
      const model = new FakePrunable();
      prune(model, { sparsity: 0.25, include });
      return model.masks!.map((m) => m !== null);
    };
    expect(pick(['dense'])).toEqual([false, false, false, true, false]);
    expect(pick(['bias'])).toEqual([false, false, true, false, true]);
    expect(pick(['lstm', 'bias'])).toEqual([false, false, true, false, false]);
    expect(pick(['recurrent_kernel', 'dense/bias'])).toEqual([false, true, false, false, true]);
    expect(pick(['kernel', 'recurrent_kernel', 'bias'])).toEqual([true, true, true, true, true]);
  });

  it('names the option and the value it rejects', () => {
    const model = new FakePrunable();
    expect(() => prune(model, { sparsity: 1 })).toThrow('Expected a number >= 0 and < 1 for prune.sparsity but received 1 of type number');
    expect(() => prune(model, { sparsity: 0.5, scope: 'layers' as never })).toThrow(
      `Expected one of 'global', 'layer' (did you mean 'layer'?) for prune.scope but received "layers" of type string`,
    );
    expect(() => prune(model, { sparsity: 0.5, include: ['lstm', 'recurrentKernel'] })).toThrow(
      /for prune\.include\[1\] but received "recurrentKernel" of type string; did you mean "recurrent_kernel"\?/,
    );
    expect(() => prune(model, { sparsity: 0.5, include: ['dense', 'recurrent_kernel'] })).toThrow(
      /prune\.include \["dense", "recurrent_kernel"\] selects no weight of the model/,
    );
    expect(() => prune(model, { sparsity: 0.5, sparsty: 0.2 } as never)).toThrow('Unknown option "sparsty" for prune; did you mean "sparsity"?');
    expect(() => prune({} as never, { sparsity: 0.5 })).toThrow(/for prune\.model but received an object/);
    expect(model.maskCalls).toEqual([]);
  });

  it('stripPruning removes the masks and leaves the zeros', () => {
    const model = new FakePrunable();
    prune(model, { sparsity: 0.5 });
    stripPruning(model);
    expect(model.masks).toBeNull();
    expect(zeros(model.weights[0]!)).toBe(21);
    model.train(1);
    expect(zeros(model.weights[0]!)).toBe(0);
  });
});

describe('pruneCallback', () => {
  /** Drives the callback as fit does: begin hooks at sync points, an epoch of "training", end hooks. */
  async function fit(model: FakePrunable, cb: ReturnType<typeof pruneCallback>, epochs: number, initialEpoch = 0) {
    const list = new CallbackList([cb]);
    list.setModel(model);
    list.setParams({ epochs, steps: 1, verbose: 0, metrics: ['loss'], doValidation: false });
    const after: number[] = [];
    await list.onTrainBegin();
    for (let e = initialEpoch; e < epochs; e++) {
      await list.onEpochBegin(e);
      model.train(0.5);
      await list.onEpochEnd(e, { loss: 1 });
      after.push(model.getWeights().slice(0, 2).reduce((n, w) => n + zeros(w), 0) / 40);
    }
    await list.onTrainEnd();
    return after;
  }

  it('updates the masks at step 0 and at each epoch end as the schedule says, reaching the final sparsity at endStep', async () => {
    const schedule = pruningSchedule.polynomialDecay({ initialSparsity: 0, finalSparsity: 0.5, beginStep: 0, endStep: 4 });
    const cb = pruneCallback({ schedule, include: ['lstm'], scope: 'layer' });
    const model = new FakePrunable();
    const after = await fit(model, cb, 6);
    expect(cb.updates.map((u) => u.step)).toEqual([0, 1, 2, 3, 4]);
    const want = [0, 1, 2, 3, 4].map((s) => schedule.at(s).sparsity);
    cb.updates.forEach((u, i) => {
      for (const w of u.report.weights) expect(Math.abs(w.sparsity - want[i]!)).toBeLessThanOrEqual(0.5 / w.params + 1e-12);
    });
    expect(after[3]).toBe(0.5); // the end of epoch 3 is step 4 = endStep
    expect(after[5]).toBe(0.5); // and the masks hold through the fine-tuning epochs
    expect(cb.lastReport!.sparsity).toBe(0.5);
  });

  it('continues a schedule from initialEpoch', async () => {
    const schedule = pruningSchedule.constantSparsity({ targetSparsity: 0.25, beginStep: 3, frequency: 2 });
    const cb = pruneCallback({ schedule });
    await fit(new FakePrunable(), cb, 8, 2);
    expect(cb.updates.map((u) => u.step)).toEqual([3, 5, 7]);
  });

  it('names the option and the value it rejects', () => {
    expect(() => pruneCallback({ schedule: { at: () => ({ prune: true, sparsity: 0.5 }) } as never })).toThrow(
      /for pruneCallback\.schedule but received an object/,
    );
    const schedule = pruningSchedule.constantSparsity({ targetSparsity: 0.5 });
    expect(() => pruneCallback({ schedule, scope: 'local' as never })).toThrow(/for pruneCallback\.scope but received "local"/);
    expect(() => pruneCallback({ schedule, include: [] })).toThrow(/for pruneCallback\.include but received an array of length 0/);
  });
});
