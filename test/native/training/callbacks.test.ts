/**
 * Callbacks against the real engine: EarlyStopping restores the best epoch's weights,
 * ReduceLROnPlateau changes the learning rate the optimizer uses, stopTraining, batch hooks
 * and the Keras hook order.
 */
import { describe, expect, it } from 'vitest';
import { callbacks, layers, optimizers, sequential, type Tensor } from '../../../lib/index.js';

const { Callback, earlyStopping, lambdaCallback, reduceLROnPlateau } = callbacks;

/** y = w * x without bias; x all ones, so each SGD step is an exact, known move of w. */
function scalarModel(learningRate: number, loss: 'mse' | 'mae') {
  const model = sequential([layers.dense({ units: 1, inputShape: [1], useBias: false })]);
  model.compile({ optimizer: optimizers.sgd({ learningRate }), loss });
  model.setWeights([{ data: Float32Array.from([0]), shape: [1, 1] }]);
  return model;
}

const column = (n: number, v: number) => ({ data: new Float32Array(n).fill(v), shape: [n, 1] });

describe('earlyStopping', () => {
  it('stops after patience epochs without improvement and restores exactly the best epoch\'s weights', async () => {
    // Training pulls w from 0 towards 2 (w_k = 2 - 2 * 0.7^k: 0.6, 1.02, 1.314, ...), while the
    // validation targets are 1: val_loss falls to its best at epoch 1, then rises.
    const model = scalarModel(0.15, 'mse');
    const recorded: Tensor[][] = [];
    const recorder = lambdaCallback({ onEpochEnd: () => void recorded.push(model.getWeights()) });
    const stop = earlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true });
    const history = await model.fit(column(8, 1), column(8, 2), {
      epochs: 20, batchSize: 8, verbose: 0, validationData: [column(4, 1), column(4, 1)],
      callbacks: [recorder, stop],
    });
    const val = history.history.val_loss!;
    expect(val[1]).toBeLessThan(val[0]!);
    expect(val[2]).toBeGreaterThan(val[1]!);
    expect(history.epoch).toEqual([0, 1, 2, 3]); // best at 1, patience 2 -> stopped at the end of epoch 3
    expect(stop.stoppedEpoch).toBe(3);
    expect(stop.bestEpoch).toBe(1);
    expect(recorded[1]![0]!.data[0]).toBeCloseTo(1.02, 5);
    expect(recorded[3]![0]!.data[0]).not.toBeCloseTo(1.02, 3);
    expect(model.getWeights().map((w) => Array.from(w.data))).toEqual(recorded[1]!.map((w) => Array.from(w.data)));
    model.dispose();
  });
});

describe('reduceLROnPlateau', () => {
  it('changes the learning rate the optimizer uses: each step shrinks by the factor, and lr logs and optimizer agree', async () => {
    // MAE with targets far above the output: the gradient of w is exactly -1, so each epoch
    // (one batch) moves w by exactly the learning rate in use. x = 0 in validation keeps
    // val_loss constant, a plateau from the first epoch.
    const model = scalarModel(0.1, 'mae');
    const ws: number[] = [0];
    const recorder = lambdaCallback({ onEpochEnd: () => void ws.push(model.getWeights()[0]!.data[0]!) });
    const plateau = reduceLROnPlateau({ monitor: 'val_loss', factor: 0.5, patience: 2 });
    const history = await model.fit(column(4, 1), column(4, 1000), {
      epochs: 6, batchSize: 4, verbose: 0, validationData: [column(4, 0), column(4, 1000)],
      callbacks: [plateau, recorder],
    });
    // epoch 0 sets the best; no improvement at 1, 2 -> reduce at the end of 2; again at the end of 4.
    const expected = [0.1, 0.1, 0.1, 0.05, 0.05, 0.025];
    expect(history.history.lr!.map((v) => Number(v.toPrecision(6)))).toEqual(expected);
    const steps = ws.slice(1).map((w, i) => w - ws[i]!);
    steps.forEach((s, i) => expect(s).toBeCloseTo(expected[i]!, 6));
    expect(steps[3]! / steps[2]!).toBeCloseTo(0.5, 5);
    expect(model.optimizer.learningRate).toBeCloseTo(0.025, 12);
    model.dispose();
  });
});

