/**
 * Keras JSON of the LSTM layer (`keras.layers.LSTM`), both ways. Keras keys we do not offer are
 * accepted at their Keras defaults (`unroll: false`, constraints `null`, ...).
 */
import { LSTM, type LSTMArgs } from '../../layers/lstm.js';
import { recurrentArgsFromKeras, recurrentToKeras } from './recurrent.js';
import { type LayerSerializer, RECURRENT_CALL } from './serializer.js';

const KEYS = { recurrent_activation: 'recurrentActivation', unit_forget_bias: 'unitForgetBias', use_cudnn: 'useCudnn' } as const;

/** The LSTM's Keras JSON converter. */
export const lstmSerializer: LayerSerializer<LSTM> = {
  className: 'LSTM',
  is: (layer): layer is LSTM => layer instanceof LSTM,
  call: RECURRENT_CALL,
  toKeras(layer) {
    const c = layer.getConfig();
    return {
      ...recurrentToKeras(c),
      recurrent_activation: c.recurrentActivation,
      unit_forget_bias: c.unitForgetBias,
      use_cudnn: c.useCudnn,
    };
  },
  fromKeras(config, path, inputShape) {
    // TensorFlow.js writes `unit_forget_bias: null` for its default, which it treats as false.
    if (config.unit_forget_bias === null) config = { ...config, unit_forget_bias: false };
    const args = recurrentArgsFromKeras(config, path, KEYS, {}, ['activation', 'recurrentActivation']);
    return new LSTM({ ...args, ...(inputShape === undefined ? {} : { inputShape }) } as unknown as LSTMArgs, path);
  },
};
