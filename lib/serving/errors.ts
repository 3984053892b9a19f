/**
 * The errors a request can end in, named by their gRPC status (the Open Inference Protocol's
 * error model) and mapped once to HTTP: one table, so both protocols always agree.
 */
import { TorchError } from '../errors.js';

/** gRPC status names the server answers with. */
export type ServingStatus = 'INVALID_ARGUMENT' | 'NOT_FOUND' | 'RESOURCE_EXHAUSTED' | 'UNAVAILABLE' | 'INTERNAL';

/** The HTTP status of each {@link ServingStatus}. */
export const HTTP_STATUS: Readonly<Record<ServingStatus, number>> = {
  INVALID_ARGUMENT: 400,
  NOT_FOUND: 404,
  RESOURCE_EXHAUSTED: 413,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

/**
 * A request the server refused or could not serve. `message` names the problem and the part
 * of the request it is in (`inputs[0].shape`, `instances[3]`), for the client to read.
 *
 * @example
 * throw new ServingError('NOT_FOUND', 'unknown model "co3"; this server has "co2"'); // HTTP 404, gRPC NOT_FOUND
 */
export class ServingError extends Error {
  /** The gRPC status; {@link HTTP_STATUS} gives the HTTP one. */
  readonly status: ServingStatus;

  constructor(status: ServingStatus, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServingError';
    this.status = status;
  }
}

/**
 * Shorthand for the most common refusal, INVALID_ARGUMENT.
 * @example
 * throw invalid('inputs[0].datatype: model "co2" takes FP32 inputs but received "INT64"');
 */
export function invalid(message: string): ServingError {
  return new ServingError('INVALID_ARGUMENT', message);
}

/**
 * Any error met while serving, as a ServingError: a model busy training (`ERR_BUSY`) or
 * disposed is UNAVAILABLE (try again later / elsewhere); an argument error escaping the
 * checks is INVALID_ARGUMENT; anything else is INTERNAL, with the engine's first line.
 * @example
 * catch (err) { const e = toServingError(err); res.writeHead(HTTP_STATUS[e.status]); }
 */
export function toServingError(err: unknown): ServingError {
  if (err instanceof ServingError) return err;
  if (err instanceof TorchError) {
    const status = err.code === 'ERR_BUSY' || err.code === 'ERR_DISPOSED' ? 'UNAVAILABLE' : err.code === 'ERR_SHAPE' ? 'INVALID_ARGUMENT' : 'INTERNAL';
    return new ServingError(status, `${err.code}: ${err.message}`, { cause: err });
  }
  if (err instanceof TypeError || err instanceof RangeError) return new ServingError('INVALID_ARGUMENT', err.message, { cause: err });
  const message = err instanceof Error ? err.message : String(err);
  return new ServingError('INTERNAL', `internal error: ${message}`, { cause: err });
}
