import { describe, it, expect, vi, afterEach } from 'vitest';
import { EarlyStopping, earlyStopping } from '../../../lib/training/callbacks/early-stopping.js';
import { FakeModel, run, valuesOf, weightsOfEpoch } from './fake-model.js';

afterEach(() => vi.restoreAllMocks());

// Expected stop epochs below are traced by hand through Keras 3's EarlyStopping.on_epoch_end.
describe('EarlyStopping', () => {
  it('stops once `patience` epochs pass without improvement', async () => {
    const stop = earlyStopping({ patience: 2 });
    const { epochs } = await run([stop], [1.0, 0.9, 0.95, 0.91, 0.8, 0.7]);
    expect(epochs).toBe(4);
    expect(stop.stoppedEpoch).toBe(3);
    expect(stop.bestEpoch).toBe(1);
    expect(stop.best).toBe(0.9);
  });

  it('with patience 0 stops at the first epoch without improvement (a tie is none)', async () => {
    const stop = earlyStopping();
    expect((await run([stop], [1, 2, 0.5])).epochs).toBe(2);
    expect(stop.stoppedEpoch).toBe(1);
    expect((await run([earlyStopping()], [1, 1, 0.5])).epochs).toBe(2);
  });

  it('runs every epoch while the monitor keeps improving', async () => {
    const stop = earlyStopping({ patience: 1 });
    expect((await run([stop], [5, 4, 3, 2, 1])).epochs).toBe(5);
    expect(stop.stoppedEpoch).toBe(0);
  });

  it('restores the best epoch\'s weights when it stops early', async () => {
    const model = new FakeModel();
    const stop = earlyStopping({ patience: 2, restoreBestWeights: true });
    await run([stop], [1.0, 0.9, 0.95, 0.91, 0.8], { model });
    expect(model.setCalls).toHaveLength(1);
    expect(model.weightValues()).toEqual(valuesOf(weightsOfEpoch(1)));
  });

  it('restores the best weights at train end even without stopping early (Keras 3)', async () => {
    const model = new FakeModel();
    const stop = earlyStopping({ patience: 10, restoreBestWeights: true });
    expect((await run([stop], [1, 0.5, 0.7, 0.8], { model })).epochs).toBe(4);
    expect(stop.stoppedEpoch).toBe(0);
    expect(model.weightValues()).toEqual(valuesOf(weightsOfEpoch(1)));
  });

  it('captures the first epoch\'s weights when the first epoch is the best', async () => {
    const model = new FakeModel();
    await run([earlyStopping({ patience: 1, restoreBestWeights: true })], [1, 2, 3], { model });
    expect(model.weightValues()).toEqual(valuesOf(weightsOfEpoch(0)));
  });

  it('leaves the last weights alone without restoreBestWeights', async () => {
    const model = new FakeModel();
    await run([earlyStopping({ patience: 2 })], [1.0, 0.9, 0.95, 0.91, 0.8], { model });
    expect(model.setCalls).toHaveLength(0);
    expect(model.weightValues()).toEqual(valuesOf(weightsOfEpoch(3)));
  });

  it('counts only improvements larger than minDelta, whatever its sign', async () => {
    const values = [1.0, 0.95, 0.85, 0.8];
    expect((await run([earlyStopping({ patience: 1, minDelta: 0.1 })], values)).epochs).toBe(2);
    expect((await run([earlyStopping({ patience: 1, minDelta: -0.1 })], values)).epochs).toBe(2);
    expect((await run([earlyStopping({ patience: 1 })], values)).epochs).toBe(4);
    expect(earlyStopping({ minDelta: -0.1 }).minDelta).toBe(0.1);
  });

  it('restarts patience only when the baseline is beaten too', async () => {
    const flat = [1, 1, 1, 1, 1];
    expect((await run([earlyStopping({ patience: 2 })], flat)).epochs).toBe(3);
    expect((await run([earlyStopping({ patience: 2, baseline: 0.5 })], flat)).epochs).toBe(2);
    expect((await run([earlyStopping({ patience: 2, baseline: 1.5 })], flat)).epochs).toBe(3);
    const slow = [1.0, 0.9, 0.9, 0.9, 0.9];
    expect((await run([earlyStopping({ patience: 2 })], slow)).epochs).toBe(4);
    const withBaseline = earlyStopping({ patience: 2, baseline: 0.5, restoreBestWeights: true });
    const model = new FakeModel();
    expect((await run([withBaseline], slow, { model })).epochs).toBe(3);
    // The best epoch is restored even though it never beat the baseline.
    expect(model.weightValues()).toEqual(valuesOf(weightsOfEpoch(1)));
  });

  it('ignores the epochs before startFromEpoch', async () => {
    const rising = [1, 2, 3, 4];
    expect((await run([earlyStopping()], rising)).epochs).toBe(2);
    const warm = earlyStopping({ startFromEpoch: 2 });
    expect((await run([warm], rising)).epochs).toBe(4);
    expect(warm.stoppedEpoch).toBe(3);
    expect(warm.bestEpoch).toBe(2);
  });

  it('maximises accuracy-like monitors in auto mode', async () => {
    const acc = [0.5, 0.6, 0.55, 0.7];
    const auto = earlyStopping({ monitor: 'val_accuracy', patience: 1 });
    expect((await run([auto], acc, { monitor: 'val_accuracy' })).epochs).toBe(3);
    expect(auto.best).toBe(0.6);
    const min = earlyStopping({ monitor: 'val_accuracy', patience: 1, mode: 'min' });
    expect((await run([min], acc, { monitor: 'val_accuracy' })).epochs).toBe(2);
    const max = earlyStopping({ monitor: 'val_loss', patience: 1, mode: 'max' });
    expect((await run([max], [1, 2, 1.5, 1.4])).epochs).toBe(3);
  });

  it('infers the direction of Keras metric names and refuses unknown ones in auto mode', async () => {
    expect((await run([earlyStopping({ monitor: 'val_acc' })], [0.5, 0.6, 0.7], { monitor: 'val_acc' })).epochs).toBe(3);
    expect((await run([earlyStopping({ monitor: 'val_auc' })], [0.5, 0.6, 0.7], { monitor: 'val_auc' })).epochs).toBe(3);
    expect((await run([earlyStopping({ monitor: 'val_mae' })], [0.5, 0.6, 0.7], { monitor: 'val_mae' })).epochs).toBe(2);
    expect(() => earlyStopping({ monitor: 'val_wobble' })).toThrow(
      new RangeError(
        `Cannot tell whether earlyStopping.monitor "val_wobble" should be minimized or maximized; pass earlyStopping.mode 'min' or 'max'`,
      ),
    );
    expect(() => earlyStopping({ monitor: 'val_wobble', mode: 'max' })).not.toThrow();
  });

  it('warns once, listing the available keys, when the monitor is missing', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const stop = earlyStopping({ monitor: 'val_mae' });
    expect((await run([stop], [3, 4, 5])).epochs).toBe(3);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toBe(
      'Early stopping conditioned on metric `val_mae` which is not available. Available metrics are: loss,val_loss',
    );
  });

  it('resets between fit calls', async () => {
    const model = new FakeModel();
    const stop = earlyStopping({ patience: 1, restoreBestWeights: true });
    await run([stop], [1, 2, 3], { model });
    expect(stop.stoppedEpoch).toBe(1);
    await run([stop], [5, 4, 3, 2], { model });
    expect(stop.stoppedEpoch).toBe(0);
    expect(stop.best).toBe(2);
    expect(model.weightValues()).toEqual(valuesOf(weightsOfEpoch(3)));
  });

  it('prints what it does when verbose', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await run([earlyStopping({ patience: 2, verbose: 1, restoreBestWeights: true })], [1.0, 0.9, 0.95, 0.91]);
    expect(log.mock.calls.map((c) => c[0])).toEqual([
      'Epoch 4: early stopping',
      'Restoring model weights from the end of the best epoch: 2.',
    ]);
  });

  it('fills in Keras defaults', () => {
    expect(new EarlyStopping().getConfig()).toEqual({
      monitor: 'val_loss', minDelta: 0, patience: 0, verbose: 0, mode: 'auto',
      baseline: null, restoreBestWeights: false, startFromEpoch: 0,
    });
  });

  it('rejects bad options, naming the option and the value', () => {
    expect(() => earlyStopping({ patience: -1 })).toThrow(
      new RangeError('Expected an integer >= 0 for earlyStopping.patience but received -1 of type number'),
    );
    expect(() => earlyStopping({ patience: 1.5 })).toThrow(
      new TypeError('Expected an integer for earlyStopping.patience but received 1.5 of type number'),
    );
    expect(() => earlyStopping({ patiense: 3 } as never)).toThrow(
      new TypeError('Unknown option "patiense" for earlyStopping; did you mean "patience"?'),
    );
    expect(() => earlyStopping({ mode: 'maxx' } as never)).toThrow(
      new RangeError(`Expected one of 'auto', 'min', 'max' (did you mean 'max'?) for earlyStopping.mode but received "maxx" of type string`),
    );
    expect(() => earlyStopping({ restoreBestWeights: 'yes' } as never)).toThrow(
      new TypeError('Expected a boolean for earlyStopping.restoreBestWeights but received "yes" of type string'),
    );
    expect(() => earlyStopping({ monitor: '' })).toThrow(
      new TypeError('Expected a non-empty string for earlyStopping.monitor but received "" of type string'),
    );
    expect(() => earlyStopping({ baseline: '0.5' } as never)).toThrow(
      new TypeError('Expected a number for earlyStopping.baseline but received "0.5" of type string'),
    );
    expect(() => earlyStopping({ startFromEpoch: -2 })).toThrow(/earlyStopping\.startFromEpoch but received -2/);
    expect(() => earlyStopping(5 as never)).toThrow(
      new TypeError('Expected an options object for earlyStopping but received 5 of type number'),
    );
  });
});
