/**
 * CallbackList: runs the callbacks of one `fit` call, in order, one hook at a time
 * (Keras's `keras.callbacks.CallbackList`).
 */
import * as v from '../../validate.js';
import { Callback, type CallbackHooks, type CallbackModel, type Logs, type TrainingParams } from './callback.js';
import { History } from './history.js';
import { bindHooks, HOOK_NAMES } from './lambda-callback.js';
import { ProgressLogger } from './progress-logger.js';

/** A plain object of hooks, made a Callback (hooks run with `this` = the object). */
class HooksCallback extends Callback {
  constructor(hooks: CallbackHooks) {
    super();
    bindHooks(this, hooks);
  }
}

function isHookName(key: string): key is keyof CallbackHooks {
  return (HOOK_NAMES as readonly string[]).includes(key);
}

/**
 * Checks the user's `callbacks` option: an array whose items are Callback instances or
 * objects of hook functions (`{ onEpochEnd(epoch, logs) {...} }`), which are wrapped into
 * Callbacks. A hook object may carry other data, but a function-valued key starting with
 * `on` must be a known hook (a misspelt hook would silently never run). `undefined` gives `[]`.
 *
 * @param name The option's dotted path for errors, e.g. `fit.callbacks`.
 * @throws {TypeError} Naming the item, e.g. `fit.callbacks[1]` or `fit.callbacks[0].onEpochEnd`.
 */
export function normalizeCallbacks(value: unknown, name: string): Callback[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw v.typeError('an array of callbacks', name, value);
  return value.map((item: unknown, i) => {
    const path = `${name}[${i}]`;
    if (item instanceof Callback) return item;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw v.typeError('a Callback or an object of callback hooks', path, item);
    }
    const hooks = item as Record<string, unknown>;
    const hasHook = HOOK_NAMES.some((hook) => typeof hooks[hook] === 'function');
    if (!v.isPlainObject(item) && !hasHook) {
      throw v.typeError('a Callback or an object of callback hooks', path, item);
    }
    for (const key of Object.keys(hooks)) {
      if (!isHookName(key) && /^on/i.test(key) && typeof hooks[key] === 'function') {
        const near = v.nearest(key, HOOK_NAMES);
        const hint = near ? `; did you mean "${near}"?` : `; known hooks: ${HOOK_NAMES.join(', ')}`;
        throw new TypeError(`Unknown hook "${key}" for ${path}${hint}`);
      }
    }
    for (const hook of HOOK_NAMES) {
      if (hooks[hook] !== undefined) v.func(hooks[hook], `${path}.${hook}`);
    }
    return new HooksCallback(item as CallbackHooks);
  });
}

/** Options of {@link CallbackList}. */
export interface CallbackListOptions {
  /** Append a {@link History} unless the callbacks hold one. Defaults to `false`. */
  addHistory?: boolean;
  /** Append a {@link ProgressLogger} (stdout) unless the callbacks hold one. Defaults to `false`. */
  addProgbar?: boolean;
  /** Set on every callback now (or later with `setModel`). */
  model?: CallbackModel;
  /** Set on every callback now (or later with `setParams`). */
  params?: TrainingParams;
  /** The option path used in validation errors. Defaults to `'callbacks'`. */
  name?: string;
}

/**
 * The callbacks of one training run behind one set of hooks.
 *
 * Every hook of every callback runs in list order, one at a time: a hook's promise is awaited
 * before the next hook starts, and each `on*` method of the list resolves when all of them
 * are done. Batch hooks are notifications: `onBatchEnd` queues them (they never overlap nor
 * reorder), its promise never rejects, and the first error a batch hook throws is held and
 * rethrown by the next `onEpochBegin`/`onEpochEnd`/`onTrainEnd`/`flush`; epoch and train hooks
 * wait for queued batch hooks first. Epoch hooks share one `logs` object, so a key one
 * callback adds (`lr`) is seen by the next; batch hooks get a key-sorted copy,
 * as in Keras. A History and a ProgressLogger the list adds itself go last, as in Keras.
 *
 * @example
 * ```ts
 * const list = new CallbackList(normalizeCallbacks(args.callbacks, 'fit.callbacks'),
 *   { addHistory: true, addProgbar: verbose > 0, model, params });
 * await list.onTrainBegin();
 * ```
 */
