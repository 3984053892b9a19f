/** Keras JSON of the Add layer (`keras.layers.Add`), both ways; called on a list. */
import { Add, type AddArgs } from '../../layers/add.js';
import { BASE_IGNORABLE, kerasArgs } from '../keras-common.js';
import { type LayerSerializer, LIST_CALL } from './serializer.js';

/** Add's Keras JSON converter. */
export const addSerializer: LayerSerializer<Add> = {
  className: 'Add',
  is: (layer): layer is Add => layer instanceof Add,
  call: LIST_CALL,
  toKeras(layer) {
    return { name: layer.name, trainable: true, dtype: 'float32' };
  },
  fromKeras(config, path) {
    const args = kerasArgs(config, `${path}.config`, { name: 'name' }, BASE_IGNORABLE);
    return new Add(args as AddArgs, path);
  },
};
