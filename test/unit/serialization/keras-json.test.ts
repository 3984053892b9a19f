import { beforeEach, describe, expect, it } from 'vitest';
import { initializers, type Layer, layers, resetNames } from '../../../lib/layers/index.js';
import { compileConfig } from '../../../lib/models/compile-args.js';
import {
  compileFromKeras,
  compileToKeras,
  layerFromKeras,
  layerToKeras,
  modelFromKeras,
  modelToKeras,
} from '../../../lib/serialization/keras-json.js';
import { losses } from '../../../lib/training/losses.js';
import { optimizers } from '../../../lib/training/optimizers.js';

beforeEach(() => resetNames());

const GLOROT = { class_name: 'GlorotUniform', config: { seed: null } };
const ORTHO = { class_name: 'Orthogonal', config: { gain: 1, seed: null } };
const ZEROS = { class_name: 'Zeros', config: {} };

/** The article's model: LSTM(64, input_shape=(10, 1), return_sequences=True, dropout=0.2), LSTM(32, recurrent_dropout=0.1), Dense(1). */
function articleLayers(): Layer[] {
  return [
    layers.lstm({ units: 64, inputShape: [10, 1], returnSequences: true, dropout: 0.2 }),
    layers.lstm({ units: 32, returnSequences: false, recurrentDropout: 0.1 }),
    layers.dense({ units: 1 }),
  ];
}

/** A layer as data: its class and config (what round trips compare). */
const asData = (layer: Layer) => ({ className: layer.className, config: layer.getConfig() });

const lstmJson = (over: Record<string, unknown>) => ({
  class_name: 'LSTM',
  config: {
    name: 'lstm',
    trainable: true,
    dtype: 'float32',
    units: 64,
    activation: 'tanh',
    recurrent_activation: 'sigmoid',
    use_bias: true,
    kernel_initializer: GLOROT,
    recurrent_initializer: ORTHO,
    bias_initializer: ZEROS,
    kernel_regularizer: null,
    recurrent_regularizer: null,
    bias_regularizer: null,
    activity_regularizer: null,
    unit_forget_bias: true,
    dropout: 0,
    recurrent_dropout: 0,
    return_sequences: false,
    return_state: false,
    go_backwards: false,
    stateful: false,
    unroll: false,
    use_cudnn: 'auto',
    ...over,
  },
});

describe('modelToKeras', () => {
  it("gives exactly the engine's JSON for the article's model", () => {
    expect(modelToKeras({ name: 'sequential', layers: articleLayers() })).toStrictEqual({
      class_name: 'Sequential',
      config: {
        name: 'sequential',
        layers: [
          { class_name: 'InputLayer', config: { name: 'input_layer', batch_shape: [null, 10, 1], dtype: 'float32' } },
          lstmJson({ name: 'lstm', units: 64, dropout: 0.2, return_sequences: true }),
          lstmJson({ name: 'lstm_1', units: 32, recurrent_dropout: 0.1 }),
          {
            class_name: 'Dense',
            config: {
              name: 'dense',
              trainable: true,
              dtype: 'float32',
              units: 1,
              activation: 'linear',
              use_bias: true,
              kernel_initializer: GLOROT,
              bias_initializer: ZEROS,
            },
          },
        ],
      },
    });
  });

  it('keeps null timesteps in batch_shape and leaves out the InputLayer when no shape is known', () => {
    const withNull = modelToKeras({ name: 'm', layers: [layers.lstm({ units: 2, inputShape: [null, 3] })] });
    expect(withNull.config.layers[0]!.config.batch_shape).toEqual([null, null, 3]);
    const none = modelToKeras({ name: 'm', layers: [layers.dense({ units: 2 })] });
    expect(none.config.layers.map((l) => l.class_name)).toEqual(['Dense']);
  });

  it('writes Dropout as Keras does', () => {
    expect(layerToKeras(layers.dropout({ rate: 0.25 }))).toStrictEqual({
      class_name: 'Dropout',
      config: { name: 'dropout', trainable: true, dtype: 'float32', rate: 0.25 },
    });
  });
});

