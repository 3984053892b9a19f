/**
 * The callback contract, with Keras's hook names in camelCase (as tfjs-layers).
 *
 * Epoch hooks run at the epoch-end sync point: the native trainer waits for every
 * hook (and every promise a hook returns) before the next epoch starts, so a hook may
 * set `model.stopTraining`, change `model.optimizer.learningRate`, or read and write
 * weights with `model.getWeights()`/`model.setWeights()`. `onBatchEnd` is a
 * notification: it runs while training goes on; setting `stopTraining` there stops
 * training after the batch in flight.
 */
import type { Tensor } from '../../tensor.js';

/** Keras log keys: `loss`, `val_loss`, `mae`, `val_mae`, `lr`, ... */
export type Logs = Record<string, number>;

/** What a callback may touch on the model while training. */
export interface CallbackModel {
  /** Set to true to stop training at the end of the current batch/epoch. */
  stopTraining: boolean;
  getWeights(): Tensor[];
  setWeights(weights: readonly Tensor[]): void;
  /** The compiled optimizer; its `learningRate` can be changed between epochs. */
  readonly optimizer: { learningRate: number };
}

/** Facts about the current `fit` call, as Keras's `callback.params`. */
export interface TrainingParams {
  epochs: number;
  /** Batches per epoch. */
  steps: number;
  verbose: 0 | 1 | 2;
  /** Metric names as they will appear in the logs (without `val_`). */
  metrics: string[];
  /** Whether validation runs at each epoch end. */
  doValidation: boolean;
}

/** Base class of every callback. Override the hooks you need; each may return a promise. */
export abstract class Callback {
  /** The model being trained; set before `onTrainBegin`. */
  model: CallbackModel | undefined;
  params: TrainingParams | undefined;

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  setParams(params: TrainingParams): void {
    this.params = params;
  }

  onTrainBegin(_logs?: Logs): void | Promise<void> {}
  onTrainEnd(_logs?: Logs): void | Promise<void> {}
  onEpochBegin(_epoch: number, _logs?: Logs): void | Promise<void> {}
  onEpochEnd(_epoch: number, _logs?: Logs): void | Promise<void> {}
  /** Called after each training batch with running epoch means (not awaited by the engine). */
  onBatchEnd(_batch: number, _logs?: Logs): void | Promise<void> {}
}

/** A plain object with any of the hook methods, accepted wherever a Callback is. */
export interface CallbackHooks {
  onTrainBegin?(logs?: Logs): void | Promise<void>;
  onTrainEnd?(logs?: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs?: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs?: Logs): void | Promise<void>;
  onBatchEnd?(batch: number, logs?: Logs): void | Promise<void>;
}
