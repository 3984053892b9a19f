/**
 * The normalization of Keras 3 / Keras 2 / tfjs model JSON before the serialization module
 * reads it (lib/io/keras/keras-config.ts): bookkeeping dropped, tfjs spellings mapped, layers
 * torch-lstm does not offer named all at once, and Keras 2's / tfjs's hard_sigmoid refused.
 */
import { describe, expect, it } from 'vitest';
import { ModelFileError } from '../../../lib/io/errors.js';
import { normalizeCompileJson, normalizeKerasModelJson } from '../../../lib/io/keras/keras-config.js';
import { layerClassNames } from '../../../lib/serialization/layers/index.js';

const KERAS3 = { writer: 'keras', version: '3.15.1' } as const;

function sequentialJson(layers: object[]): Record<string, unknown> {
  return { class_name: 'Sequential', config: { name: 'sequential', layers } };
}

function lstm(config: Record<string, unknown> = {}): object {
  return { class_name: 'LSTM', config: { name: 'lstm', units: 4, ...config } };
}

function layersOf(json: Record<string, unknown>): { class_name: string; config: Record<string, unknown> }[] {
  return (json.config as { layers: { class_name: string; config: Record<string, unknown> }[] }).layers;
}

describe('normalizeKerasModelJson', () => {
  it("drops Keras 3's shared_object_id everywhere and null input_axes/output_axes of VarianceScaling-family initializers", () => {
    const init = { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null, input_axes: null, output_axes: null }, registered_name: null, shared_object_id: 1 };
    const json = normalizeKerasModelJson(sequentialJson([lstm({ kernel_initializer: init, dtype: { class_name: 'DTypePolicy', config: { name: 'float32' }, shared_object_id: 2 } })]), KERAS3, 'm.keras');
    const config = layersOf(json)[0]!.config;
    expect(config.kernel_initializer).toEqual({ module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null });
    expect(config.dtype).toEqual({ class_name: 'DTypePolicy', config: { name: 'float32' } });
  });

  it('leaves non-null input_axes for the serialization module to refuse', () => {
    const init = { class_name: 'HeNormal', config: { seed: null, input_axes: [0] } };
    const json = normalizeKerasModelJson(sequentialJson([lstm({ kernel_initializer: init })]), KERAS3, 'm.keras');
    expect(layersOf(json)[0]!.config.kernel_initializer).toEqual(init);
  });

  it("maps tfjs's VarianceScaling to the named initializer and unit_forget_bias null to false (tfjs's meaning)", () => {
    const vs = (scale: number, mode: string, distribution: string) => ({ class_name: 'VarianceScaling', config: { scale, mode, distribution, seed: 3 } });
    const json = normalizeKerasModelJson(
      sequentialJson([
        lstm({ kernel_initializer: vs(1, 'fan_avg', 'normal'), recurrent_initializer: vs(2, 'fanIn', 'uniform'), bias_initializer: vs(3, 'fan_in', 'uniform'), unit_forget_bias: null }),
      ]),
      { writer: 'tfjs', version: 'tfjs-layers 4.22.0' },
      'model.json',
    );
    const config = layersOf(json)[0]!.config;
    expect(config.kernel_initializer).toEqual({ class_name: 'GlorotNormal', config: { seed: 3 } });
    expect(config.recurrent_initializer).toEqual({ class_name: 'HeUniform', config: { seed: 3 } });
    expect((config.bias_initializer as { class_name: string }).class_name).toBe('VarianceScaling'); // no named class: left to be refused
    expect(config.unit_forget_bias).toBe(false);
  });

  it('unwraps { model_config } and names every layer torch-lstm does not offer at once', () => {
    const json = { model_config: sequentialJson([{ class_name: 'InputLayer', config: { batch_shape: [null, 5, 2] } }, { class_name: 'ConvLSTM1D', config: { name: 'conv' } }, lstm(), { class_name: 'ConvLSTM2D', config: { name: 'bi' } }]) };
    expect(() => normalizeKerasModelJson(json, KERAS3, 'm.h5')).toThrow(
      new ModelFileError('m.h5', `uses layers torch-lstm does not offer yet: ConvLSTM1D (config.layers[1] "conv"), ConvLSTM2D (config.layers[3] "bi"); torch-lstm offers ${layerClassNames().join(', ')}`),
    );
  });

  it("refuses hard_sigmoid from Keras 2 and tfjs (clip(0.2 x + 0.5)), accepts Keras 3's", () => {
    const model = () => sequentialJson([lstm({ recurrent_activation: 'hard_sigmoid' })]);
    expect(() => normalizeKerasModelJson(model(), { writer: 'keras', version: '2.15.0' }, 'old.h5')).toThrow(/recurrent_activation is "hard_sigmoid", which Keras 2\.15\.0 computes as clip\(0\.2 x \+ 0\.5, 0, 1\)/);
    expect(() => normalizeKerasModelJson(model(), { writer: 'tfjs' }, 'model.json')).toThrow(/which TensorFlow\.js computes as/);
    expect(layersOf(normalizeKerasModelJson(model(), KERAS3, 'new.keras'))[0]!.config.recurrent_activation).toBe('hard_sigmoid');
  });

  it('refuses what is not a model JSON', () => {
    expect(() => normalizeKerasModelJson([1, 2], KERAS3, 'x.keras')).toThrow(ModelFileError);
    expect(() => normalizeKerasModelJson({ class_name: 'Sequential' }, KERAS3, 'x.keras')).toThrow(/does not hold a Keras model config/);
  });
});

