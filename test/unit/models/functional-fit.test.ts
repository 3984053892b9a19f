import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { input, layers, resetNames } from '../../../lib/layers/index.js';
import { setBindingForTests } from '../../../lib/models/engine.js';
import { type Functional, model } from '../../../lib/models/functional.js';
import { sequential } from '../../../lib/models/sequential.js';
import { Tensor } from '../../../lib/tensor.js';
import { losses } from '../../../lib/training/losses.js';
import { installFakeBinding, type FakeBinding } from './fake-binding.js';

let fake: FakeBinding;
beforeEach(() => {
  resetNames();
  fake = installFakeBinding();
});
afterEach(() => setBindingForTests(undefined));

/** seq [6, 3] -> LSTM -> value (1 unit); aux [4] -> label (3 classes, softmax). */
function twoHeads(): Functional {
  const seq = input({ shape: [6, 3], name: 'seq' });
  const aux = input({ shape: [4], name: 'aux' });
  const value = layers.dense({ units: 1, name: 'value' }).apply(layers.lstm({ units: 4 }).apply(seq));
  const label = layers.dense({ units: 3, activation: 'softmax', name: 'label' }).apply(aux);
  return model({ inputs: [seq, aux], outputs: [value, label] });
}

const filled = (shape: number[], f: (i: number) => number) => ({ data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => f(i)), shape });

/** n samples; the first value of each sample is its index. */
function data(n: number) {
  return {
    seq: filled([n, 6, 3], (i) => Math.floor(i / 18)),
    aux: filled([n, 4], (i) => Math.floor(i / 4)),
    value: filled([n], (i) => i),
    label: filled([n], (i) => i % 3),
  };
}

function compiled(): Functional {
  const m = twoHeads();
  m.compile({ optimizer: 'adam', loss: { value: 'mse', label: 'sparse_categorical_crossentropy' }, lossWeights: { label: 0.5 }, metrics: { value: ['mae'], label: ['accuracy'] } });
  return m;
}

