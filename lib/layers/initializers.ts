/**
 * Weight initializers, Keras's (`keras.initializers`).
 *
 * A layer option takes a name (`'glorotUniform'`, `'glorot_uniform'` or `'GlorotUniform'`),
 * an object from a factory here (`initializers.orthogonal({ gain: 2 })`), or the config form
 * a layer's `getConfig()` returns (`{ className: 'Orthogonal', config: { gain: 1, seed: null } }`).
 * The engine draws the values; a `seed` makes the draw reproducible.
 */
import { checkOptions, describe, integer, isPlainObject, nearest, number } from '../validate.js';

/** The config form of every initializer, fully defaulted. */
export type InitializerConfig =
  | { className: 'GlorotUniform'; config: { seed: number | null } }
  | { className: 'GlorotNormal'; config: { seed: number | null } }
  | { className: 'HeUniform'; config: { seed: number | null } }
  | { className: 'HeNormal'; config: { seed: number | null } }
  | { className: 'LecunUniform'; config: { seed: number | null } }
  | { className: 'LecunNormal'; config: { seed: number | null } }
  | { className: 'Orthogonal'; config: { gain: number; seed: number | null } }
  | { className: 'Zeros'; config: Record<string, never> }
  | { className: 'Ones'; config: Record<string, never> }
  | { className: 'Constant'; config: { value: number } }
  | { className: 'RandomUniform'; config: { minval: number; maxval: number; seed: number | null } }
  | { className: 'RandomNormal'; config: { mean: number; stddev: number; seed: number | null } }
  | { className: 'TruncatedNormal'; config: { mean: number; stddev: number; seed: number | null } };

/** A Keras initializer class name. */
export type InitializerClassName = InitializerConfig['className'];

/** An initializer made by one of the factories of {@link initializers}. */
export class Initializer {
  readonly className: InitializerClassName;
  readonly config: Readonly<InitializerConfig['config']>;

  /** @internal Use the factories of {@link initializers}. */
  constructor(spec: InitializerConfig) {
    this.className = spec.className;
    this.config = Object.freeze({ ...spec.config });
  }

  /** The config form (`{ className, config }`). */
  getConfig(): InitializerConfig {
    return { className: this.className, config: { ...this.config } } as InitializerConfig;
  }
}

/** Names accepted by layer options, in the tfjs (camelCase) and Keras (snake_case) spellings. */
export type InitializerName =
  | 'glorotUniform' | 'glorot_uniform'
  | 'glorotNormal' | 'glorot_normal'
  | 'heUniform' | 'he_uniform'
  | 'heNormal' | 'he_normal'
  | 'lecunUniform' | 'lecun_uniform'
  | 'lecunNormal' | 'lecun_normal'
  | 'orthogonal'
  | 'zeros'
  | 'ones';

/** What an initializer option accepts. */
export type InitializerIdentifier = InitializerName | InitializerClassName | Initializer | InitializerConfig;

const BY_NAME: Readonly<Record<string, InitializerClassName>> = {
  glorotUniform: 'GlorotUniform', glorot_uniform: 'GlorotUniform',
  glorotNormal: 'GlorotNormal', glorot_normal: 'GlorotNormal',
  heUniform: 'HeUniform', he_uniform: 'HeUniform',
  heNormal: 'HeNormal', he_normal: 'HeNormal',
  lecunUniform: 'LecunUniform', lecun_uniform: 'LecunUniform',
  lecunNormal: 'LecunNormal', lecun_normal: 'LecunNormal',
  orthogonal: 'Orthogonal',
  zeros: 'Zeros',
  ones: 'Ones',
};

/** The keys each class's config holds, with their defaults (declared once, here). */
const DEFAULTS: Readonly<Record<InitializerClassName, Readonly<Record<string, number | null>>>> = {
  GlorotUniform: { seed: null },
  GlorotNormal: { seed: null },
  HeUniform: { seed: null },
  HeNormal: { seed: null },
  LecunUniform: { seed: null },
  LecunNormal: { seed: null },
  Orthogonal: { gain: 1.0, seed: null },
  Zeros: {},
  Ones: {},
  Constant: { value: 0 },
  RandomUniform: { minval: -0.05, maxval: 0.05, seed: null },
  RandomNormal: { mean: 0.0, stddev: 0.05, seed: null },
  TruncatedNormal: { mean: 0.0, stddev: 0.05, seed: null },
};

const CLASS_NAMES = Object.keys(DEFAULTS) as InitializerClassName[];

function seedOption(value: unknown, name: string): number | null {
  if (value === undefined || value === null) return null;
  return integer(value, name, { min: 0 });
}

/**
 * Validates the config of initializer class `className` (keys and values) and fills its
 * defaults. `name` is the path of the config object for errors.
 */
export function initializerConfig(className: InitializerClassName, config: unknown, name: string): InitializerConfig {
  const defaults = DEFAULTS[className];
  const opts = checkOptions<Record<string, unknown>>(config ?? {}, name, Object.keys(defaults));
  const out: Record<string, number | null> = {};
  for (const [key, def] of Object.entries(defaults)) {
    const v = opts[key];
    if (key === 'seed') out.seed = seedOption(v, `${name}.seed`);
    else if (key === 'stddev') out.stddev = v === undefined ? def : number(v, `${name}.stddev`, { min: 0, minExclusive: true });
    else if (key === 'gain') out.gain = v === undefined ? def : number(v, `${name}.gain`, { min: 0, minExclusive: true });
    else out[key] = v === undefined ? def : number(v, `${name}.${key}`);
  }
  if (className === 'RandomUniform' && (out.minval as number) >= (out.maxval as number)) {
    throw new RangeError(
      `Expected ${name}.minval < ${name}.maxval but received minval ${out.minval} and maxval ${out.maxval}`,
    );
  }
  return { className, config: out } as InitializerConfig;
}

