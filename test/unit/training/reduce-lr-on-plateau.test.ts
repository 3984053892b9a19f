import { describe, it, expect, vi, afterEach } from 'vitest';
import { ReduceLROnPlateau, reduceLROnPlateau } from '../../../lib/training/callbacks/reduce-lr-on-plateau.js';
import { FakeModel, run } from './fake-model.js';

afterEach(() => vi.restoreAllMocks());

const flat = (n: number): number[] => Array.from({ length: n }, () => 1);

// Sequences traced by hand through Keras 3's ReduceLROnPlateau.on_epoch_end.
describe('ReduceLROnPlateau', () => {
  it('reduces after `patience` flat epochs, down to minLr, with no cooldown', async () => {
    const plateau = reduceLROnPlateau({ factor: 0.5, patience: 2, minLr: 0.2, minDelta: 0 });
    const { lrAfter } = await run([plateau], flat(10));
    expect(lrAfter).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2, 0.2, 0.2]);
  });

  it('waits `cooldown` epochs after a reduction before counting again', async () => {
    const plateau = reduceLROnPlateau({ factor: 0.5, patience: 2, cooldown: 2, minLr: 0.2, minDelta: 0 });
    const { lrAfter, logs } = await run([plateau], flat(10));
    expect(lrAfter).toEqual([1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.2, 0.2]);
    // Each epoch's logs carry the rate that epoch trained with (before any reduction).
    expect(logs.map((l) => l.lr)).toEqual([1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.2]);
  });

  it('treats cooldown 1 like Keras: the counter runs out the epoch after a reduction', async () => {
    const one = await run([reduceLROnPlateau({ factor: 0.5, patience: 2, cooldown: 1, minDelta: 0 })], flat(5));
    expect(one.lrAfter).toEqual([1, 1, 0.5, 0.5, 0.25]);
  });

  it('leaves a rate that equals minLr in float32 alone, as Keras\'s float32 comparison does', async () => {
    const model = new FakeModel();
    const lr = 0.1 + 1e-12;
    model.optimizer.learningRate = lr;
    const { lrAfter } = await run([reduceLROnPlateau({ patience: 1, factor: 0.5, minLr: 0.1 })], [1, 1, 1], { model });
    expect(lrAfter).toEqual([lr, lr, lr]);
  });

  it('needs an improvement larger than minDelta (default 1e-4)', async () => {
    expect((await run([reduceLROnPlateau({ patience: 1 })], [1.0, 0.99995])).lrAfter).toEqual([1, 0.1]);
    expect((await run([reduceLROnPlateau({ patience: 1 })], [1.0, 0.9])).lrAfter).toEqual([1, 1]);
    expect((await run([reduceLROnPlateau({ patience: 1, minDelta: -0.2 })], [1.0, 0.9])).lrAfter).toEqual([1, 0.1]);
  });

  it('restarts the wait on an improvement', async () => {
    const plateau = reduceLROnPlateau({ factor: 0.5, patience: 2, minDelta: 0 });
    expect((await run([plateau], [1, 1, 0.5, 0.5, 0.5])).lrAfter).toEqual([1, 1, 1, 1, 0.5]);
  });

  it('maximises accuracy in auto mode', async () => {
    const opts = { monitor: 'val_accuracy', patience: 1 };
    expect((await run([reduceLROnPlateau(opts)], [0.5, 0.4], { monitor: 'val_accuracy' })).lrAfter).toEqual([1, 0.1]);
    expect((await run([reduceLROnPlateau(opts)], [0.5, 0.6], { monitor: 'val_accuracy' })).lrAfter).toEqual([1, 1]);
    const min = reduceLROnPlateau({ ...opts, mode: 'min' });
    expect((await run([min], [0.5, 0.6], { monitor: 'val_accuracy' })).lrAfter).toEqual([1, 0.1]);
  });

  it('warns once when the monitor is missing and still logs the learning rate', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { lrAfter, logs } = await run([reduceLROnPlateau({ monitor: 'val_mae', patience: 0 })], [1, 1, 1]);
    expect(lrAfter).toEqual([1, 1, 1]);
    expect(logs[2]!.lr).toBe(1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toBe(
      'Learning rate reduction is conditioned on metric `val_mae` which is not available. ' +
        'Available metrics are: loss,val_loss,lr.',
    );
  });

  it('prints the new rate when verbose', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const model = new FakeModel();
    model.optimizer.learningRate = 0.5;
    await run([reduceLROnPlateau({ patience: 1, factor: 0.5, verbose: 1 })], [1, 1], { model });
    expect(log.mock.calls.map((c) => c[0])).toEqual(['\nEpoch 2: ReduceLROnPlateau reducing learning rate to 0.25.']);
  });

  it('fills in Keras defaults', () => {
    expect(new ReduceLROnPlateau().getConfig()).toEqual({
      monitor: 'val_loss', factor: 0.1, patience: 10, verbose: 0, mode: 'auto', minDelta: 1e-4, cooldown: 0, minLr: 0,
    });
  });

  it('rejects bad options, naming the option and the value', () => {
    expect(() => reduceLROnPlateau({ factor: 1 })).toThrow(
      new RangeError('Expected a number >= 0 and < 1 for reduceLROnPlateau.factor but received 1 of type number'),
    );
    expect(() => reduceLROnPlateau({ factor: 2.5 })).toThrow(/reduceLROnPlateau\.factor but received 2\.5/);
    expect(() => reduceLROnPlateau({ minLr: -1 })).toThrow(
      new RangeError('Expected a number >= 0 for reduceLROnPlateau.minLr but received -1 of type number'),
    );
    expect(() => reduceLROnPlateau({ cooldown: -1 })).toThrow(
      new RangeError('Expected an integer >= 0 for reduceLROnPlateau.cooldown but received -1 of type number'),
    );
    expect(() => reduceLROnPlateau({ min_lr: 0.1 } as never)).toThrow(
      new TypeError('Unknown option "min_lr" for reduceLROnPlateau; did you mean "minLr"?'),
    );
    expect(() => reduceLROnPlateau({ patiense: 3 } as never)).toThrow(/did you mean "patience"\?/);
    expect(() => reduceLROnPlateau({ monitor: 'val_wobble' })).toThrow(RangeError);
  });
});
