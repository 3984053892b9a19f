/**
 * Search-space distributions (Optuna's `IntDistribution`, `FloatDistribution`,
 * `CategoricalDistribution`): `tuning.int(16, 256, { log: true })`, `tuning.float(0, 0.5)`,
 * `tuning.categorical(['adam', 'rmsprop'])`.
 *
 * A distribution is plain data (it is stored with each trial), so two equal distributions are
 * interchangeable and a study file can be read back without code.
 */
import { boolean, checkOptions, describe, isPlainObject, number, typeError } from '../validate.js';

/** A value a categorical parameter may take (what JSON can store). */
export type CategoricalChoice = string | number | boolean | null;

/** Integers in [low, high] on a grid of `step`, optionally log-uniform. */
export interface IntDistribution {
  readonly kind: 'int';
  readonly low: number;
  /** The largest value on the grid (`high` as given, rounded down onto the step grid). */
  readonly high: number;
  readonly step: number;
  readonly log: boolean;
}

/** Reals in [low, high], optionally log-uniform or on a grid of `step` (not both). */
export interface FloatDistribution {
  readonly kind: 'float';
  readonly low: number;
  readonly high: number;
  /** `null`: continuous. */
  readonly step: number | null;
  readonly log: boolean;
}

/** One of a list of choices (no order between them). */
export interface CategoricalDistribution<T extends CategoricalChoice = CategoricalChoice> {
  readonly kind: 'categorical';
  readonly choices: readonly T[];
}

export type Distribution = IntDistribution | FloatDistribution | CategoricalDistribution;

/** Options of {@link int}. */
export interface IntArgs {
  /** Sample log-uniformly (needs `low >= 1` and `step` 1). Defaults to `false`. */
  log?: boolean;
  /** Spacing of the values, from `low`. Defaults to `1`. */
  step?: number;
}

/** Options of {@link float}. */
export interface FloatArgs {
  /** Sample log-uniformly (needs `low > 0`; not with `step`). Defaults to `false`. */
  log?: boolean;
  /** Spacing of the values, from `low` (not with `log`). Defaults to continuous. */
  step?: number;
}

/** Rounds `high` down onto the grid `low + k * step` (Optuna adjusts the same way). */
function adjustHigh(low: number, high: number, step: number): number {
  const k = Math.floor((high - low) / step + 1e-9);
  return roundToStep(low + k * step, low, step);
}

/** `low + k * step` without the floating-point tail (`0.1 + 2 * 0.1` -> `0.3`). */
export function roundToStep(value: number, low: number, step: number): number {
  const k = Math.round((value - low) / step);
  const decimals = Math.max(decimalPlaces(low), decimalPlaces(step));
  const v = low + k * step;
  return decimals > 0 && decimals < 16 ? Number(v.toFixed(decimals)) : v;
}

function decimalPlaces(x: number): number {
  if (Number.isInteger(x)) return 0;
  const s = String(x);
  const e = s.indexOf('e-');
  if (e !== -1) return Number(s.slice(e + 2)) + (s.slice(0, e).split('.')[1]?.length ?? 0);
  return s.split('.')[1]?.length ?? 0;
}

/** Validates and builds an int distribution; `name` prefixes errors (`tuning.int`, `units`). */
export function intDistribution(low: unknown, high: unknown, args: unknown, name: string): IntDistribution {
  const o = checkOptions<IntArgs>(args, `${name} options`, ['log', 'step']);
  if (typeof low !== 'number' || !Number.isInteger(low)) throw typeError('an integer', `${name}.low`, low);
  if (typeof high !== 'number' || !Number.isInteger(high)) throw typeError('an integer', `${name}.high`, high);
  if (high < low) throw new RangeError(`Expected ${name}.high >= ${name}.low (${low}) but received ${high}`);
  const log = o.log === undefined ? false : boolean(o.log, `${name}.log`);
  const step = o.step === undefined ? 1 : o.step;
  if (typeof step !== 'number' || !Number.isInteger(step)) throw typeError('an integer', `${name}.step`, step);
  if (step < 1) throw new RangeError(`Expected an integer >= 1 for ${name}.step but received ${step}`);
  if (log && step !== 1) throw new RangeError(`${name}: log and step cannot be used together (step must be 1 with log: true, received ${step})`);
  if (log && low < 1) throw new RangeError(`Expected an integer >= 1 for ${name}.low with log: true but received ${low}`);
  return { kind: 'int', low, high: low + Math.floor((high - low) / step) * step, step, log };
}

/** Validates and builds a float distribution. */
export function floatDistribution(low: unknown, high: unknown, args: unknown, name: string): FloatDistribution {
  const o = checkOptions<FloatArgs>(args, `${name} options`, ['log', 'step']);
  const lo = number(low, `${name}.low`);
  const hi = number(high, `${name}.high`);
  if (hi < lo) throw new RangeError(`Expected ${name}.high >= ${name}.low (${lo}) but received ${hi}`);
  const log = o.log === undefined ? false : boolean(o.log, `${name}.log`);
  if (log && lo <= 0) throw new RangeError(`Expected a number > 0 for ${name}.low with log: true but received ${lo}`);
  let step: number | null = null;
  if (o.step !== undefined) {
    step = number(o.step, `${name}.step`, { min: 0, minExclusive: true });
    if (log) throw new RangeError(`${name}: log and step cannot be used together`);
  }
  return { kind: 'float', low: lo, high: step === null ? hi : adjustHigh(lo, hi, step), step, log };
}

