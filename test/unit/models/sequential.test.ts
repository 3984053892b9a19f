import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TorchError } from '../../../lib/errors.js';
import { layers, resetNames } from '../../../lib/layers/index.js';
import { setBindingForTests } from '../../../lib/models/engine.js';
import { Sequential, sequential } from '../../../lib/models/sequential.js';
import { engineGraph } from '../../../lib/serialization/keras-json.js';
import { Tensor } from '../../../lib/tensor.js';
import { optimizers } from '../../../lib/training/optimizers.js';
import { installFakeBinding, type FakeBinding } from './fake-binding.js';

let fake: FakeBinding;
beforeEach(() => {
  resetNames();
  fake = installFakeBinding();
});
afterEach(() => setBindingForTests(undefined));

function article(): Sequential {
  return sequential([
    layers.lstm({ units: 64, inputShape: [10, 1], returnSequences: true, dropout: 0.2 }),
    layers.lstm({ units: 32, recurrentDropout: 0.1 }),
    layers.dense({ units: 1 }),
  ]);
}

/** [n, t, 1] nested input with values i. */
function series(n: number, t = 10): number[][][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: t }, () => [i]));
}

describe('architecture checks', () => {
  it('applies the Keras rule for stacked LSTMs, with the fix in the message', () => {
    expect(() => sequential([layers.lstm({ units: 64, inputShape: [10, 1] }), layers.lstm({ units: 32 })])).toThrow(
      'layers[1] (lstm_1) expects a 3D input [batch, timesteps, features] but layers[0] (lstm) outputs [batch, 64]; ' +
        'set returnSequences: true on layers[0] (the Keras rule for stacked LSTMs)',
    );
  });

  it('finds the LSTM to fix through a Dropout, and checks on add()', () => {
    const model = sequential([layers.lstm({ units: 8, inputShape: [5, 2] }), layers.dropout({ rate: 0.2 })]);
    expect(() => model.add(layers.lstm({ units: 4 }))).toThrow(
      /layers\[2\] \(lstm_1\) expects a 3D input .* layers\[1\] \(dropout\) outputs \[batch, 8\]; set returnSequences: true on layers\[0\]/,
    );
    expect(model.layers).toHaveLength(2);
  });

  it('needs an inputShape on the first layer before the engine model is built', () => {
    const model = sequential([layers.lstm({ units: 4 }), layers.dense({ units: 1 })]);
    expect(() => model.compile({ optimizer: 'adam', loss: 'mse' })).toThrow(
      /layers\[0\] \(lstm\) has no inputShape; the first layer of a Sequential model needs one .*inputShape: \[timesteps, features\]/,
    );
    expect(fake.models).toHaveLength(0);
  });

  it('allows returnState only on the last layer', () => {
    expect(() =>
      sequential([layers.lstm({ units: 4, inputShape: [3, 1], returnSequences: true, returnState: true }), layers.dense({ units: 1 })]),
    ).toThrow(/layers\[0\] \(lstm\) has returnState: true but is not the last layer.*use returnState only on the last layer/);
  });

  it('allows Dense on 3-D inputs (last axis) and checks unique names', () => {
    const model = sequential([layers.lstm({ units: 4, inputShape: [3, 1], returnSequences: true }), layers.dense({ units: 2 })]);
    expect(model.summary(() => {})).toContain('(None, 3, 2)');
    expect(() => model.add(layers.dense({ units: 1, name: 'dense' }))).toThrow(
      /layers\[2\] \(dense\) has the same name as layers\[1\]/,
    );
  });

  it('rejects things that are not layers', () => {
    expect(() => sequential([{ units: 3 } as never])).toThrow(
      'Expected a layer (layers.lstm(...), layers.dense(...), layers.dropout(...)) for sequential.layers[0] but received an object of type object',
    );
    expect(() => sequential([], { nmae: 'x' } as never)).toThrow('did you mean "name"?');
  });
});

