import { describe, it, expect } from 'vitest';
import { Callback, type Logs } from '../../../lib/training/callbacks/callback.js';
import { CallbackList, normalizeCallbacks } from '../../../lib/training/callbacks/callback-list.js';
import { History } from '../../../lib/training/callbacks/history.js';
import { ProgressLogger } from '../../../lib/training/callbacks/progress-logger.js';
import { lambdaCallback } from '../../../lib/training/callbacks/lambda-callback.js';
import { FakeModel, params } from './fake-model.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Records each hook as `name:hook[:arg]`; async hooks take `delay(arg)` ms. */
class Recorder extends Callback {
  constructor(
    private readonly name: string,
    private readonly events: string[],
    private readonly delay: (arg: number) => number = () => 0,
  ) {
    super();
  }
  private async record(hook: string, arg?: number): Promise<void> {
    this.events.push(`${this.name}:${hook}${arg === undefined ? '' : `:${arg}`} start`);
    await sleep(this.delay(arg ?? 0));
    this.events.push(`${this.name}:${hook}${arg === undefined ? '' : `:${arg}`} end`);
  }
  override onTrainBegin(): Promise<void> { return this.record('trainBegin'); }
  override onEpochBegin(epoch: number): Promise<void> { return this.record('epochBegin', epoch); }
  override onBatchEnd(batch: number): Promise<void> { return this.record('batchEnd', batch); }
  override onEpochEnd(epoch: number): Promise<void> { return this.record('epochEnd', epoch); }
  override onTrainEnd(): Promise<void> { return this.record('trainEnd'); }
}

describe('CallbackList', () => {
  it('calls every hook in list order, awaiting each before the next', async () => {
    const events: string[] = [];
    const list = new CallbackList([new Recorder('a', events, () => 15), new Recorder('b', events)]);
    await list.onTrainBegin();
    await list.onEpochBegin(0);
    await list.onEpochEnd(0, { loss: 1 });
    await list.onTrainEnd();
    expect(events).toEqual([
      'a:trainBegin start', 'a:trainBegin end', 'b:trainBegin start', 'b:trainBegin end',
      'a:epochBegin:0 start', 'a:epochBegin:0 end', 'b:epochBegin:0 start', 'b:epochBegin:0 end',
      'a:epochEnd:0 start', 'a:epochEnd:0 end', 'b:epochEnd:0 start', 'b:epochEnd:0 end',
      'a:trainEnd start', 'a:trainEnd end', 'b:trainEnd start', 'b:trainEnd end',
    ]);
  });

  it('queues batch hooks so they never overlap or reorder, and epoch end waits for them', async () => {
    const events: string[] = [];
    // Batch 0 is slow, batch 1 fast: unqueued, batch 1 would finish first.
    const list = new CallbackList([new Recorder('a', events, (b) => (b === 0 ? 30 : 0)), new Recorder('b', events)]);
    const first = list.onBatchEnd(0, { loss: 1 });
    void list.onBatchEnd(1, { loss: 1 });
    const epochEnd = list.onEpochEnd(0, {});
    expect(first).toBeInstanceOf(Promise);
    await epochEnd;
    expect(events).toEqual([
      'a:batchEnd:0 start', 'a:batchEnd:0 end', 'b:batchEnd:0 start', 'b:batchEnd:0 end',
      'a:batchEnd:1 start', 'a:batchEnd:1 end', 'b:batchEnd:1 start', 'b:batchEnd:1 end',
      'a:epochEnd:0 start', 'a:epochEnd:0 end', 'b:epochEnd:0 start', 'b:epochEnd:0 end',
    ]);
  });

  it('holds a batch hook\'s error, skips later batch hooks, and rethrows it once at the next epoch hook', async () => {
    const seen: number[] = [];
    const list = new CallbackList([
      lambdaCallback({
        onBatchEnd: (batch) => {
          seen.push(batch);
          if (batch === 1) throw new Error('boom at batch 1');
        },
      }),
    ]);
    await expect(list.onBatchEnd(0)).resolves.toBeUndefined();
    await expect(list.onBatchEnd(1)).resolves.toBeUndefined();
    await expect(list.onBatchEnd(2)).resolves.toBeUndefined();
    expect(seen).toEqual([0, 1]);
    await expect(list.onEpochEnd(0, {})).rejects.toThrow('boom at batch 1');
    await expect(list.onTrainEnd()).resolves.toBeUndefined();
    await list.onBatchEnd(3);
    expect(seen).toEqual([0, 1, 3]);
  });

  it('rejects with an epoch hook\'s error and stops calling the rest of that hook', async () => {
    const events: string[] = [];
    const list = new CallbackList([
      lambdaCallback({ onEpochEnd: async () => { throw new RangeError('bad epoch'); } }),
      new Recorder('b', events),
    ]);
    await expect(list.onEpochEnd(0, {})).rejects.toThrow(new RangeError('bad epoch'));
    expect(events).toEqual([]);
    await list.onTrainEnd();
    expect(events).toEqual(['b:trainEnd start', 'b:trainEnd end']);
  });

  it('passes one shared logs object to epoch hooks, and a key-sorted copy to batch hooks', async () => {
    const seenEpoch: Logs[] = [];
    const seenBatch: string[][] = [];
    const batchValues: number[] = [];
    const list = new CallbackList([
      lambdaCallback({ onEpochEnd: (_e, logs) => { logs!.extra = 7; } }),
      lambdaCallback({
        onEpochEnd: (_e, logs) => void seenEpoch.push({ ...logs }),
        onBatchEnd: (_b, logs) => { seenBatch.push(Object.keys(logs!)); batchValues.push(logs!.loss!); },
      }),
    ]);
    const logs: Logs = { val_loss: 2, loss: 1 };
    await list.onEpochEnd(0, logs);
    expect(logs.extra).toBe(7);
    expect(seenEpoch).toEqual([{ val_loss: 2, loss: 1, extra: 7 }]);
    const batchLogs: Logs = { mae: 0.5, loss: 0.25, accuracy: 0.75 };
    const done = list.onBatchEnd(0, batchLogs);
    batchLogs.loss = 99; // the engine may reuse its object; the queued hook keeps the values it was called with
    await done;
    expect(seenBatch).toEqual([['accuracy', 'loss', 'mae']]);
    expect(batchValues).toEqual([0.25]);
  });

  it('wraps plain hook objects, calling them with `this` = the object', async () => {
    const hooks = {
      count: 0,
      onEpochEnd(this: { count: number }) { this.count += 1; },
    };
    const list = new CallbackList([hooks]);
    await list.onEpochEnd(0);
    await list.onEpochEnd(1);
    expect(hooks.count).toBe(2);
    expect(list.callbacks[0]).toBeInstanceOf(Callback);
  });

  it('sets model and params on every callback', () => {
    const a = new History();
    const b = lambdaCallback({});
    const model = new FakeModel();
    const p = params({ epochs: 3 });
    const list = new CallbackList([a, b], { model, params: p });
    expect([a.model, b.model]).toEqual([model, model]);
    expect([a.params, b.params]).toEqual([p, p]);
    const other = new FakeModel();
    list.setModel(other);
    expect(a.model).toBe(other);
  });

  it('appends History and ProgressLogger last, unless the user passed them', () => {
    const user = lambdaCallback({});
    const list = new CallbackList([user], { addHistory: true, addProgbar: true });
    expect(list.callbacks).toHaveLength(3);
    expect(list.callbacks[0]).toBe(user);
    expect(list.callbacks[1]).toBe(list.history);
    expect(list.history).toBeInstanceOf(History);
    expect(list.callbacks[2]).toBe(list.progbar);
    expect(list.progbar).toBeInstanceOf(ProgressLogger);

    const mine = new History();
    const again = new CallbackList([mine], { addHistory: true });
    expect(again.callbacks).toEqual([mine]);
    expect(again.history).toBe(mine);
    expect(new CallbackList([]).history).toBeUndefined();
  });

  it('tells whether anything listens to batch ends', () => {
    expect(new CallbackList([new History(), { onEpochEnd() {} }]).hasBatchHooks()).toBe(false);
    expect(new CallbackList([new History(), { onBatchEnd() {} }]).hasBatchHooks()).toBe(true);
    expect(new CallbackList([new ProgressLogger()]).hasBatchHooks()).toBe(true);
  });
});

