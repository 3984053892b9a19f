/**
 * Resuming training from a save: fit 2 epochs == fit 1 epoch, save, load, fit 1 more epoch
 * with initialEpoch 1 (the optimizer state — Adam's step count and moments — travels in the save).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { layers, loadModel, optimizers, sequential, type Sequential, type Tensor } from '../../../lib/index.js';
import { maxAbsDiff, randomTensor } from '../numerics/helpers.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'resume-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const x = randomTensor([24, 6, 2], 11);
const y = randomTensor([24, 1], 12);

function build(optimizer: 'adam' | 'rmsprop' | 'sgd'): Sequential {
  const model = sequential([
    layers.lstm({ units: 8, inputShape: [6, 2], returnSequences: true, name: 'lstm' }),
    layers.lstm({ units: 4, name: 'lstm_1' }),
    layers.dense({ units: 1, name: 'dense' }),
  ]);
  const opt = optimizer === 'sgd' ? optimizers.sgd({ learningRate: 0.05, momentum: 0.9 }) : optimizer;
  model.compile({ optimizer: opt, loss: 'mse' });
  return model;
}

const fitArgs = { batchSize: 8, shuffle: false, seed: 5, verbose: 0 as const };

function expectSameWeights(a: Tensor[], b: Tensor[]): void {
  expect(a.map((w) => w.shape)).toEqual(b.map((w) => w.shape));
  a.forEach((w, i) => expect(maxAbsDiff(w.data, b[i]!.data)).toBeLessThanOrEqual(1e-6));
}

describe('resume training from a save', () => {
  it.each(['adam', 'rmsprop', 'sgd'] as const)('%s: fit 2 epochs == fit 1 + save + load + fit 1 (initialEpoch 1)', async (optimizer) => {
    const straight = build(optimizer);
    const resumed = build(optimizer);
    resumed.setWeights(straight.getWeights());
    await straight.fit(x, y, { ...fitArgs, epochs: 2 });

    await resumed.fit(x, y, { ...fitArgs, epochs: 1 });
    const dir = path.join(root, optimizer);
    await resumed.save(dir);
    const loaded = await loadModel(dir);
    const history = await loaded.fit(x, y, { ...fitArgs, epochs: 2, initialEpoch: 1 });
    expect(history.epoch).toEqual([1]);
    expectSameWeights(loaded.getWeights(), straight.getWeights());

    // Without the optimizer state the second epoch differs (moments and momentum restart).
    await resumed.save(dir, { includeOptimizer: false });
    const restarted = await loadModel(dir);
    await restarted.fit(x, y, { ...fitArgs, epochs: 2, initialEpoch: 1 });
    const diff = Math.max(...restarted.getWeights().map((w, i) => maxAbsDiff(w.data, straight.getWeights()[i]!.data)));
    expect(diff).toBeGreaterThan(1e-5);
    restarted.dispose();
    for (const m of [straight, resumed, loaded]) m.dispose();
  });

  it('a learning rate changed during training is the one that resumes', async () => {
    const model = build('adam');
    model.optimizer.learningRate = 0.0123;
    await model.fit(x, y, { ...fitArgs, epochs: 1 });
    const dir = path.join(root, 'lr');
    await model.save(dir);
    const loaded = await loadModel(dir);
    expect(loaded.optimizer.learningRate).toBe(0.0123);
    model.dispose();
    loaded.dispose();
  });
});
