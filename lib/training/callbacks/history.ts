/**
 * History: records the epoch logs of a `fit` call (Keras's `keras.callbacks.History`).
 */
import { Callback, type Logs } from './callback.js';

/**
 * Callback that records every epoch's logs.
 *
 * `fit` adds one to every training run and returns it: `history.epoch` lists the epochs run
 * and `history.history[key]` the value of each log key (`loss`, `val_loss`, `mae`, ...) at
 * each of those epochs. As in Keras, `epoch` restarts with each `fit` call while `history`
 * keeps accumulating when the same instance is passed to several calls.
 *
 * @example
 * ```ts
 * const history = await model.fit(x, y, { epochs: 10, validationSplit: 0.2 });
 * console.log(history.history.val_loss);
 * ```
 */
export class History extends Callback {
  /** The epochs that ran, 0-based. */
  epoch: number[] = [];
  /** Each log key's value at each recorded epoch. */
  history: Record<string, number[]> = {};

  override onTrainBegin(): void {
    this.epoch = [];
  }

  override onEpochEnd(epoch: number, logs?: Logs): void {
    this.epoch.push(epoch);
    for (const [key, value] of Object.entries(logs ?? {})) {
      (this.history[key] ??= []).push(value);
    }
  }
}
