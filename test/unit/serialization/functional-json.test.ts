import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetNames } from '../../../lib/layers/index.js';
import { setBindingForTests } from '../../../lib/models/engine.js';
import { Functional } from '../../../lib/models/functional.js';
import { compileFromKeras, engineGraph, functionalFromKeras, isFunctionalJson } from '../../../lib/serialization/keras-json.js';
import { installFakeBinding } from '../models/fake-binding.js';

/**
 * Fixtures written by Keras itself (keras.Model.to_json + compile config), for the same model:
 * inputs seq [6, 3] and aux [4]; Dense h0, c0 on aux as the initial states of LSTM `encoder`
 * (Keras 3: `initial_state` kwargs; Keras 2: extra entries of the call); Dropout; LSTM `summary`;
 * Dense `shared` called twice (summary, aux_proj); outputs `value` and `label`.
 */
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}-functional.json`, import.meta.url), 'utf8')) as Record<string, unknown>;

beforeEach(() => {
  resetNames();
  installFakeBinding();
});
afterEach(() => setBindingForTests(undefined));

const EXPECTED_GRAPH = {
  name: 'two_heads',
  inputs: [{ name: 'seq', shape: [6, 3] }, { name: 'aux', shape: [4] }],
  nodes: [
    { layer: 0, inputs: [[1, 0]] },
    { layer: 1, inputs: [[1, 0]] },
    { layer: 2, inputs: [[0, 0], [2, 0], [3, 0]] },
    { layer: 3, inputs: [[4, 0]] },
    { layer: 4, inputs: [[5, 0]] },
    { layer: 6, inputs: [[6, 0]] },
    { layer: 7, inputs: [[7, 0]] },
    { layer: 5, inputs: [[1, 0]] },
    { layer: 6, inputs: [[9, 0]] },
    { layer: 8, inputs: [[10, 0]] },
  ],
  outputs: [[8, 0], [11, 0]],
};

describe('Keras functional configs', () => {
  for (const version of ['keras3', 'keras2']) {
    it(`reads a ${version === 'keras3' ? 'Keras 3' : 'Keras 2'} functional config.json into the engine graph`, () => {
      const json = fixture(version);
      expect(isFunctionalJson(json)).toBe(true);
      const graph = engineGraph(json);
      expect({ name: graph.name, inputs: graph.inputs, nodes: graph.nodes, outputs: graph.outputs }).toEqual(EXPECTED_GRAPH);
      expect(graph.layers.map((l) => l.config.name)).toEqual(['h0', 'c0', 'encoder', 'drop', 'summary', 'aux_proj', 'shared', 'value', 'label']);
      expect(graph.layers[2]).toMatchObject({ class_name: 'LSTM', config: { units: 8, return_sequences: true, use_cudnn: 'auto' } });
      expect(graph.layers[6]).toMatchObject({ class_name: 'Dense', config: { units: 5, activation: 'relu' } });
    });
  }

  it('reads both versions into the same model, in Keras\'s layer order', () => {
    const a = Functional.fromConfig(fixture('keras3'));
    const b = Functional.fromConfig(fixture('keras2'));
    expect(a.getConfig()).toEqual(b.getConfig());
    const json = fixture('keras3') as { config: { layers: { name: string }[] } };
    expect(a.layers.map((l) => l.name)).toEqual(json.config.layers.map((l) => l.name));
    expect(a.inputNames).toEqual(['seq', 'aux']);
    expect(a.outputNames).toEqual(['value', 'label']);
    expect(a.getLayer('encoder').inboundNodes[0]!.inputs.map((t) => t.name)).toEqual(['seq', 'h0[0][0]', 'c0[0][0]']);
  });

  it("reads Keras 3's compile_config (losses, loss_weights and metrics by output name)", () => {
    const json = fixture('keras3');
    const m = Functional.fromConfig(json);
    const outputs = { names: m.outputNames, shapes: [[null, 1], [null, 3]] };
    const c = compileFromKeras(json.compile_config, outputs);
    expect(c.losses.map((l) => l.className)).toEqual(['MeanSquaredError', 'SparseCategoricalCrossentropy']);
    expect(c.lossWeights).toEqual([1, 0.5]);
    expect(c.metrics).toEqual([[{ name: 'mae', className: 'MeanAbsoluteError' }], [{ name: 'accuracy', className: 'SparseCategoricalAccuracy' }]]);
    expect(c.optimizer.className).toBe('Adam');
  });

  it('reads Keras 2 calls with initial_state repeated in the kwargs (older tf.keras)', () => {
    const json = fixture('keras2') as { config: { layers: { name: string; inbound_nodes: unknown[] }[] } };
    const encoder = json.config.layers.find((l) => l.name === 'encoder')!;
    const states = [['h0', 0, 0], ['c0', 0, 0]];
    encoder.inbound_nodes = [[['seq', 0, 0, { initial_state: states }], ['h0', 0, 0, { initial_state: states }], ['c0', 0, 0, { initial_state: states }]]];
    expect(engineGraph(json).nodes[2]).toEqual({ layer: 2, inputs: [[0, 0], [2, 0], [3, 0]] });
    encoder.inbound_nodes = [[['seq', 0, 0, { initial_state: states }]]];
    expect(engineGraph(json).nodes[2]).toEqual({ layer: 2, inputs: [[0, 0], [2, 0], [3, 0]] });
  });

  it('refuses broken references and unsupported call arguments, naming them', () => {
    const edit = (f: (layers: { name: string; inbound_nodes: { args: unknown[]; kwargs: Record<string, unknown> }[] }[]) => void) => {
      const json = fixture('keras3') as { config: { layers: never[] } };
      f(json.config.layers);
      return json;
    };
    const history = (layers: { name: string; inbound_nodes: { args: unknown[] }[] }[], name: string) =>
      (layers.find((l) => l.name === name)!.inbound_nodes[0]!.args[0] as { config: { keras_history: unknown[] } }).config.keras_history;
    expect(() => functionalFromKeras(edit((l) => history(l, 'value').splice(0, 1, 'nope')))).toThrow(
      'layers[9].inbound_nodes[0].args[0].config.keras_history refers to layer "nope", which the model does not have',
    );
    expect(() => functionalFromKeras(edit((l) => history(l, 'value').splice(1, 1, 2)))).toThrow(
      'layers[9].inbound_nodes[0] input 0 refers to call 2 of layer "shared", which has 2',
    );
    expect(() => functionalFromKeras(edit((l) => (l.find((x) => x.name === 'value')!.inbound_nodes[0]!.kwargs.mask = { x: 1 })))).toThrow(
      /layers\[9\]\.inbound_nodes\[0\]\.kwargs calls the layer with mask=\{"x":1\}, a call argument torch-lstm does not support here/,
    );
    const dict = fixture('keras3') as { config: Record<string, unknown> };
    dict.config.input_layers = { seq: ['seq', 0, 0] };
    expect(() => functionalFromKeras(dict)).toThrow(/input_layers is a dict/);
    const outOfRange = fixture('keras3') as { config: Record<string, unknown> };
    outOfRange.config.output_layers = [['value', 0, 1], ['label', 0, 0]];
    expect(() => Functional.fromConfig(outOfRange)).toThrow(/refers to output 1 of layer "value", which has 1 output/);
  });
});
