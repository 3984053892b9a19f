/**
 * The Dropout layer (Keras `keras.layers.Dropout`): in training, zeroes a fraction `rate` of
 * the values and scales the rest by `1 / (1 - rate)`; at inference it is the identity.
 */
import { checkOptions, number } from '../validate.js';
import { type BaseLayerArgs, type BaseLayerConfig, Layer, inputShapeOption, layerName, type Shape, type WeightSpec } from './layer.js';
import type { SymbolicTensor } from './symbolic.js';

/** Options of {@link dropout}. */
export interface DropoutArgs extends BaseLayerArgs {
  /** Fraction of the values dropped in training, in [0, 1). Required. */
  rate: number;
}

/** The fully defaulted config of a {@link Dropout} layer. */
export interface DropoutConfig extends BaseLayerConfig {
  rate: number;
}

/** Every option {@link dropout} accepts. */
export const DROPOUT_OPTIONS = ['rate', 'inputShape', 'name'] as const;

/** Validates Dropout options; `path` names the options in errors. */
export function dropoutConfig(args: unknown, path: string): DropoutConfig {
  if (args === undefined) throw new TypeError(`Expected an options object with rate for ${path} but received undefined`);
  const o = checkOptions<DropoutArgs>(args, path, DROPOUT_OPTIONS);
  const rate = number(o.rate, `${path}.rate`, { min: 0, max: 1, maxExclusive: true });
  const inputShape = inputShapeOption(o.inputShape, path);
  const name = layerName(o.name, path, 'dropout');
  return inputShape ? { name, rate, inputShape } : { name, rate };
}

/** Randomly drops values in training; the identity at inference. */
export class Dropout extends Layer<DropoutConfig, SymbolicTensor> {
  readonly className = 'Dropout' as const;
  readonly minInputRank = 2;
  readonly maxInputRank = Infinity;

  /**
   * @param args the options of {@link dropout}.
   * @param path @internal the options' name in error messages.
   */
  constructor(args: DropoutArgs, path = 'dropout') {
    super(dropoutConfig(args, path));
  }

  /** Fraction of the values dropped in training. */
  get rate(): number {
    return this.config.rate;
  }

  protected outputShapesFor(inputShapes: readonly Shape[]): Shape[] {
    return [[...inputShapes[0]!]];
  }

  protected weightSpecsFor(_inputShapes: readonly Shape[]): WeightSpec[] {
    return [];
  }
}

/**
 * Creates a Dropout layer (Keras `keras.layers.Dropout`).
 *
 * @example
 * layers.dropout({ rate: 0.2 })
 * @throws {TypeError} an unknown option (`noiseShape`, `seed` are not offered) or a wrong type.
 * @throws {RangeError} a rate outside [0, 1).
 */
export function dropout(args: DropoutArgs): Dropout {
  return new Dropout(args, 'dropout');
}
