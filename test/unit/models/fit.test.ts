import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AbortError, TorchError } from '../../../lib/errors.js';
import { layers, resetNames } from '../../../lib/layers/index.js';
import { setBindingForTests } from '../../../lib/models/engine.js';
import { type Sequential, sequential } from '../../../lib/models/sequential.js';
import { Callback, type Logs } from '../../../lib/training/callbacks/callback.js';
import { History } from '../../../lib/training/callbacks/history.js';
import { optimizers } from '../../../lib/training/optimizers.js';
import { installFakeBinding, tick, type FakeBinding } from './fake-binding.js';

let fake: FakeBinding;
beforeEach(() => {
  resetNames();
  fake = installFakeBinding();
});
afterEach(() => {
  setBindingForTests(undefined);
  vi.restoreAllMocks();
});

function compiled(): Sequential {
  const model = sequential([layers.lstm({ units: 4, inputShape: [3, 1] }), layers.dense({ units: 1 })]);
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'mse', metrics: ['mae'] });
  return model;
}

/** n samples [3, 1] whose values are the sample index; y = index. */
function data(n: number): { x: number[][][]; y: number[] } {
  return {
    x: Array.from({ length: n }, (_, i) => [[i], [i], [i]]),
    y: Array.from({ length: n }, (_, i) => i),
  };
}

/** Records every hook call as a string. */
class Recorder extends Callback {
  readonly calls: string[] = [];
  override onTrainBegin(): void {
    this.calls.push('trainBegin');
  }
  override onEpochBegin(epoch: number): void {
    this.calls.push(`epochBegin ${epoch}`);
  }
  override onBatchEnd(batch: number): void {
    this.calls.push(`batch ${batch}`);
  }
  override onEpochEnd(epoch: number, logs?: Logs): void {
    this.calls.push(`epochEnd ${epoch} loss=${logs?.loss}`);
  }
  override onTrainEnd(): void {
    this.calls.push('trainEnd');
  }
}

