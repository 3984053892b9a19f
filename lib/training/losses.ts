/**
 * Losses, Keras's (`keras.losses`), as configs for the engine: each is averaged over the
 * batch (Keras's `sum_over_batch_size`, weighted by `sampleWeight` when given) and computed in
 * float32 by the engine. Regression: mse, mae, huber, logcosh. Classification: binary,
 * categorical and sparse categorical crossentropy.
 */
import { boolean, checkOptions, describe, isPlainObject, nearest, number } from '../validate.js';

/** Options of the crossentropy losses (Keras's, camelCase). */
export interface CrossentropyArgs {
  /** Whether the model outputs logits rather than probabilities (sigmoid / softmax applied in the loss). Defaults to `false`. */
  fromLogits?: boolean;
  /** In [0, 1]: targets are smoothed towards 0.5 (binary) or 1/classes (categorical). Defaults to `0`. */
  labelSmoothing?: number;
}

/** Options of the sparse categorical crossentropy (Keras's, camelCase). */
export interface SparseCrossentropyArgs {
  /** Whether the model outputs logits rather than probabilities (softmax applied in the loss). Defaults to `false`. */
  fromLogits?: boolean;
}

/** A loss as data: Keras class name and config. */
export type LossSpec =
  | { className: 'MeanSquaredError'; config: Record<string, never> }
  | { className: 'MeanAbsoluteError'; config: Record<string, never> }
  | { className: 'Huber'; config: { delta: number } }
  | { className: 'LogCosh'; config: Record<string, never> }
  | { className: 'BinaryCrossentropy'; config: { fromLogits: boolean; labelSmoothing: number } }
  | { className: 'CategoricalCrossentropy'; config: { fromLogits: boolean; labelSmoothing: number } }
  | { className: 'SparseCategoricalCrossentropy'; config: { fromLogits: boolean } };

export type LossClassName = LossSpec['className'];

/** A loss object (from {@link losses}), accepted by `compile({ loss })`. */
export class Loss {
  readonly className: LossClassName;
  readonly #config: Readonly<LossSpec['config']>;

  /** @internal Use the factories of {@link losses}. */
  constructor(spec: LossSpec) {
    this.className = spec.className;
    this.#config = Object.freeze({ ...spec.config });
  }

