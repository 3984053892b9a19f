/**
 * Argument checking shared by every public entry point.
 *
 * Messages follow sharp's wording: `Expected <what> for <name> but received <value> of type <type>`,
 * with `<name>` the dotted path of the option (`layers[1].units`, `fit.batchSize`).
 */

/** Renders a received value for an error message, short and unambiguous. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'function') return 'a function';
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  return 'an object';
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** `Expected <what> for <name> but received <value> of type <type>` */
export function expectedMessage(what: string, name: string, value: unknown): string {
  return `Expected ${what} for ${name} but received ${describe(value)} of type ${typeName(value)}`;
}

export function typeError(what: string, name: string, value: unknown): TypeError {
  return new TypeError(expectedMessage(what, name, value));
}

export function rangeError(what: string, name: string, value: unknown): RangeError {
  return new RangeError(expectedMessage(what, name, value));
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Checks an options bag: a plain object (or undefined) whose keys are all known. */
export function checkOptions<T extends object>(
  value: unknown,
  name: string,
  known: readonly string[],
): Partial<T> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) throw typeError('an options object', name, value);
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      const near = nearest(key, known);
      const hint = near ? `; did you mean "${near}"?` : `; known options: ${known.join(', ')}`;
      throw new TypeError(`Unknown option "${key}" for ${name}${hint}`);
    }
  }
  return value as Partial<T>;
}

/** The closest known name, when it is close enough to be a typo. */
export function nearest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = key.toLowerCase();
  for (const candidate of known) {
    const d = levenshtein(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  const limit = Math.max(2, Math.floor(key.length / 3));
  return bestDistance <= limit ? best : undefined;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

export function integer(value: unknown, name: string, opts: { min?: number; max?: number } = {}): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw typeError('an integer', name, value);
  if (opts.min !== undefined && value < opts.min) {
    throw rangeError(`an integer >= ${opts.min}`, name, value);
  }
  if (opts.max !== undefined && value > opts.max) {
    throw rangeError(`an integer <= ${opts.max}`, name, value);
  }
  return value;
}

export function number(
  value: unknown,
  name: string,
  opts: { min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean } = {},
): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw typeError('a number', name, value);
  if (!Number.isFinite(value)) throw rangeError('a finite number', name, value);
  const { min, max, minExclusive, maxExclusive } = opts;
  const lo = min === undefined ? '' : `${minExclusive ? '>' : '>='} ${min}`;
  const hi = max === undefined ? '' : `${maxExclusive ? '<' : '<='} ${max}`;
  const what = `a number ${[lo, hi].filter(Boolean).join(' and ')}`.trim();
  if (min !== undefined && (minExclusive ? value <= min : value < min)) throw rangeError(what, name, value);
  if (max !== undefined && (maxExclusive ? value >= max : value > max)) throw rangeError(what, name, value);
  return value;
}

export function boolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw typeError('a boolean', name, value);
  return value;
}

export function oneOf<T extends string>(value: unknown, name: string, allowed: readonly T[]): T {
  if (typeof value !== 'string') throw typeError(`one of ${allowed.map((a) => `'${a}'`).join(', ')}`, name, value);
  if (!allowed.includes(value as T)) {
    const near = nearest(value, allowed);
    const hint = near ? ` (did you mean '${near}'?)` : '';
    throw rangeError(`one of ${allowed.map((a) => `'${a}'`).join(', ')}${hint}`, name, value);
  }
  return value as T;
}

export function string(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) throw typeError('a non-empty string', name, value);
  return value;
}

export function func(value: unknown, name: string): (...args: never[]) => unknown {
  if (typeof value !== 'function') throw typeError('a function', name, value);
  return value as (...args: never[]) => unknown;
}

/** A shape entry list: positive integers. */
export function shape(value: unknown, name: string): number[] {
  if (!Array.isArray(value) || value.length === 0) throw typeError('a non-empty array of positive integers', name, value);
  value.forEach((d, i) => integer(d, `${name}[${i}]`, { min: 1 }));
  return [...value] as number[];
}