/** Checks an initializer option and returns its fully defaulted config form. */
export function initializer(value: unknown, name: string): InitializerConfig {
  if (value instanceof Initializer) return value.getConfig();
  if (typeof value === 'string') {
    const cls = BY_NAME[value] ?? (CLASS_NAMES as string[]).find((c) => c === value);
    if (cls) return initializerConfig(cls as InitializerClassName, {}, name);
    const accepted = Object.keys(BY_NAME).filter((k) => !k.includes('_'));
    const near = nearest(value, [...Object.keys(BY_NAME), ...CLASS_NAMES]);
    throw new RangeError(
      `Expected an initializer name (${accepted.map((a) => `'${a}'`).join(', ')}) or an initializers.* object ` +
        `for ${name} but received ${describe(value)}` +
        (near ? ` (did you mean '${near}'?)` : ''),
    );
  }
  if (isPlainObject(value) && typeof value.className === 'string') {
    const cls = value.className;
    if (!(CLASS_NAMES as string[]).includes(cls)) {
      const near = nearest(cls, CLASS_NAMES);
      throw new RangeError(
        `Expected an initializer class (${CLASS_NAMES.join(', ')}) for ${name}.className but received ${describe(cls)}` +
          (near ? ` (did you mean '${near}'?)` : ''),
      );
    }
    checkOptions(value, name, ['className', 'config']);
    return initializerConfig(cls as InitializerClassName, value.config, `${name}.config`);
  }
  throw new TypeError(
    `Expected an initializer name or an initializers.* object for ${name} but received ${describe(value)} of type ${value === null ? 'null' : typeof value}`,
  );
}

/** `{ seed }`: an integer >= 0 makes the draw reproducible. Defaults to `null` (random). */
export interface SeedArgs {
  seed?: number | null;
}

function make(className: InitializerClassName, args: unknown, factory: string): Initializer {
  return new Initializer(initializerConfig(className, args, `initializers.${factory}`));
}

/**
 * Factories for Keras's initializers (tfjs names). Each returns an {@link Initializer} for a
 * layer option, e.g. `layers.lstm({ units: 8, recurrentInitializer: initializers.orthogonal({ gain: 2 }) })`.
 *
 * @example
 * const init = initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: 42 });
 */
export const initializers = {
  /** Glorot (Xavier) uniform: U(-l, l) with l = sqrt(6 / (fanIn + fanOut)). */
  glorotUniform: (args?: SeedArgs) => make('GlorotUniform', args, 'glorotUniform'),
  /** Glorot (Xavier) normal: truncated N(0, 2 / (fanIn + fanOut)). */
  glorotNormal: (args?: SeedArgs) => make('GlorotNormal', args, 'glorotNormal'),
  /** He uniform: U(-l, l) with l = sqrt(6 / fanIn). */
  heUniform: (args?: SeedArgs) => make('HeUniform', args, 'heUniform'),
  /** He normal: truncated N(0, 2 / fanIn). */
  heNormal: (args?: SeedArgs) => make('HeNormal', args, 'heNormal'),
  /** LeCun uniform: U(-l, l) with l = sqrt(3 / fanIn). */
  lecunUniform: (args?: SeedArgs) => make('LecunUniform', args, 'lecunUniform'),
  /** LeCun normal: truncated N(0, 1 / fanIn). */
  lecunNormal: (args?: SeedArgs) => make('LecunNormal', args, 'lecunNormal'),
  /** An orthogonal matrix times `gain` (defaults to `1`). */
  orthogonal: (args?: SeedArgs & { gain?: number }) => make('Orthogonal', args, 'orthogonal'),
  /** All zeros. */
  zeros: () => make('Zeros', undefined, 'zeros'),
  /** All ones. */
  ones: () => make('Ones', undefined, 'ones'),
  /** Every value `value` (defaults to `0`). */
  constant: (args?: { value?: number }) => make('Constant', args, 'constant'),
  /** U(minval, maxval); defaults to `minval: -0.05`, `maxval: 0.05`. */
  randomUniform: (args?: SeedArgs & { minval?: number; maxval?: number }) => make('RandomUniform', args, 'randomUniform'),
  /** N(mean, stddev); defaults to `mean: 0`, `stddev: 0.05`. */
  randomNormal: (args?: SeedArgs & { mean?: number; stddev?: number }) => make('RandomNormal', args, 'randomNormal'),
  /** N(mean, stddev) redrawn beyond two stddevs; defaults to `mean: 0`, `stddev: 0.05`. */
  truncatedNormal: (args?: SeedArgs & { mean?: number; stddev?: number }) =>
    make('TruncatedNormal', args, 'truncatedNormal'),
} as const;

/** @internal For serialization: whether a Keras class name is one we know. */
export function isInitializerClass(value: unknown): value is InitializerClassName {
  return typeof value === 'string' && (CLASS_NAMES as string[]).includes(value);
}
