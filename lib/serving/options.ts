/**
 * The options of `serve`, checked and defaulted here and nowhere else.
 */
import { boolean, checkOptions, integer, isPlainObject, number, typeError } from '../validate.js';

/**
 * Options of {@link serve}.
 * @example
 * await serve(model, { grpcPort: 8001, httpPort: 8000, host: '0.0.0.0', maxBatchSize: 128, maxQueueDelayMs: 5 });
 */
export interface ServeArgs {
  /** Port of the gRPC endpoint (Open Inference Protocol + `grpc.health.v1`); `0` picks a free port, `false` turns gRPC off. Defaults to `0`. */
  grpcPort?: number | false;
  /** Port of the HTTP/JSON endpoint (v2 REST and TF Serving's `/v1/...:predict`); `0` picks a free port, `false` turns HTTP off. Defaults to `0`. */
  httpPort?: number | false;
  /** Interface to listen on; `'0.0.0.0'` (or `'::'`) to accept other machines. Defaults to `'127.0.0.1'`. */
  host?: string;
  /** Merge concurrent requests for a model into one native `predict` call. Defaults to `true`. */
  dynamicBatching?: boolean;
  /** Most samples in one merged call; a larger request runs alone. Defaults to `64`. */
  maxBatchSize?: number;
  /**
   * Longest a request waits for others to join its batch, in milliseconds. Defaults to `0`:
   * an idle model runs a request at once, and requests that arrive while a batch runs gather
   * into the next one, so batches grow with load without taxing a lone request (measured on
   * W4: no loss at 1 client, 4x the throughput at 64). A positive delay trades latency for
   * larger batches.
   */
  maxQueueDelayMs?: number;
  /** Largest request body (HTTP) or message (gRPC) in bytes: 413 / RESOURCE_EXHAUSTED above it. Defaults to `4 MiB`. */
  maxRequestBytes?: number;
  /** Most requests waiting per model (running ones, without batching): 503 / UNAVAILABLE above it. Defaults to `1024`. */
  maxQueueSize?: number;
}

/** {@link ServeArgs} with every default applied. */
export interface ServeConfig {
  grpcPort: number | false;
  httpPort: number | false;
  host: string;
  dynamicBatching: boolean;
  maxBatchSize: number;
  maxQueueDelayMs: number;
  maxRequestBytes: number;
  maxQueueSize: number;
}

const KNOWN = ['grpcPort', 'httpPort', 'host', 'dynamicBatching', 'maxBatchSize', 'maxQueueDelayMs', 'maxRequestBytes', 'maxQueueSize'] as const;

function port(value: unknown, name: string): number | false {
  if (value === undefined) return 0;
  if (value === false) return false;
  if (typeof value !== 'number') throw typeError('a port number (0 for any free port) or false', name, value);
  return integer(value, name, { min: 0, max: 65535 });
}

/**
 * Validates {@link ServeArgs} and applies the defaults.
 * @example
 * serveOptions({ maxBatchSize: 16 }).maxQueueDelayMs; // 0
 * @throws {TypeError|RangeError} naming the option (`serve.maxBatchSize`), with near-miss hints.
 */
/** Defaults of the batching options (also shown by the CLI's `serve --help`). */
export const BATCHING_DEFAULTS = Object.freeze({ maxBatchSize: 64, maxQueueDelayMs: 0 });

export function serveOptions(args: unknown): ServeConfig {
  const o = checkOptions<ServeArgs>(args, 'serve', KNOWN);
  const config: ServeConfig = {
    grpcPort: port(o.grpcPort, 'serve.grpcPort'),
    httpPort: port(o.httpPort, 'serve.httpPort'),
    host: o.host === undefined ? '127.0.0.1' : hostName(o.host),
    dynamicBatching: o.dynamicBatching === undefined ? true : boolean(o.dynamicBatching, 'serve.dynamicBatching'),
    maxBatchSize: o.maxBatchSize === undefined ? BATCHING_DEFAULTS.maxBatchSize : integer(o.maxBatchSize, 'serve.maxBatchSize', { min: 1 }),
    maxQueueDelayMs: o.maxQueueDelayMs === undefined ? BATCHING_DEFAULTS.maxQueueDelayMs : number(o.maxQueueDelayMs, 'serve.maxQueueDelayMs', { min: 0, max: 60_000 }),
    maxRequestBytes: o.maxRequestBytes === undefined ? 4 * 1024 * 1024 : integer(o.maxRequestBytes, 'serve.maxRequestBytes', { min: 64, max: 2 ** 31 - 1 }),
    maxQueueSize: o.maxQueueSize === undefined ? 1024 : integer(o.maxQueueSize, 'serve.maxQueueSize', { min: 1 }),
  };
  if (config.grpcPort === false && config.httpPort === false) {
    throw new RangeError('Expected at least one of serve.grpcPort and serve.httpPort to be enabled but both are false');
  }
  if (config.grpcPort !== false && config.grpcPort !== 0 && config.grpcPort === config.httpPort) {
    throw new RangeError(`Expected different ports for serve.grpcPort and serve.httpPort but both are ${config.grpcPort}`);
  }
  return config;
}

function hostName(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw typeError('a host name or IP address', 'serve.host', value);
  return value;
}

/**
 * Options of {@link Server.close}.
 * @example
 * await server.close({ graceMs: 5000 });
 */
export interface CloseArgs {
  /** How long in-flight requests may take to finish before their connections are cut, in milliseconds. Defaults to `10000`. */
  graceMs?: number;
}

/**
 * Validates {@link CloseArgs}.
 * @example
 * closeOptions(undefined).graceMs; // 10000
 */
export function closeOptions(args: unknown): { graceMs: number } {
  if (args !== undefined && !isPlainObject(args)) throw typeError('an options object', 'close', args);
  const o = checkOptions<CloseArgs>(args, 'close', ['graceMs']);
  return { graceMs: o.graceMs === undefined ? 10_000 : number(o.graceMs, 'close.graceMs', { min: 0 }) };
}
