/** A stand-in for the model that `fit` hands to callbacks: weights as Tensors, no engine. */
import type { Callback, CallbackModel, Logs, TrainingParams } from '../../../lib/training/callbacks/callback.js';
import { CallbackList } from '../../../lib/training/callbacks/callback-list.js';
import { Tensor } from '../../../lib/tensor.js';

/** The weights "training" leaves after `epoch`: distinct per epoch. */
export function weightsOfEpoch(epoch: number): Tensor[] {
  return [new Tensor(Float32Array.of(epoch, epoch + 0.5), [2]), new Tensor(Float32Array.of(10 * epoch), [1])];
}

export class FakeModel implements CallbackModel {
  stopTraining = false;
  optimizer = { learningRate: 1 };
  /** Every setWeights call, for assertions. */
  readonly setCalls: Tensor[][] = [];
  private weights: Tensor[] = weightsOfEpoch(-1);

  getWeights(): Tensor[] {
    // A snapshot, as the engine's copy out of LibTorch is.
    return this.weights.map((t) => new Tensor(t.data.slice(), t.shape));
  }

  setWeights(weights: readonly Tensor[]): void {
    this.setCalls.push([...weights]);
    this.weights = weights.map((t) => new Tensor(t.data.slice(), t.shape));
  }

  /** What an epoch of training does to the weights. */
  train(epoch: number): void {
    this.weights = weightsOfEpoch(epoch);
  }

  /** The current weights as plain arrays. */
  weightValues(): number[][] {
    return this.weights.map((t) => Array.from(t.data));
  }
}

export const valuesOf = (weights: Tensor[]): number[][] => weights.map((t) => Array.from(t.data));

export function params(overrides: Partial<TrainingParams> = {}): TrainingParams {
  return { epochs: 10, steps: 4, verbose: 0, metrics: [], doValidation: true, ...overrides };
}

export interface RunResult {
  /** Epochs that ran. */
  epochs: number;
  /** Learning rate after each epoch's callbacks. */
  lrAfter: number[];
  /** The logs each epoch ended with (after callbacks wrote to them). */
  logs: Logs[];
}

/**
 * Drives callbacks the way `fit` will: train begin, then per epoch begin -> train -> end with
 * `{ loss, [monitor]: value }`, stopping when a callback sets `stopTraining`, then train end.
 */
export async function run(
  callbacks: Callback[],
  values: number[],
  opts: { model?: FakeModel; monitor?: string; list?: CallbackList } = {},
): Promise<RunResult> {
  const model = opts.model ?? new FakeModel();
  const monitor = opts.monitor ?? 'val_loss';
  const list = opts.list ?? new CallbackList(callbacks);
  list.setModel(model);
  list.setParams(params({ epochs: values.length }));
  model.stopTraining = false;
  const result: RunResult = { epochs: 0, lrAfter: [], logs: [] };
  await list.onTrainBegin();
  for (let epoch = 0; epoch < values.length; epoch++) {
    await list.onEpochBegin(epoch);
    model.train(epoch);
    const logs: Logs = { loss: values[epoch]! * 2, [monitor]: values[epoch]! };
    await list.onEpochEnd(epoch, logs);
    result.epochs++;
    result.lrAfter.push(model.optimizer.learningRate);
    result.logs.push(logs);
    if (model.stopTraining) break;
  }
  await list.onTrainEnd();
  return result;
}
