/**
 * GRU, SimpleRNN and PeepholeLSTM options (defaults, validation, shapes, weights), the options
 * every recurrent layer shares (stateful, regularizers, initial states), and their Keras JSON.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { input, type Layer, layers, resetNames, GRU, SimpleRNN, PeepholeLSTM } from '../../../lib/layers/index.js';
import { regularizers } from '../../../lib/layers/regularizers.js';
import { layerFromKeras, layerToKeras } from '../../../lib/serialization/keras-json.js';

beforeEach(() => resetNames());

const asData = (layer: Layer) => ({ className: layer.className, config: layer.getConfig() });
const shared = {
  useBias: true,
  kernelInitializer: { className: 'GlorotUniform', config: { seed: null } },
  recurrentInitializer: { className: 'Orthogonal', config: { gain: 1, seed: null } },
  biasInitializer: { className: 'Zeros', config: {} },
  kernelRegularizer: null,
  recurrentRegularizer: null,
  biasRegularizer: null,
  activityRegularizer: null,
  dropout: 0,
  recurrentDropout: 0,
  returnSequences: false,
  returnState: false,
  goBackwards: false,
  stateful: false,
};

describe('layers.gru', () => {
  it('fills every Keras default, resetAfter true included', () => {
    expect(layers.gru({ units: 8 }).getConfig()).toEqual({
      name: 'gru', units: 8, activation: 'tanh', recurrentActivation: 'sigmoid', resetAfter: true, useCudnn: 'auto', ...shared,
    });
    expect(layers.gru({ units: 1 }).name).toBe('gru_1');
  });

  it('has Keras weight layouts for both reset conventions', () => {
    const after = layers.gru({ units: 4 });
    expect(after.weightSpecs([null, 7, 3]).map((w) => [w.name, w.shape])).toEqual([
      ['kernel', [3, 12]], ['recurrent_kernel', [4, 12]], ['bias', [2, 12]],
    ]);
    const before = layers.gru({ units: 4, resetAfter: false });
    expect(before.weightSpecs([null, 7, 3]).map((w) => w.shape)).toEqual([[3, 12], [4, 12], [12]]);
    expect(before.countParams([null, 7, 3])).toBe(36 + 48 + 12);
    expect(layers.gru({ units: 4, useBias: false }).weightSpecs([null, 7, 3]).length).toBe(2);
  });

  it('computes Keras shapes: sequences, state [output, h]', () => {
    const g = layers.gru({ units: 5, returnSequences: true, returnState: true });
    expect(g.computeOutputShape([null, 9, 2])).toEqual([[null, 9, 5], [null, 5]]);
    expect(layers.gru({ units: 5 }).computeOutputShape([null, 9, 2])).toEqual([null, 5]);
  });

  it('validates, naming the option', () => {
    expect(() => layers.gru({ units: 0 })).toThrow('Expected an integer >= 1 for gru.units but received 0');
    expect(() => layers.gru({ units: 2, resetAfer: true } as never)).toThrow('Unknown option "resetAfer" for gru; did you mean "resetAfter"?');
    expect(() => layers.gru({ units: 2, resetAfter: 'yes' as never })).toThrow('Expected a boolean for gru.resetAfter');
    expect(() => layers.gru({ units: 2, useCudnn: true, resetAfter: false })).toThrow(
      /gru\.useCudnn is true but the fused GRU kernel .* cannot compute resetAfter false/,
    );
    expect(() => layers.gru({ units: 2, recurrentDropout: 1 })).toThrow(RangeError);
    expect(() => layers.gru({ units: 2, stateful: 1 as never })).toThrow('Expected a boolean for gru.stateful');
  });

  it('takes its initial state through apply', () => {
    const x = input({ shape: [6, 3] });
    const h0 = input({ shape: [4] });
    const out = layers.gru({ units: 4 }).apply(x, { initialState: h0 });
    expect(out.shape).toEqual([null, 4]);
    expect(() => layers.gru({ units: 4 }).apply([x, h0, h0])).toThrow(RangeError);
    expect(() => layers.gru({ units: 5 }).apply(x, { initialState: h0 })).toThrow(/initial state h of GRU must have shape \(None, 5\)/);
  });
});

describe('layers.simpleRNN', () => {
  it('fills every Keras default and has Keras weights', () => {
    const r = layers.simpleRNN({ units: 3 });
    expect(r.getConfig()).toEqual({ name: 'simple_rnn', units: 3, activation: 'tanh', ...shared });
    expect(r).toBeInstanceOf(SimpleRNN);
    expect(r.weightSpecs([null, 4, 2]).map((w) => w.shape)).toEqual([[2, 3], [3, 3], [3]]);
    expect(() => layers.simpleRNN({ units: 3, useCudnn: true } as never)).toThrow('Unknown option "useCudnn" for simpleRNN');
  });
});

describe('layers.peepholeLstm', () => {
  it("has the LSTM's options without useCudnn, and three peephole weights", () => {
    const p = layers.peepholeLstm({ units: 4, returnState: true });
    expect(p.className).toBe('PeepholeLSTM');
    expect(p.name).toBe('peephole_lstm');
    expect(p.getConfig()).toEqual({
      name: 'peephole_lstm', units: 4, activation: 'tanh', recurrentActivation: 'sigmoid', unitForgetBias: true, ...shared, returnState: true,
    });
    expect(p.weightSpecs([null, 5, 2]).map((w) => [w.name, w.shape])).toEqual([
      ['kernel', [2, 16]], ['recurrent_kernel', [4, 16]], ['bias', [16]],
      ['input_gate_peephole_weights', [4]], ['forget_gate_peephole_weights', [4]], ['output_gate_peephole_weights', [4]],
    ]);
    expect(p.computeOutputShape([null, 5, 2])).toEqual([[null, 4], [null, 4], [null, 4]]);
    expect(() => layers.peepholeLstm({ units: 4, useCudnn: false } as never)).toThrow('Unknown option "useCudnn" for peepholeLstm');
  });
});

describe('shared recurrent options', () => {
  it('takes regularizers in every form and keeps their config', () => {
    const l = layers.lstm({
      units: 2,
      kernelRegularizer: regularizers.l2(0.001),
      recurrentRegularizer: 'l1',
      biasRegularizer: { className: 'L1L2', config: { l1: 0.1, l2: 0.2 } },
      activityRegularizer: regularizers.l1(1e-5),
      stateful: true,
    });
    expect(l.getConfig()).toMatchObject({
      kernelRegularizer: { className: 'L2', config: { l2: 0.001 } },
      recurrentRegularizer: { className: 'L1', config: { l1: 0.01 } },
      biasRegularizer: { className: 'L1L2', config: { l1: 0.1, l2: 0.2 } },
      activityRegularizer: { className: 'L1', config: { l1: 1e-5 } },
      stateful: true,
    });
    expect(() => layers.gru({ units: 2, kernelRegularizer: 'l3' as never })).toThrow(/gru\.kernelRegularizer/);
  });

  it('round-trips through Keras JSON', () => {
    const cases: Layer[] = [
      layers.gru({ units: 3 }),
      layers.gru({
        units: 3, resetAfter: false, activation: 'relu', recurrentActivation: 'hardSigmoid', stateful: true, goBackwards: true,
        returnSequences: true, returnState: true, dropout: 0.1, recurrentDropout: 0.2, useCudnn: false, useBias: false,
        kernelRegularizer: regularizers.l1l2({ l1: 0.01, l2: 0.02 }), activityRegularizer: regularizers.l2(0.5),
      }),
      layers.simpleRNN({ units: 2, activation: 'relu', biasRegularizer: 'l2' }),
      layers.peepholeLstm({ units: 2, unitForgetBias: false, recurrentRegularizer: regularizers.l1(0.3) }),
      layers.lstm({ units: 2, stateful: true, kernelRegularizer: regularizers.l2(0.1) }),
    ];
    for (const layer of cases) {
      const json = JSON.parse(JSON.stringify(layerToKeras(layer)));
      expect(asData(layerFromKeras(json, 'layers[0]'))).toEqual(asData(layer));
    }
    expect(layerToKeras(layers.gru({ units: 1, name: 'g', kernelRegularizer: regularizers.l2(0.1) })).config).toMatchObject({
      reset_after: true, stateful: false, kernel_regularizer: { class_name: 'L2', config: { l2: 0.1 } }, use_cudnn: 'auto',
    });
  });

  it('reads a Keras 3 GRU config', () => {
    const keras = {
      class_name: 'GRU',
      config: {
        name: 'gru', trainable: true, dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null },
        return_sequences: false, return_state: false, go_backwards: false, stateful: false, unroll: false, zero_output_for_mask: false,
        units: 16, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true,
        kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null },
        recurrent_initializer: { module: 'keras.initializers', class_name: 'Orthogonal', config: { seed: null, gain: 1.0 }, registered_name: null },
        bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
        kernel_regularizer: { module: 'keras.regularizers', class_name: 'L2', config: { l2: 0.01 }, registered_name: null },
        recurrent_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null,
        recurrent_constraint: null, bias_constraint: null, dropout: 0.0, recurrent_dropout: 0.0, reset_after: true, seed: null,
      },
    };
    const g = layerFromKeras(keras, 'layers[1]') as GRU;
    expect(g).toBeInstanceOf(GRU);
    expect(g.getConfig().kernelRegularizer).toEqual({ className: 'L2', config: { l2: 0.01 } });
    expect(layerFromKeras(layerToKeras(layers.peepholeLstm({ units: 2 })), 'l')).toBeInstanceOf(PeepholeLSTM);
  });
});
