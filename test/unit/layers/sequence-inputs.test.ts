/**
 * Embedding, Masking, GaussianNoise and Bidirectional without the addon: defaults, validation
 * messages, shapes and weights, and round-trips through getConfig() and Keras JSON (including a
 * Keras 3 Bidirectional config as Keras writes it).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { type Layer, layers, resetNames } from '../../../lib/layers/index.js';
import { regularizers } from '../../../lib/layers/regularizers.js';
import { layerFromKeras, layerToKeras } from '../../../lib/serialization/keras-json.js';

beforeEach(() => resetNames());

const asData = (layer: Layer) => ({ className: layer.className, config: layer.getConfig() });

describe('layers.embedding', () => {
  it('fills Keras defaults', () => {
    expect(layers.embedding({ inputDim: 100, outputDim: 8 }).getConfig()).toEqual({
      name: 'embedding',
      inputDim: 100,
      outputDim: 8,
      embeddingsInitializer: { className: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null } },
      embeddingsRegularizer: null,
      activityRegularizer: null,
      maskZero: false,
    });
  });

  it('gives shapes and the embeddings weight', () => {
    const e = layers.embedding({ inputDim: 50, outputDim: 4 });
    expect(e.computeOutputShape([null, 10])).toEqual([null, 10, 4]);
    expect(e.weightSpecs([null, 10])).toMatchObject([{ name: 'embeddings', shape: [50, 4] }]);
    expect(() => layers.embedding({ inputDim: 5, outputDim: 2, maskZero: true }).computeOutputShape([null, 3, 2])).toThrow(/maskZero/);
  });

  it('names the option in errors', () => {
    expect(() => layers.embedding({ inputDim: 5 } as never)).toThrow(/embedding\.outputDim/);
    expect(() => layers.embedding({ inputDim: 5, outputDim: 2, maskzero: true } as never)).toThrow(/did you mean "maskZero"/);
    expect(() => layers.embedding({ inputDim: 5, outputDim: 2, embeddingsRegularizer: 'l3' as never })).toThrow(/embedding\.embeddingsRegularizer/);
  });
});

describe('layers.masking and layers.gaussianNoise', () => {
  it('defaults and shapes', () => {
    const m = layers.masking({ inputShape: [null, 3] });
    expect(m.getConfig()).toEqual({ name: 'masking', maskValue: 0, inputShape: [null, 3] });
    expect(m.computeOutputShape([null, 5, 3])).toEqual([null, 5, 3]);
    expect(() => m.computeOutputShape([null, 3])).toThrow(/rank 3/);
    const g = layers.gaussianNoise({ stddev: 0.1 });
    expect(g.getConfig()).toEqual({ name: 'gaussian_noise', stddev: 0.1 });
    expect(() => layers.gaussianNoise({} as never)).toThrow(/gaussianNoise\.stddev/);
  });
});

describe('layers.bidirectional', () => {
  it('derives forward_/backward_ layers and shapes for every merge mode', () => {
    const lstm = layers.lstm({ units: 4, returnSequences: true, returnState: true });
    const shapes = (mergeMode: 'concat' | 'sum' | null) => layers.bidirectional({ layer: lstm, mergeMode }).computeOutputShape([null, 7, 3]);
    expect(shapes('concat')).toEqual([[null, 7, 8], [null, 4], [null, 4], [null, 4], [null, 4]]);
    expect(shapes('sum')).toEqual([[null, 7, 4], [null, 4], [null, 4], [null, 4], [null, 4]]);
    expect(shapes(null)).toEqual([[null, 7, 4], [null, 7, 4], [null, 4], [null, 4], [null, 4], [null, 4]]);
    const bi = layers.bidirectional({ layer: layers.gru({ units: 2, name: 'g' }) });
    expect(bi.name).toBe('bidirectional_3'); // Keras-style unique names: the three above took bidirectional, _1, _2
    expect(bi.weightSpecs([null, 5, 3]).map((w) => w.name)).toEqual([
      'forward_g/kernel', 'forward_g/recurrent_kernel', 'forward_g/bias', 'backward_g/kernel', 'backward_g/recurrent_kernel', 'backward_g/bias',
    ]);
  });

  it('takes the inner layer inputShape and initial states for both directions', () => {
    const bi = layers.bidirectional({ layer: layers.lstm({ units: 3, inputShape: [5, 2] }) });
    expect(bi.inputShape).toEqual([5, 2]);
    expect(bi.getConfig().layer.config.inputShape).toBeUndefined();
    expect(bi.maxInputs).toBe(5);
    expect(bi.computeOutputShape([[null, 5, 2], [null, 3], [null, 3], [null, 3], [null, 3]])).toEqual([null, 6]);
    expect(() => bi.computeOutputShape([[null, 5, 2], [null, 3], [null, 3]])).toThrow(/initial states/);
  });

  it('checks backwardLayer and mergeMode', () => {
    const fwd = layers.lstm({ units: 3 });
    expect(() => layers.bidirectional({ layer: fwd, backwardLayer: layers.lstm({ units: 3 }) })).toThrow(/opposite goBackwards/);
    expect(() => layers.bidirectional({ layer: fwd, backwardLayer: layers.lstm({ units: 3, goBackwards: true, returnSequences: true }) })).toThrow(/returnSequences/);
    expect(() => layers.bidirectional({ layer: fwd, mergeMode: 'sum', backwardLayer: layers.lstm({ units: 2, goBackwards: true }) })).toThrow(/same units/);
    const ok = layers.bidirectional({ layer: fwd, backwardLayer: layers.lstm({ units: 2, goBackwards: true, name: 'back' }) });
    expect(ok.backwardLayer.name).toBe('back');
    expect(ok.computeOutputShape([null, 4, 1])).toEqual([null, 5]);
    expect(() => layers.bidirectional({ layer: layers.lstm({ units: 2, activityRegularizer: 'l2' }) })).toThrow(/activityRegularizer/);
    expect(() => layers.bidirectional({ layer: { className: 'Dense', config: {} } as never })).toThrow(/recurrent class/);
  });
});

describe('Keras JSON', () => {
  it('round-trips every new layer', () => {
    const cases: Layer[] = [
      layers.embedding({ inputDim: 20, outputDim: 3, maskZero: true, embeddingsRegularizer: regularizers.l2(0.1) }),
      layers.masking({ maskValue: -1 }),
      layers.gaussianNoise({ stddev: 0.2 }),
      layers.bidirectional({ layer: layers.lstm({ units: 3, returnSequences: true }), mergeMode: 'ave' }),
      layers.bidirectional({ layer: layers.gru({ units: 2, resetAfter: false, kernelRegularizer: 'l1' }), mergeMode: null, activityRegularizer: 'l2' }),
    ];
    for (const layer of cases) {
      const json = JSON.parse(JSON.stringify(layerToKeras(layer)));
      expect(asData(layerFromKeras(json, 'layers[0]'))).toEqual(asData(layer));
    }
  });

  it('reads a Keras 3 Bidirectional config', () => {
    const lstm = (name: string, goBackwards: boolean) => ({
      module: 'keras.layers', class_name: 'LSTM', registered_name: null, build_config: { input_shape: [null, 10, 4] },
      config: {
        name, trainable: true, dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null },
        return_sequences: true, return_state: false, go_backwards: goBackwards, stateful: false, unroll: false,
        zero_output_for_mask: true, units: 8, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true,
        kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null },
        recurrent_initializer: { module: 'keras.initializers', class_name: 'Orthogonal', config: { seed: null, gain: 1.0 }, registered_name: null },
        bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
        unit_forget_bias: true, kernel_regularizer: null, recurrent_regularizer: null, bias_regularizer: null, activity_regularizer: null,
        kernel_constraint: null, recurrent_constraint: null, bias_constraint: null, dropout: 0.0, recurrent_dropout: 0.0, seed: null,
      },
    });
    const json = {
      module: 'keras.layers', class_name: 'Bidirectional', registered_name: null,
      config: {
        name: 'bidirectional', trainable: true, dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null },
        merge_mode: 'concat', layer: lstm('forward_lstm', false), backward_layer: lstm('backward_lstm', true),
      },
    };
    const bi = layerFromKeras(json, 'layers[1]') as ReturnType<typeof layers.bidirectional>;
    expect(bi.forwardLayer.name).toBe('forward_lstm');
    expect(bi.backwardLayer.name).toBe('backward_lstm');
    expect(bi.computeOutputShape([null, 10, 4])).toEqual([null, 10, 16]);
    // A Keras 2 config without backward_layer derives it.
    const keras2 = { class_name: 'Bidirectional', config: { name: 'bi', merge_mode: 'sum', layer: lstm('forward_lstm', false) } };
    const derived = layerFromKeras(keras2, 'layers[0]') as ReturnType<typeof layers.bidirectional>;
    expect(derived.backwardLayer.getConfig()).toMatchObject({ name: 'backward_lstm', goBackwards: true });
    const bad = { class_name: 'Bidirectional', config: { name: 'bi', merge_mode: 'max', layer: lstm('forward_lstm', false) } };
    expect(() => layerFromKeras(bad, 'layers[0]')).toThrow(/mergeMode/);
  });
});
