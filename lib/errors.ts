/**
 * Errors raised by torch-lstm.
 *
 * Argument errors are plain `TypeError`/`RangeError`s thrown before anything reaches
 * the engine (see `validate.ts`). Everything that comes back from LibTorch is a
 * {@link TorchError} with a stable `code`.
 */

/** Stable codes carried by {@link TorchError}. */
export type TorchErrorCode =
  | 'ERR_TORCH'
  | 'ERR_SHAPE'
  | 'ERR_BUSY'
  | 'ERR_DISPOSED'
  | 'ERR_CUDA_UNAVAILABLE'
  | 'ERR_NATIVE_LOAD'
  | 'ERR_NOT_COMPILED';

const CODES: ReadonlySet<string> = new Set<TorchErrorCode>([
  'ERR_TORCH', 'ERR_SHAPE', 'ERR_BUSY', 'ERR_DISPOSED', 'ERR_CUDA_UNAVAILABLE', 'ERR_NATIVE_LOAD',
  'ERR_NOT_COMPILED',
]);

/**
 * An error from the engine (LibTorch or the addon), or a state error of a model.
 *
 * `message` is the first line of the native message; `nativeStack` keeps the rest
 * (a C++ backtrace, when LibTorch gave one) apart so it does not drown the JS stack.
 */
export class TorchError extends Error {
  readonly code: TorchErrorCode;
  readonly nativeStack: string | undefined;

  constructor(code: TorchErrorCode, message: string, options?: { cause?: unknown; nativeStack?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TorchError';
    this.code = code;
    this.nativeStack = options?.nativeStack;
  }
}

/**
 * Turns an error thrown by the addon into a {@link TorchError}, keeping the JS stack
 * captured before the native call (`callSite`), as sharp does.
 */
export function fromNative(err: unknown, callSite?: Error): Error {
  if (err instanceof TorchError) return err;
  if (!(err instanceof Error)) return new TorchError('ERR_TORCH', String(err));
  const raw = err.message ?? '';
  // The addon prefixes messages with "[ERR_CODE] " to carry the code across N-API.
  const match = /^\[([A-Z_]+)\]\s*/.exec(raw);
  let code: TorchErrorCode = 'ERR_TORCH';
  let body = raw;
  if (match && CODES.has(match[1]!)) {
    code = match[1] as TorchErrorCode;
    body = raw.slice(match[0].length);
  }
  const newline = body.indexOf('\n');
  const first = newline === -1 ? body : body.slice(0, newline);
  const rest = newline === -1 ? undefined : body.slice(newline + 1);
  const out = new TorchError(code, first, { nativeStack: rest });
  if (callSite?.stack) {
    out.stack = `${out.name} [${code}]: ${first}\n${callSite.stack.split('\n').slice(1).join('\n')}`;
  }
  return out;
}

/** The error a `fit` rejects with when its `AbortSignal` fires. Carries the partial history. */
export class AbortError extends Error {
  readonly code = 'ABORT_ERR';
  /** What was trained before the abort, Keras-style (`history.history.loss`, ...). */
  history: unknown;

  constructor(message = 'The operation was aborted', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AbortError';
  }
}
