/**
 * Activation names, Keras's (`keras.activations`), checked and normalized in one place.
 *
 * The engine receives only the canonical names of {@link ACTIVATIONS}. Aliases accepted:
 * `'hardSigmoid'` (tfjs spelling) for `'hard_sigmoid'`, `'silu'` for `'swish'`, and `null`
 * for `'linear'` (Keras `activation=None`).
 *
 * Math, as in Keras 3:
 * - `hard_sigmoid(x) = relu6(x + 3) / 6`, i.e. `clip(x / 6 + 0.5, 0, 1)`. This is Keras 3's
 *   definition; tfjs (and Keras 2) used `clip(0.2 * x + 0.5, 0, 1)`, a different function:
 *   models trained with the old one do not carry over exactly.
 * - `gelu` is the exact (erf) form, Keras's default `approximate=False`.
 * - `elu` uses alpha 1; `selu` the usual constants (alpha ~1.6733, scale ~1.0507).
 * - `softmax` runs over the last axis.
 */
import { describe, nearest } from '../validate.js';

/** Canonical activation names, as the engine and Keras JSON spell them. */
export const ACTIVATIONS = [
  'tanh',
  'sigmoid',
  'hard_sigmoid',
  'relu',
  'relu6',
  'linear',
  'softsign',
  'softplus',
  'elu',
  'selu',
  'swish',
  'gelu',
  'exponential',
  'softmax',
] as const;

/** A canonical activation name. */
export type ActivationName = (typeof ACTIVATIONS)[number];

/** What the layer options accept: a canonical name or one of its aliases. */
export type ActivationIdentifier = ActivationName | 'hardSigmoid' | 'silu';

const ALIASES: Readonly<Record<string, ActivationName>> = {
  hardSigmoid: 'hard_sigmoid',
  silu: 'swish',
};

const ACCEPTED: readonly string[] = [...ACTIVATIONS, ...Object.keys(ALIASES)];

/** Checks an activation option and returns its canonical name. */
export function activation(value: unknown, name: string): ActivationName {
  if (value === null) return 'linear';
  if (typeof value !== 'string') {
    throw new TypeError(
      `Expected an activation name (${ACTIVATIONS.map((a) => `'${a}'`).join(', ')}) for ${name} ` +
        `but received ${describe(value)} of type ${typeof value}`,
    );
  }
  if ((ACTIVATIONS as readonly string[]).includes(value)) return value as ActivationName;
  const alias = ALIASES[value];
  if (alias) return alias;
  const near = nearest(value, ACCEPTED);
  throw new RangeError(
    `Expected one of ${ACTIVATIONS.map((a) => `'${a}'`).join(', ')} for ${name} but received ${describe(value)}` +
      (near ? ` (did you mean '${near}'?)` : ''),
  );
}
