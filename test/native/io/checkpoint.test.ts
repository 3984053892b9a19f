/**
 * modelCheckpoint during a real fit: files are written at the epoch-end sync point, and
 * saveBestOnly keeps exactly the best epoch's weights (weights-only and whole-model saves).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { callbacks, layers, loadModel, optimizers, sequential, type Tensor } from '../../../lib/index.js';

const { lambdaCallback, modelCheckpoint } = callbacks;
const root = mkdtempSync(path.join(os.tmpdir(), 'checkpoint-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** y = w * x without bias, SGD from w = 0 towards 2 (w_k = 2 - 2 * 0.7^k); validation targets 1: best at epoch 1. */
function scalarModel() {
  const model = sequential([layers.dense({ units: 1, inputShape: [1], useBias: false, name: 'dense' })]);
  model.compile({ optimizer: optimizers.sgd({ learningRate: 0.15 }), loss: 'mse' });
  model.setWeights([{ data: Float32Array.from([0]), shape: [1, 1] }]);
  return model;
}
const column = (n: number, v: number) => ({ data: new Float32Array(n).fill(v), shape: [n, 1] });
const fitArgs = { epochs: 5, batchSize: 8, verbose: 0 as const, validationData: [column(4, 1), column(4, 1)] as [ReturnType<typeof column>, ReturnType<typeof column>] };

describe('modelCheckpoint with the engine', () => {
  it('saveBestOnly + saveWeightsOnly: writes on improvement only, and the file holds the best epoch\'s weights', async () => {
    const model = scalarModel();
    const recorded: Tensor[][] = [];
    const dir = path.join(root, 'weights');
    const history = await model.fit(column(8, 1), column(8, 2), {
      ...fitArgs,
      callbacks: [
        lambdaCallback({ onEpochEnd: () => void recorded.push(model.getWeights()) }),
        modelCheckpoint({ filepath: path.join(dir, 'e{epoch:02d}-{val_loss:.4f}.weights.safetensors'), saveWeightsOnly: true, saveBestOnly: true }),
        modelCheckpoint({ filepath: path.join(dir, 'best.weights.safetensors'), saveWeightsOnly: true, saveBestOnly: true }),
      ],
    });
    const val = history.history.val_loss!;
    expect(val[1]).toBeLessThan(val[0]!);
    expect(Math.min(...val)).toBe(val[1]);
    expect(readdirSync(dir).sort()).toEqual([
      'best.weights.safetensors',
      `e01-${val[0]!.toFixed(4)}.weights.safetensors`,
      `e02-${val[1]!.toFixed(4)}.weights.safetensors`,
    ]);
    const restored = scalarModel();
    await restored.loadWeights(path.join(dir, 'best.weights.safetensors'));
    expect(restored.getWeights()[0]!.data[0]).toBeCloseTo(1.02, 5);
    expect(Array.from(restored.getWeights()[0]!.data)).toEqual(Array.from(recorded[1]![0]!.data));
    expect(model.getWeights()[0]!.data[0]).not.toBeCloseTo(1.02, 3); // training went on past the best
    model.dispose();
    restored.dispose();
  });

  it('whole-model saveBestOnly: loadModel gives the best epoch\'s model, compiled, with its optimizer step count', async () => {
    const model = scalarModel();
    const recorded: Tensor[][] = [];
    const dir = path.join(root, 'model-best');
    await model.fit(column(8, 1), column(8, 2), {
      ...fitArgs,
      callbacks: [lambdaCallback({ onEpochEnd: () => void recorded.push(model.getWeights()) }), modelCheckpoint({ filepath: dir, saveBestOnly: true })],
    });
    const best = await loadModel(dir);
    expect(Array.from(best.getWeights()[0]!.data)).toEqual(Array.from(recorded[1]![0]!.data));
    expect(best.optimizer.learningRate).toBe(0.15);
    expect(JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')).optimizer.iterations).toBe(2);
    model.dispose();
    best.dispose();
  });

  it('saves every epoch by default, to templated directories', async () => {
    const model = scalarModel();
    const dir = path.join(root, 'every');
    await model.fit(column(8, 1), column(8, 2), { ...fitArgs, epochs: 3, callbacks: [modelCheckpoint({ filepath: path.join(dir, 'epoch{epoch}') })] });
    expect(readdirSync(dir).sort()).toEqual(['epoch1', 'epoch2', 'epoch3']);
    const last = await loadModel(path.join(dir, 'epoch3'));
    expect(last.getWeights()).toEqual(model.getWeights());
    model.dispose();
    last.dispose();
  });

  it('save outside the callbacks during fit is ERR_BUSY', async () => {
    const model = scalarModel();
    const job = model.fit(column(8, 1), column(8, 2), { ...fitArgs, epochs: 2 });
    await expect(model.save(path.join(root, 'busy'))).rejects.toMatchObject({ code: 'ERR_BUSY' });
    await job;
    model.dispose();
  });
});