  /** The fully defaulted config (`{}` or `{ delta }`). */
  getConfig(): LossSpec['config'] {
    return { ...this.#config };
  }

  /** The spec (class name and config). */
  toSpec(): LossSpec {
    return { className: this.className, config: this.getConfig() } as LossSpec;
  }
}

/** Names accepted by `compile({ loss })`: Keras's short and long names, tfjs camelCase, class names. */
const BY_NAME: Readonly<Record<string, LossClassName>> = {
  mse: 'MeanSquaredError',
  mean_squared_error: 'MeanSquaredError',
  meanSquaredError: 'MeanSquaredError',
  MeanSquaredError: 'MeanSquaredError',
  mae: 'MeanAbsoluteError',
  mean_absolute_error: 'MeanAbsoluteError',
  meanAbsoluteError: 'MeanAbsoluteError',
  MeanAbsoluteError: 'MeanAbsoluteError',
  huber: 'Huber',
  Huber: 'Huber',
  logcosh: 'LogCosh',
  log_cosh: 'LogCosh',
  logCosh: 'LogCosh',
  LogCosh: 'LogCosh',
  binary_crossentropy: 'BinaryCrossentropy',
  binaryCrossentropy: 'BinaryCrossentropy',
  BinaryCrossentropy: 'BinaryCrossentropy',
  categorical_crossentropy: 'CategoricalCrossentropy',
  categoricalCrossentropy: 'CategoricalCrossentropy',
  CategoricalCrossentropy: 'CategoricalCrossentropy',
  sparse_categorical_crossentropy: 'SparseCategoricalCrossentropy',
  sparseCategoricalCrossentropy: 'SparseCategoricalCrossentropy',
  SparseCategoricalCrossentropy: 'SparseCategoricalCrossentropy',
};

/** The crossentropy losses: classification, with targets of classes. */
export const CROSSENTROPY_CLASSES: readonly LossClassName[] = ['BinaryCrossentropy', 'CategoricalCrossentropy', 'SparseCategoricalCrossentropy'];

/** The loss names `compile` accepts. */
export const LOSS_NAMES = Object.keys(BY_NAME);

const SHORT_NAMES = ['mse', 'mae', 'huber', 'logcosh', 'binary_crossentropy', 'categorical_crossentropy', 'sparse_categorical_crossentropy'];

/** Validates a loss config for class `className` and fills its defaults. */
export function lossSpec(className: LossClassName, config: unknown, name: string): LossSpec {
  if (className === 'BinaryCrossentropy' || className === 'CategoricalCrossentropy') {
    const o = checkOptions<CrossentropyArgs>(config ?? {}, name, ['fromLogits', 'labelSmoothing']);
    return {
      className,
      config: {
        fromLogits: o.fromLogits === undefined ? false : boolean(o.fromLogits, `${name}.fromLogits`),
        labelSmoothing: o.labelSmoothing === undefined ? 0 : number(o.labelSmoothing, `${name}.labelSmoothing`, { min: 0, max: 1 }),
      },
    };
  }
  if (className === 'SparseCategoricalCrossentropy') {
    const o = checkOptions<SparseCrossentropyArgs>(config ?? {}, name, ['fromLogits']);
    return { className, config: { fromLogits: o.fromLogits === undefined ? false : boolean(o.fromLogits, `${name}.fromLogits`) } };
  }
  if (className === 'Huber') {
    const o = checkOptions<{ delta?: number }>(config ?? {}, name, ['delta']);
    return { className, config: { delta: o.delta === undefined ? 1.0 : number(o.delta, `${name}.delta`, { min: 0, minExclusive: true }) } };
  }
  checkOptions(config ?? {}, name, []);
  return { className, config: {} } as LossSpec;
}

/** Resolves a loss option (a name or a {@link Loss}) to a Loss. */
export function loss(value: unknown, name: string): Loss {
  if (value instanceof Loss) return value;
  if (typeof value === 'string') {
    const cls = BY_NAME[value];
    if (cls) return new Loss(lossSpec(cls, {}, name));
    const near = nearest(value, LOSS_NAMES);
    throw new RangeError(
      `Expected one of ${SHORT_NAMES.map((n) => `'${n}'`).join(', ')} (or their Keras long names) or a losses.* object for ${name} ` +
        `but received ${describe(value)}` + (near ? ` (did you mean '${near}'?)` : ''),
    );
  }
  throw new TypeError(
    `Expected a loss name (${SHORT_NAMES.map((n) => `'${n}'`).join(', ')}) or a losses.* object for ${name} ` +
      `but received ${describe(value)} of type ${value === null ? 'null' : isPlainObject(value) ? 'object' : typeof value}`,
  );
}

/** The class a loss name stands for, or undefined. */
export function lossClassOf(value: string): LossClassName | undefined {
  return BY_NAME[value];
}

/**
 * Loss factories (tfjs names, Keras math).
 *
 * @example
 * model.compile({ optimizer: 'adam', loss: losses.huber({ delta: 0.5 }) });
 * model.compile({ optimizer: 'adam', loss: losses.binaryCrossentropy({ labelSmoothing: 0.1 }), metrics: ['accuracy'] });
 */
export const losses = {
  /** mean((y - yhat)^2). */
  meanSquaredError: () => new Loss({ className: 'MeanSquaredError', config: {} }),
  /** mean(|y - yhat|). */
  meanAbsoluteError: () => new Loss({ className: 'MeanAbsoluteError', config: {} }),
  /** Quadratic for |error| <= delta, linear beyond; `delta` defaults to `1.0`. */
  huber: (args?: { delta?: number }) => new Loss(lossSpec('Huber', args, 'losses.huber')),
  /** mean(log(cosh(yhat - y))). */
  logCosh: () => new Loss({ className: 'LogCosh', config: {} }),
  /**
   * -mean(y log p + (1 - y) log(1 - p)) for 0/1 targets (Keras `BinaryCrossentropy`); `fromLogits`
   * and `labelSmoothing` default to `false` and `0`.
   */
  binaryCrossentropy: (args?: CrossentropyArgs) => new Loss(lossSpec('BinaryCrossentropy', args, 'losses.binaryCrossentropy')),
  /** -sum(y log p) over the classes, for one-hot targets (Keras `CategoricalCrossentropy`). */
  categoricalCrossentropy: (args?: CrossentropyArgs) => new Loss(lossSpec('CategoricalCrossentropy', args, 'losses.categoricalCrossentropy')),
  /** -log p[class], for integer class targets `[n]` or `[n, 1]` (Keras `SparseCategoricalCrossentropy`). */
  sparseCategoricalCrossentropy: (args?: SparseCrossentropyArgs) =>
    new Loss(lossSpec('SparseCategoricalCrossentropy', args, 'losses.sparseCategoricalCrossentropy')),
} as const;
