/**
 * The GaussianNoise layer (Keras `keras.layers.GaussianNoise`): in training, adds zero-mean
 * Gaussian noise of standard deviation `stddev` to its input (data augmentation, a
 * regularizer); at inference it is the identity. A mask passes through unchanged.
 */
import { checkOptions, number } from '../validate.js';
import { type BaseLayerArgs, type BaseLayerConfig, Layer, inputShapeOption, layerName, type Shape, type WeightSpec } from './layer.js';
import type { SymbolicTensor } from './symbolic.js';

/** Options of {@link gaussianNoise}. */
export interface GaussianNoiseArgs extends BaseLayerArgs {
  /** Standard deviation of the noise added in training (>= 0). Required. */
  stddev: number;
}

/** The fully defaulted config of a {@link GaussianNoise} layer. */
export interface GaussianNoiseConfig extends BaseLayerConfig {
  stddev: number;
}

/** Every option {@link gaussianNoise} accepts. */
export const GAUSSIAN_NOISE_OPTIONS = ['stddev', 'inputShape', 'name'] as const;

/** Validates GaussianNoise options; `path` names the options in errors. */
export function gaussianNoiseConfig(args: unknown, path: string): GaussianNoiseConfig {
  if (args === undefined) throw new TypeError(`Expected an options object with stddev for ${path} but received undefined`);
  const o = checkOptions<GaussianNoiseArgs>(args, path, GAUSSIAN_NOISE_OPTIONS);
  const stddev = number(o.stddev, `${path}.stddev`, { min: 0 });
  const inputShape = inputShapeOption(o.inputShape, path);
  const name = layerName(o.name, path, 'gaussian_noise');
  return inputShape ? { name, stddev, inputShape } : { name, stddev };
}

/** Adds Gaussian noise in training; the identity at inference. */
export class GaussianNoise extends Layer<GaussianNoiseConfig, SymbolicTensor> {
  readonly className = 'GaussianNoise' as const;
  readonly minInputRank = 2;
  readonly maxInputRank = Infinity;

  /**
   * @param args the options of {@link gaussianNoise}.
   * @param path @internal the options' name in error messages.
   */
  constructor(args: GaussianNoiseArgs, path = 'gaussianNoise') {
    super(gaussianNoiseConfig(args, path));
  }

  /** Standard deviation of the training noise. */
  get stddev(): number {
    return this.config.stddev;
  }

  protected outputShapesFor(inputShapes: readonly Shape[]): Shape[] {
    return [[...inputShapes[0]!]];
  }

  protected weightSpecsFor(_inputShapes: readonly Shape[]): WeightSpec[] {
    return [];
  }
}

/**
 * Creates a GaussianNoise layer (Keras `keras.layers.GaussianNoise`). The noise is drawn from
 * the generator of `fit` (its `seed` makes it reproducible).
 *
 * @example
 * const model = sequential([
 *   layers.gaussianNoise({ stddev: 0.05, inputShape: [30, 1] }),
 *   layers.lstm({ units: 32 }),
 *   layers.dense({ units: 1 }),
 * ]);
 * @throws {TypeError} an unknown option (`seed` is not offered: `fit`'s seed draws the noise) or a wrong type.
 * @throws {RangeError} a negative stddev.
 */
export function gaussianNoise(args: GaussianNoiseArgs): GaussianNoise {
  return new GaussianNoise(args, 'gaussianNoise');
}
