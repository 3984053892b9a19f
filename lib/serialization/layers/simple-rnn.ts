/** Keras JSON of the SimpleRNN layer (`keras.layers.SimpleRNN`), both ways. */
import { SimpleRNN, type SimpleRNNArgs } from '../../layers/simple-rnn.js';
import { recurrentArgsFromKeras, recurrentToKeras } from './recurrent.js';
import { type LayerSerializer, RECURRENT_CALL } from './serializer.js';

/** The SimpleRNN's Keras JSON converter. */
export const simpleRNNSerializer: LayerSerializer<SimpleRNN> = {
  className: 'SimpleRNN',
  is: (layer): layer is SimpleRNN => layer instanceof SimpleRNN,
  call: RECURRENT_CALL,
  toKeras(layer) {
    return recurrentToKeras(layer.getConfig());
  },
  fromKeras(config, path, inputShape) {
    const args = recurrentArgsFromKeras(config, path);
    return new SimpleRNN({ ...args, ...(inputShape === undefined ? {} : { inputShape }) } as unknown as SimpleRNNArgs, path);
  },
};
