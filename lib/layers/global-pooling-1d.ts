/**
 * What GlobalAveragePooling1D and GlobalMaxPooling1D share (Keras `BaseGlobalPooling`): the
 * options `dataFormat` and `keepdims`, and the output shape of a pooling over time.
 */
import { checkOptions, oneOf } from '../validate.js';
import { type BaseLayerArgs, type BaseLayerConfig, Layer, inputShapeOption, layerName, type Shape, type WeightSpec } from './layer.js';
import { orDefault } from './rnn-base.js';
import type { SymbolicTensor } from './symbolic.js';

/** Options of the global 1-D pooling layers. */
export interface GlobalPooling1DArgs extends BaseLayerArgs {
  /**
   * The input layout: `'channelsLast'` is `[batch, steps, features]`, `'channelsFirst'` is
   * `[batch, features, steps]` (Keras `channels_last` / `channels_first`). Defaults to `'channelsLast'`.
   */
  dataFormat?: 'channelsLast' | 'channelsFirst';
  /** Keep the pooled axis with length 1. Defaults to `false`. */
  keepdims?: boolean;
}

/** The fully defaulted config of a global 1-D pooling layer. */
export interface GlobalPooling1DConfig extends BaseLayerConfig {
  dataFormat: 'channelsLast' | 'channelsFirst';
  keepdims: boolean;
}

/** Every option of the global 1-D pooling layers. */
export const GLOBAL_POOLING_1D_OPTIONS = ['dataFormat', 'keepdims', 'inputShape', 'name'] as const;

/** Validates the options; `prefix` is the default name's stem. */
export function globalPooling1DConfig(args: unknown, path: string, prefix: string): GlobalPooling1DConfig {
  const o = checkOptions<GlobalPooling1DArgs>(args ?? {}, path, GLOBAL_POOLING_1D_OPTIONS);
  const config = {
    dataFormat: o.dataFormat === undefined ? ('channelsLast' as const) : oneOf(o.dataFormat, `${path}.dataFormat`, ['channelsLast', 'channelsFirst'] as const),
    keepdims: orDefault(o.keepdims, `${path}.keepdims`, false),
  };
  const inputShape = inputShapeOption(o.inputShape, path, { rank: 2, what: 'an array of 2 entries (steps and features)' });
  const name = layerName(o.name, path, prefix);
  return inputShape ? { name, ...config, inputShape } : { name, ...config };
}

/** The base of the global 1-D pooling layers: input `[batch, steps, features]` (channelsLast). */
export abstract class GlobalPooling1D extends Layer<GlobalPooling1DConfig, SymbolicTensor> {
  readonly minInputRank = 3;
  readonly maxInputRank = 3;

  protected outputShapesFor(inputShapes: readonly Shape[]): Shape[] {
    const [batch, a, b] = inputShapes[0]!;
    const last = this.config.dataFormat === 'channelsLast';
    const features = (last ? b : a) ?? null;
    if (!this.config.keepdims) return [[batch ?? null, features]];
    return [last ? [batch ?? null, 1, features] : [batch ?? null, features, 1]];
  }

  protected weightSpecsFor(_inputShapes: readonly Shape[]): WeightSpec[] {
    return [];
  }
}
