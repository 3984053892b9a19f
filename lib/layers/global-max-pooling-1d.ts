/**
 * The GlobalMaxPooling1D layer (Keras `keras.layers.GlobalMaxPooling1D`): the maximum over
 * time, `[batch, steps, features] -> [batch, features]`. It takes no mask (as in Keras, it would
 * count padded steps): a masked input is an error naming the layer; use
 * `globalAveragePooling1d` or a recurrent layer to consume a mask.
 */
import { GlobalPooling1D, type GlobalPooling1DArgs, globalPooling1DConfig, type GlobalPooling1DConfig } from './global-pooling-1d.js';

/** Options of {@link globalMaxPooling1d}. */
export type GlobalMaxPooling1DArgs = GlobalPooling1DArgs;
/** The fully defaulted config of a {@link GlobalMaxPooling1D} layer. */
export type GlobalMaxPooling1DConfig = GlobalPooling1DConfig;

/** The maximum over the steps of a sequence. */
export class GlobalMaxPooling1D extends GlobalPooling1D {
  readonly className = 'GlobalMaxPooling1D' as const;

  /**
   * @param args the options of {@link globalMaxPooling1d}.
   * @param path @internal the options' name in error messages.
   */
  constructor(args: GlobalMaxPooling1DArgs = {}, path = 'globalMaxPooling1d') {
    super(globalPooling1DConfig(args, path, 'global_max_pooling1d'));
  }
}

/**
 * Creates a GlobalMaxPooling1D layer (Keras `keras.layers.GlobalMaxPooling1D`).
 *
 * @example
 * layers.globalMaxPooling1d()
 * @throws {TypeError} an unknown option or a wrong type.
 * @throws {RangeError} an unknown dataFormat.
 */
export function globalMaxPooling1d(args: GlobalMaxPooling1DArgs = {}): GlobalMaxPooling1D {
  return new GlobalMaxPooling1D(args, 'globalMaxPooling1d');
}