export class CallbackList {
  readonly callbacks: Callback[];
  /** The list's History (the user's, or the one it added), if any. */
  readonly history: History | undefined;
  /** The list's ProgressLogger (the user's, or the one it added), if any. */
  readonly progbar: ProgressLogger | undefined;

  private tail: Promise<void> = Promise.resolve();
  private batchError: { error: unknown } | undefined;

  constructor(callbacks: readonly (Callback | CallbackHooks)[] = [], options: CallbackListOptions = {}) {
    this.callbacks = normalizeCallbacks(callbacks, options.name ?? 'callbacks');
    let history = this.callbacks.find((cb): cb is History => cb instanceof History);
    let progbar = this.callbacks.find((cb): cb is ProgressLogger => cb instanceof ProgressLogger);
    if (history === undefined && options.addHistory) {
      history = new History();
      this.callbacks.push(history);
    }
    if (progbar === undefined && options.addProgbar) {
      progbar = new ProgressLogger();
      this.callbacks.push(progbar);
    }
    this.history = history;
    this.progbar = progbar;
    if (options.model) this.setModel(options.model);
    if (options.params) this.setParams(options.params);
  }

  setModel(model: CallbackModel): void {
    for (const cb of this.callbacks) cb.setModel(model);
  }

  setParams(params: TrainingParams): void {
    for (const cb of this.callbacks) cb.setParams(params);
  }

  /** Whether any callback implements `onBatchEnd` (when none does, per-batch reports can be skipped). */
  hasBatchHooks(): boolean {
    return this.callbacks.some((cb) => cb.onBatchEnd !== Callback.prototype.onBatchEnd);
  }

  onTrainBegin(logs?: Logs): Promise<void> {
    const shared = logs ?? {};
    return this.enqueue(() => this.each((cb) => cb.onTrainBegin(shared)));
  }

  onEpochBegin(epoch: number, logs?: Logs): Promise<void> {
    const shared = logs ?? {};
    return this.enqueue(() => this.each((cb) => cb.onEpochBegin(epoch, shared)));
  }

  /** Queues the batch hooks; resolves when they have run. Never rejects (see the class docs). */
  onBatchEnd(batch: number, logs?: Logs): Promise<void> {
    const sorted: Logs = {};
    for (const key of Object.keys(logs ?? {}).sort()) sorted[key] = logs![key]!;
    const run = this.tail.then(async () => {
      if (this.batchError) return;
      try {
        await this.each((cb) => cb.onBatchEnd(batch, sorted));
      } catch (error) {
        this.batchError = { error };
      }
    });
    this.tail = run;
    return run;
  }

  onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
    const shared = logs ?? {};
    return this.enqueue(() => this.each((cb) => cb.onEpochEnd(epoch, shared)));
  }

  onTrainEnd(logs?: Logs): Promise<void> {
    const shared = logs ?? {};
    return this.enqueue(() => this.each((cb) => cb.onTrainEnd(shared)));
  }

  /** Waits for queued batch hooks; rejects with the first error one of them threw (once). */
  flush(): Promise<void> {
    return this.enqueue(async () => {});
  }

  /** Runs `task` after everything queued so far; a held batch error rejects it instead. */
  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.tail.then(() => {
      this.rethrowBatchError();
      return task();
    });
    // The queue goes on after a failure; the caller gets the rejection.
    this.tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private rethrowBatchError(): void {
    const held = this.batchError;
    if (held) {
      this.batchError = undefined;
      throw held.error;
    }
  }

  /** Calls `hook` on each callback in order, awaiting each result. */
  private async each(hook: (cb: Callback) => void | Promise<void>): Promise<void> {
    for (const cb of this.callbacks) await hook(cb);
  }
}
