import { describe, it, expect } from 'vitest';
import { History } from '../../../lib/training/callbacks/history.js';
import { CallbackList } from '../../../lib/training/callbacks/callback-list.js';
import { reduceLROnPlateau } from '../../../lib/training/callbacks/reduce-lr-on-plateau.js';
import { run } from './fake-model.js';

describe('History', () => {
  it('records every epoch and every log key', async () => {
    const history = new History();
    history.onTrainBegin();
    history.onEpochEnd(0, { loss: 0.5, mae: 0.4, val_loss: 0.6, val_mae: 0.5 });
    history.onEpochEnd(1, { loss: 0.3, mae: 0.2, val_loss: 0.35, val_mae: 0.3 });
    expect(history.epoch).toEqual([0, 1]);
    expect(history.history).toEqual({ loss: [0.5, 0.3], mae: [0.4, 0.2], val_loss: [0.6, 0.35], val_mae: [0.5, 0.3] });
  });

  it('restarts `epoch` at each fit but keeps accumulating `history`, as Keras does', async () => {
    const history = new History();
    await run([history], [3, 2]);
    await run([history], [1]);
    expect(history.epoch).toEqual([0]);
    expect(history.history.val_loss).toEqual([3, 2, 1]);
  });

  it('sees the learning rate ReduceLROnPlateau writes, when the list adds it last', async () => {
    const list = new CallbackList([reduceLROnPlateau({ patience: 1, factor: 0.5 })], { addHistory: true });
    await run([], [1, 1, 1], { list });
    expect(list.history!.history).toEqual({
      loss: [2, 2, 2], val_loss: [1, 1, 1], lr: [1, 1, 0.5],
    });
  });
});
