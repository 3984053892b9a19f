/**
 * The spellings of the Keras format that other writers use, read by the serialization module
 * itself (no normalization pass in front of it): Keras 3's `shared_object_id` and initializers'
 * null `input_axes`; TensorFlow.js's `VarianceScaling` initializers, `unit_forget_bias: null`,
 * camelCase optimizer configs, `RMSProp`/`Momentum` and `metrics: {}`; legacy `.h5`
 * `optimizer_config`, Keras 2.11-2.15's `Custom>Adam` and `steps_per_execution: null`. Also
 * integer InputLayer dtypes (indices for an Embedding), and Keras call arguments that torch-lstm
 * keeps as layer options (`use_causal_mask`, `return_attention_scores`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Attention } from '../../../lib/layers/attention.js';
import { input, type InputLayer } from '../../../lib/layers/input-layer.js';
import type { LSTM } from '../../../lib/layers/lstm.js';
import { setBindingForTests } from '../../../lib/models/engine.js';
import { Functional } from '../../../lib/models/functional.js';
import { compileFromKeras, functionalFromKeras, layerFromKeras, layerToKeras, optimizerFromKeras } from '../../../lib/serialization/keras-json.js';
import { installFakeBinding } from '../models/fake-binding.js';

afterEach(() => setBindingForTests(undefined));

function lstmJson(config: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { class_name: 'LSTM', config: { name: 'lstm', units: 4, ...config }, ...extra };
}

function lstmConfig(config: Record<string, unknown>, extra?: Record<string, unknown>) {
  return (layerFromKeras(lstmJson(config, extra), 'layers[0]') as LSTM).getConfig();
}

describe('layer configs', () => {
  it("accepts Keras 3's shared_object_id on any object and null input_axes/output_axes on initializers", () => {
    const init = { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null, input_axes: null, output_axes: null }, registered_name: null, shared_object_id: 1 };
    const dtype = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null, shared_object_id: 2 };
    const config = lstmConfig({ kernel_initializer: init, dtype }, { shared_object_id: 3 });
    expect(config.kernelInitializer).toEqual({ className: 'GlorotUniform', config: { seed: null } });
  });

  it('refuses a non-null input_axes, naming it', () => {
    const init = { class_name: 'HeNormal', config: { seed: null, input_axes: [0] } };
    expect(() => lstmConfig({ kernel_initializer: init })).toThrow(
      'layers[0].kernelInitializer.config.input_axes is [0] but torch-lstm supports only null (the Keras default) for it',
    );
  });

  it("reads tfjs's VarianceScaling as the named initializer it is, and refuses one that is none", () => {
    const vs = (scale: number, mode: string, distribution: string) => ({ class_name: 'VarianceScaling', config: { scale, mode, distribution, seed: 3 } });
    const config = lstmConfig({ kernel_initializer: vs(1, 'fan_avg', 'normal'), recurrent_initializer: vs(2, 'fanIn', 'uniform') });
    expect(config.kernelInitializer).toEqual({ className: 'GlorotNormal', config: { seed: 3 } });
    expect(config.recurrentInitializer).toEqual({ className: 'HeUniform', config: { seed: 3 } });
    expect(() => lstmConfig({ bias_initializer: vs(3, 'fan_in', 'uniform') })).toThrow(/layers\[0\]\.biasInitializer\.class_name is "VarianceScaling", an initializer torch-lstm does not offer/);
  });

  it("reads tfjs's unit_forget_bias null as false (tfjs's meaning)", () => {
    expect(lstmConfig({ unit_forget_bias: null }).unitForgetBias).toBe(false);
    expect(lstmConfig({}).unitForgetBias).toBe(true);
  });
});

describe('compile configs', () => {
  it('reads the legacy optimizer_config (with shared_object_id) and refuses it beside optimizer', () => {
    const legacy = { loss: 'mse', metrics: null, optimizer_config: { class_name: 'Adam', config: { learning_rate: 0.01 }, shared_object_id: 5 } };
    const c = compileFromKeras(legacy);
    expect(c.optimizer.className).toBe('Adam');
    expect(c.optimizer.learningRate).toBe(0.01);
    expect(() => compileFromKeras({ ...legacy, optimizer: 'sgd' })).toThrow('compile_config gives both optimizer and optimizer_config (its legacy name); give one');
  });

  it("accepts Keras 2.13-2.15's steps_per_execution null", () => {
    expect(compileFromKeras({ optimizer: 'sgd', loss: 'mse', steps_per_execution: null }).losses[0]!.className).toBe('MeanSquaredError');
  });

  it("reads Keras 2.11-2.15's Custom>SGD as SGD", () => {
    const c = compileFromKeras({ loss: 'mse', optimizer_config: { class_name: 'Custom>SGD', config: { learning_rate: 0.1, is_legacy_optimizer: false } } });
    expect(c.optimizer.className).toBe('SGD');
    expect(c.optimizer.learningRate).toBe(0.1);
  });

  it("reads tfjs's camelCase optimizer configs, class names and empty metrics", () => {
    const adam = compileFromKeras({ loss: 'mean_squared_error', metrics: {}, optimizer_config: { class_name: 'Adam', config: { learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 } } });
    expect(adam.metrics).toEqual([[]]);
    expect(adam.optimizer.getConfig()).toMatchObject({ learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 });
    const rms = optimizerFromKeras({ class_name: 'RMSProp', config: { learningRate: 0.1, decay: 0.8 } }, 'opt');
    expect(rms.className).toBe('RMSprop');
    expect(rms.getConfig()).toMatchObject({ learningRate: 0.1, rho: 0.8 });
    const momentum = optimizerFromKeras({ class_name: 'Momentum', config: { learningRate: 0.1, momentum: 0.9, useNesterov: true } }, 'opt');
    expect(momentum.className).toBe('SGD');
    expect(momentum.getConfig()).toMatchObject({ learningRate: 0.1, momentum: 0.9, nesterov: true });
    expect(() => optimizerFromKeras({ class_name: 'Adam', config: { learningRate: 0.1, learning_rate: 0.2 } }, 'opt')).toThrow(
      'opt.config gives learning_rate twice (as "learning_rate" and as TensorFlow.js\'s "learningRate")',
    );
    // Keras's own RMSprop keeps its legacy `decay` (a learning-rate decay, accepted at 0 only).
    expect(() => optimizerFromKeras({ class_name: 'RMSprop', config: { learning_rate: 0.1, decay: 0.8 } }, 'opt')).toThrow(/opt\.config\.decay is 0\.8/);
  });
});

describe('InputLayer dtype', () => {
  it('accepts an integer dtype on an InputLayer (indices, crossing as float32) and writes it back', () => {
    const layer = layerFromKeras({ class_name: 'InputLayer', config: { name: 'ids', batch_shape: [null, 6], dtype: 'int32', sparse: false, ragged: false } }, 'layers[0]');
    expect((layer as InputLayer).dtype).toBe('int32');
    expect(layerToKeras(layer).config).toEqual({ name: 'ids', batch_shape: [null, 6], dtype: 'int32' });
    expect(() => layerFromKeras({ class_name: 'InputLayer', config: { batch_shape: [null, 6], dtype: 'float16' } }, 'layers[0]')).toThrow(
      /layers\[0\]\.config\.dtype is "float16" but torch-lstm model inputs are float32, or integers/,
    );
  });

  it('still refuses a non-float32 dtype on a computing layer', () => {
    expect(() => layerFromKeras(lstmJson({ dtype: 'int32' }), 'layers[1]')).toThrow('layers[1].config.dtype is "int32" but torch-lstm models compute in float32');
  });

  it('input() takes an integer dtype too, and nothing else', () => {
    expect((input({ shape: [6], dtype: 'int64' }).node.layer as InputLayer).dtype).toBe('int64');
    expect(() => input({ shape: [6], dtype: 'float64' as never })).toThrow(/Expected one of 'float32', 'int8'.* for input\.dtype but received "float64"/);
  });
});

describe('Keras call arguments that are torch-lstm layer options', () => {
  const tensor = (layer: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, 6, 4], dtype: 'float32', keras_history: [layer, 0, 0] } });
  const model = (attention: Record<string, unknown>) => ({
    class_name: 'Functional',
    config: {
      name: 'm',
      layers: [
        { class_name: 'InputLayer', name: 'x', config: { name: 'x', batch_shape: [null, 6, 4] }, inbound_nodes: [] },
        { class_name: 'Attention', name: 'att', config: { name: 'att', use_scale: false }, ...attention },
      ],
      input_layers: [['x', 0, 0]],
      output_layers: [['att', 0, 0]],
    },
  });
  const call = (kwargs: Record<string, unknown>) => ({ args: [[tensor('x'), tensor('x')]], kwargs });

  it('become the layer option when the config does not set it (Keras 3 and Keras 2 nodes)', () => {
    const spec = functionalFromKeras(model({ inbound_nodes: [call({ use_causal_mask: true, return_attention_scores: true })] }));
    expect((spec.layers[1] as Attention).getConfig()).toMatchObject({ useCausalMask: true, returnAttentionScores: true });
    const keras2 = functionalFromKeras(model({ inbound_nodes: [[['x', 0, 0, { use_causal_mask: true }], ['x', 0, 0, { use_causal_mask: true }]]] }));
    expect((keras2.layers[1] as Attention).getConfig().useCausalMask).toBe(true);
  });

  it('must agree between the calls of a layer', () => {
    expect(() => functionalFromKeras(model({ inbound_nodes: [call({ use_causal_mask: true }), call({})] }))).toThrow(
      'layers[1] (att) is called with use_causal_mask=true in inbound_nodes[0] but use_causal_mask=false in inbound_nodes[1]; ' +
        'torch-lstm applies use_causal_mask to every call of a layer (a layer option), so its calls must agree',
    );
  });

  it('are checked against the option when the config sets it', () => {
    const json = model({ inbound_nodes: [call({ use_causal_mask: true })] });
    (json.config.layers[1]!.config as Record<string, unknown>).use_causal_mask = false;
    installFakeBinding();
    expect(() => Functional.fromConfig(json)).toThrow(/Layer "att" \(Attention\) is called with use_causal_mask=true but its useCausalMask option is false/);
  });
});
