/**
 * Losses, Keras's (`keras.losses`), as configs for the engine: each is averaged over the
 * batch (Keras's `sum_over_batch_size`) and computed in float32 by the engine.
 */
import { checkOptions, describe, isPlainObject, nearest, number } from '../validate.js';

/** A loss as data: Keras class name and config. */
export type LossSpec =
  | { className: 'MeanSquaredError'; config: Record<string, never> }
  | { className: 'MeanAbsoluteError'; config: Record<string, never> }
  | { className: 'Huber'; config: { delta: number } }
  | { className: 'LogCosh'; config: Record<string, never> };

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
};

/** The loss names `compile` accepts. */
export const LOSS_NAMES = Object.keys(BY_NAME);

const SHORT_NAMES = ['mse', 'mae', 'huber', 'logcosh'];

/** Validates a loss config for class `className` and fills its defaults. */
export function lossSpec(className: LossClassName, config: unknown, name: string): LossSpec {
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
} as const;
