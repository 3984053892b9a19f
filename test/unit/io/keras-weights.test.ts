/**
 * Where Keras 3 keeps the weights of layers whose weights live in sub-layers (a Bidirectional's
 * forward and backward layers, MultiHeadAttention's projections, keras_hub's TransformerEncoder),
 * read in torch-lstm's `getWeights()` order, through a fake HDF5 reader that lists groups in
 * HDF5's (alphabetical) order, as h5wasm does.
 */
import { describe, expect, it } from 'vitest';
import type { H5Reader } from '../../../lib/io/keras/keras-h5.js';
import { kerasV3LayerWeights, orderWeights, weightLayerNames } from '../../../lib/io/keras/keras-weights.js';

/** A reader over datasets given by path; each holds its index in `paths` as its value. */
function fakeReader(paths: readonly string[]): H5Reader {
  const children = (path: string): string[] | undefined => {
    const prefix = path === '' ? '' : `${path}/`;
    const under = paths.filter((p) => p.startsWith(prefix) && p !== path);
    if (under.length === 0) return undefined;
    return [...new Set(under.map((p) => p.slice(prefix.length).split('/')[0]!))].sort();
  };
  return {
    groupKeys: (path) => (paths.includes(path) ? undefined : children(path)),
    isDataset: (path) => paths.includes(path),
    stringAttr: () => undefined,
    stringListAttr: () => undefined,
    floatDataset: (path) => ({ shape: [1], data: Float32Array.of(paths.indexOf(path)) }),
  };
}

describe('kerasV3LayerWeights', () => {
  it("reads a Bidirectional's and a MultiHeadAttention's nested weights in Keras's layer.weights order", () => {
    const mha = ['query_dense', 'key_dense', 'value_dense', 'output_dense'].flatMap((d) => [`layers/mha/${d}/vars/0`, `layers/mha/${d}/vars/1`]);
    const bi = ['forward_layer', 'backward_layer'].flatMap((d) => [0, 1, 2].map((v) => `layers/bi/${d}/cell/vars/${v}`));
    const byLayer = kerasV3LayerWeights(fakeReader([...mha, ...bi]), ['bi', 'mha'], 'm.keras');
    expect(byLayer.get('mha')!.map((w) => w.path)).toEqual(mha);
    expect(byLayer.get('bi')!.map((w) => w.path)).toEqual(bi);
  });

  it("reads keras_hub's TransformerEncoder as torch-lstm orders it", () => {
    const enc = [
      ...['query_dense', 'key_dense', 'value_dense', 'output_dense'].flatMap((d) => [`layers/enc/self_attention_layer/${d}/vars/0`, `layers/enc/self_attention_layer/${d}/vars/1`]),
      ...['self_attention_layer_norm', 'feedforward_layer_norm', 'feedforward_intermediate_dense', 'feedforward_output_dense'].flatMap((d) => [`layers/enc/${d}/vars/0`, `layers/enc/${d}/vars/1`]),
    ];
    expect(kerasV3LayerWeights(fakeReader(enc), ['enc'], 'm.keras').get('enc')!.map((w) => w.path)).toEqual(enc);
  });
});

describe('orderWeights', () => {
  it("groups a wrapper's weights under the wrapper (layer names have no '/')", () => {
    const expected = [
      { name: 'bi/forward_lstm/kernel', shape: [1], layer: 'layers[0] (bi)' },
      { name: 'bi/backward_lstm/kernel', shape: [1], layer: 'layers[0] (bi)' },
      { name: 'dense/kernel', shape: [1], layer: 'layers[1] (dense)' },
    ];
    expect(weightLayerNames(expected)).toEqual(['bi', 'dense']);
    const w = (path: string, v: number) => ({ path, shape: [1], data: Float32Array.of(v) });
    const byLayer = new Map([
      ['bi', [w('f', 1), w('b', 2)]],
      ['dense', [w('d', 3)]],
    ]);
    expect(orderWeights(expected, byLayer, 'm.h5').map((t) => t.data[0])).toEqual([1, 2, 3]);
    expect(() => orderWeights(expected, new Map([['bi', [w('f', 1)]], ['dense', [w('d', 3)]]]), 'm.h5')).toThrow(
      /has 1 weight for the model's layers\[0\] \(bi\) \(f \[1\]\) but it needs 2 \(forward_lstm\/kernel \[1\], backward_lstm\/kernel \[1\]\)/,
    );
  });
});
