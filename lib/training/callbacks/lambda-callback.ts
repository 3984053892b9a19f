/**
 * LambdaCallback: a callback made of plain functions (Keras's `keras.callbacks.LambdaCallback`).
 */
import * as v from '../../validate.js';
import { Callback, type CallbackHooks } from './callback.js';

/** Options of {@link lambdaCallback}: any of the hook functions. */
export type LambdaCallbackArgs = CallbackHooks;

/** The hook names a callback may implement, in the order `fit` calls them. */
export const HOOK_NAMES: readonly (keyof CallbackHooks)[] = [
  'onTrainBegin', 'onEpochBegin', 'onBatchEnd', 'onEpochEnd', 'onTrainEnd',
];

/**
 * Makes `hooks`' functions the hooks of `target`, called with `this` = `hooks`. Own properties
 * shadow the base class's no-op methods only for the hooks given, so a CallbackList can tell
 * which hooks exist (e.g. whether anything listens to batch ends).
 */
export function bindHooks(target: Callback, hooks: CallbackHooks): void {
  const { onTrainBegin, onTrainEnd, onEpochBegin, onEpochEnd, onBatchEnd } = hooks;
  if (onTrainBegin) target.onTrainBegin = (logs) => onTrainBegin.call(hooks, logs);
  if (onTrainEnd) target.onTrainEnd = (logs) => onTrainEnd.call(hooks, logs);
  if (onEpochBegin) target.onEpochBegin = (epoch, logs) => onEpochBegin.call(hooks, epoch, logs);
  if (onEpochEnd) target.onEpochEnd = (epoch, logs) => onEpochEnd.call(hooks, epoch, logs);
  if (onBatchEnd) target.onBatchEnd = (batch, logs) => onBatchEnd.call(hooks, batch, logs);
}

/**
 * Callback for creating simple, custom callbacks on the fly.
 *
 * Each given function replaces the matching hook and is called with the same arguments:
 * `onEpochBegin`/`onEpochEnd` get `(epoch, logs)`, `onTrainBegin`/`onTrainEnd` get `(logs)`,
 * `onBatchEnd` gets `(batch, logs)`. A function may return a promise; epoch and train hooks
 * are awaited before training goes on.
 *
 * @example
 * ```ts
 * const log = lambdaCallback({ onEpochEnd: (epoch, logs) => console.log(epoch, logs?.loss) });
 * ```
 * @throws {TypeError} When an option is not a function or is unknown.
 */
export class LambdaCallback extends Callback {
  constructor(args?: LambdaCallbackArgs, name = 'lambdaCallback') {
    super();
    const opts = v.checkOptions<LambdaCallbackArgs>(args, name, HOOK_NAMES);
    for (const hook of HOOK_NAMES) {
      if (opts[hook] !== undefined) v.func(opts[hook], `${name}.${hook}`);
    }
    bindHooks(this, opts);
  }
}

/**
 * A callback made of plain functions (Keras's `LambdaCallback`, camelCase hook names).
 * See {@link LambdaCallback}.
 *
 * @example
 * ```ts
 * await model.fit(x, y, { epochs: 5, callbacks: [lambdaCallback({
 *   onTrainEnd: () => console.log('done'),
 * })] });
 * ```
 * @throws {TypeError} When an option is not a function or is unknown.
 */
export function lambdaCallback(args?: LambdaCallbackArgs): LambdaCallback {
  return new LambdaCallback(args);
}
