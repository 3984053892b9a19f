/** Keras JSON of the Concatenate layer (`keras.layers.Concatenate`), both ways; called on a list. */
import { Concatenate, type ConcatenateArgs } from '../../layers/concatenate.js';
import { BASE_IGNORABLE, kerasArgs } from '../keras-common.js';
import { type LayerSerializer, LIST_CALL } from './serializer.js';

/** Concatenate's Keras JSON converter. */
export const concatenateSerializer: LayerSerializer<Concatenate> = {
  className: 'Concatenate',
  is: (layer): layer is Concatenate => layer instanceof Concatenate,
  call: LIST_CALL,
  toKeras(layer) {
    const c = layer.getConfig();
    return { name: c.name, trainable: true, dtype: 'float32', axis: c.axis };
  },
  fromKeras(config, path) {
    const args = kerasArgs(config, `${path}.config`, { name: 'name', axis: 'axis' }, BASE_IGNORABLE);
    return new Concatenate(args as ConcatenateArgs, path);
  },
};
