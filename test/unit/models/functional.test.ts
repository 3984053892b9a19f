import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { input, InputLayer, layers, resetNames, SymbolicTensor } from '../../../lib/layers/index.js';
import { setBindingForTests } from '../../../lib/models/engine.js';
import { Functional, model } from '../../../lib/models/functional.js';
import { engineGraph } from '../../../lib/serialization/keras-json.js';
import { installFakeBinding, type FakeBinding } from './fake-binding.js';
import { TestAdd, withTestAdd } from './test-layers.js';

let fake: FakeBinding;
let unregister: () => void;
beforeEach(() => {
  resetNames();
  fake = installFakeBinding();
  unregister = withTestAdd();
});
afterEach(() => {
  setBindingForTests(undefined);
  unregister();
});

/** Two inputs, two outputs: an LSTM started from states made of `aux`, a Dense shared by two calls. */
function twoHeads(): Functional {
  const seq = input({ shape: [6, 3], name: 'seq' });
  const aux = input({ shape: [4], name: 'aux' });
  const h0 = layers.dense({ units: 8, name: 'h0' }).apply(aux);
  const c0 = layers.dense({ units: 8, name: 'c0' }).apply(aux);
  const enc = layers.lstm({ units: 8, returnSequences: true, name: 'encoder' }).apply(seq, { initialState: [h0, c0] });
  const last = layers.lstm({ units: 5, name: 'summary' }).apply(layers.dropout({ rate: 0.1, name: 'drop' }).apply(enc));
  const shared = layers.dense({ units: 5, activation: 'relu', name: 'shared' });
  const a = shared.apply(last);
  const b = shared.apply(layers.dense({ units: 5, name: 'aux_proj' }).apply(aux));
  const value = layers.dense({ units: 1, name: 'value' }).apply(a);
  const label = layers.dense({ units: 3, activation: 'softmax', name: 'label' }).apply(b);
  return model({ inputs: [seq, aux], outputs: [value, label], name: 'two_heads' });
}

