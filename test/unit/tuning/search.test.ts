/**
 * gridSearch / randomSearch / tpeSearch with the fake engine: parameter routing (batchSize and
 * epochs to fit, the rest to build), the best epoch's value and weights, disposal of every model
 * but the best, median pruning through a callback, and resuming from a study file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { layers, sequential, type Sequential } from '../../../lib/index.js';
import { setBindingForTests } from '../../../lib/models/engine.js';
import { categorical, float, int } from '../../../lib/tuning/distributions.js';
import { medianPruner } from '../../../lib/tuning/pruners.js';
import { gridSearch, randomSearch, tpeSearch } from '../../../lib/tuning/search.js';
import { type FakeBinding, type FakeModel, installFakeBinding } from '../models/fake-binding.js';

let fake: FakeBinding;
let dir: string;
beforeEach(() => {
  fake = installFakeBinding();
  dir = mkdtempSync(path.join(tmpdir(), 'torch-lstm-search-'));
});
afterEach(() => {
  setBindingForTests(undefined);
  rmSync(dir, { recursive: true, force: true });
});

const x = { data: new Float32Array(40 * 4), shape: [40, 4, 1] };
const y = { data: new Float32Array(40), shape: [40, 1] };

/** The fake reports val_loss = 2 * loss; `curve(epoch)` is the val_loss we want. */
function build(units: number, curve: (epoch: number) => number): { model: Sequential; native: () => FakeModel } {
  const model = sequential([layers.lstm({ units, inputShape: [4, 1] }), layers.dense({ units: 1 })]);
  model.compile({ optimizer: 'adam', loss: 'mse' });
  const native = fake.last();
  native.epochLogs = (epoch) => ({ loss: curve(epoch) / 2 });
  return { model, native: () => native };
}

describe('gridSearch', () => {
  it("runs the grid in scikit-learn's order, routes batchSize/epochs to fit, keeps only the best model", async () => {
    const built: Record<string, unknown>[] = [];
    const natives: FakeModel[] = [];
    const result = await gridSearch({
      build: (params) => {
        built.push({ ...params });
        // val_loss is lowest for units 64, dropout 0.1
        const { model } = build(params.units, (e) => Math.abs(params.units - 64) / 64 + params.dropout + 1 / (e + 1));
        natives.push(fake.last());
        return model;
      },
      paramGrid: { units: [32, 64], dropout: [0.1, 0.2], batchSize: [8, 16] },
      fit: { x, y, epochs: 3, validationSplit: 0.25 },
      verbose: 0,
    });
    expect(result.trials.map((t) => t.params)).toEqual([
      { batchSize: 8, dropout: 0.1, units: 32 }, { batchSize: 8, dropout: 0.1, units: 64 },
      { batchSize: 8, dropout: 0.2, units: 32 }, { batchSize: 8, dropout: 0.2, units: 64 },
      { batchSize: 16, dropout: 0.1, units: 32 }, { batchSize: 16, dropout: 0.1, units: 64 },
      { batchSize: 16, dropout: 0.2, units: 32 }, { batchSize: 16, dropout: 0.2, units: 64 },
    ]);
    expect(built[0]).toEqual({ dropout: 0.1, units: 32 }); // batchSize went to fit, not build
    expect(natives.map((n) => n.fitCalls[0]!.options.batchSize)).toEqual([8, 8, 8, 8, 16, 16, 16, 16]);
    expect(natives.every((n) => n.fitCalls[0]!.options.epochs === 3)).toBe(true);
    expect(result.bestParams).toEqual({ batchSize: 8, dropout: 0.1, units: 64 }); // first of the ties
    expect(result.bestValue).toBeCloseTo(0.1 + 1 / 3, 6);
    expect(result.trials.every((t) => t.state === 'COMPLETE' && t.history.val_loss!.length === 3)).toBe(true);
    expect(natives.filter((n) => !n.disposed)).toEqual([natives[1]]);
    expect(result.bestModel.getWeights().length).toBeGreaterThan(0);
    result.bestModel.dispose();
    expect(natives.every((n) => n.disposed)).toBe(true);
  });

  it("scores a trial by its best epoch and restores that epoch's weights", async () => {
    let native: FakeModel | undefined;
    const result = await gridSearch({
      build: () => {
        const b = build(8, (e) => [0.5, 0.2, 0.4, 0.3][e]!);
        native = fake.last();
        return b.model;
      },
      paramGrid: { units: [8] },
      fit: { x, y, epochs: 4, validationSplit: 0.25 },
      verbose: 0,
    });
    expect(result.bestValue).toBeCloseTo(0.2, 6);
    expect(result.trials[0]!.history.val_loss).toEqual([0.5, 0.2, 0.4, 0.3].map((v) => expect.closeTo(v, 6)));
    expect(native!.events.filter((e) => e === 'setWeights')).toHaveLength(1);
    expect(native!.events.lastIndexOf('setWeights')).toBeGreaterThan(native!.events.indexOf('fit-end'));
    result.bestModel.dispose();
  });

  it('checks the objective and its validation data before training, and the logs during it', async () => {
    const args = { build: () => build(4, () => 1).model, paramGrid: { units: [4] }, verbose: 0 as const };
    await expect(gridSearch({ ...args, fit: { x, y, epochs: 1 } })).rejects.toThrow(/needs validation data: set gridSearch\.fit\.validationSplit/);
    await expect(gridSearch({ ...args, fit: { x, y, epochs: 1, validationSplit: 0.25 }, objective: 'val_mae' })).rejects.toThrow(/"val_mae" is not among the epoch logs \(loss, lr, val_loss\)/);
    await expect(gridSearch({ ...args, fit: { x, y, epochs: 1 }, objective: 'r2_custom' })).rejects.toThrow(/pass gridSearch\.direction/);
    await expect(gridSearch({ ...args, fit: { x, y }, paramgrid: {} } as never)).rejects.toThrow(/did you mean "paramGrid"/);
    expect(fake.models.every((m) => m.disposed)).toBe(true);
  });
});