describe('compile with several outputs', () => {
  it('resolves losses, weights and metrics per output (Keras 3 semantics)', () => {
    compiled();
    expect(fake.last().compiled[0]).toMatchObject({
      losses: [{ class_name: 'MeanSquaredError', config: {} }, { class_name: 'SparseCategoricalCrossentropy', config: { from_logits: false } }],
      loss_weights: [1, 0.5],
      metrics: [[{ name: 'mae', class_name: 'MeanAbsoluteError' }], [{ name: 'accuracy', class_name: 'SparseCategoricalAccuracy' }]],
      output_names: ['value', 'label'],
    });
  });

  it('applies one loss to every output, and takes arrays by position', () => {
    const m = twoHeads();
    m.compile({ loss: 'mse', lossWeights: [2, 1], metrics: [['mae', 'mse'], null] });
    const c = fake.last().compiled.at(-1)!;
    expect(c.losses.map((l) => l.class_name)).toEqual(['MeanSquaredError', 'MeanSquaredError']);
    expect(c.loss_weights).toEqual([2, 1]);
    expect(c.metrics).toEqual([[{ name: 'mae', class_name: 'MeanAbsoluteError' }, { name: 'mse', class_name: 'MeanSquaredError' }], []]);
    m.compile({ loss: [losses.huber(), losses.categoricalCrossentropy({ labelSmoothing: 0.1 })], metrics: ['mae', 'acc'] });
    const d = fake.last().compiled.at(-1)!;
    expect(d.losses[1]).toEqual({ class_name: 'CategoricalCrossentropy', config: { from_logits: false, label_smoothing: 0.1 } });
    expect(d.metrics).toEqual([[{ name: 'mae', class_name: 'MeanAbsoluteError' }], [{ name: 'acc', class_name: 'CategoricalAccuracy' }]]);
  });

  it('names the output in its errors', () => {
    const m = twoHeads();
    expect(() => m.compile({ loss: { value: 'mse' } })).toThrow(
      'compile.loss has no entry for the output "label"; give one for each output (value, label)',
    );
    expect(() => m.compile({ loss: { value: 'mse', lable: 'mse' } })).toThrow(
      'compile.loss has the key "lable", which is not an output of the model (outputs: value, label); did you mean "label"?',
    );
    expect(() => m.compile({ loss: ['mse'] })).toThrow('Expected 2 entries for compile.loss (one per output: value, label) but received 1');
    expect(() => m.compile({ loss: ['mse', null as never] })).toThrow(/compile\.loss\[1\] is null; torch-lstm needs a loss for every output/);
    expect(() => m.compile({ loss: 'mse', metrics: ['mae'] })).toThrow(
      /Expected 2 entries for compile\.metrics \(one per output: value, label\), as Keras 3 reads a metrics list/,
    );
    expect(() => m.compile({ loss: 'mse', metrics: { label: ['acuracy' as never] } })).toThrow(/compile\.metrics\.label\[0\] .*did you mean 'accuracy'/);
    expect(() => m.compile({ loss: 'mse', lossWeights: { value: -1 } })).toThrow('Expected a number >= 0 for compile.lossWeights.value but received -1');
    expect(() => m.compile({ loss: 'mse', metrics: [['mae', 'mae'], []] })).toThrow('compile.metrics[0][1] repeats compile.metrics[0][0] ("mae")');
  });

  it("resolves 'accuracy' from the output's loss and shape", () => {
    const x = input({ shape: [2] });
    const one = model({ inputs: x, outputs: layers.dense({ units: 1, activation: 'sigmoid' }).apply(x) });
    one.compile({ loss: 'binary_crossentropy', metrics: ['accuracy', 'precision', 'recall', 'auc', 'binaryAccuracy'] });
    expect(fake.last().compiled[0]!.metrics[0]!.map((m) => [m.name, m.class_name])).toEqual([
      ['accuracy', 'BinaryAccuracy'], ['precision', 'Precision'], ['recall', 'Recall'], ['auc', 'AUC'], ['binaryAccuracy', 'BinaryAccuracy'],
    ]);
    expect(fake.last().compiled[0]!.losses[0]).toEqual({ class_name: 'BinaryCrossentropy', config: { from_logits: false, label_smoothing: 0 } });
    const many = model({ inputs: x, outputs: layers.dense({ units: 4, activation: 'softmax' }).apply(x) });
    many.compile({ loss: 'categorical_crossentropy', metrics: ['accuracy', 'AUC'] });
    expect(fake.last().compiled[0]!.metrics[0]).toEqual([{ name: 'accuracy', class_name: 'CategoricalAccuracy' }, { name: 'auc', class_name: 'AUC' }]);
  });
});

