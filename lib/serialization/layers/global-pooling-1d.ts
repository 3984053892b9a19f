/** Keras JSON of GlobalAveragePooling1D and GlobalMaxPooling1D, both ways (`data_format`, `keepdims`). */
import { GlobalAveragePooling1D } from '../../layers/global-average-pooling-1d.js';
import { GlobalMaxPooling1D } from '../../layers/global-max-pooling-1d.js';
import type { GlobalPooling1D, GlobalPooling1DArgs } from '../../layers/global-pooling-1d.js';
import { describe } from '../../validate.js';
import { ANY, BASE_IGNORABLE, type Ignorable, kerasArgs } from '../keras-common.js';
import type { LayerSerializer } from './serializer.js';

const KEYS = { name: 'name', data_format: 'dataFormat', keepdims: 'keepdims' } as const;
const IGNORABLE: Ignorable = { ...BASE_IGNORABLE, batch_input_shape: ANY, input_shape: ANY };

function toKeras(layer: GlobalPooling1D): Record<string, unknown> {
  const c = layer.getConfig();
  return {
    name: c.name,
    trainable: true,
    dtype: 'float32',
    data_format: c.dataFormat === 'channelsLast' ? 'channels_last' : 'channels_first',
    keepdims: c.keepdims,
  };
}

function argsFromKeras(config: Record<string, unknown>, path: string, inputShape: unknown): GlobalPooling1DArgs {
  const args = kerasArgs(config, `${path}.config`, KEYS, IGNORABLE);
  if (args.dataFormat === null) delete args.dataFormat;  // Keras: the image_data_format default, channels_last
  else if (args.dataFormat !== undefined) {
    const map: Record<string, string> = { channels_last: 'channelsLast', channels_first: 'channelsFirst' };
    const value = map[args.dataFormat as string];
    if (value === undefined) {
      throw new RangeError(`Expected 'channels_last' or 'channels_first' for ${path}.config.data_format but received ${describe(args.dataFormat)}`);
    }
    args.dataFormat = value;
  }
  return { ...args, ...(inputShape === undefined ? {} : { inputShape }) } as unknown as GlobalPooling1DArgs;
}

/** GlobalAveragePooling1D's Keras JSON converter. */
export const globalAveragePooling1DSerializer: LayerSerializer<GlobalAveragePooling1D> = {
  className: 'GlobalAveragePooling1D',
  is: (layer): layer is GlobalAveragePooling1D => layer instanceof GlobalAveragePooling1D,
  toKeras,
  fromKeras: (config, path, inputShape) => new GlobalAveragePooling1D(argsFromKeras(config, path, inputShape), path),
};

/** GlobalMaxPooling1D's Keras JSON converter. */
export const globalMaxPooling1DSerializer: LayerSerializer<GlobalMaxPooling1D> = {
  className: 'GlobalMaxPooling1D',
  is: (layer): layer is GlobalMaxPooling1D => layer instanceof GlobalMaxPooling1D,
  toKeras,
  fromKeras: (config, path, inputShape) => new GlobalMaxPooling1D(argsFromKeras(config, path, inputShape), path),
};
