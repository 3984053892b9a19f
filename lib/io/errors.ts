/**
 * The error of a saved model or weights file that cannot be read: missing, truncated,
 * foreign, from a newer torch-lstm, or not matching the model.
 */

/**
 * A file that cannot be loaded. `file` is its path; the message starts with it and says
 * what is wrong and, where it can, what to do.
 *
 * @example
 * try {
 *   await loadModel('models/co2');
 * } catch (err) {
 *   if (err instanceof ModelFileError) console.error(err.file, err.message);
 * }
 */
export class ModelFileError extends Error {
  readonly code = 'ERR_MODEL_FILE' as const;
  /** The path of the file (or directory) the problem is in. */
  readonly file: string;

  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super(`${file}: ${problem}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ModelFileError';
    this.file = file;
  }
}

/** The Node error code of `err` (`ENOENT`, ...), when it has one. */
export function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string'
    ? (err as { code: string }).code
    : undefined;
}
