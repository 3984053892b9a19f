/**
 * Dynamic batching (Triton's dynamic batcher, for one model): concurrent requests are queued
 * and merged into one native `predict` call of at most `maxBatchSize` samples, dispatched when
 * the batch is full or its oldest request has waited `maxQueueDelayMs`; the output is split
 * back per request. One batch runs at a time per model, so requests that arrive while it runs
 * gather into the next one: the busier the server, the larger the batches. A request larger
 * than `maxBatchSize` runs alone. With batching off, every request is its own call.
 */
import { ServingError, toServingError } from './errors.js';

/** A packed float32 tensor, batch dimension first. */
export interface Batch {
  data: Float32Array;
  shape: number[];
}

/** Counters of one model's traffic (see `Server.stats()`). */
export interface BatchStats {
  /** Inference requests accepted into the queue. */
  requests: number;
  /** Samples in those requests. */
  samples: number;
  /** Native predict calls made. */
  batches: number;
  /** Requests refused because the queue was full. */
  rejected: number;
  /** Requests whose predict call failed. */
  failed: number;
  /** Samples in the largest call. */
  largestBatch: number;
  /** How many calls had each number of samples: `{ '64': 120, '3': 1 }`. */
  batchSizes: Record<string, number>;
}

interface Pending {
  x: Batch;
  samples: number;
  /** The shape of one sample as a string: only equal ones can be merged. */
  key: string;
  since: number;
  resolve: (out: Batch) => void;
  reject: (err: unknown) => void;
}

/** How a {@link Batcher} runs and limits its calls. */
export interface BatcherOptions {
  enabled: boolean;
  maxBatchSize: number;
  maxQueueDelayMs: number;
  maxQueueSize: number;
}

/**
 * Queues a model's requests and runs them through `run` (the model's predict), merged.
 *
 * @example
 * const batcher = new Batcher((x) => model.predict(x, { batchSize: x.shape[0] }), { enabled: true, maxBatchSize: 64, maxQueueDelayMs: 2, maxQueueSize: 1024 });
 * const y = await batcher.submit({ data, shape: [1, 10, 1] });
 */
export class Batcher {
  readonly #run: (x: Batch) => Promise<Batch>;
  readonly #options: BatcherOptions;
  readonly #queue: Pending[] = [];
  #queuedSamples = 0;
  #running = 0;
  #timer: NodeJS.Timeout | undefined;
  #flushing = false;
  #idle: (() => void)[] = [];
  readonly #stats: BatchStats = { requests: 0, samples: 0, batches: 0, rejected: 0, failed: 0, largestBatch: 0, batchSizes: {} };

  constructor(run: (x: Batch) => Promise<Batch>, options: BatcherOptions) {
    this.#run = run;
    this.#options = options;
  }

