import { describe, expect, it } from 'vitest';
import { compileConfig } from '../../../lib/models/compile-args.js';
import { compileFromKeras, compileToKeras, lossFromKeras, lossToKeras, metricFromKeras } from '../../../lib/serialization/keras-json.js';
import { losses } from '../../../lib/training/losses.js';

const TWO = { names: ['value', 'label'], shapes: [[null, 1], [null, 3]] };

describe('compile config JSON', () => {
  it('round-trips a config with several outputs', () => {
    const config = compileConfig(
      { optimizer: 'adam', loss: ['mse', losses.sparseCategoricalCrossentropy({ fromLogits: true })], lossWeights: [1, 0.25], metrics: [['mae'], ['acc', 'auc']] },
      TWO,
    );
    const json = JSON.parse(JSON.stringify(compileToKeras(config)));
    expect(json).toMatchObject({
      losses: [{ class_name: 'MeanSquaredError', config: {} }, { class_name: 'SparseCategoricalCrossentropy', config: { from_logits: true } }],
      loss_weights: [1, 0.25],
      metrics: [[{ name: 'mae', class_name: 'MeanAbsoluteError' }], [{ name: 'acc', class_name: 'SparseCategoricalAccuracy' }, { name: 'auc', class_name: 'AUC' }]],
      output_names: ['value', 'label'],
    });
    const back = compileFromKeras(json, TWO);
    expect(compileToKeras(back)).toEqual(json);
    expect(() => compileFromKeras(json)).toThrow('Expected 1 entries (one per output) for compile_config.losses but received an array of length 2');
  });

  it('reads the one-output compile_config of saves made before several outputs', () => {
    const old = {
      optimizer: { class_name: 'Adam', config: { name: 'adam', learning_rate: 0.01, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: false, clipnorm: null, clipvalue: null, global_clipnorm: null } },
      loss: { class_name: 'Huber', config: { delta: 0.5 } },
      metrics: [{ name: 'mae', class_name: 'MeanAbsoluteError' }],
    };
    const c = compileFromKeras(old);
    expect(c.losses[0]!.getConfig()).toEqual({ delta: 0.5 });
    expect(c.lossWeights).toEqual([1]);
    expect(c.metrics).toEqual([[{ name: 'mae', className: 'MeanAbsoluteError' }]]);
    expect(c.optimizer.learningRate).toBe(0.01);
  });

  it('writes the crossentropy losses as the engine takes them, and reads Keras loss objects', () => {
    expect(lossToKeras(losses.binaryCrossentropy({ labelSmoothing: 0.1 }))).toEqual({ class_name: 'BinaryCrossentropy', config: { from_logits: false, label_smoothing: 0.1 } });
    expect(lossToKeras(losses.categoricalCrossentropy({ fromLogits: true }))).toEqual({ class_name: 'CategoricalCrossentropy', config: { from_logits: true, label_smoothing: 0 } });
    expect(lossToKeras(losses.sparseCategoricalCrossentropy())).toEqual({ class_name: 'SparseCategoricalCrossentropy', config: { from_logits: false } });
    const keras3 = {
      module: 'keras.losses', class_name: 'BinaryCrossentropy', registered_name: null,
      config: { name: 'binary_crossentropy', reduction: 'sum_over_batch_size', from_logits: true, label_smoothing: 0.2, axis: -1 },
    };
    expect(lossFromKeras(keras3, 'loss').getConfig()).toEqual({ fromLogits: true, labelSmoothing: 0.2 });
    expect(() => lossFromKeras({ ...keras3, config: { ...keras3.config, axis: 1 } }, 'loss')).toThrow(
      'loss.config.axis is 1 but torch-lstm supports only -1 (the Keras default) for it',
    );
    expect(lossFromKeras('sparse_categorical_crossentropy', 'loss').className).toBe('SparseCategoricalCrossentropy');
    expect(() => losses.binaryCrossentropy({ labelSmoothing: 2 })).toThrow('Expected a number >= 0 and <= 1 for losses.binaryCrossentropy.labelSmoothing but received 2');
    expect(() => losses.sparseCategoricalCrossentropy({ labelSmoothing: 0.1 } as never)).toThrow(/Unknown option "labelSmoothing" for losses\.sparseCategoricalCrossentropy/);
  });

  it('reads Keras metric objects at their defaults', () => {
    expect(metricFromKeras({ class_name: 'AUC', config: { name: 'auc', num_thresholds: 200, curve: 'ROC', multi_label: false } }, 'm')).toEqual({ name: 'auc', className: 'AUC' });
    expect(() => metricFromKeras({ class_name: 'AUC', config: { name: 'auc', curve: 'PR' } }, 'm')).toThrow('m.config.curve is "PR" but torch-lstm supports only "ROC" (the Keras default) for it');
    expect(metricFromKeras({ class_name: 'Precision', config: { name: 'precision', thresholds: null } }, 'm')).toEqual({ name: 'precision', className: 'Precision' });
    expect(metricFromKeras('accuracy', 'm', { loss: 'BinaryCrossentropy' })).toEqual({ name: 'accuracy', className: 'BinaryAccuracy' });
  });
});