describe('fit: data', () => {
  it('holds out the LAST fraction of samples, before shuffling (Keras validationSplit)', async () => {
    const model = compiled();
    const { x, y } = data(10);
    await model.fit(x, y, { epochs: 1, validationSplit: 0.2, verbose: 0 });
    const call = fake.last().fitCalls[0]!;
    expect(call.x.shape).toEqual([8, 3, 1]);
    expect(Array.from(call.x.data.filter((_, i) => i % 3 === 0))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(call.y.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(call.validation!.xs[0]!.shape).toEqual([2, 3, 1]);
    expect(Array.from(call.validation!.ys[0]!.data)).toEqual([8, 9]);
    expect(call.options.shuffle).toBe(true);
  });

  it('uses floor(n * (1 - split)) training samples, and refuses an empty side', async () => {
    const model = compiled();
    await model.fit(data(7).x, data(7).y, { validationSplit: 0.3, verbose: 0 });
    expect(fake.last().fitCalls[0]!.x.shape[0]).toBe(4);
    await expect(model.fit(data(1).x, data(1).y, { validationSplit: 0.5, verbose: 0 })).rejects.toThrow(
      'fit.x has 1 samples, too few to split into training and validation sets with validationSplit 0.5',
    );
  });

  it('lets validationData override validationSplit', async () => {
    const model = compiled();
    const val = data(3);
    const history = await model.fit(data(10).x, data(10).y, { validationSplit: 0.5, validationData: [val.x, val.y], verbose: 0 });
    const call = fake.last().fitCalls[0]!;
    expect(call.x.shape[0]).toBe(10);
    expect(call.validation!.ys[0]!.shape).toEqual([3, 1]);
    expect(history.history.val_loss).toHaveLength(1);
  });

  it('passes the defaulted options and the expanded y', async () => {
    const model = compiled();
    await model.fit(data(5).x, data(5).y, { epochs: 3, batchSize: 2, shuffle: false, seed: 42, initialEpoch: 1, verbose: 0 });
    const call = fake.last().fitCalls[0]!;
    expect(call.options).toEqual({ epochs: 3, initialEpoch: 1, batchSize: 2, shuffle: false, seed: 42, reportBatches: false });
    expect(call.y.shape).toEqual([5, 1]);
    expect(call.validation).toBeNull();
    await model.fit(data(5).x, data(5).y, { verbose: 0 });
    expect(fake.last().fitCalls[1]!.options).toEqual({ epochs: 1, initialEpoch: 0, batchSize: 32, shuffle: true, reportBatches: false });
  });

  it('checks x and y shapes with both shapes in the message', async () => {
    const model = compiled();
    await expect(model.fit([[1, 2, 3]], [1], { verbose: 0 })).rejects.toThrow(
      /Expected fit\.x of shape \[samples, timesteps, features\] = \[samples, 3, 1\] .* but received \[1, 3\]; reshape a 2-D/,
    );
    await expect(model.fit(data(4).x, data(3).y, { verbose: 0 })).rejects.toThrow(
      'Expected fit.y to have as many samples as fit.x (4) but received 3 (shape [3])',
    );
    await expect(model.fit(data(2).x, [[1, 2], [3, 4]], { verbose: 0 })).rejects.toThrow(
      'Expected fit.y of shape [2, 1] (the model output for fit.x) but received [2, 2]',
    );
    await expect(model.fit(data(2).x, data(2).y, { batch_size: 2 } as never)).rejects.toThrow(
      'Unknown option "batch_size" for fit; did you mean "batchSize"?',
    );
    await expect(model.fit(data(2).x, data(2).y, { epochs: 0 })).rejects.toThrow('for fit.epochs but received 0');
    await expect(model.fit(data(2).x, data(2).y, { validationSplit: 1 })).rejects.toThrow(/fit\.validationSplit/);
    expect(fake.last().fitCalls).toHaveLength(0);
  });

  it('rejects (never throws) on misuse, and requires compile', async () => {
    const model = sequential([layers.dense({ units: 1, inputShape: [2] })]);
    let promise: Promise<unknown> | undefined;
    expect(() => {
      promise = model.fit([[1, 2]], [1], { verbose: 0 });
    }).not.toThrow();
    await expect(promise).rejects.toMatchObject({ name: 'TorchError', code: 'ERR_NOT_COMPILED' });
  });
});

describe('fit: callbacks and the epoch-end dialogue', () => {
  it('runs the hooks in Keras order and returns the History', async () => {
    const model = compiled();
    const rec = new Recorder();
    const history = await model.fit(data(4).x, data(4).y, { epochs: 2, batchSize: 2, callbacks: [rec], verbose: 0 });
    expect(rec.calls).toEqual([
      'trainBegin',
      'epochBegin 0',
      'batch 0',
      'batch 1',
      'epochEnd 0 loss=1',
      'epochBegin 1',
      'batch 0',
      'batch 1',
      'epochEnd 1 loss=0.5',
      'trainEnd',
    ]);
    expect(fake.last().fitCalls[0]!.options.reportBatches).toBe(true);
    expect(history).toBeInstanceOf(History);
    expect(history.epoch).toEqual([0, 1]);
    expect(history.history.loss).toEqual([1, 0.5]);
    expect(history.history.lr).toEqual([0.01, 0.01]);
    expect(fake.last().answers).toEqual([{ stop: false }, { stop: false }]);
    expect(rec.params).toMatchObject({ epochs: 2, steps: 2, verbose: 0, metrics: ['loss', 'mae'], doValidation: false });
  });

  it('accepts plain hook objects', async () => {
    const model = compiled();
    const seen: number[] = [];
    await model.fit(data(2).x, data(2).y, { epochs: 3, verbose: 0, callbacks: [{ onEpochEnd: (e) => void seen.push(e) }] });
    expect(seen).toEqual([0, 1, 2]);
    expect(fake.last().fitCalls[0]!.options.reportBatches).toBe(false);
  });

  it('stops when a callback sets stopTraining at an epoch end', async () => {
    const model = compiled();
    const history = await model.fit(data(2).x, data(2).y, {
      epochs: 10,
      verbose: 0,
      callbacks: [{ onEpochEnd(epoch) { if (epoch === 1) model.stopTraining = true; } }],
    });
    expect(history.epoch).toEqual([0, 1]);
    expect(fake.last().answers).toEqual([{ stop: false }, { stop: true }]);
  });

  it('asks the engine to stop when stopTraining is set in onBatchEnd', async () => {
    const model = compiled();
    const history = await model.fit(data(8).x, data(8).y, {
      epochs: 5,
      batchSize: 2,
      verbose: 0,
      callbacks: [{ onBatchEnd(batch) { if (batch === 1) model.stopTraining = true; } }],
    });
    expect(fake.last().stopRequests).toBeGreaterThanOrEqual(1);
    expect(history.epoch).toEqual([0]);
    expect(fake.last().answers.at(-1)!.stop).toBe(true);
  });

  it('sends a learning rate a callback changed, once', async () => {
    const model = compiled();
    const history = await model.fit(data(2).x, data(2).y, {
      epochs: 3,
      verbose: 0,
      callbacks: [{ onEpochEnd(epoch) { if (epoch === 0) model.optimizer.learningRate = 0.002; } }],
    });
    expect(fake.last().answers).toEqual([{ stop: false, learningRate: 0.002 }, { stop: false }, { stop: false }]);
    expect(history.history.lr).toEqual([0.01, 0.002, 0.002]);
    expect(fake.last().compiled).toHaveLength(1);
    // The engine has it: the next fit does not recompile.
    await model.fit(data(2).x, data(2).y, { verbose: 0 });
    expect(fake.last().compiled).toHaveLength(1);
  });

  it('recompiles when the learning rate changed between fits', async () => {
    const model = compiled();
    model.optimizer.learningRate = 0.5;
    await model.fit(data(2).x, data(2).y, { verbose: 0 });
    expect(fake.last().compiled.map((c) => c.optimizer.config.learning_rate)).toEqual([0.01, 0.5]);
    expect(() => {
      model.optimizer.learningRate = -1;
    }).toThrow('Expected a number > 0 for optimizer.learningRate but received -1');
  });

  it('rejects with the error a callback throws at an epoch end, and still resumes the engine', async () => {
    const model = compiled();
    const boom = new Error('boom');
    const later = vi.fn();
    await expect(
      model.fit(data(2).x, data(2).y, {
        epochs: 5,
        verbose: 0,
        callbacks: [{ onEpochEnd(epoch) { if (epoch === 1) throw boom; } }, { onTrainEnd: later }],
      }),
    ).rejects.toBe(boom);
    expect(fake.last().answers).toEqual([{ stop: false }, { stop: true }]);
    expect(fake.last().events.at(-1)).toBe('fit-end');
    expect(later).not.toHaveBeenCalled();
  });

  it('rejects with the error a batch hook throws, stopping the engine', async () => {
    const model = compiled();
    const boom = new TypeError('batch boom');
    await expect(
      model.fit(data(8).x, data(8).y, {
        epochs: 5,
        batchSize: 2,
        verbose: 0,
        callbacks: [{ onBatchEnd() { throw boom; } }],
      }),
    ).rejects.toBe(boom);
    expect(fake.last().stopRequests).toBeGreaterThanOrEqual(1);
    expect(fake.last().answers.every((a) => a.stop)).toBe(true);
    expect(fake.last().fitCalls).toHaveLength(1);
  });

  it('rejects when onTrainBegin throws, without starting the engine', async () => {
    const model = compiled();
    await expect(
      model.fit(data(2).x, data(2).y, { verbose: 0, callbacks: [{ onTrainBegin() { throw new Error('early'); } }] }),
    ).rejects.toThrow('early');
    expect(fake.last().fitCalls).toHaveLength(0);
    // The model is usable again.
    await expect(model.fit(data(2).x, data(2).y, { verbose: 0 })).resolves.toBeInstanceOf(History);
  });

  it('waits for async epoch hooks before answering', async () => {
    const model = compiled();
    const order: string[] = [];
    await model.fit(data(2).x, data(2).y, {
      epochs: 2,
      verbose: 0,
      callbacks: [{
        async onEpochEnd(epoch) {
          await tick();
          await tick();
          order.push(`hook ${epoch} answers=${fake.last().answers.length}`);
        },
      }],
    });
    expect(order).toEqual(['hook 0 answers=0', 'hook 1 answers=1']);
  });

  it('prints progress with verbose 2 and reports batches only with verbose 1', async () => {
    const model = compiled();
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    await model.fit(data(2).x, data(2).y, { epochs: 2, verbose: 2 });
    expect(fake.last().fitCalls[0]!.options.reportBatches).toBe(false);
    const text = write.mock.calls.map((c) => String(c[0])).join('');
    expect(text).toContain('Epoch 1/2');
    expect(text).toMatch(/loss: 1\.0000/);
    await model.fit(data(2).x, data(2).y, { epochs: 1, verbose: 1 });
    expect(fake.last().fitCalls[1]!.options.reportBatches).toBe(true);
  });
});

describe('fit: busy, abort, dispose, native errors', () => {
  it('rejects a second fit while one runs with ERR_BUSY', async () => {
    const model = compiled();
    const first = model.fit(data(2).x, data(2).y, { epochs: 2, verbose: 0 });
    let second: Promise<unknown> | undefined;
    expect(() => {
      second = model.fit(data(2).x, data(2).y, { verbose: 0 });
    }).not.toThrow();
    await expect(second).rejects.toMatchObject({ code: 'ERR_BUSY' });
    await expect(second).rejects.toBeInstanceOf(TorchError);
    expect(() => model.compile({ loss: 'mse' })).toThrow(/Cannot compile while fit is running/);
    expect(() => model.add(layers.dense({ units: 1 }))).toThrow(expect.objectContaining({ code: 'ERR_BUSY' }));
    await first;
    expect(fake.last().fitCalls).toHaveLength(1);
    await expect(model.fit(data(2).x, data(2).y, { verbose: 0 })).resolves.toBeInstanceOf(History);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const model = compiled();
    const controller = new AbortController();
    controller.abort(new Error('why'));
    const err = await model.fit(data(2).x, data(2).y, { signal: controller.signal, verbose: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect((err as AbortError).cause).toEqual(new Error('why'));
    expect(fake.last().fitCalls).toHaveLength(0);
  });

  it('stops the engine on abort and rejects with an AbortError carrying the history', async () => {
    const model = compiled();
    const controller = new AbortController();
    const err = await model
      .fit(data(2).x, data(2).y, {
        epochs: 100,
        verbose: 0,
        signal: controller.signal,
        callbacks: [{ onEpochEnd(epoch) { if (epoch === 2) controller.abort(); } }],
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    const history = (err as AbortError).history as History;
    expect(history.epoch).toEqual([0, 1, 2]);
    expect(fake.last().stopRequests).toBe(1);
    expect(fake.last().answers.at(-1)).toEqual({ stop: true });
    expect(fake.last().answers).toHaveLength(3);
  });

  it('aborts mid-epoch through requestStop', async () => {
    const model = compiled();
    const controller = new AbortController();
    const epochEnd = vi.fn();
    const promise = model.fit(data(64).x, data(64).y, {
      epochs: 100, batchSize: 2, verbose: 0, signal: controller.signal, callbacks: [{ onEpochEnd: epochEnd }],
    });
    await tick();
    await tick();
    controller.abort();
    const err = await promise.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(fake.last().stopRequests).toBe(1);
    // The engine reports the cut epoch; no hook runs after the abort, and it is answered with stop.
    expect(fake.last().answers).toEqual([{ stop: true }]);
    expect(epochEnd).not.toHaveBeenCalled();
    expect(((err as AbortError).history as History).epoch).toEqual([]);
  });

  it('dispose during fit stops the job and rejects with ERR_DISPOSED', async () => {
    const model = compiled();
    const engine = fake.last();
    const promise = model.fit(data(2).x, data(2).y, {
      epochs: 100,
      verbose: 0,
      callbacks: [{ onEpochEnd(epoch) { if (epoch === 1) model.dispose(); } }],
    });
    await expect(promise).rejects.toMatchObject({ code: 'ERR_DISPOSED' });
    expect(engine.disposed).toBe(true);
    expect(engine.events).toContain('requestStop');
    expect(engine.answers.at(-1)!.stop).toBe(true);
    expect(engine.events.at(-1)).toBe('fit-end');
    await expect(model.predict(data(1).x)).rejects.toMatchObject({ code: 'ERR_DISPOSED' });
    expect(() => model.getWeights()).toThrow(/disposed/);
  });

  it('wraps a native fit failure with the code and the caller stack', async () => {
    const model = compiled();
    fake.last().fitError = new Error('[ERR_CUDA_UNAVAILABLE] CUDA is not available\ntrace');
    const err = (await model.fit(data(2).x, data(2).y, { verbose: 0 }).catch((e: unknown) => e)) as TorchError;
    expect(err).toBeInstanceOf(TorchError);
    expect(err.code).toBe('ERR_CUDA_UNAVAILABLE');
    expect(err.message).toBe('CUDA is not available');
    expect(err.stack).toContain('fit.test.ts');
  });

  it('gives callbacks the model: weights and optimizer at the epoch end', async () => {
    const model = compiled();
    const shapes: number[][][] = [];
    await model.fit(data(2).x, data(2).y, {
      verbose: 0,
      callbacks: [{ onEpochEnd() { shapes.push(model.getWeights().map((w) => w.shape)); } }],
    });
    expect(shapes).toEqual([[[1, 16], [4, 16], [16], [4, 1], [1]]]);
  });
});
