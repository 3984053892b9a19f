/**
 * The Masking layer (Keras `keras.layers.Masking`): marks the timesteps whose features all
 * equal `maskValue` as padding. Its output is the input with those timesteps zeroed (Keras
 * computes `inputs * mask`), carrying the mask `any(x != maskValue, axis=-1)` for the layers
 * after it: recurrent layers and `bidirectional` skip masked steps.
 */
import { checkOptions, number } from '../validate.js';
import { type BaseLayerArgs, type BaseLayerConfig, Layer, inputShapeOption, layerName, type Shape, type WeightSpec } from './layer.js';
import type { SymbolicTensor } from './symbolic.js';

/** Options of {@link masking}. */
export interface MaskingArgs extends BaseLayerArgs {
  /** A timestep is masked when every one of its features equals this value. Defaults to `0`. */
  maskValue?: number;
  /** `[timesteps, features]` of one sample (`timesteps` may be `null`). */
  inputShape?: readonly (number | null)[] | null;
}

/** The fully defaulted config of a {@link Masking} layer. */
export interface MaskingConfig extends BaseLayerConfig {
  maskValue: number;
}

/** Every option {@link masking} accepts. */
export const MASKING_OPTIONS = ['maskValue', 'inputShape', 'name'] as const;

/** Validates Masking options and fills the defaults; `path` names the options in errors. */
export function maskingConfig(args: unknown, path: string): MaskingConfig {
  const o = checkOptions<MaskingArgs>(args, path, MASKING_OPTIONS);
  const maskValue = o.maskValue === undefined ? 0 : number(o.maskValue, `${path}.maskValue`);
  const inputShape = inputShapeOption(o.inputShape, path, {
    rank: 2,
    what: 'an array [timesteps, features] (timesteps may be null)',
  });
  const name = layerName(o.name, path, 'masking');
  return inputShape ? { name, maskValue, inputShape } : { name, maskValue };
}

/** Masks (and zeroes) the timesteps whose features all equal `maskValue`. */
export class Masking extends Layer<MaskingConfig, SymbolicTensor> {
  readonly className = 'Masking' as const;
  readonly minInputRank = 3;
  readonly maxInputRank = 3;

  /**
   * @param args the options of {@link masking}.
   * @param path @internal the options' name in error messages.
   */
  constructor(args: MaskingArgs = {}, path = 'masking') {
    super(maskingConfig(args, path));
  }

  /** The value that marks a padded timestep. */
  get maskValue(): number {
    return this.config.maskValue;
  }

  protected outputShapesFor(inputShapes: readonly Shape[]): Shape[] {
    return [[...inputShapes[0]!]];
  }

  protected weightSpecsFor(_inputShapes: readonly Shape[]): WeightSpec[] {
    return [];
  }
}

/**
 * Creates a Masking layer (Keras `keras.layers.Masking`).
 *
 * @example
 * // Sequences padded with -1 to 20 steps of 3 features.
 * const model = sequential([
 *   layers.masking({ maskValue: -1, inputShape: [20, 3] }),
 *   layers.lstm({ units: 16 }),
 *   layers.dense({ units: 1 }),
 * ]);
 * @throws {TypeError} an unknown option or a wrong type.
 * @throws {RangeError} an inputShape other than `[timesteps, features]`.
 */
export function masking(args?: MaskingArgs): Masking {
  return new Masking(args, 'masking');
}
