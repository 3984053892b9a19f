/** Keras JSON of the GRU layer (`keras.layers.GRU`), both ways. */
import { GRU, type GRUArgs } from '../../layers/gru.js';
import { recurrentArgsFromKeras, recurrentToKeras } from './recurrent.js';
import { type LayerSerializer, RECURRENT_CALL } from './serializer.js';

const KEYS = { recurrent_activation: 'recurrentActivation', reset_after: 'resetAfter', use_cudnn: 'useCudnn' } as const;

/** The GRU's Keras JSON converter. */
export const gruSerializer: LayerSerializer<GRU> = {
  className: 'GRU',
  is: (layer): layer is GRU => layer instanceof GRU,
  call: RECURRENT_CALL,
  toKeras(layer) {
    const c = layer.getConfig();
    return {
      ...recurrentToKeras(c),
      recurrent_activation: c.recurrentActivation,
      reset_after: c.resetAfter,
      use_cudnn: c.useCudnn,
    };
  },
  fromKeras(config, path, inputShape) {
    const args = recurrentArgsFromKeras(config, path, KEYS, {}, ['activation', 'recurrentActivation']);
    return new GRU({ ...args, ...(inputShape === undefined ? {} : { inputShape }) } as unknown as GRUArgs, path);
  },
};
