/**
 * `serve(models, options)`: the prediction server. Starts the gRPC and HTTP front ends over
 * the same models and queues, and shuts them down gracefully.
 */
import type * as grpc from '@grpc/grpc-js';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import type { BatchStats } from './batcher.js';
import { ServingContext } from './context.js';
import { ServingError } from './errors.js';
import { bindGrpc, createGrpcServer } from './grpc.js';
import { createHttpServer } from './http.js';
import { hostModels, type ModelHost, modelSources, type ModelSource, type ServableModel } from './models.js';
import { type CloseArgs, closeOptions, type ServeArgs, type ServeConfig, serveOptions } from './options.js';

/** Traffic counters of a server: totals, and per model. */
export interface ServerStats {
  /** Inference requests accepted (all models). */
  requests: number;
  /** Samples in those requests. */
  samples: number;
  /** Native predict calls made: with dynamic batching, far fewer than `requests` under load. */
  batches: number;
  /** Requests refused with 503 / UNAVAILABLE because a queue was full. */
  rejected: number;
  /** Requests whose predict call failed. */
  failed: number;
  /** The same counters per model, with each model's batch size histogram. */
  models: Record<string, BatchStats>;
}

/**
 * A running prediction server (see {@link serve}). Listens until {@link Server.close}.
 */
export class Server {
  /** The gRPC port, `undefined` when gRPC is off. */
  readonly grpcPort: number | undefined;
  /** The HTTP port, `undefined` when HTTP is off. */
  readonly httpPort: number | undefined;
  /** The interface both listen on. */
  readonly host: string;
  readonly #ctx: ServingContext;
  readonly #grpc: grpc.Server | undefined;
  readonly #http: http.Server | undefined;
  #closed: Promise<void> | undefined;

  /** @internal Created by {@link serve}. */
  constructor(ctx: ServingContext, fronts: { grpc?: grpc.Server; grpcPort?: number; http?: http.Server; httpPort?: number }) {
    this.#ctx = ctx;
    this.#grpc = fronts.grpc;
    this.#http = fronts.http;
    this.grpcPort = fronts.grpcPort;
    this.httpPort = fronts.httpPort;
    this.host = ctx.config.host;
  }

  /** The names of the models served. */
  get models(): string[] {
    return [...this.#ctx.hosts.keys()];
  }

  /** Requests being served now (queued, predicting or being answered). */
  get inFlight(): number {
    return this.#ctx.inFlight;
  }

  /**
   * Counters since the start: requests, samples, native predict calls (`batches`) and the
   * batch size histogram of each model.
   *
   * @example
   * const { requests, batches } = server.stats();
   * console.log(`${(requests / batches).toFixed(1)} requests per predict call`);
   */
  stats(): ServerStats {
    const models: Record<string, BatchStats> = {};
    const total = { requests: 0, samples: 0, batches: 0, rejected: 0, failed: 0 };
    for (const host of this.#ctx.hosts.values()) {
      const s = host.batcher.stats;
      models[host.name] = s;
      total.requests += s.requests;
      total.samples += s.samples;
      total.batches += s.batches;
      total.rejected += s.rejected;
      total.failed += s.failed;
    }
    return { ...total, models };
  }

  /**
   * Stops gracefully: stops accepting connections and calls at once (readiness turns false,
   * new requests on open connections get 503 / UNAVAILABLE), runs what is queued without
   * waiting for fuller batches, lets in-flight requests finish for up to `graceMs`, then cuts
   * what is left and disposes the models the server loaded from directories. Calling it
   * again returns the same promise.
   *
   * @param args `graceMs`: Defaults to `10000`.
   * @example
   * process.once('SIGTERM', () => void server.close({ graceMs: 5000 }).then(() => process.exit(0)));
   * @throws (as a rejection) {@link TypeError}/{@link RangeError} for a malformed `graceMs`.
   */
  close(args?: CloseArgs): Promise<void> {
    if (this.#closed) return this.#closed;
    let graceMs: number;
    try {
      graceMs = closeOptions(args).graceMs;
    } catch (err) {
      return Promise.reject(err);
    }
    this.#closed = this.#shutdown(graceMs);
    return this.#closed;
  }

  async #shutdown(graceMs: number): Promise<void> {
    const ctx = this.#ctx;
    ctx.startClosing();
    const stopped: Promise<void>[] = [];
    if (this.#http) {
      const server = this.#http;
      stopped.push(new Promise((resolve) => server.close(() => resolve())));
      server.closeIdleConnections();
    }
    if (this.#grpc) {
      const server = this.#grpc;
      stopped.push(new Promise((resolve) => server.tryShutdown(() => resolve())));
    }
    const hosts = [...ctx.hosts.values()];
    for (const host of hosts) void host.batcher.drain();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => (timer = setTimeout(() => resolve('expired'), graceMs)));
    const outcome = await Promise.race([Promise.all([ctx.whenIdle(), ...stopped]).then(() => 'drained' as const), expired]);
    clearTimeout(timer);
    if (outcome === 'expired') {
      const reason = new ServingError('UNAVAILABLE', `the server shut down before this request finished (graceMs ${graceMs})`);
      for (const host of hosts) host.batcher.abort(reason);
      this.#grpc?.forceShutdown();
      this.#http?.closeAllConnections();
      await Promise.all(stopped);
    }
    this.#http?.closeAllConnections();
    for (const host of hosts) if (host.owned) disposeQuietly(host);
  }
}

