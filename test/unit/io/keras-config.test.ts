/**
 * The checks of Keras 3 / Keras 2 / tfjs model JSON before the serialization module reads it
 * (lib/io/keras/keras-config.ts): layers torch-lstm does not offer named all at once, and Keras
 * 2's / tfjs's hard_sigmoid refused, wrapped layers included. The spellings of other writers are
 * read by the serialization module (test/unit/serialization/keras-dialects.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { ModelFileError } from '../../../lib/io/errors.js';
import { normalizeKerasModelJson } from '../../../lib/io/keras/keras-config.js';
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

  it('refuses the old hard_sigmoid inside a wrapper too (tfjs LSTMs default to it)', () => {
    const wrapped = sequentialJson([{ class_name: 'Bidirectional', config: { name: 'bi', layer: lstm({ recurrent_activation: 'hard_sigmoid' }) } }]);
    expect(() => normalizeKerasModelJson(wrapped, { writer: 'tfjs' }, 'model.json')).toThrow(
      /config\.layers\[0\]\.layer\.config\.recurrent_activation is "hard_sigmoid", which TensorFlow\.js computes as/,
    );
  });

  it('refuses what is not a model JSON', () => {
    expect(() => normalizeKerasModelJson([1, 2], KERAS3, 'x.keras')).toThrow(ModelFileError);
    expect(() => normalizeKerasModelJson({ class_name: 'Sequential' }, KERAS3, 'x.keras')).toThrow(/does not hold a Keras model config/);
  });
});