describe('Sequential', () => {
  it('names models like Keras and accepts the tfjs form', () => {
    expect(sequential().name).toBe('sequential');
    expect(sequential({ layers: [layers.dense({ units: 1, inputShape: [2] })], name: 'm' }).name).toBe('m');
    expect(sequential().name).toBe('sequential_1');
  });

  it('creates the engine model lazily, from the Keras JSON', () => {
    const model = article();
    expect(fake.models).toHaveLength(0);
    model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
    expect(fake.models).toHaveLength(1);
    expect(fake.last().graph).toEqual(engineGraph(model.getConfig()));
    expect(fake.last().graph.inputs).toEqual([{ name: 'input_layer', shape: [10, 1] }]);
    expect(fake.last().graph.nodes.map((n) => n.inputs)).toEqual([[[0, 0]], [[1, 0]], [[2, 0]]]);
    expect(fake.last().graph.outputs).toEqual([[3, 0]]);
    expect(fake.last().compiled[0]!.optimizer.class_name).toBe('Adam');
    expect(JSON.parse(JSON.stringify(model))).toEqual(model.getConfig());
  });

  it("compiles with Keras's default optimizer (rmsprop) and checks compile options", () => {
    const model = article();
    model.compile({ loss: 'mse' });
    expect(fake.last().compiled[0]!.optimizer.class_name).toBe('RMSprop');
    expect(() => model.compile({ loss: 'mse', metrics: ['mae', 'mae'] })).toThrow(/compile\.metrics\[1\] repeats compile\.metrics\[0\]/);
    expect(() => model.compile({ loss: 'msee' })).toThrow(/compile\.loss .*did you mean 'mse'/);
    expect(() => model.compile({ loss: 'mse', metrics: ['acuracy' as never] })).toThrow(/compile\.metrics\[0\] .*did you mean 'accuracy'/);
    expect(() => model.compile({ loss: 'mse', optimiser: 'adam' } as never)).toThrow('did you mean "optimizer"?');
    expect(() => model.compile({ optimizer: 'adamw' as never, loss: 'mse' })).toThrow(/did you mean 'adam'/);
    expect(() => model.compile({ optimizer: optimizers.adam({ clipValue: 1, clipNorm: 1 }), loss: 'mse' })).toThrow(
      'Only one of clipNorm, clipValue and globalClipNorm may be set for optimizers.adam but received clipNorm=1, clipValue=1, globalClipNorm=null',
    );
  });

  it('prints a Keras-like summary with the kernel each LSTM runs', () => {
    const lines: string[] = [];
    const text = article().summary((t) => lines.push(t));
    expect(lines).toEqual([text]);
    expect(text).toMatch(/^Model: "sequential"/);
    expect(text).toMatch(/Layer \(type\) +Output Shape +Param #/);
    expect(text).toMatch(/ lstm \(LSTM\) +\(None, 10, 64\) +16,896/);
    expect(text).toMatch(/ lstm_1 \(LSTM\) +\(None, 32\) +12,416/);
    expect(text).toMatch(/ dense \(Dense\) +\(None, 1\) +33/);
    expect(text).toContain('Total params: 29,345 (114.63 KB)');
    expect(text).toContain('Trainable params: 29,345 (114.63 KB)');
    expect(text).toContain('Non-trainable params: 0 (0.00 B)');
    expect(text).toContain(' lstm (LSTM): fused at::lstm');
    expect(text).toContain(' lstm_1 (LSTM): cell loop / fused at::lstm - recurrentDropout=0.1');
  });

  it('summarizes an unbuilt model without the engine', () => {
    const text = sequential([layers.lstm({ units: 4 })]).summary(() => {});
    expect(text).toMatch(/ lstm \(LSTM\) +\? +0 \(unbuilt\)/);
    expect(fake.models).toHaveLength(0);
  });

  it('checks setWeights shapes, naming the index and the layout', () => {
    const model = article();
    const weights = model.getWeights();
    expect(weights.map((w) => w.shape)).toEqual([[1, 256], [64, 256], [256], [64, 128], [32, 128], [128], [32, 1], [1]]);
    expect(weights[0]).toBeInstanceOf(Tensor);
    model.setWeights(weights);
    expect(fake.last().events).toContain('setWeights');
    const bad = [...weights];
    bad[1] = new Tensor(new Float32Array(64 * 128), [64, 128]);
    expect(() => model.setWeights(bad)).toThrow(
      'Expected weights[1] (lstm/recurrent_kernel, LSTM recurrent kernel [units, 4*units], gate order i, f, c, o) of shape [64, 256] but received [64, 128]',
    );
    expect(() => model.setWeights(weights.slice(0, 7))).toThrow(/Expected 8 weights for setWeights \(lstm\/kernel, .*dense\/bias\) but received 7/);
    const dense = [...weights];
    dense[6] = new Tensor(new Float32Array(2), [1, 2]);
    expect(() => model.setWeights(dense)).toThrow(/weights\[6\] \(dense\/kernel, Dense kernel \[inputDim, units\]\) of shape \[32, 1\]/);
  });

  it('rebuilds after add(), keeping the weights of the existing layers', () => {
    const model = sequential([layers.lstm({ units: 2, inputShape: [3, 1], returnSequences: true })]);
    const first = model.getWeights();
    model.setWeights(first.map((w) => new Tensor(new Float32Array(w.size).fill(7), w.shape)));
    model.add(layers.lstm({ units: 3 }));
    expect(fake.models[0]!.disposed).toBe(true);
    const after = model.getWeights();
    expect(fake.models).toHaveLength(2);
    expect(after.map((w) => w.shape)).toEqual([[1, 8], [2, 8], [8], [2, 12], [3, 12], [12]]);
    expect(Array.from(after[0]!.data)).toEqual(new Array(8).fill(7));
    expect(after[3]!.data[0]).toBe(3); // the fake's fresh init for the new layer
  });

  it('predicts a Tensor; predictOutputs gives [output, h, c] when the last LSTM returns its state', async () => {
    const model = article();
    const out = await model.predict(series(3), { batchSize: 2 });
    expect(out).toBeInstanceOf(Tensor);
    expect((out as Tensor).shape).toEqual([3, 1]);
    expect(fake.last().predictCalls[0]!.batchSize).toBe(2);
    const stateful = sequential([layers.lstm({ units: 4, inputShape: [10, 1], returnState: true })]);
    const outs = await stateful.predictOutputs(series(2));
    expect(outs.map((t) => t.shape)).toEqual([[2, 4], [2, 4], [2, 4]]);
    const main = await stateful.predict(series(2));
    expect(main).toBeInstanceOf(Tensor);
    expect(main.shape).toEqual([2, 4]);
    stateful.compile({ loss: 'mse' });
    await expect(stateful.fit(series(2), [[1, 1, 1, 1], [1, 1, 1, 1]], { verbose: 0 })).rejects.toThrow(
      /returnState: true, so the model has 3 outputs/,
    );
  });

  it('checks x against the input shape, with the reshape hint for 2-D arrays', async () => {
    const model = article();
    const twoD = Array.from({ length: 4 }, () => new Array(10).fill(0));
    await expect(model.predict(twoD)).rejects.toThrow(
      'Expected predict.x of shape [samples, timesteps, features] = [samples, 10, 1] (inputShape of layers[0] (lstm)) but received [4, 10]; ' +
        'reshape a 2-D [samples, timesteps] array to [samples, timesteps, 1] (one feature per step)',
    );
    await expect(model.predict(series(2, 9))).rejects.toThrow(/but received \[2, 9, 1\]$/);
    await expect(model.predict(series(1), { batch_size: 1 } as never)).rejects.toThrow('did you mean "batchSize"?');
  });

  it('requires compile for evaluate and gradients; evaluate returns the Keras dict', async () => {
    const model = article();
    await expect(model.evaluate(series(2), [1, 2], { verbose: 0 })).rejects.toMatchObject({ code: 'ERR_NOT_COMPILED' });
    expect(() => model.optimizer).toThrow(expect.objectContaining({ code: 'ERR_NOT_COMPILED' }));
    model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
    expect(await model.evaluate(series(2), [1, 2], { verbose: 0 })).toEqual({ loss: 0.25, mae: 0.5 });
    const grads = await model.gradients(series(2), [[1], [2]]);
    expect(grads.map((g) => g.shape)).toEqual(model.getWeights().map((w) => w.shape));
    await expect(model.gradients(series(2), [1, 2, 3])).rejects.toThrow(
      'Expected gradients.y to have as many samples as gradients.x (2) but received 3 (shape [3])',
    );
  });

  it('disposes the engine model; later calls fail with ERR_DISPOSED', async () => {
    const model = article();
    model.compile({ optimizer: 'adam', loss: 'mse' });
    {
      using m = model;
      expect(m.layers).toHaveLength(3);
    }
    expect(fake.last().disposed).toBe(true);
    expect(() => model.getWeights()).toThrow(expect.objectContaining({ code: 'ERR_DISPOSED' }));
    await expect(model.predict(series(1))).rejects.toBeInstanceOf(TorchError);
    await expect(model.fit(series(1), [1])).rejects.toMatchObject({ code: 'ERR_DISPOSED' });
    expect(() => model.compile({ loss: 'mse' })).toThrow(/disposed/);
    model.dispose();
  });

  it('rebuilds from its Keras JSON', () => {
    const model = article();
    const copy = Sequential.fromConfig(JSON.parse(JSON.stringify(model)));
    expect(copy.getConfig()).toEqual(model.getConfig());
    expect(copy.name).toBe(model.name);
  });

  it('wraps native errors as TorchError with the code and the native stack apart', async () => {
    const model = article();
    model.compile({ loss: 'mse' });
    fake.last().predict = async () => {
      throw new Error('[ERR_SHAPE] bad shape\n  frame #0: at::lstm');
    };
    const err = (await model.predict(series(1)).catch((e: unknown) => e)) as TorchError;
    expect(err).toBeInstanceOf(TorchError);
    expect(err.code).toBe('ERR_SHAPE');
    expect(err.message).toBe('bad shape');
    expect(err.nativeStack).toBe('  frame #0: at::lstm');
    expect(err.stack).toContain('sequential.test.ts');
  });
});