describe('fit, evaluate, predict with several inputs and outputs', () => {
  it('takes x and y by name, aligns the targets, and sends every array in order', async () => {
    const m = compiled();
    const d = data(5);
    await m.fit({ aux: d.aux, seq: d.seq }, { value: d.value, label: d.label }, { verbose: 0 });
    const call = fake.last().fitCalls[0]!;
    expect(call.xs.map((x) => x.shape)).toEqual([[5, 6, 3], [5, 4]]);
    expect(call.ys.map((y) => y.shape)).toEqual([[5, 1], [5]]);
    expect(call.sampleWeight).toBeNull();
    await m.fit([d.seq, d.aux], [d.value, { data: d.label.data, shape: [5, 1] }], { verbose: 0 });
    expect(fake.last().fitCalls[1]!.ys[1]!.shape).toEqual([5]);
  });

  it('names the input or output in data errors', async () => {
    const m = compiled();
    const d = data(4);
    const y = { value: d.value, label: d.label };
    await expect(m.fit({ seq: d.seq }, y, { verbose: 0 })).rejects.toThrow('fit.x has no entry for the input "aux"; give one per input (seq, aux)');
    await expect(m.fit({ seq: d.seq, aux: d.aux, auxx: d.aux }, y, { verbose: 0 })).rejects.toThrow(/fit\.x has the key "auxx", which is not an input of the model .*did you mean "aux"\?/);
    await expect(m.fit(d.seq, y, { verbose: 0 })).rejects.toThrow(
      /The model has 2 inputs \(seq, aux\); give fit\.x as an array \(one per input\) or an object by input name/,
    );
    await expect(m.fit([d.seq, filled([4, 5], () => 0)], y, { verbose: 0 })).rejects.toThrow(
      'Expected fit.x[1] of shape [samples, 4] (input "aux") but received [4, 5]',
    );
    await expect(m.fit([d.seq, filled([3, 4], () => 0)], y, { verbose: 0 })).rejects.toThrow(
      'Expected fit.x[1] to have as many samples as fit.x[0] (4) but received 3',
    );
    await expect(m.fit([filled([4, 6], () => 0), d.aux], y, { verbose: 0 })).rejects.toThrow(
      /Expected fit\.x\[0\] of shape \[samples, 6, 3\] \(input "seq"\) but received \[4, 6\]; reshape a 2-D/,
    );
    await expect(m.fit([d.seq, d.aux], { value: filled([4, 2], () => 0), label: d.label }, { verbose: 0 })).rejects.toThrow(
      'Expected fit.y.value of shape [4, 1] (the output "value" for fit.x) but received [4, 2]',
    );
    await expect(m.fit([d.seq, d.aux], { value: d.value, label: filled([4, 3], () => 0) }, { verbose: 0 })).rejects.toThrow(
      'Expected fit.y.label of shape [4] or [4, 1] (class indices for the sparse categorical crossentropy of the output "label" for fit.x, [4, 3]) but received [4, 3]',
    );
    await expect(m.fit([d.seq, d.aux], { value: d.value, label: filled([4], () => 3) }, { verbose: 0 })).rejects.toThrow(
      'Expected class indices 0..2 in fit.y.label (sparse categorical crossentropy over 3 classes) but received 3 at index 0',
    );
  });

  it('slices every input, target and sample weight for validationSplit', async () => {
    const m = compiled();
    const d = data(10);
    await m.fit([d.seq, d.aux], [d.value, d.label], { validationSplit: 0.2, sampleWeight: filled([10], (i) => i / 10), verbose: 0 });
    const call = fake.last().fitCalls[0]!;
    expect(call.xs.map((x) => x.shape[0])).toEqual([8, 8]);
    expect(Array.from(call.ys[0]!.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(call.sampleWeight!.data)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7].map(Math.fround));
    expect(call.validation!.xs.map((x) => x.shape)).toEqual([[2, 6, 3], [2, 4]]);
    expect(Array.from(call.validation!.ys[1]!.data)).toEqual([2, 0]);
    expect(Array.from(call.validation!.sampleWeight!.data)).toEqual([0.8, 0.9].map(Math.fround));
  });

  it('takes validationData with sample weights, and checks sampleWeight', async () => {
    const m = compiled();
    const d = data(6);
    const v = data(2);
    await m.fit([d.seq, d.aux], [d.value, d.label], { validationData: [[v.seq, v.aux], [v.value, v.label], [1, 2]], verbose: 0 });
    expect(Array.from(fake.last().fitCalls[0]!.validation!.sampleWeight!.data)).toEqual([1, 2]);
    await expect(m.fit([d.seq, d.aux], [d.value, d.label], { sampleWeight: [1, 2], verbose: 0 })).rejects.toThrow(
      'Expected fit.sampleWeight of shape [6] (one weight per sample of fit.x) but received [2]',
    );
    await expect(m.fit([d.seq, d.aux], [d.value, d.label], { sampleWeight: [1, 1, 1, 1, 1, -1], verbose: 0 })).rejects.toThrow(
      'Expected weights >= 0 in fit.sampleWeight but received -1 at index 5',
    );
    await expect(m.fit([d.seq, d.aux], [d.value, d.label], { classWeight: { 0: 2 }, verbose: 0 })).rejects.toThrow(
      'fit.classWeight is only supported for models with a single output (as in Keras); for several outputs give fit.sampleWeight',
    );
  });

  it('predicts one tensor per output, evaluates with per-output log keys and sample weights', async () => {
    const m = compiled();
    const d = data(3);
    const out = await m.predict({ seq: d.seq, aux: d.aux });
    expect(Array.isArray(out)).toBe(true);
    expect((out as Tensor[]).map((t) => t.shape)).toEqual([[3, 1], [3, 3]]);
    expect((await m.predictOutputs([d.seq, d.aux])).length).toBe(2);
    const logs = await m.evaluate([d.seq, d.aux], [d.value, d.label], { sampleWeight: [1, 0, 1], verbose: 0 });
    expect(logs).toEqual({ loss: 0.25, value_loss: 0.125, value_mae: 0.5, label_loss: 0.125, label_accuracy: 0.5 });
    expect(Array.from(fake.last().evaluateCalls[0]!.sampleWeight!.data)).toEqual([1, 0, 1]);
    await m.gradients([d.seq, d.aux], [d.value, d.label], { sampleWeight: [1, 1, 2] });
    expect(fake.last().gradientCalls[0]!.ys.map((y) => y.shape)).toEqual([[3, 1], [3]]);
    const x = input({ shape: [2] });
    const single = model({ inputs: x, outputs: layers.dense({ units: 1 }).apply(x) });
    expect(await single.predict([[1, 2]])).toBeInstanceOf(Tensor);
    expect(await single.predict([new Tensor(new Float32Array([1, 2]), [1, 2])])).toBeInstanceOf(Tensor);
  });
});

