/**
 * Keras JSON of the peephole LSTM, both ways. Keras has no layer class for it (tf.keras wraps a
 * `PeepholeLSTMCell` in an `RNN`): `PeepholeLSTM` with the LSTM's config keys is this library's
 * format. `use_cudnn` is written `'auto'` (LibTorch's fused kernels have no peepholes; the summary
 * says which kernel runs).
 */
import { PeepholeLSTM, type PeepholeLSTMArgs } from '../../layers/peephole-lstm.js';
import { recurrentArgsFromKeras, recurrentToKeras } from './recurrent.js';
import { type LayerSerializer, RECURRENT_CALL } from './serializer.js';

const KEYS = { recurrent_activation: 'recurrentActivation', unit_forget_bias: 'unitForgetBias' } as const;

/** The PeepholeLSTM's Keras JSON converter. */
export const peepholeLstmSerializer: LayerSerializer<PeepholeLSTM> = {
  className: 'PeepholeLSTM',
  is: (layer): layer is PeepholeLSTM => layer instanceof PeepholeLSTM,
  call: RECURRENT_CALL,
  toKeras(layer) {
    const c = layer.getConfig();
    return {
      ...recurrentToKeras(c),
      recurrent_activation: c.recurrentActivation,
      unit_forget_bias: c.unitForgetBias,
      use_cudnn: 'auto',
    };
  },
  fromKeras(config, path, inputShape) {
    const args = recurrentArgsFromKeras(config, path, KEYS, { use_cudnn: 'auto' }, ['activation', 'recurrentActivation']);
    return new PeepholeLSTM({ ...args, ...(inputShape === undefined ? {} : { inputShape }) } as unknown as PeepholeLSTMArgs, path);
  },
};
