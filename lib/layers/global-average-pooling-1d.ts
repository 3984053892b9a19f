/**
 * The GlobalAveragePooling1D layer (Keras `keras.layers.GlobalAveragePooling1D`): the mean over
 * time, `[batch, steps, features] -> [batch, features]`. Under a mask (from
 * `embedding({ maskZero: true })`, `masking()` or a recurrent layer with `returnSequences`) the
 * masked steps are left out of the mean; the output carries no mask.
 */
import { GlobalPooling1D, type GlobalPooling1DArgs, globalPooling1DConfig, type GlobalPooling1DConfig } from './global-pooling-1d.js';

/** Options of {@link globalAveragePooling1d}. */
export type GlobalAveragePooling1DArgs = GlobalPooling1DArgs;
/** The fully defaulted config of a {@link GlobalAveragePooling1D} layer. */
export type GlobalAveragePooling1DConfig = GlobalPooling1DConfig;

/** The (mask-aware) mean over the steps of a sequence. */
export class GlobalAveragePooling1D extends GlobalPooling1D {
  readonly className = 'GlobalAveragePooling1D' as const;

  /**
   * @param args the options of {@link globalAveragePooling1d}.
   * @param path @internal the options' name in error messages.
   */
  constructor(args: GlobalAveragePooling1DArgs = {}, path = 'globalAveragePooling1d') {
    super(globalPooling1DConfig(args, path, 'global_average_pooling1d'));
  }
}

/**
 * Creates a GlobalAveragePooling1D layer (Keras `keras.layers.GlobalAveragePooling1D`).
 *
 * @example
 * layers.globalAveragePooling1d()
 * @throws {TypeError} an unknown option or a wrong type.
 * @throws {RangeError} an unknown dataFormat.
 */
export function globalAveragePooling1d(args: GlobalAveragePooling1DArgs = {}): GlobalAveragePooling1D {
  return new GlobalAveragePooling1D(args, 'globalAveragePooling1d');
}
