/**
 * Options of the data-taking methods other than fit: `evaluate`, `predict`, `gradients`,
 * with the option checks they share with `fit`.
 */
import type { Tensor, TensorInput } from '../tensor.js';
import { boolean, checkOptions, describe, integer } from '../validate.js';

/** Options of `evaluate`. */
export interface EvaluateArgs {
  /** Samples per batch. Defaults to `32`. */
  batchSize?: number;
  /** 0: silent; 1 or 2: print the results on one line. Defaults to `1`. */
  verbose?: 0 | 1 | 2;
  /** One weight per sample (`[samples]`) scaling its loss, as in `fit`. Defaults to none. */
  sampleWeight?: TensorInput | Tensor;
}

/** Options of `predict`. */
export interface PredictArgs {
  /** Samples per batch. Defaults to `32`. */
  batchSize?: number;
  /**
   * Keep dropout (and recurrent dropout) active, as Keras's `model(x, training=True)`: each
   * call draws new masks, which is Monte-Carlo dropout (see `forecasting.predictIntervals`).
   * Defaults to `false`.
   */
  training?: boolean;
  /** Seed for the dropout masks when `training` is true. Defaults to a random draw. */
  seed?: number;
}

/** Options of `gradients`. */
export interface GradientsArgs {
  /** Run in training mode (dropout active). Defaults to `false`. */
  training?: boolean;
  /** Seed for the dropout masks when `training` is true. Defaults to a random draw. */
  seed?: number;
  /** One weight per sample (`[samples]`) scaling its loss, as in `fit`. Defaults to none. */
  sampleWeight?: TensorInput | Tensor;
}

/** Validates a `verbose` option: 0, 1, 2 or 'auto' (1). */
export function verboseOption(value: unknown, name: string): 0 | 1 | 2 {
  if (value === undefined || value === 'auto') return 1;
  if (value === 0 || value === 1 || value === 2) return value;
  const what = "0, 1, 2 or 'auto'";
  throw typeof value === 'number'
    ? new RangeError(`Expected ${what} for ${name} but received ${describe(value)}`)
    : new TypeError(`Expected ${what} for ${name} but received ${describe(value)} of type ${typeof value}`);
}

/** Validates a `seed` option: an integer >= 0, or undefined. */
export function seedOption(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  return integer(value, name, { min: 0, max: Number.MAX_SAFE_INTEGER });
}

/** Validates `evaluate` options. */
export function evaluateOptions(args: unknown): { batchSize: number; verbose: 0 | 1 | 2; sampleWeight: unknown } {
  const o = checkOptions<EvaluateArgs>(args, 'evaluate', ['batchSize', 'verbose', 'sampleWeight']);
  return {
    batchSize: o.batchSize === undefined ? 32 : integer(o.batchSize, 'evaluate.batchSize', { min: 1 }),
    verbose: verboseOption(o.verbose, 'evaluate.verbose'),
    sampleWeight: o.sampleWeight,
  };
}

/** Validates `predict` options. */
export function predictOptions(args: unknown): { batchSize: number; training: boolean; seed: number | undefined } {
  const o = checkOptions<PredictArgs>(args, 'predict', ['batchSize', 'training', 'seed']);
  return {
    batchSize: o.batchSize === undefined ? 32 : integer(o.batchSize, 'predict.batchSize', { min: 1 }),
    training: o.training === undefined ? false : boolean(o.training, 'predict.training'),
    seed: seedOption(o.seed, 'predict.seed'),
  };
}

/** Validates `gradients` options. */
export function gradientsOptions(args: unknown): { training: boolean; seed: number | undefined; sampleWeight: unknown } {
  const o = checkOptions<GradientsArgs>(args, 'gradients', ['training', 'seed', 'sampleWeight']);
  return {
    training: o.training === undefined ? false : boolean(o.training, 'gradients.training'),
    seed: seedOption(o.seed, 'gradients.seed'),
    sampleWeight: o.sampleWeight,
  };
}
