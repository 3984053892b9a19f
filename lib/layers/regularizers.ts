/**
 * Weight and activity regularizers, Keras's (`keras.regularizers`): L1, L2 and L1L2.
 *
 * A layer option (`kernelRegularizer`, `recurrentRegularizer`, `biasRegularizer`,
 * `activityRegularizer`, ...) takes an object from a factory here (`regularizers.l2(0.01)`), a
 * name (`'l1'`, `'l2'`, `'l1l2'`: Keras's default factor 0.01), the config form a layer's
 * `getConfig()` returns (`{ className: 'L2', config: { l2: 0.01 } }`), or `null` for none.
 * The penalty (`l1 * sum(|w|) + l2 * sum(w^2)`; for activity regularizers, on the layer's
 * outputs) is added to the loss that training minimizes and that `fit`/`evaluate` report.
 */
import { checkOptions, describe, isPlainObject, nearest, number } from '../validate.js';

/** The config form of a regularizer, fully defaulted. */
export type RegularizerConfig =
  | { className: 'L1'; config: { l1: number } }
  | { className: 'L2'; config: { l2: number } }
  | { className: 'L1L2'; config: { l1: number; l2: number } };

/** A Keras regularizer class name. */
export type RegularizerClassName = RegularizerConfig['className'];

/** A regularizer made by one of the factories of {@link regularizers}. */
export class Regularizer {
  readonly className: RegularizerClassName;
  readonly config: Readonly<Record<string, number>>;

  /** @internal Use the factories of {@link regularizers}. */
  constructor(spec: RegularizerConfig) {
    this.className = spec.className;
    this.config = Object.freeze({ ...spec.config });
  }

  /** The config form (`{ className, config }`). */
  getConfig(): RegularizerConfig {
    return { className: this.className, config: { ...this.config } } as RegularizerConfig;
  }
}

/** What a regularizer option accepts. */
export type RegularizerIdentifier = 'l1' | 'l2' | 'l1l2' | 'l1_l2' | Regularizer | RegularizerConfig | null;

/** Keras's default factor for `l1`, `l2` and the names. */
const DEFAULT_FACTOR = 0.01;

function factor(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  return number(value, name, { min: 0 });
}

function l1(value?: number | { l1?: number }): Regularizer {
  const v = isPlainObject(value) ? checkOptions<{ l1?: number }>(value, 'regularizers.l1', ['l1']).l1 : value;
  return new Regularizer({ className: 'L1', config: { l1: factor(v, 'regularizers.l1', DEFAULT_FACTOR) } });
}

function l2(value?: number | { l2?: number }): Regularizer {
  const v = isPlainObject(value) ? checkOptions<{ l2?: number }>(value, 'regularizers.l2', ['l2']).l2 : value;
  return new Regularizer({ className: 'L2', config: { l2: factor(v, 'regularizers.l2', DEFAULT_FACTOR) } });
}

function l1l2(args?: { l1?: number; l2?: number }): Regularizer {
  const o = checkOptions<{ l1?: number; l2?: number }>(args ?? {}, 'regularizers.l1l2', ['l1', 'l2']);
  // Keras's L1L2 defaults both factors to 0.0; the `l1_l2` shortcut defaults them to 0.01.
  return new Regularizer({
    className: 'L1L2',
    config: { l1: factor(o.l1, 'regularizers.l1l2.l1', 0), l2: factor(o.l2, 'regularizers.l1l2.l2', 0) },
  });
}

/**
 * Regularizer factories, Keras's `keras.regularizers`.
 *
 * @example
 * layers.dense({ units: 8, kernelRegularizer: regularizers.l2(1e-4), activityRegularizer: regularizers.l1(1e-5) });
 */
export const regularizers = {
  /** `l1 * sum(|x|)`. The factor defaults to `0.01`. */
  l1,
  /** `l2 * sum(x^2)`. The factor defaults to `0.01`. */
  l2,
  /** Both penalties; each factor defaults to `0` (Keras `L1L2`). */
  l1l2,
} as const;

const NAMES: Readonly<Record<string, () => Regularizer>> = {
  l1: () => l1(),
  l2: () => l2(),
  l1l2: () => l1l2({ l1: DEFAULT_FACTOR, l2: DEFAULT_FACTOR }),
  l1_l2: () => l1l2({ l1: DEFAULT_FACTOR, l2: DEFAULT_FACTOR }),
};

/**
 * Validates a regularizer option; `name` is its path in errors (`layers[0].kernelRegularizer`).
 * Returns the config form, or `null` for none.
 */
export function regularizerOption(value: unknown, name: string): RegularizerConfig | null {
  if (value === undefined || value === null) return null;
  if (value instanceof Regularizer) return value.getConfig();
  if (typeof value === 'string') {
    const make = NAMES[value];
    if (!make) {
      const near = nearest(value, Object.keys(NAMES));
      throw new RangeError(
        `Expected one of 'l1', 'l2', 'l1l2' or a regularizers.* object for ${name} but received ${describe(value)}` +
          (near ? ` (did you mean '${near}'?)` : ''),
      );
    }
    return make().getConfig();
  }
  if (isPlainObject(value) && typeof value.className === 'string') {
    const o = checkOptions<{ className: string; config?: Record<string, unknown> }>(value, name, ['className', 'config']);
    const config = isPlainObject(o.config) ? o.config : {};
    switch (o.className) {
      case 'L1':
        return { className: 'L1', config: { l1: factor(config.l1, `${name}.config.l1`, DEFAULT_FACTOR) } };
      case 'L2':
        return { className: 'L2', config: { l2: factor(config.l2, `${name}.config.l2`, DEFAULT_FACTOR) } };
      case 'L1L2':
        return {
          className: 'L1L2',
          config: { l1: factor(config.l1, `${name}.config.l1`, 0), l2: factor(config.l2, `${name}.config.l2`, 0) },
        };
      default:
        throw new RangeError(`Expected className 'L1', 'L2' or 'L1L2' for ${name}.className but received ${describe(o.className)}`);
    }
  }
  throw new TypeError(
    `Expected a regularizer (regularizers.l1/l2/l1l2(...), 'l1', 'l2', 'l1l2' or null) for ${name} but received ${describe(value)} of type ${typeof value}`,
  );
}

/** Config form -> Keras JSON (`{ class_name, config }`), or `null`. */
export function regularizerToKeras(config: RegularizerConfig | null): { class_name: string; config: Record<string, number> } | null {
  if (config === null) return null;
  return { class_name: config.className, config: { ...config.config } };
}

/** Keras JSON of a regularizer (`null`, a name, or `{ class_name, config }`) -> config form. */
export function regularizerFromKeras(json: unknown, path: string): RegularizerConfig | null {
  if (json === null || json === undefined) return null;
  if (typeof json === 'string') return regularizerOption(json, path);
  if (isPlainObject(json) && typeof json.class_name === 'string') {
    return regularizerOption({ className: json.class_name, config: isPlainObject(json.config) ? json.config : {} }, path);
  }
  throw new TypeError(`Expected a Keras regularizer ({ class_name, config } or null) for ${path} but received ${describe(json)}`);
}