describe('classWeight', () => {
  const binary = () => {
    const m = sequential([layers.dense({ units: 1, activation: 'sigmoid', inputShape: [2] })]);
    m.compile({ loss: 'binary_crossentropy' });
    return m;
  };
  const x = [[0, 0], [1, 1], [2, 2], [3, 3]];

  it('weighs each sample by its class: round(y) of a binary target, times sampleWeight', async () => {
    const m = binary();
    await m.fit(x, [0, 1, 0.9, 0.2], { classWeight: { 0: 1, 1: 3 }, verbose: 0 });
    expect(Array.from(fake.last().fitCalls[0]!.sampleWeight!.data)).toEqual([1, 3, 3, 1]);
    await m.fit(x, [0, 1, 1, 0], { classWeight: { 1: 3 }, sampleWeight: [1, 2, 0.5, 4], verbose: 0 });
    expect(Array.from(fake.last().fitCalls[1]!.sampleWeight!.data)).toEqual([1, 6, 1.5, 4]);
  });

  it('takes the argmax of one-hot targets and the index of sparse ones', async () => {
    const onehot = sequential([layers.dense({ units: 3, activation: 'softmax', inputShape: [2] })]);
    onehot.compile({ loss: 'categorical_crossentropy' });
    await onehot.fit(x, [[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1]], { classWeight: { 0: 0.5, 1: 2, 2: 4 }, verbose: 0 });
    expect(Array.from(fake.last().fitCalls[0]!.sampleWeight!.data)).toEqual([0.5, 4, 2, 4]);
    const sparse = sequential([layers.dense({ units: 3, activation: 'softmax', inputShape: [2] })]);
    sparse.compile({ loss: 'sparse_categorical_crossentropy' });
    await sparse.fit(x, [[2], [0], [1], [1]], { classWeight: { 0: 5, 2: 7 }, verbose: 0 });
    expect(Array.from(fake.last().fitCalls[0]!.sampleWeight!.data)).toEqual([7, 5, 1, 1]);
    expect(fake.last().fitCalls[0]!.y.shape).toEqual([4]);
  });

  it('checks the classes and the weights', async () => {
    const m = binary();
    await expect(m.fit(x, [0, 1, 2, 1], { classWeight: { 0: 1, 1: 2 }, verbose: 0 })).rejects.toThrow(
      'fit.y has class 2 at sample 2 but fit.classWeight has weights for classes 0..1 only',
    );
    await expect(m.fit(x, [0, 1, 0, 1], { classWeight: { a: 1 } as never, verbose: 0 })).rejects.toThrow(
      'Expected class indices (integers >= 0) as keys of fit.classWeight but received "a"',
    );
    await expect(m.fit(x, [0, 1, 0, 1], { classWeight: { 0: -1 }, verbose: 0 })).rejects.toThrow('Expected a number >= 0 for fit.classWeight[0] but received -1');
    const seq = sequential([layers.lstm({ units: 2, returnSequences: true, inputShape: [3, 1] }), layers.dense({ units: 1, activation: 'sigmoid' })]);
    seq.compile({ loss: 'binary_crossentropy' });
    await expect(seq.fit([[[0], [1], [0]]], [[[0], [1], [0]]], { classWeight: { 0: 1 }, verbose: 0 })).rejects.toThrow(
      /fit\.classWeight needs one class per sample but fit\.y has shape \[1, 3, 1\] \(a sequence target\)/,
    );
  });
});