describe('normalizeCompileJson', () => {
  it('renames the legacy optimizer_config and drops shared_object_id', () => {
    const legacy = { loss: 'mse', metrics: null, optimizer_config: { class_name: 'Adam', config: { learning_rate: 0.01 }, shared_object_id: 5 } };
    expect(normalizeCompileJson(legacy, KERAS3)).toEqual({ loss: 'mse', metrics: null, optimizer: { class_name: 'Adam', config: { learning_rate: 0.01 } } });
  });

  it("maps Keras 2.13-2.15's steps_per_execution null to 1", () => {
    expect(normalizeCompileJson({ loss: 'mse', steps_per_execution: null }, { writer: 'keras', version: '2.15.0' })).toEqual({ loss: 'mse', steps_per_execution: 1 });
  });

  it("maps Keras 2.11-2.15's Custom>SGD to SGD", () => {
    const k2 = { loss: 'mse', optimizer_config: { class_name: 'Custom>SGD', config: { learning_rate: 0.1, is_legacy_optimizer: false } } };
    expect(normalizeCompileJson(k2, { writer: 'keras', version: '2.15.0' })).toEqual({ loss: 'mse', optimizer: { class_name: 'SGD', config: { learning_rate: 0.1, is_legacy_optimizer: false } } });
  });

  it("maps tfjs's camelCase optimizer configs, class names and empty metrics", () => {
    const tfjs = { writer: 'tfjs' } as const;
    expect(normalizeCompileJson({ loss: 'mean_squared_error', metrics: {}, optimizer_config: { class_name: 'Adam', config: { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } } }, tfjs)).toEqual({
      loss: 'mean_squared_error',
      metrics: [],
      optimizer: { class_name: 'Adam', config: { learning_rate: 0.01, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 } },
    });
    expect((normalizeCompileJson({ optimizer_config: { class_name: 'RMSProp', config: { learningRate: 0.1, decay: 0.8 } } }, tfjs) as { optimizer: unknown }).optimizer).toEqual({
      class_name: 'RMSprop',
      config: { learning_rate: 0.1, rho: 0.8 },
    });
    expect((normalizeCompileJson({ optimizer_config: { class_name: 'Momentum', config: { learningRate: 0.1, momentum: 0.9, useNesterov: true } } }, tfjs) as { optimizer: unknown }).optimizer).toEqual({
      class_name: 'SGD',
      config: { learning_rate: 0.1, momentum: 0.9, nesterov: true },
    });
  });
});
