import { beforeEach, describe, expect, it } from 'vitest';
import { initializers, layers, LSTM, resetNames } from '../../../lib/layers/index.js';
import { lstmConfig } from '../../../lib/layers/lstm.js';

beforeEach(() => resetNames());

describe('layers.lstm', () => {
  it('fills every Keras default in getConfig()', () => {
    expect(layers.lstm({ units: 64 }).getConfig()).toEqual({
      name: 'lstm',
      units: 64,
      activation: 'tanh',
      recurrentActivation: 'sigmoid',
      useBias: true,
      kernelInitializer: { className: 'GlorotUniform', config: { seed: null } },
      recurrentInitializer: { className: 'Orthogonal', config: { gain: 1, seed: null } },
      biasInitializer: { className: 'Zeros', config: {} },
      kernelRegularizer: null,
      recurrentRegularizer: null,
      biasRegularizer: null,
      activityRegularizer: null,
      unitForgetBias: true,
      dropout: 0,
      recurrentDropout: 0,
      returnSequences: false,
      returnState: false,
      goBackwards: false,
      stateful: false,
      useCudnn: 'auto',
    });
  });

  it('keeps the options given, and the input shape', () => {
    const layer = layers.lstm({
      units: 8,
      inputShape: [null, 3],
      activation: 'relu',
      recurrentActivation: 'hardSigmoid',
      dropout: 0.2,
      recurrentDropout: 0.1,
      returnSequences: true,
      returnState: true,
      goBackwards: true,
      useBias: false,
      unitForgetBias: false,
      useCudnn: false,
      kernelInitializer: 'he_normal',
      recurrentInitializer: initializers.orthogonal({ gain: 2, seed: 7 }),
      biasInitializer: initializers.constant({ value: 0.5 }),
      name: 'encoder',
    });
    const c = layer.getConfig();
    expect(c).toMatchObject({
      name: 'encoder',
      inputShape: [null, 3],
      activation: 'relu',
      recurrentActivation: 'hard_sigmoid',
      dropout: 0.2,
      recurrentDropout: 0.1,
      returnSequences: true,
      returnState: true,
      goBackwards: true,
      useBias: false,
      unitForgetBias: false,
      useCudnn: false,
      kernelInitializer: { className: 'HeNormal', config: { seed: null } },
      recurrentInitializer: { className: 'Orthogonal', config: { gain: 2, seed: 7 } },
      biasInitializer: { className: 'Constant', config: { value: 0.5 } },
    });
    expect(layer.inputShape).toEqual([null, 3]);
    expect(layer.className).toBe('LSTM');
  });

  it('rebuilds the same layer from its config (from_config(get_config()))', () => {
    const a = layers.lstm({ units: 5, inputShape: [10, 2], recurrentDropout: 0.3, kernelInitializer: initializers.randomNormal({ seed: 1 }) });
    const b = layers.lstm(a.getConfig());
    expect(b.getConfig()).toEqual(a.getConfig());
    expect(b).toBeInstanceOf(LSTM);
  });

  it('names layers per class as Keras does: lstm, lstm_1, ...; an explicit name takes no number', () => {
    expect(layers.lstm({ units: 1 }).name).toBe('lstm');
    expect(layers.lstm({ units: 1, name: 'mine' }).name).toBe('mine');
    expect(layers.lstm({ units: 1 }).name).toBe('lstm_1');
    expect(layers.dense({ units: 1 }).name).toBe('dense');
    expect(layers.lstm({ units: 1 }).name).toBe('lstm_2');
  });

  it('takes no name when validation fails', () => {
    expect(() => layers.lstm({ units: 0 })).toThrow(RangeError);
    expect(layers.lstm({ units: 1 }).name).toBe('lstm');
  });

  it('rejects bad units with the option path, value and type', () => {
    expect(() => layers.lstm({ units: 0 })).toThrow('Expected an integer >= 1 for lstm.units but received 0 of type number');
    expect(() => layers.lstm({ units: 2.5 })).toThrow(TypeError);
    expect(() => layers.lstm({ units: '64' as unknown as number })).toThrow(
      'Expected an integer for lstm.units but received "64" of type string',
    );
    expect(() => layers.lstm({} as { units: number })).toThrow('lstm.units but received undefined');
    expect(() => (layers.lstm as (a?: unknown) => LSTM)()).toThrow(TypeError);
  });

  it('suggests the known option for a misspelt one', () => {
    expect(() => layers.lstm({ units: 4, returnSequence: true } as never)).toThrow(
      'Unknown option "returnSequence" for lstm; did you mean "returnSequences"?',
    );
    expect(() => layers.lstm({ units: 4, recurent_dropout: 0.1 } as never)).toThrow(/did you mean "recurrentDropout"/);
  });

  it('rejects options not offered (unroll, constraints, call arguments) as unknown', () => {
    for (const key of ['unroll', 'kernelConstraint', 'initialState', 'timeMajor']) {
      expect(() => layers.lstm({ units: 4, [key]: true } as never)).toThrow(new RegExp(`Unknown option "${key}" for lstm`));
    }
  });

  it('keeps dropout rates in [0, 1)', () => {
    expect(() => layers.lstm({ units: 4, dropout: 1 })).toThrow(
      'Expected a number >= 0 and < 1 for lstm.dropout but received 1 of type number',
    );
    expect(() => layers.lstm({ units: 4, recurrentDropout: -0.1 })).toThrow(RangeError);
    expect(() => layers.lstm({ units: 4, dropout: NaN })).toThrow(TypeError);
    expect(layers.lstm({ units: 4, dropout: 0.999 }).getConfig().dropout).toBe(0.999);
  });

  it('checks booleans', () => {
    expect(() => layers.lstm({ units: 4, returnSequences: 1 as unknown as boolean })).toThrow(
      'Expected a boolean for lstm.returnSequences but received 1 of type number',
    );
  });

  it('raises for useCudnn: true with math the fused kernel cannot do, as Keras does', () => {
    expect(() => layers.lstm({ units: 4, useCudnn: true, activation: 'relu' })).toThrow(
      /lstm\.useCudnn is true but the fused LSTM kernel .* cannot compute activation 'relu'.*useCudnn: 'auto'/,
    );
    expect(() => layers.lstm({ units: 4, useCudnn: true, recurrentActivation: 'hard_sigmoid' })).toThrow(RangeError);
    expect(() => layers.lstm({ units: 4, useCudnn: true, recurrentDropout: 0.1 })).toThrow(/recurrentDropout 0\.1/);
    expect(layers.lstm({ units: 4, useCudnn: true, dropout: 0.5, goBackwards: true }).getConfig().useCudnn).toBe(true);
    expect(layers.lstm({ units: 4, useCudnn: 'auto', recurrentDropout: 0.1 }).getConfig().useCudnn).toBe('auto');
    expect(layers.lstm({ units: 4, useCudnn: false, activation: 'relu' }).getConfig().useCudnn).toBe(false);
    expect(() => layers.lstm({ units: 4, useCudnn: 'yes' as never })).toThrow(
      "Expected 'auto', true or false for lstm.useCudnn but received \"yes\"",
    );
  });

  it('checks inputShape: [timesteps, features], timesteps may be null', () => {
    expect(layers.lstm({ units: 4, inputShape: [null, 2] }).inputShape).toEqual([null, 2]);
    expect(() => layers.lstm({ units: 4, inputShape: [10] })).toThrow(/lstm\.inputShape .*\[10\]/);
    expect(() => layers.lstm({ units: 4, inputShape: [10, null] })).toThrow(
      'Expected an integer for lstm.inputShape[1] but received null of type null',
    );
    expect(() => layers.lstm({ units: 4, inputShape: [10, 0] })).toThrow(RangeError);
    expect(() => layers.lstm({ units: 4, inputShape: '10,1' as never })).toThrow(TypeError);
  });

  it('computes Keras shapes and weight layouts', () => {
    const seq = layers.lstm({ units: 64, returnSequences: true });
    expect(seq.computeOutputShape([null, 10, 1])).toEqual([null, 10, 64]);
    const last = layers.lstm({ units: 32, returnState: true });
    // Keras's compute_output_shape: a returnState LSTM has three outputs, [output, h, c].
    expect(last.computeOutputShape([null, 10, 64])).toEqual([[null, 32], [null, 32], [null, 32]]);
    expect(last.stateShapes([null, 10, 64])).toEqual([[null, 32], [null, 32]]);
    expect(last.weightSpecs([null, 10, 64]).map((w) => [w.name, w.shape])).toEqual([
      ['kernel', [64, 128]],
      ['recurrent_kernel', [32, 128]],
      ['bias', [128]],
    ]);
    expect(seq.countParams([null, 10, 1])).toBe(16896);
    expect(layers.lstm({ units: 3, useBias: false }).weightSpecs([null, 5, 2]).map((w) => w.name)).toEqual(['kernel', 'recurrent_kernel']);
  });

  it('validates through lstmConfig with any path', () => {
    expect(() => lstmConfig({ units: -1 }, 'layers[1]')).toThrow('for layers[1].units');
  });
});