describe('hooks', () => {
  const n = 50;
  const x = { data: Float32Array.from({ length: n * 4 }, (_, i) => Math.cos(i)), shape: [n, 4, 1] };
  const y = { data: Float32Array.from({ length: n }, (_, i) => Math.sin(i)), shape: [n, 1] };
  const model = () => {
    const m = sequential([layers.lstm({ units: 3, inputShape: [4, 1] }), layers.dense({ units: 1 })]);
    m.compile({ optimizer: 'adam', loss: 'mse' });
    return m;
  };

  it('model.stopTraining = true in onEpochEnd of epoch 2 stops after 3 epochs', async () => {
    const m = model();
    const history = await m.fit(x, y, {
      epochs: 10, batchSize: 25, verbose: 0,
      callbacks: [lambdaCallback({ onEpochEnd: (epoch) => { if (epoch === 2) m.stopTraining = true; } })],
    });
    expect(history.epoch).toEqual([0, 1, 2]);
    expect(history.history.loss).toHaveLength(3);
    m.dispose();
  });

  // KNOWN NATIVE BUG (native/core/train/trainer.cc, Fit): a stop requested mid-epoch makes the
  // trainer return at once, without the epoch report (and without reporting the batch it just
  // trained), so onEpochEnd never runs for the partial epoch and History misses it. Keras breaks
  // out of the batch loop, then still computes the epoch logs, runs validation and calls
  // on_epoch_end before stopping. TS cannot rebuild those logs exactly; the trainer needs a
  // "finish the epoch" stop distinct from abort/dispose. Kept failing on purpose until fixed.
  it('model.stopTraining = true in onBatchEnd still ends that epoch (Keras calls onEpochEnd with its logs)', async () => {
    const m = model();
    const ended: [number, string[]][] = [];
    const history = await m.fit(x, y, {
      epochs: 3, batchSize: 5, verbose: 0, validationSplit: 0.2,
      callbacks: [{
        onBatchEnd: (b) => { if (b === 1) m.stopTraining = true; },
        onEpochEnd: (e, logs) => void ended.push([e, Object.keys(logs ?? {}).sort()]),
      }],
    });
    expect(ended).toEqual([[0, ['loss', 'lr', 'val_loss']]]);
    expect(history.epoch).toEqual([0]);
    m.dispose();
  });

  it('onBatchEnd receives every batch index in order, with running logs', async () => {
    const m = model();
    const seen: [number, number][] = [];
    let epoch = -1;
    await m.fit(x, y, {
      epochs: 2, batchSize: 8, verbose: 0,
      callbacks: [{ onEpochBegin: (e) => void (epoch = e), onBatchEnd: (b, logs) => {
        expect(Number.isFinite(logs?.loss)).toBe(true);
        seen.push([epoch, b]);
      } }],
    });
    const perEpoch = [0, 1, 2, 3, 4, 5, 6]; // ceil(50 / 8) = 7 batches
    expect(seen).toEqual([...perEpoch.map((b) => [0, b]), ...perEpoch.map((b) => [1, b])]);
    m.dispose();
  });

  it('calls the hooks in Keras order', async () => {
    const m = model();
    const events: string[] = [];
    class Recorder extends Callback {
      override onTrainBegin() { events.push('trainBegin'); }
      override onEpochBegin(e: number) { events.push(`epochBegin ${e}`); }
      override onBatchEnd(b: number) { events.push(`batchEnd ${b}`); }
      override onEpochEnd(e: number, logs?: Record<string, number>) { events.push(`epochEnd ${e} ${Object.keys(logs ?? {}).sort().join(',')}`); }
      override onTrainEnd() { events.push('trainEnd'); }
    }
    await m.fit(x, y, { epochs: 2, batchSize: 20, verbose: 0, validationSplit: 0.2, callbacks: [new Recorder()] });
    // 40 training samples / 20 = 2 batches per epoch.
    expect(events).toEqual([
      'trainBegin',
      'epochBegin 0', 'batchEnd 0', 'batchEnd 1', 'epochEnd 0 loss,lr,val_loss',
      'epochBegin 1', 'batchEnd 0', 'batchEnd 1', 'epochEnd 1 loss,lr,val_loss',
      'trainEnd',
    ]);
    m.dispose();
  });
});