describe('tpeSearch / randomSearch', () => {
  it('gives fit a function of all the parameters (data that depends on one)', async () => {
    const seen: unknown[] = [];
    const result = await randomSearch({
      build: ({ units, lookBack }) => {
        const model = sequential([layers.lstm({ units, inputShape: [lookBack, 1] }), layers.dense({ units: 1 })]);
        model.compile({ optimizer: 'adam', loss: 'mse' });
        return model;
      },
      space: { units: int(4, 16), lookBack: categorical([2, 4]), epochs: int(1, 3) },
      fit: (params) => {
        seen.push(params);
        const n = 20;
        return { x: { data: new Float32Array(n * params.lookBack), shape: [n, params.lookBack, 1] }, y: { data: new Float32Array(n), shape: [n, 1] }, validationSplit: 0.2 };
      },
      nTrials: 4,
      seed: 3,
      verbose: 0,
    });
    expect(seen).toHaveLength(4);
    expect(seen[0]).toHaveProperty('epochs');
    expect(result.trials.map((t) => t.history.loss!.length)).toEqual(result.trials.map((t) => t.params.epochs));
    result.bestModel.dispose();
  });

  it('median pruning stops hopeless trials (their models disposed) and keeps good ones', async () => {
    const natives: FakeModel[] = [];
    const result = await tpeSearch({
      // Trials 0-2 enqueued as good curves; later ones are bad when dropout > 0.25.
      build: ({ units, dropout }) => {
        const { model } = build(units, (e) => (dropout > 0.25 ? 5 : 1) * (0.5 + 0.5 / (e + 1)) + dropout);
        natives.push(fake.last());
        return model;
      },
      space: { units: int(4, 16), dropout: float(0, 0.5) },
      fit: { x, y, epochs: 5, validationSplit: 0.25 },
      nTrials: 12,
      seed: 1,
      pruner: medianPruner({ nStartupTrials: 3 }),
      enqueue: [{ dropout: 0.05 }, { dropout: 0.1 }, { dropout: 0.15 }],
      verbose: 0,
    });
    const states = result.trials.map((t) => t.state);
    expect(states.slice(0, 3)).toEqual(['COMPLETE', 'COMPLETE', 'COMPLETE']);
    const bad = result.trials.filter((t) => t.params.dropout > 0.25);
    expect(bad.length).toBeGreaterThan(0);
    for (const t of bad) {
      expect(t.state).toBe('PRUNED');
      expect(t.history.val_loss).toHaveLength(1); // stopped after the first epoch
    }
    expect(natives.filter((n) => !n.disposed)).toHaveLength(1);
    expect(result.bestParams.dropout).toBeLessThanOrEqual(0.25);
    result.bestModel.dispose();
  });

  it('resumes from storage: nTrials counts the whole study, and a best trial from the earlier run is retrained', async () => {
    const file = path.join(dir, 'tpe.json');
    const builds: number[] = [];
    const args = {
      build: ({ units }: { units: number }) => {
        builds.push(units);
        return build(units, (e) => Math.abs(units - 10) + 1 / (e + 1)).model;
      },
      space: { units: int(4, 16) },
      fit: { x, y, epochs: 2, validationSplit: 0.25 },
      seed: 9,
      storage: file,
      verbose: 0 as const,
    };
    const first = await tpeSearch({ ...args, nTrials: 5, enqueue: [{ units: 10 }] });
    expect(first.bestParams).toEqual({ units: 10 });
    first.bestModel.dispose();
    builds.length = 0;
    const second = await tpeSearch({ ...args, nTrials: 8 });
    expect(second.trials).toHaveLength(8);
    expect(second.trials.map((t) => t.history.val_loss?.length)).toEqual(new Array(8).fill(2));
    // 3 new trials, then the best (trial 0, from the first run: units 10 is optimal) rebuilt.
    expect(builds).toHaveLength(4);
    expect(builds.at(-1)).toBe(10);
    expect(second.bestTrial.number).toBe(0);
    expect(fake.models.filter((m) => !m.disposed)).toHaveLength(1);
    second.bestModel.dispose();
    const third = await tpeSearch({ ...args, nTrials: 8 }); // nothing left to run
    expect(third.trials).toHaveLength(8);
    third.bestModel.dispose();
  });
});
