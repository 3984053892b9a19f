/**
 * The command-line options of the examples: `--name value` pairs read from `process.argv`.
 */

/**
 * The value after `--name`, or `fallback` when the option is absent. With a number fallback the
 * value must be a finite number.
 */
export function option(name: string, fallback: number): number;
export function option(name: string, fallback: string): string;
export function option(name: string, fallback: string | undefined): string | undefined;
export function option(name: string, fallback: number | string | undefined): number | string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1 || i + 1 >= process.argv.length) return fallback;
  const raw = process.argv[i + 1]!;
  if (typeof fallback !== 'number') return raw;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new RangeError(`Expected a number for --${name} but received ${raw}`);
  return value;
}