describe('round trips: args -> config -> Keras JSON -> config', () => {
  const cases: [string, () => Layer][] = [
    ['lstm defaults', () => layers.lstm({ units: 3 })],
    [
      'lstm everything',
      () =>
          layers.lstm({
            units: 5, activation: 'softsign', recurrentActivation: 'hardSigmoid', useBias: false,
            kernelInitializer: initializers.truncatedNormal({ mean: 0.1, stddev: 0.2, seed: 9 }),
            recurrentInitializer: initializers.orthogonal({ gain: 0.5 }),
            biasInitializer: initializers.constant({ value: 0.3 }), unitForgetBias: false, dropout: 0.1,
            recurrentDropout: 0.2, returnSequences: true, returnState: true, goBackwards: true, useCudnn: false,
            name: 'enc',
          }),
    ],
    ['lstm useCudnn true', () => layers.lstm({ units: 2, useCudnn: true })],
    ['dense', () => layers.dense({ units: 4, activation: 'silu', useBias: false, kernelInitializer: 'heUniform' })],
    ['dropout', () => layers.dropout({ rate: 0.5 })],
  ];
  for (const [label, make] of cases) {
    it(label, () => {
      const layer = make();
      const json = JSON.parse(JSON.stringify(layerToKeras(layer)));
      const back = layerFromKeras(json, 'layers[0]');
      expect(asData(back)).toEqual(asData(layer));
      expect(back).not.toBe(layer);
    });
  }

  it('a whole model, input shape included', () => {
    const model = { name: 'sequential_7', layers: articleLayers() };
    const json = JSON.parse(JSON.stringify(modelToKeras(model)));
    const back = modelFromKeras(json);
    expect(back.name).toBe('sequential_7');
    expect(back.layers.map(asData)).toEqual(model.layers.map(asData));
  });

  it('the compile config', () => {
    const config = compileConfig({
      optimizer: optimizers.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true, clipNorm: 1 }),
      loss: losses.huber({ delta: 0.5 }),
      metrics: ['mae', 'rmse', 'mean_absolute_percentage_error'],
    });
    const json = JSON.parse(JSON.stringify(compileToKeras(config)));
    const back = compileFromKeras(json);
    expect(compileToKeras(back)).toEqual(json);
    expect(back.metrics).toEqual(config.metrics);
    expect(back.optimizer.getConfig()).toEqual(config.optimizer.getConfig());
  });
});

describe('compileToKeras', () => {
  it("gives exactly the engine's JSON for adam / mse / ['mae']", () => {
    expect(compileToKeras(compileConfig({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] }))).toStrictEqual({
      optimizer: {
        class_name: 'Adam',
        config: {
          name: 'adam', learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: false,
          clipnorm: null, clipvalue: null, global_clipnorm: null,
        },
      },
      losses: [{ class_name: 'MeanSquaredError', config: {} }],
      loss_weights: [1],
      metrics: [[{ name: 'mae', class_name: 'MeanAbsoluteError' }]],
      output_names: ['output'],
      precision: 'float32',
    });
  });

  it('carries the precision policy both ways', () => {
    const config = compileConfig({ optimizer: 'adam', loss: 'mse', precision: 'mixed_bfloat16' });
    expect(compileToKeras(config).precision).toBe('mixed_bfloat16');
    expect(compileFromKeras(compileToKeras(config)).precision).toBe('mixed_bfloat16');
    expect(() => compileFromKeras({ ...compileToKeras(config), precision: 'float16' })).toThrow(/compile_config.precision/);
  });

  it('fills the Keras defaults of every optimizer', () => {
    const opt = (o: string) => compileToKeras(compileConfig({ optimizer: o as never, loss: 'mae' })).optimizer;
    expect(opt('sgd')).toStrictEqual({
      class_name: 'SGD',
      config: { name: 'SGD', learning_rate: 0.01, momentum: 0, nesterov: false, clipnorm: null, clipvalue: null, global_clipnorm: null },
    });
    expect(opt('rmsprop')).toStrictEqual({
      class_name: 'RMSprop',
      config: {
        name: 'rmsprop', learning_rate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false,
        clipnorm: null, clipvalue: null, global_clipnorm: null,
      },
    });
    expect(opt('adagrad')).toStrictEqual({
      class_name: 'Adagrad',
      config: {
        name: 'adagrad', learning_rate: 0.001, initial_accumulator_value: 0.1, epsilon: 1e-7,
        clipnorm: null, clipvalue: null, global_clipnorm: null,
      },
    });
  });

  it('writes losses and the metric log keys exactly as given', () => {
    const c = compileToKeras(compileConfig({ loss: losses.huber(), metrics: ['mean_absolute_error', 'rmse', 'mape', 'mse'] }));
    expect(c.losses).toStrictEqual([{ class_name: 'Huber', config: { delta: 1 } }]);
    expect(c.metrics).toStrictEqual([[
      { name: 'mean_absolute_error', class_name: 'MeanAbsoluteError' },
      { name: 'rmse', class_name: 'RootMeanSquaredError' },
      { name: 'mape', class_name: 'MeanAbsolutePercentageError' },
      { name: 'mse', class_name: 'MeanSquaredError' },
    ]]);
    expect(compileToKeras(compileConfig({ loss: 'log_cosh' })).losses).toStrictEqual([{ class_name: 'LogCosh', config: {} }]);
    expect(compileToKeras(compileConfig({ loss: 'mean_absolute_error' })).losses[0]!.class_name).toBe('MeanAbsoluteError');
  });

  it("uses the optimizer's current learning rate", () => {
    const config = compileConfig({ optimizer: optimizers.adam(), loss: 'mse' });
    config.optimizer.learningRate = 0.0002;
    expect(compileToKeras(config).optimizer.config.learning_rate).toBe(0.0002);
  });
});

