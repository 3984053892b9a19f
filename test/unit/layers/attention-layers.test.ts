/**
 * The attention-family layers without the addon: defaults, validation paths, output shapes,
 * weight shapes in Keras order, and config -> Keras JSON -> config round trips.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { type Layer, layers, resetNames } from '../../../lib/layers/index.js';
import { layerFromKeras, layerToKeras } from '../../../lib/serialization/layers/index.js';

beforeEach(() => resetNames());

/** Layer -> Keras JSON -> layer gives the same config and the same JSON. */
function roundTrips(layer: Layer): void {
  const json = JSON.parse(JSON.stringify(layerToKeras(layer)));
  const again = layerFromKeras(json, 'layers[0]', []);
  expect(again.className).toBe(layer.className);
  expect(again.getConfig()).toEqual(layer.getConfig());
  expect(layerToKeras(again)).toEqual(json);
}

describe('layers.layerNormalization', () => {
  it('fills the Keras defaults and round-trips', () => {
    const ln = layers.layerNormalization();
    expect(ln.getConfig()).toEqual({
      name: 'layer_normalization',
      axis: -1,
      epsilon: 1e-3,
      center: true,
      scale: true,
      betaInitializer: { className: 'Zeros', config: {} },
      gammaInitializer: { className: 'Ones', config: {} },
      betaRegularizer: null,
      gammaRegularizer: null,
    });
    roundTrips(layers.layerNormalization({ axis: [1, 2], center: false, gammaRegularizer: 'l2' }));
  });

  it('shapes gamma and beta over the normalized axes', () => {
    expect(layers.layerNormalization().weightSpecs([null, 7, 5]).map((w) => [w.name, w.shape])).toEqual([['gamma', [5]], ['beta', [5]]]);
    expect(layers.layerNormalization({ axis: [1, 2], scale: false }).weightSpecs([null, 7, 5]).map((w) => w.shape)).toEqual([[7, 5]]);
    expect(() => layers.layerNormalization({ axis: 0 }).weightSpecs([null, 5])).toThrow(/axis 0 is out of range/);
    expect(() => layers.layerNormalization({ axis: 1 }).weightSpecs([null, null, 5])).toThrow(/must have a known size/);
    expect(() => layers.layerNormalization({ axis: 'x' as never })).toThrow(/layerNormalization\.axis/);
  });
});

describe('layers.attention and layers.additiveAttention', () => {
  it('defaults, shapes, weights and round trips', () => {
    const a = layers.attention();
    expect(a.getConfig()).toEqual({ name: 'attention', useScale: false, scoreMode: 'dot', dropout: 0, useCausalMask: false, returnAttentionScores: false });
    expect(a.computeOutputShape([[null, 4, 8], [null, 6, 3], [null, 6, 8]])).toEqual([null, 4, 3]);
    expect(a.weightSpecs([[null, 4, 8], [null, 6, 8]])).toEqual([]);
    const b = layers.attention({ useScale: true, scoreMode: 'concat', returnAttentionScores: true, useCausalMask: true, dropout: 0.1 });
    expect(b.computeOutputShape([[null, 4, 8], [null, 6, 8]])).toEqual([[null, 4, 8], [null, 4, 6]]);
    expect(b.weightSpecs([[null, 4, 8], [null, 6, 8]]).map((w) => [w.name, w.shape])).toEqual([['scale', []], ['concat_score_weight', []]]);
    roundTrips(b);
    const c = layers.additiveAttention();
    expect(c.getConfig().useScale).toBe(true);
    expect(c.weightSpecs([[null, 4, 8], [null, 6, 8]]).map((w) => w.shape)).toEqual([[8]]);
    roundTrips(c);
  });

  it("reads Keras 2's causal flag and rejects unknown keys", () => {
    const l = layerFromKeras({ class_name: 'Attention', config: { name: 'att', use_scale: false, causal: true, dropout: 0 } }, 'layers[0]', []);
    expect(l.getConfig()).toMatchObject({ useCausalMask: true });
    expect(() => layerFromKeras({ class_name: 'Attention', config: { name: 'att', score_mod: 'dot' } }, 'layers[0]', [])).toThrow(/did you mean "score_mode"/);
  });
});

