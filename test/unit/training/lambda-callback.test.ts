import { describe, it, expect } from 'vitest';
import { LambdaCallback, lambdaCallback } from '../../../lib/training/callbacks/lambda-callback.js';
import { Callback } from '../../../lib/training/callbacks/callback.js';
import { run } from './fake-model.js';

describe('lambdaCallback', () => {
  it('calls each given function with the hook\'s arguments', async () => {
    const seen: string[] = [];
    const cb = lambdaCallback({
      onTrainBegin: () => void seen.push('train begin'),
      onEpochBegin: (epoch) => void seen.push(`epoch ${epoch} begin`),
      onEpochEnd: (epoch, logs) => void seen.push(`epoch ${epoch} end val_loss=${logs?.val_loss}`),
      onBatchEnd: (batch, logs) => void seen.push(`batch ${batch} loss=${logs?.loss}`),
      onTrainEnd: () => void seen.push('train end'),
    });
    expect(cb).toBeInstanceOf(LambdaCallback);
    expect(cb).toBeInstanceOf(Callback);
    await cb.onBatchEnd(3, { loss: 0.25 });
    await run([cb], [0.5, 0.25]);
    expect(seen).toEqual([
      'batch 3 loss=0.25', 'train begin', 'epoch 0 begin', 'epoch 0 end val_loss=0.5',
      'epoch 1 begin', 'epoch 1 end val_loss=0.25', 'train end',
    ]);
  });

  it('leaves hooks it was not given as the base no-ops', () => {
    const cb = lambdaCallback({ onEpochEnd: () => {} });
    expect(cb.onBatchEnd).toBe(Callback.prototype.onBatchEnd);
    expect(cb.onEpochEnd).not.toBe(Callback.prototype.onEpochEnd);
    expect(lambdaCallback().onTrainEnd).toBe(Callback.prototype.onTrainEnd);
  });

  it('returns the promise a function returns', async () => {
    let done = false;
    const cb = lambdaCallback({ onTrainEnd: async () => { await new Promise((r) => setTimeout(r, 5)); done = true; } });
    await cb.onTrainEnd();
    expect(done).toBe(true);
  });

  it('rejects unknown and non-function options', () => {
    expect(() => lambdaCallback({ onEpochEnds: () => {} } as never)).toThrow(
      new TypeError('Unknown option "onEpochEnds" for lambdaCallback; did you mean "onEpochEnd"?'),
    );
    expect(() => lambdaCallback({ on_train_end: () => {} } as never)).toThrow(/did you mean "onTrainEnd"\?/);
    expect(() => lambdaCallback({ onEpochEnd: 'log' } as never)).toThrow(
      new TypeError('Expected a function for lambdaCallback.onEpochEnd but received "log" of type string'),
    );
  });
});