function disposeQuietly(host: ModelHost): void {
  try {
    host.model.dispose?.();
  } catch {
    // Disposing a model the server loaded itself; nothing a caller could act on.
  }
}

function packageVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('../../package.json') as { version: string }).version;
}

/**
 * Serves models over gRPC (the Open Inference Protocol, KServe v2, which Triton, KServe and
 * Seldon clients speak, plus `grpc.health.v1`) and HTTP/JSON (the same protocol's REST routes
 * and TF Serving's `POST /v1/models/<name>:predict`), with dynamic batching: concurrent
 * requests for a model are merged into one native `predict` call of up to `maxBatchSize`
 * samples, after at most `maxQueueDelayMs`.
 *
 * Routes: `GET /v2/health/live`, `GET /v2/health/ready`, `GET /v2/models/<name>`,
 * `GET /v2/models/<name>/ready`, `POST /v2/models/<name>/infer`
 * (`{ inputs: [{ name, shape, datatype: 'FP32', data }] }` -> `{ model_name, outputs }`),
 * `POST /v1/models/<name>:predict` (`{ instances }` -> `{ predictions }`, `{ inputs }` ->
 * `{ outputs }`). Inputs are checked against the model's input shape (batch dimension free):
 * a wrong shape or datatype, non-finite values or malformed JSON get HTTP 400 /
 * INVALID_ARGUMENT, an unknown model 404 / NOT_FOUND, a body over `maxRequestBytes` 413 /
 * RESOURCE_EXHAUSTED, a full queue 503 / UNAVAILABLE, each with a message saying what is wrong.
 *
 * Signals are the caller's to handle: close the server on SIGTERM, as in the example.
 *
 * @param models a model (served under its `name`), or `{ name: model | directory }` for
 *   several (a directory is loaded with `loadModel` and disposed on close).
 * @param args ports, host, batching and limits: see {@link ServeArgs}.
 * @returns the running {@link Server}, once every model is loaded, warmed up and listening.
 * @example
 * import { loadModel, serve } from 'torch-lstm';
 * const server = await serve({ co2: 'models/co2', sales: await loadModel('models/sales') }, { grpcPort: 8001, httpPort: 8000 });
 * process.once('SIGTERM', () => {
 *   server.close({ graceMs: 10_000 }).then(() => process.exit(0), () => process.exit(1));
 * });
 * // curl -d '{"instances": [[[0.1], [0.2], ...]]}' localhost:8000/v1/models/co2:predict
 * @throws (as a rejection) {@link TypeError}/{@link RangeError} for a wrong option or model;
 *   `ModelFileError` for a directory that holds no loadable model; `EADDRINUSE` for a taken port.
 */
export async function serve(models: ServableModel | Record<string, ModelSource>, args?: ServeArgs): Promise<Server> {
  const config: ServeConfig = serveOptions(args);
  const sources = modelSources(models);
  const { dynamicBatching: enabled, maxBatchSize, maxQueueDelayMs, maxQueueSize } = config;
  const hosts = await hostModels(sources, { enabled, maxBatchSize, maxQueueDelayMs, maxQueueSize });
  const ctx = new ServingContext(config, hosts, packageVersion());
  const fronts: { grpc?: grpc.Server; grpcPort?: number; http?: http.Server; httpPort?: number } = {};
  try {
    if (config.grpcPort !== false) {
      fronts.grpc = createGrpcServer(ctx);
      fronts.grpcPort = await bindGrpc(fronts.grpc, config.host, config.grpcPort);
    }
    if (config.httpPort !== false) {
      const server = createHttpServer(ctx);
      fronts.http = server;
      fronts.httpPort = await new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.httpPort as number, config.host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      });
    }
  } catch (err) {
    fronts.grpc?.forceShutdown();
    fronts.http?.close();
    for (const host of hosts.values()) if (host.owned) disposeQuietly(host);
    throw err;
  }
  return new Server(ctx, fronts);
}