describe('normalizeCallbacks', () => {
  it('accepts undefined, Callbacks and hook objects (plain or class instances)', () => {
    expect(normalizeCallbacks(undefined, 'fit.callbacks')).toEqual([]);
    const history = new History();
    class Hooks { onEpochEnd(): void {} }
    const out = normalizeCallbacks([history, { onTrainEnd() {} }, new Hooks(), { state: 1 }], 'fit.callbacks');
    expect(out).toHaveLength(4);
    expect(out[0]).toBe(history);
    expect(out.every((cb) => cb instanceof Callback)).toBe(true);
  });

  it('rejects anything else, naming fit.callbacks[i]', () => {
    expect(() => normalizeCallbacks(new History(), 'fit.callbacks')).toThrow(
      new TypeError('Expected an array of callbacks for fit.callbacks but received an object of type object'),
    );
    expect(() => normalizeCallbacks([new History(), 42], 'fit.callbacks')).toThrow(
      new TypeError('Expected a Callback or an object of callback hooks for fit.callbacks[1] but received 42 of type number'),
    );
    expect(() => normalizeCallbacks([() => {}], 'fit.callbacks')).toThrow(
      new TypeError('Expected a Callback or an object of callback hooks for fit.callbacks[0] but received a function of type function'),
    );
    expect(() => normalizeCallbacks([null], 'fit.callbacks')).toThrow(/fit\.callbacks\[0\] but received null/);
    expect(() => normalizeCallbacks([new Map()], 'fit.callbacks')).toThrow(/fit\.callbacks\[0\]/);
    expect(() => normalizeCallbacks([{ onEpochEnd: 3 }], 'fit.callbacks')).toThrow(
      new TypeError('Expected a function for fit.callbacks[0].onEpochEnd but received 3 of type number'),
    );
    expect(() => normalizeCallbacks([{}, { on_epoch_end() {} }], 'fit.callbacks')).toThrow(
      new TypeError('Unknown hook "on_epoch_end" for fit.callbacks[1]; did you mean "onEpochEnd"?'),
    );
    expect(() => new CallbackList([{ onBatchBegin() {} } as never], { name: 'fit.callbacks' })).toThrow(
      /Unknown hook "onBatchBegin" for fit\.callbacks\[0\]; did you mean "onEpochBegin"\?/,
    );
  });
});