describe('input() and apply()', () => {
  it('gives symbolic tensors with the batch dimension first', () => {
    const x = input({ shape: [10, 2] });
    expect(x).toBeInstanceOf(SymbolicTensor);
    expect(x.shape).toEqual([null, 10, 2]);
    expect(x.name).toBe('input_layer');
    expect(x.sourceLayer).toBeInstanceOf(InputLayer);
    expect(input({ shape: [3], batchSize: 8, name: 'b' }).shape).toEqual([8, 3]);
    expect(input({ batchShape: [null, null, 4] }).name).toBe('input_layer_1');
    const seq = layers.lstm({ units: 7, returnSequences: true }).apply(x);
    expect(seq.shape).toEqual([null, 10, 7]);
    expect(seq.name).toBe('lstm[0][0]');
    expect(layers.dense({ units: 1 }).apply(seq).shape).toEqual([null, 10, 1]);
  });

  it('returns [output, h, c] for returnState, typed as a tuple', () => {
    const [out, h, c] = layers.lstm({ units: 4, returnState: true }).apply(input({ shape: [5, 2] }));
    expect([out.shape, h.shape, c.shape]).toEqual([[null, 4], [null, 4], [null, 4]]);
    expect([out.name, h.name, c.name]).toEqual(['lstm[0][0]', 'lstm[0][1]', 'lstm[0][2]']);
  });

  it('takes initial states as an option or in the inputs array, checked against units', () => {
    const x = input({ shape: [5, 2] });
    const h = input({ shape: [4] });
    const c = input({ shape: [4] });
    expect(layers.lstm({ units: 4 }).apply([x, h, c]).shape).toEqual([null, 4]);
    expect(layers.lstm({ units: 4 }).apply(x, { initialState: [h, c] }).shape).toEqual([null, 4]);
    expect(() => layers.lstm({ units: 4, name: 'l' }).apply(x, { initialState: [h] })).toThrow(
      'Expected 2 initial states [h0, c0] for l.apply (LSTM) but received 1',
    );
    expect(() => layers.lstm({ units: 3, name: 'l3' }).apply(x, { initialState: [h, c] })).toThrow(
      /Layer "l3" \(LSTM\) cannot be applied to .*: the initial state h of LSTM must have shape \(None, 3\) but has \(None, 4\)/,
    );
    expect(() => layers.lstm({ units: 4, name: 'l4' }).apply([x, h, c], { initialState: [h, c] })).toThrow(/initial states twice/);
  });

  it('names the layer and the shapes when a call cannot work', () => {
    const x = input({ shape: [6], name: 'flat' });
    expect(() => layers.lstm({ units: 2, name: 'rnn' }).apply(x)).toThrow(
      'Layer "rnn" (LSTM) cannot be applied to flat (None, 6): LSTM expects an input of rank 3 (batch included) but received shape (None, 6)',
    );
    expect(() => layers.dense({ units: 1, name: 'd' }).apply([x, x])).toThrow(/d\.apply\.inputs .*takes one input/);
    expect(() => layers.dense({ units: 1, name: 'd2' }).apply({ shape: [1, 2] } as never)).toThrow(
      /Expected a SymbolicTensor \(from input\(\) or another layer's apply\) for d2\.apply\.inputs but received an object/,
    );
    expect(() => layers.dense({ units: 1 }).apply(x, { initialState: x } as never)).toThrow(
      'Unknown option "initialState" for dense.apply.kwargs; Dense takes no options in apply',
    );
    expect(() => new TestAdd().apply([x, input({ shape: [5] })])).toThrow(/all inputs must have the same shape/);
    expect(() => layers.dense({ units: 2, inputShape: [3] }).apply(x)).toThrow(/declares inputShape \(None, 3\) but is applied to flat of shape \(None, 6\)/);
  });

  it('shares a layer applied twice, and refuses a call needing other weights', () => {
    const shared = layers.dense({ units: 2, name: 'shared' });
    shared.apply(input({ shape: [3] }));
    shared.apply(input({ shape: [5, 3] }));
    expect(shared.inboundNodes).toHaveLength(2);
    expect(() => shared.apply(input({ shape: [4] }))).toThrow(
      /Layer "shared" \(Dense\) is shared .* needs other weights \(kernel \[4, 2\], bias \[2\] instead of kernel \[3, 2\], bias \[2\]\)/,
    );
  });

  it('types the article snippet: a multi-input layer takes [lstmOut, lstmOut]', () => {
    const T = 12;
    const F = 3;
    const inputs = input({ shape: [T, F] });
    const lstmOut = layers.lstm({ units: 64, returnSequences: true }).apply(inputs);
    const att = new TestAdd().apply([lstmOut, lstmOut]);
    const outputs = layers.dense({ units: 1 }).apply(layers.lstm({ units: 16 }).apply(att));
    const m = model({ inputs, outputs });
    expect(m.outputs[0]!.shape).toEqual([null, 1]);
    expect(m.getConfig().config.layers.find((l) => l.name === 'test_add')!.inbound_nodes).toEqual([
      {
        args: [[
          { class_name: '__keras_tensor__', config: { shape: [null, T, 64], dtype: 'float32', keras_history: ['lstm', 0, 0] } },
          { class_name: '__keras_tensor__', config: { shape: [null, T, 64], dtype: 'float32', keras_history: ['lstm', 0, 0] } },
        ]],
        kwargs: {},
      },
    ]);
    expect(engineGraph(m.getConfig()).nodes[1]).toEqual({ layer: 1, inputs: [[1, 0], [1, 0]] });
  });
});

describe('model({ inputs, outputs })', () => {
  it("orders layers as Keras does and numbers each layer's calls", () => {
    const m = twoHeads();
    expect(m.layers.map((l) => l.name)).toEqual(['aux', 'seq', 'h0', 'c0', 'encoder', 'drop', 'summary', 'aux_proj', 'shared', 'value', 'label']);
    expect(m.inputNames).toEqual(['seq', 'aux']);
    expect(m.outputNames).toEqual(['value', 'label']);
    expect(m.inputs.map((t) => t.name)).toEqual(['seq', 'aux']);
    expect(m.outputs.map((t) => t.shape)).toEqual([[null, 1], [null, 3]]);
    expect(m.getLayer('shared').inboundNodes).toHaveLength(2);
    expect(() => m.getLayer('shard')).toThrow('The model has no layer "shard"; did you mean "shared"?');
    expect(m.name).toBe('two_heads');
  });

  it('derives the engine graph: inputs, layers once, calls in topological order, outputs', () => {
    const graph = engineGraph(twoHeads().getConfig());
    expect(graph.name).toBe('two_heads');
    expect(graph.inputs).toEqual([{ name: 'seq', shape: [6, 3] }, { name: 'aux', shape: [4] }]);
    expect(graph.layers.map((l) => `${l.class_name}:${l.config.name}`)).toEqual([
      'Dense:h0', 'Dense:c0', 'LSTM:encoder', 'Dropout:drop', 'LSTM:summary', 'Dense:aux_proj', 'Dense:shared', 'Dense:value', 'Dense:label',
    ]);
    expect(graph.nodes).toEqual([
      { layer: 0, inputs: [[1, 0]] }, // h0(aux)
      { layer: 1, inputs: [[1, 0]] }, // c0(aux)
      { layer: 2, inputs: [[0, 0], [2, 0], [3, 0]] }, // encoder(seq, initial_state=[h0, c0])
      { layer: 3, inputs: [[4, 0]] },
      { layer: 4, inputs: [[5, 0]] },
      { layer: 6, inputs: [[6, 0]] }, // shared, call 0
      { layer: 7, inputs: [[7, 0]] }, // value
      { layer: 5, inputs: [[1, 0]] }, // aux_proj
      { layer: 6, inputs: [[9, 0]] }, // shared, call 1
      { layer: 8, inputs: [[10, 0]] }, // label
    ]);
    expect(graph.outputs).toEqual([[8, 0], [11, 0]]);
  });

  it('checks its arguments', () => {
    const x = input({ shape: [3], name: 'x' });
    const y = layers.dense({ units: 1, name: 'y' }).apply(x);
    expect(() => model({ inputs: y, outputs: y })).toThrow('model.inputs[0] is y[0][0], the output of layer "y"; model inputs must come from input()');
    expect(() => model({ inputs: [x, x], outputs: y })).toThrow('model.inputs[1] repeats model.inputs[0] (x)');
    expect(() => model({ inputs: input({ shape: [3], name: 'other' }), outputs: y })).toThrow(
      'Graph disconnected: layer "y" needs the input "x", which is not among the model\'s inputs (other); add it to model({ inputs })',
    );
    expect(() => model({ inputs: x, outputs: [] })).toThrow('Expected at least one SymbolicTensor for model.outputs but received an empty array');
    expect(() => model({ inputs: x, outputs: [y, 3 as never] })).toThrow(/Expected a SymbolicTensor .* for model\.outputs\[1\] but received 3 of type number/);
    expect(() => model({ inputs: x, output: y } as never)).toThrow('Unknown option "output" for model; did you mean "outputs"?');
    const z = layers.dense({ units: 1, name: 'y' }).apply(y);
    expect(() => model({ inputs: x, outputs: z })).toThrow(/Two layers of the model are named "y"/);
  });

  it('keeps an unused input, and gives default names', () => {
    const a = input({ shape: [2] });
    const b = input({ shape: [2] });
    const m = model({ inputs: [a, b], outputs: layers.dense({ units: 1 }).apply(a) });
    expect(m.name).toBe('functional');
    // Keras puts an unused input at depth 0, before the layers of that depth.
    expect(m.layers.map((l) => l.name)).toEqual(['input_layer', 'input_layer_1', 'dense']);
    expect(engineGraph(m.getConfig()).inputs.map((i) => i.name)).toEqual(['input_layer', 'input_layer_1']);
  });

  it('prints Keras\'s summary with the "Connected to" column and the recurrent kernels', () => {
    const text = twoHeads().summary(() => {});
    expect(text).toContain('Model: "two_heads"');
    expect(text).toMatch(/Layer \(type\) +Output Shape +Param # +Connected to/);
    expect(text).toMatch(/ aux \(InputLayer\) +\(None, 4\) +0 +-/);
    expect(text).toMatch(/ encoder \(LSTM\) +\(None, 6, 8\) +384 +seq\[0\]\[0\],\n +h0\[0\]\[0\],\n +c0\[0\]\[0\]/);
    expect(text).toMatch(/ label \(Dense\) +\(None, 3\) +18 +shared\[1\]\[0\]/);
    expect(text).toContain('Total params: 823 (3.21 KB)');
    expect(text).toContain(' encoder (LSTM): fused at::lstm');
    expect(fake.models).toHaveLength(1);
  });

  it('round-trips through its Keras JSON (Keras 3 format) with fresh layers', () => {
    const m = twoHeads();
    const json = JSON.parse(JSON.stringify(m.getConfig()));
    expect(json.module).toBe('keras.src.models.functional');
    expect(json.config.input_layers).toEqual([['seq', 0, 0], ['aux', 0, 0]]);
    expect(json.config.output_layers).toEqual([['value', 0, 0], ['label', 0, 0]]);
    const encoder = json.config.layers.find((l: { name: string }) => l.name === 'encoder');
    expect(encoder.inbound_nodes[0].kwargs.initial_state.map((t: { config: { keras_history: unknown } }) => t.config.keras_history)).toEqual([
      ['h0', 0, 0],
      ['c0', 0, 0],
    ]);
    const back = Functional.fromConfig(json);
    expect(back.getConfig()).toEqual(json);
    expect(back.getLayer('shared')).not.toBe(m.getLayer('shared'));
  });

  it('writes one reference, not a list, for a model built on one tensor (Keras 3)', () => {
    const i = input({ shape: [2], name: 'i' });
    const single = model({ inputs: i, outputs: layers.dense({ units: 1, name: 'o' }).apply(i) });
    expect(single.getConfig().config.input_layers).toEqual(['i', 0, 0]);
    expect(single.getConfig().config.output_layers).toEqual(['o', 0, 0]);
    expect(Functional.fromConfig(single.getConfig()).getConfig()).toEqual(single.getConfig());
  });
});