/** Validates and builds a categorical distribution. */
export function categoricalDistribution<T extends CategoricalChoice>(choices: unknown, name: string): CategoricalDistribution<T> {
  if (!Array.isArray(choices)) throw typeError('an array of choices', name, choices);
  if (choices.length === 0) throw new RangeError(`Expected a non-empty array of choices for ${name} but received an empty array`);
  choices.forEach((c: unknown, i) => {
    const ok = c === null || typeof c === 'string' || typeof c === 'boolean' || (typeof c === 'number' && Number.isFinite(c));
    if (!ok) throw typeError('a string, finite number, boolean or null', `${name}[${i}]`, c);
  });
  const seen = new Set<unknown>();
  for (const c of choices) {
    if (seen.has(c)) throw new RangeError(`Expected distinct choices for ${name} but ${describe(c)} appears twice`);
    seen.add(c);
  }
  return { kind: 'categorical', choices: [...(choices as T[])] };
}

/**
 * Integers from `low` to `high` inclusive (Optuna's `IntDistribution`).
 *
 * @example
 * tuning.int(16, 256, { log: true }); // units, log-uniform
 * tuning.int(6, 36, { step: 6 }); // 6, 12, ..., 36
 * @throws {TypeError} non-integer bounds or step; {@link RangeError} `high < low`, `log` with
 *   `low < 1` or with a step other than 1.
 */
export function int(low: number, high: number, args?: IntArgs): IntDistribution {
  return intDistribution(low, high, args, 'tuning.int');
}

/**
 * Reals from `low` to `high` (Optuna's `FloatDistribution`).
 *
 * @example
 * tuning.float(0, 0.5); // dropout
 * tuning.float(1e-4, 1e-2, { log: true }); // learning rate
 * @throws {TypeError|RangeError} non-finite bounds, `high < low`, `log` with `low <= 0` or with `step`.
 */
export function float(low: number, high: number, args?: FloatArgs): FloatDistribution {
  return floatDistribution(low, high, args, 'tuning.float');
}

/**
 * One of `choices` (Optuna's `CategoricalDistribution`): strings, numbers, booleans or null.
 *
 * @example
 * tuning.categorical(['adam', 'rmsprop', 'sgd']);
 * @throws {TypeError} a choice of another type; {@link RangeError} no choices, or a repeated one.
 */
export function categorical<const T extends CategoricalChoice>(choices: readonly T[]): CategoricalDistribution<T> {
  return categoricalDistribution<T>(choices, 'tuning.categorical');
}

/** Whether `value` is a distribution made by {@link int}, {@link float} or {@link categorical}. */
export function isDistribution(value: unknown): value is Distribution {
  if (!isPlainObject(value)) return false;
  return value.kind === 'int' || value.kind === 'float' || value.kind === 'categorical';
}

/** Revalidates a distribution read from user input or a study file. */
export function checkDistribution(value: unknown, name: string): Distribution {
  if (!isDistribution(value)) throw typeError('a distribution (tuning.int, tuning.float or tuning.categorical)', name, value);
  const d = value as unknown as Record<string, unknown>;
  switch (value.kind) {
    case 'int':
      return intDistribution(d.low, d.high, { log: d.log, step: d.step }, name);
    case 'float':
      return floatDistribution(d.low, d.high, { log: d.log, ...(d.step === null || d.step === undefined ? {} : { step: d.step }) }, name);
    case 'categorical':
      return categoricalDistribution(d.choices, name);
  }
}

/** Whether two distributions are the same. */
export function sameDistribution(a: Distribution, b: Distribution): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'categorical') {
    const bc = (b as CategoricalDistribution).choices;
    return a.choices.length === bc.length && a.choices.every((c, i) => c === bc[i]);
  }
  const bn = b as IntDistribution | FloatDistribution;
  return a.low === bn.low && a.high === bn.high && a.step === bn.step && a.log === bn.log;
}

/** Whether a stored value is a legal value of `d` (in range, on the grid, one of the choices). */
export function contains(d: Distribution, value: unknown): boolean {
  if (d.kind === 'categorical') return d.choices.includes(value as CategoricalChoice);
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (value < d.low || value > d.high) return false;
  if (d.kind === 'int' && !Number.isInteger(value)) return false;
  if (d.step !== null) {
    const k = (value - d.low) / d.step;
    return Math.abs(k - Math.round(k)) < 1e-8;
  }
  return true;
}

/** Whether the distribution has a single possible value. */
export function isSingle(d: Distribution): boolean {
  return d.kind === 'categorical' ? d.choices.length === 1 : d.low === d.high;
}