  /** A copy of the counters. */
  get stats(): BatchStats {
    return { ...this.#stats, batchSizes: { ...this.#stats.batchSizes } };
  }

  /** Requests queued or running. */
  get pending(): number {
    return this.#queue.length + this.#running;
  }

  /**
   * Predicts `x` (`[samples, ...]`), merged with other requests when batching is on.
   * @throws (as a rejection) {@link ServingError} UNAVAILABLE when the queue is full; the
   *   predict call's error, as a ServingError.
   */
  submit(x: Batch): Promise<Batch> {
    const { enabled, maxQueueSize } = this.#options;
    const waiting = enabled ? this.#queue.length : this.#running;
    if (waiting >= maxQueueSize) {
      this.#stats.rejected++;
      const what = enabled ? 'requests are waiting' : 'requests are running';
      return Promise.reject(new ServingError('UNAVAILABLE', `the server is overloaded: ${waiting} ${what} for this model (maxQueueSize ${maxQueueSize}); retry later`));
    }
    const samples = x.shape[0]!;
    this.#stats.requests++;
    this.#stats.samples += samples;
    if (!enabled) return this.#call([x], samples).finally(() => this.#settleIdle());
    return new Promise<Batch>((resolve, reject) => {
      this.#queue.push({ x, samples, key: x.shape.slice(1).join(','), since: performance.now(), resolve, reject });
      this.#queuedSamples += samples;
      this.#pump();
    });
  }

  /** Runs everything queued without waiting for more, and resolves when nothing is left running. */
  drain(): Promise<void> {
    this.#flushing = true;
    this.#pump();
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Rejects everything still queued (after a drain timed out). */
  abort(reason: ServingError): void {
    for (const p of this.#queue.splice(0)) p.reject(reason);
    this.#queuedSamples = 0;
    this.#settleIdle();
  }

  #pump(): void {
    const { maxBatchSize, maxQueueDelayMs } = this.#options;
    while (this.#running === 0 && this.#queue.length > 0) {
      const head = this.#queue[0]!;
      const waited = performance.now() - head.since;
      if (!this.#flushing && this.#queuedSamples < maxBatchSize && waited < maxQueueDelayMs) {
        if (this.#timer === undefined) {
          this.#timer = setTimeout(() => {
            this.#timer = undefined;
            this.#pump();
          }, Math.max(0, maxQueueDelayMs - waited));
        }
        return;
      }
      const taken = this.#take();
      void this.#dispatch(taken);
    }
  }

  /** Removes the next batch from the queue: the head, then later requests of the same sample shape that fit. */
  #take(): Pending[] {
    const { maxBatchSize } = this.#options;
    const head = this.#queue.shift()!;
    const taken = [head];
    let total = head.samples;
    for (let i = 0; i < this.#queue.length && total < maxBatchSize; ) {
      const p = this.#queue[i]!;
      if (p.key === head.key && total + p.samples <= maxBatchSize) {
        taken.push(p);
        total += p.samples;
        this.#queue.splice(i, 1);
      } else {
        i++;
      }
    }
    this.#queuedSamples -= total;
    return taken;
  }

  async #dispatch(taken: Pending[]): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const total = taken.reduce((n, p) => n + p.samples, 0);
    try {
      const out = await this.#call(taken.map((p) => p.x), total);
      split(out, taken);
    } catch (err) {
      for (const p of taken) p.reject(err);
    }
    this.#pump();
    this.#settleIdle();
  }

  /** One native call on the concatenation of `parts`. */
  async #call(parts: Batch[], total: number): Promise<Batch> {
    this.#running++;
    this.#stats.batches++;
    this.#stats.largestBatch = Math.max(this.#stats.largestBatch, total);
    this.#stats.batchSizes[total] = (this.#stats.batchSizes[total] ?? 0) + 1;
    try {
      return await this.#run(parts.length === 1 ? parts[0]! : concat(parts, total));
    } catch (err) {
      this.#stats.failed += parts.length;
      throw toServingError(err);
    } finally {
      this.#running--;
    }
  }

  #settleIdle(): void {
    if (this.pending > 0) return;
    for (const resolve of this.#idle.splice(0)) resolve();
  }
}

function concat(parts: Batch[], total: number): Batch {
  const size = parts.reduce((n, p) => n + p.data.length, 0);
  const data = new Float32Array(size);
  let offset = 0;
  for (const p of parts) {
    data.set(p.data, offset);
    offset += p.data.length;
  }
  return { data, shape: [total, ...parts[0]!.shape.slice(1)] };
}

/** Hands each request its rows of the merged output. */
function split(out: Batch, taken: Pending[]): void {
  if (taken.length === 1) {
    taken[0]!.resolve(out);
    return;
  }
  const total = out.shape[0]!;
  const perSample = total === 0 ? 0 : out.data.length / total;
  const rest = out.shape.slice(1);
  let row = 0;
  for (const p of taken) {
    const data = out.data.slice(row * perSample, (row + p.samples) * perSample);
    row += p.samples;
    p.resolve({ data, shape: [p.samples, ...rest] });
  }
}