describe('layers.multiHeadAttention', () => {
  it('defaults, shapes, Keras 3 weight layout and round trip', () => {
    const m = layers.multiHeadAttention({ numHeads: 4, keyDim: 8 });
    expect(m.getConfig()).toMatchObject({ numHeads: 4, keyDim: 8, valueDim: 8, dropout: 0, useBias: true, outputShape: null });
    expect(m.computeOutputShape([[null, 5, 16], [null, 7, 12]])).toEqual([null, 5, 16]);
    expect(m.weightSpecs([[null, 5, 16], [null, 7, 12], [null, 7, 10]]).map((w) => [w.name, w.shape])).toEqual([
      ['query/kernel', [16, 4, 8]], ['query/bias', [4, 8]], ['key/kernel', [10, 4, 8]], ['key/bias', [4, 8]],
      ['value/kernel', [12, 4, 8]], ['value/bias', [4, 8]], ['attention_output/kernel', [4, 8, 16]], ['attention_output/bias', [16]],
    ]);
    const s = layers.multiHeadAttention({ numHeads: 2, keyDim: 3, valueDim: 5, outputShape: [6], returnAttentionScores: true, kernelRegularizer: 'l2' });
    expect(s.computeOutputShape([[null, 5, 16], [null, 7, 12]])).toEqual([[null, 5, 6], [null, 2, 5, 7]]);
    roundTrips(s);
  });

  it('reads attention_axes only for the time axis', () => {
    const config = { name: 'mha', num_heads: 2, key_dim: 4, attention_axes: [1] };
    expect(layerFromKeras({ class_name: 'MultiHeadAttention', config }, 'layers[0]', []).className).toBe('MultiHeadAttention');
    expect(() => layerFromKeras({ class_name: 'MultiHeadAttention', config: { ...config, attention_axes: [2] } }, 'layers[0]', [])).toThrow(
      /attention_axes is \[2\] but torch-lstm attends over the time axis only/,
    );
  });
});

describe('layers.transformerEncoder, positionEmbedding, pooling, timeDistributed, concatenate, add', () => {
  it('transformerEncoder: keras_hub defaults, 16 weights, round trip', () => {
    const t = layers.transformerEncoder({ intermediateDim: 32, numHeads: 4 });
    expect(t.getConfig()).toMatchObject({ dropout: 0, activation: 'relu', layerNormEpsilon: 1e-5, normalizeFirst: false });
    expect(t.countParams([null, 10, 8])).toBe(4 * (8 * 8 + 8) + 4 * 8 + 8 * 32 + 32 + 32 * 8 + 8);
    roundTrips(layers.transformerEncoder({ intermediateDim: 8, numHeads: 2, normalizeFirst: true, activityRegularizer: 'l1' }));
  });

  it('positionEmbedding: embeddings [sequenceLength, features], output = input shape', () => {
    const p = layers.positionEmbedding({ sequenceLength: 12 });
    expect(p.computeOutputShape([null, 10, 4])).toEqual([null, 10, 4]);
    expect(p.weightSpecs([null, 10, 4]).map((w) => w.shape)).toEqual([[12, 4]]);
    expect(() => p.computeOutputShape([null, 200, 4])).toThrow(/exceed sequenceLength\^2/);
    roundTrips(p);
  });

  it('global pooling: channelsLast / channelsFirst, keepdims; Keras data_format names', () => {
    expect(layers.globalAveragePooling1d().computeOutputShape([null, 10, 4])).toEqual([null, 4]);
    expect(layers.globalMaxPooling1d({ dataFormat: 'channelsFirst', keepdims: true }).computeOutputShape([null, 10, 4])).toEqual([null, 10, 1]);
    const json = layerToKeras(layers.globalMaxPooling1d({ dataFormat: 'channelsFirst' }));
    expect(json.config).toMatchObject({ data_format: 'channels_first', keepdims: false });
    roundTrips(layers.globalAveragePooling1d({ keepdims: true }));
  });

  it('timeDistributed: wraps the inner layer shapes and weights; round trip', () => {
    const td = layers.timeDistributed({ layer: layers.dense({ units: 3 }) });
    expect(td.computeOutputShape([null, 7, 5])).toEqual([null, 7, 3]);
    expect(td.weightSpecs([null, 7, 5]).map((w) => w.shape)).toEqual([[5, 3], [3]]);
    expect(td.getConfig().layer.className).toBe('Dense');
    const json = JSON.parse(JSON.stringify(layerToKeras(td)));
    expect(json.config.layer.class_name).toBe('Dense');
    const again = layerFromKeras(json, 'layers[0]', []);
    expect(layerToKeras(again)).toEqual(json);
    expect(() => layers.timeDistributed({ layer: layers.attention() })).toThrow(/takes several/);
  });

  it('concatenate and add: shapes and messages', () => {
    expect(layers.concatenate().computeOutputShape([[null, 4, 2], [null, 4, 3]])).toEqual([null, 4, 5]);
    expect(layers.concatenate({ axis: 1 }).computeOutputShape([[null, 4, 2], [null, null, 2]])).toEqual([null, null, 2]);
    expect(() => layers.concatenate().computeOutputShape([[null, 4, 2], [null, 5, 3]])).toThrow(/must match except along axis -1/);
    expect(layers.add().computeOutputShape([[null, 4, 2], [null, 1, 2]])).toEqual([null, 4, 2]);
    expect(() => layers.add().computeOutputShape([[null, 4, 2], [null, 4, 3]])).toThrow(/\(None, 4, 2\) and \(None, 4, 3\)/);
    roundTrips(layers.concatenate({ axis: 1 }));
    roundTrips(layers.add());
  });
});
