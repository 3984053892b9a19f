/**
 * ModelCheckpoint's Keras semantics without the engine: options, file names, when it saves
 * (every epoch, or only on improvement, with Keras's mode rule), and its messages.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { callbacks, type Tensor } from '../../../lib/index.js';

const { ModelCheckpoint, modelCheckpoint } = callbacks;

/** A model that records what the checkpoint asks it to save. */
function recordingModel() {
  const saves: string[] = [];
  return {
    saves,
    stopTraining: false,
    optimizer: { learningRate: 0.1 },
    getWeights: (): Tensor[] => [],
    setWeights: () => undefined,
    save: async (dir: string) => void saves.push(`model ${dir}`),
    saveWeights: async (file: string) => void saves.push(`weights ${file}`),
  };
}

afterEach(() => vi.restoreAllMocks());

describe('modelCheckpoint options', () => {
  it('fills Keras defaults', () => {
    expect(modelCheckpoint({ filepath: 'ckpt' }).getConfig()).toEqual({
      filepath: 'ckpt', monitor: 'val_loss', verbose: 0, saveBestOnly: false, saveWeightsOnly: false, mode: 'auto',
      saveFreq: 'epoch', initialValueThreshold: null,
    });
  });

  it('rejects bad options with the option named', () => {
    expect(() => new ModelCheckpoint(undefined as never)).toThrow(/filepath for modelCheckpoint/);
    expect(() => modelCheckpoint({ filepath: 3 as never })).toThrow(/modelCheckpoint.filepath/);
    expect(() => modelCheckpoint({ filepath: 'a', saveBestonly: true } as never)).toThrow('Unknown option "saveBestonly" for modelCheckpoint; did you mean "saveBestOnly"?');
    expect(() => modelCheckpoint({ filepath: 'a', mode: 'up' as never })).toThrow(/modelCheckpoint.mode/);
    expect(() => modelCheckpoint({ filepath: 'a', saveFreq: 100 as never })).toThrow(/saving every N batches is not supported: the engine pauses .* only at epoch ends/);
    expect(() => modelCheckpoint({ filepath: 'a.h5', saveWeightsOnly: true })).toThrow(/must end in ".weights.safetensors"/);
    expect(() => modelCheckpoint({ filepath: 'a.weights.safetensors' })).toThrow(/names a safetensors file, but a whole model is saved as a directory/);
  });

  it('names files with the 1-based epoch and the logs, as Keras', () => {
    const cb = modelCheckpoint({ filepath: 'ckpt/e{epoch:02d}-{val_loss:.4f}-{loss}' });
    expect(cb.filePathFor(0, { loss: 0.5, val_loss: 0.123456 })).toBe('ckpt/e01-0.1235-0.5');
    expect(() => cb.filePathFor(0, { loss: 0.5 })).toThrow(/Failed to format this callback filepath.*"val_loss"/);
  });
});

describe('modelCheckpoint saving', () => {
  it('saves the model at every epoch end by default, weights only when asked', async () => {
    const model = recordingModel();
    const every = modelCheckpoint({ filepath: 'm-{epoch}' });
    every.setModel(model);
    const weights = modelCheckpoint({ filepath: 'w-{epoch}.weights.safetensors', saveWeightsOnly: true });
    weights.setModel(model);
    for (const epoch of [0, 1]) {
      await every.onEpochEnd(epoch, { loss: 1 });
      await weights.onEpochEnd(epoch, { loss: 1 });
    }
    expect(model.saves).toEqual(['model m-1', 'weights w-1.weights.safetensors', 'model m-2', 'weights w-2.weights.safetensors']);
  });

  it('saveBestOnly saves on strict improvement only, in the direction of Keras\'s mode rule', async () => {
    const run = async (args: Parameters<typeof modelCheckpoint>[0], values: number[], key = 'val_loss') => {
      const model = recordingModel();
      const cb = modelCheckpoint({ saveBestOnly: true, ...args });
      cb.setModel(model);
      for (const [epoch, value] of values.entries()) await cb.onEpochEnd(epoch, { [key]: value });
      return model.saves.map((s) => Number(s.split('-')[1]));
    };
    expect(await run({ filepath: 'm-{epoch}' }, [3, 2, 2, 2.5, 1])).toEqual([1, 2, 5]);
    expect(await run({ filepath: 'm-{epoch}', monitor: 'val_acc' }, [0.5, 0.7, 0.6, 0.8], 'val_acc')).toEqual([1, 2, 4]);
    expect(await run({ filepath: 'm-{epoch}', monitor: 'val_r2', mode: 'max' }, [0.5, 0.4, 0.9], 'val_r2')).toEqual([1, 3]);
    expect(await run({ filepath: 'm-{epoch}', initialValueThreshold: 2.5 }, [3, 2, 2.6])).toEqual([2]);
    expect(await run({ filepath: 'm-{epoch}' }, [NaN, 1])).toEqual([2]);
  });

  it('warns once and skips when the monitored value is missing', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const model = recordingModel();
    const cb = modelCheckpoint({ filepath: 'm', saveBestOnly: true });
    cb.setModel(model);
    await cb.onEpochEnd(0, { loss: 1 });
    await cb.onEpochEnd(1, { loss: 1 });
    expect(model.saves).toEqual([]);
    expect(warn.mock.calls).toEqual([['Can save best model only with val_loss available, skipping.']]);
  });

  it('prints Keras\'s messages with verbose 1', async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
      out.push(String(s));
      return true;
    });
    const cb = modelCheckpoint({ filepath: 'ckpt/m', saveBestOnly: true, verbose: 1 });
    cb.setModel(recordingModel());
    await cb.onEpochEnd(0, { val_loss: 0.5 });
    await cb.onEpochEnd(1, { val_loss: 0.7 });
    const plain = modelCheckpoint({ filepath: 'ckpt/m', verbose: 1 });
    plain.setModel(recordingModel());
    await plain.onEpochEnd(2, {});
    expect(out).toEqual([
      '\nEpoch 1: val_loss improved from inf to 0.50000, saving model to ckpt/m\n',
      '\nEpoch 2: val_loss did not improve from 0.50000\n',
      '\nEpoch 3: saving model to ckpt/m\n',
    ]);
  });

  it('needs a model that can save', async () => {
    const cb = modelCheckpoint({ filepath: 'm' });
    await expect(cb.onEpochEnd(0, {})).rejects.toThrow(/has no model/);
    cb.setModel({ stopTraining: false, optimizer: { learningRate: 1 }, getWeights: () => [], setWeights: () => undefined });
    await expect(cb.onEpochEnd(0, {})).rejects.toThrow(/needs a model with save\(\) and saveWeights\(\)/);
  });
});
