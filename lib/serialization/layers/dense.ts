/** Keras JSON of the Dense layer (`keras.layers.Dense`), both ways. */
import { Dense, type DenseArgs } from '../../layers/dense.js';
import {
  activationsFromKeras,
  ANY,
  BASE_IGNORABLE,
  type Ignorable,
  initializersFromKeras,
  initializerToKeras,
  kerasArgs,
} from '../keras-common.js';
import type { LayerSerializer } from './serializer.js';

const KEYS = {
  name: 'name', units: 'units', activation: 'activation', use_bias: 'useBias',
  kernel_initializer: 'kernelInitializer', bias_initializer: 'biasInitializer',
} as const;

const IGNORABLE: Ignorable = {
  ...BASE_IGNORABLE, kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null,
  kernel_constraint: null, bias_constraint: null, lora_rank: null, lora_alpha: ANY, quantization_config: null,
  batch_input_shape: ANY, input_shape: ANY,
};

/** The Dense layer's Keras JSON converter. */
export const denseSerializer: LayerSerializer<Dense> = {
  className: 'Dense',
  is: (layer): layer is Dense => layer instanceof Dense,
  toKeras(layer) {
    const c = layer.getConfig();
    return {
      name: c.name,
      trainable: true,
      dtype: 'float32',
      units: c.units,
      activation: c.activation,
      use_bias: c.useBias,
      kernel_initializer: initializerToKeras(c.kernelInitializer),
      bias_initializer: initializerToKeras(c.biasInitializer),
    };
  },
  fromKeras(config, path, inputShape) {
    const args = kerasArgs(config, `${path}.config`, KEYS, IGNORABLE);
    initializersFromKeras(args, ['kernelInitializer', 'biasInitializer'], path);
    activationsFromKeras(args, ['activation'], path);
    return new Dense({ ...args, ...(inputShape === undefined ? {} : { inputShape }) } as unknown as DenseArgs, path);
  },
};
