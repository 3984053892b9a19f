/**
 * Keras JSON of the TimeDistributed wrapper (`keras.layers.TimeDistributed`), both ways: the
 * wrapped layer is a full `{ class_name, config }` under `layer`, read and written by its own
 * converter.
 */
import { TimeDistributed } from '../../layers/time-distributed.js';
import { ANY, BASE_IGNORABLE, kerasArgs } from '../keras-common.js';
import { layerFromKeras, layerToKeras } from './index.js';
import type { LayerSerializer } from './serializer.js';

/** TimeDistributed's Keras JSON converter. */
export const timeDistributedSerializer: LayerSerializer<TimeDistributed> = {
  className: 'TimeDistributed',
  is: (layer): layer is TimeDistributed => layer instanceof TimeDistributed,
  toKeras(layer) {
    return { name: layer.name, trainable: true, dtype: 'float32', layer: layerToKeras(layer.layer) };
  },
  fromKeras(config, path, inputShape) {
    const args = kerasArgs(config, `${path}.config`, { name: 'name', layer: 'layer' }, { ...BASE_IGNORABLE, batch_input_shape: ANY, input_shape: ANY });
    const layer = layerFromKeras(args.layer, `${path}.config.layer`, []);
    return new TimeDistributed({ ...(args as { name?: string }), layer, ...(inputShape === undefined ? {} : { inputShape }) } as never, path);
  },
};