describe('reading Keras files', () => {
  /** What Keras 3.x writes in config.json for the article's model (trimmed to one LSTM). */
  const keras3 = {
    module: 'keras',
    class_name: 'Sequential',
    config: {
      name: 'sequential',
      trainable: true,
      dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null },
      layers: [
        {
          class_name: 'InputLayer',
          config: { batch_shape: [null, 10, 1], dtype: 'float32', sparse: false, ragged: false, name: 'input_layer' },
          registered_name: null,
        },
        {
          module: 'keras.layers',
          class_name: 'LSTM',
          config: {
            name: 'lstm', trainable: true,
            dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null },
            return_sequences: false, return_state: false, go_backwards: false, stateful: false, unroll: false,
            zero_output_for_mask: false, units: 64, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true,
            kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null },
            recurrent_initializer: { module: 'keras.initializers', class_name: 'Orthogonal', config: { seed: null, gain: 1.0 }, registered_name: null },
            bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
            unit_forget_bias: true, kernel_regularizer: null, recurrent_regularizer: null, bias_regularizer: null,
            activity_regularizer: null, kernel_constraint: null, recurrent_constraint: null, bias_constraint: null,
            dropout: 0.2, recurrent_dropout: 0.0, seed: null,
          },
          registered_name: null,
          build_config: { input_shape: [null, 10, 1] },
        },
        {
          module: 'keras.layers',
          class_name: 'Dense',
          config: {
            name: 'dense', trainable: true, dtype: 'float32', units: 1, activation: 'linear', use_bias: true,
            kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null },
            bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
            kernel_regularizer: null, bias_regularizer: null, kernel_constraint: null, bias_constraint: null,
          },
          registered_name: null,
          build_config: { input_shape: [null, 64] },
        },
      ],
    },
    registered_name: null,
    build_config: { input_shape: [null, 10, 1] },
    compile_config: {
      optimizer: {
        module: 'keras.optimizers', class_name: 'Adam',
        config: {
          name: 'adam', learning_rate: 0.0010000000474974513, weight_decay: null, clipnorm: null, global_clipnorm: null,
          clipvalue: 1.0, use_ema: false, ema_momentum: 0.99, ema_overwrite_frequency: null, loss_scale_factor: null,
          gradient_accumulation_steps: null, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: false,
        },
        registered_name: null,
      },
      loss: 'mse',
      loss_weights: null,
      metrics: ['mae'],
      weighted_metrics: null,
      run_eagerly: false,
      steps_per_execution: 1,
      jit_compile: false,
    },
  };

  it('reads a Keras 3 config.json through the same path', () => {
    const spec = modelFromKeras(keras3);
    expect(spec.name).toBe('sequential');
    expect(spec.layers.map((l) => l.className)).toEqual(['LSTM', 'Dense']);
    expect(spec.layers[0]!.getConfig()).toMatchObject({ units: 64, dropout: 0.2, inputShape: [10, 1], useCudnn: 'auto' });
    const compile = compileFromKeras(keras3.compile_config);
    expect(compile.optimizer.className).toBe('Adam');
    expect(compile.optimizer.getConfig()).toMatchObject({ learningRate: 0.0010000000474974513, clipValue: 1 });
    expect(compile.losses.map((l) => l.className)).toEqual(['MeanSquaredError']);
    expect(compile.metrics).toEqual([[{ name: 'mae', className: 'MeanAbsoluteError' }]]);
  });

  it('reads a Keras 2 model (batch_input_shape on the first layer, no use_cudnn)', () => {
    const keras2 = {
      class_name: 'Sequential',
      config: {
        name: 'sequential',
        layers: [
          {
            class_name: 'LSTM',
            config: {
              name: 'lstm', trainable: true, batch_input_shape: [null, 10, 1], dtype: 'float32', units: 16,
              activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true, time_major: false, implementation: 2,
              kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
              recurrent_initializer: { class_name: 'Orthogonal', config: { gain: 1.0, seed: null } },
              bias_initializer: { class_name: 'Zeros', config: {} },
              unit_forget_bias: true, dropout: 0.0, recurrent_dropout: 0.0, return_sequences: false,
              return_state: false, go_backwards: false, stateful: false, unroll: false,
            },
          },
        ],
      },
    };
    expect(asData(modelFromKeras(keras2).layers[0]!)).toEqual(asData(layers.lstm({ units: 16, inputShape: [10, 1], name: 'lstm' })));
  });

  it('refuses what it cannot compute, naming the key', () => {
    const bad = (over: Record<string, unknown>) => ({
      class_name: 'Sequential',
      config: { name: 's', layers: [keras3.config.layers[0], { ...keras3.config.layers[1], config: { ...keras3.config.layers[1]!.config, ...over } }] },
    });
    expect(() => modelFromKeras(bad({ unroll: true }))).toThrow(
      'layers[0].config.unroll is true but torch-lstm supports only false (the Keras default) for it',
    );
    expect(() => modelFromKeras(bad({ kernel_constraint: { class_name: 'MaxNorm', config: { max_value: 2 } } }))).toThrow(
      /layers\[0\]\.config\.kernel_constraint/,
    );
    expect(() => modelFromKeras(bad({ return_sequence: true }))).toThrow(
      'Unknown Keras key "return_sequence" in layers[0].config; did you mean "return_sequences"?',
    );
    expect(() => modelFromKeras(bad({ units: 0 }))).toThrow('Expected an integer >= 1 for layers[0].units but received 0');
    expect(() => modelFromKeras(bad({ dtype: 'mixed_float16' }))).toThrow(/float32/);
    expect(() => layerFromKeras({ class_name: 'ConvLSTM1D', config: {} }, 'layers[2]')).toThrow(/layers\[2\]\.class_name is "ConvLSTM1D"/);
    expect(() =>
      compileFromKeras({ optimizer: { class_name: 'Adam', config: { weight_decay: 0.01 } }, loss: 'mse' }),
    ).toThrow(/weight_decay/);
    expect(() => compileFromKeras({ optimizer: 'adam', loss: 'kl_divergence' })).toThrow(/kl_divergence/);
    expect(() => compileFromKeras({ optimizer: 'adam', loss: 'mse', weighted_metrics: ['mae'] })).toThrow(/weighted_metrics/);
  });

  it('reads Keras loss and metric objects', () => {
    const c = compileFromKeras({
      optimizer: 'sgd',
      loss: { module: 'keras.losses', class_name: 'Huber', config: { name: 'huber_loss', reduction: 'sum_over_batch_size', delta: 2.0 } },
      metrics: [{ module: 'keras.metrics', class_name: 'RootMeanSquaredError', config: { name: 'rmse', dtype: 'float32' } }],
    });
    expect(c.losses[0]!.getConfig()).toEqual({ delta: 2 });
    expect(c.metrics).toEqual([[{ name: 'rmse', className: 'RootMeanSquaredError' }]]);
    expect(c.optimizer.className).toBe('SGD');
  });
});
