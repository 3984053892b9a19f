/**
 * Same weights, same outputs (1e-5, float32) as @tensorflow/tfjs for the layers tfjs has:
 * layerNormalization (last axis and several axes), and a functional graph of dense stacks with
 * layerNormalization, timeDistributed, add, concatenate, globalAveragePooling1d and
 * globalMaxPooling1d.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { type Functional, input, layers, model, sequential, type Tensor } from '../../../lib/index.js';
import { expectClose, randomTensor } from '../numerics/helpers.js';
import { randomizeWeights, weightsByLayer } from './helpers.js';

const TOL = 1e-5;
const toTf = (w: Tensor) => tf.tensor(Array.from(w.data), w.shape);

describe('layerNormalization against tfjs', () => {
  for (const [name, axis, shape] of [
    ['last axis', -1, [5, 6]],
    ['axes [1, 2]', [1, 2], [3, 4]],
  ] as const) {
    it(name, async () => {
      const m = sequential([layers.layerNormalization({ axis: axis as number | number[], epsilon: 1e-3, inputShape: [...shape] })]);
      const ws = m.getWeights().map((w, i) => ({ data: randomTensor(w.shape, 10 + i).data, shape: w.shape }));
      m.setWeights(ws);
      const ref = tf.sequential({ layers: [tf.layers.layerNormalization({ axis: axis as number | number[], epsilon: 1e-3, inputShape: [...shape] })] });
      ref.layers[0]!.setWeights(m.getWeights().map(toTf));
      const x = randomTensor([4, ...shape], 3, -3, 3);
      const ours = (await m.predict(x)) as Tensor;
      const theirs = ref.predict(tf.tensor(Array.from(x.data), x.shape)) as tf.Tensor;
      expectClose(ours.data, theirs.dataSync(), TOL, name);
      m.dispose();
    });
  }
});

describe('a functional graph of dense, layerNormalization, timeDistributed, add, concatenate and global pooling against tfjs', () => {
  it('gives the same outputs with the same weights', async () => {
    const T = 6, F = 4;
    const x = input({ shape: [T, F], name: 'x' });
    const a = layers.dense({ units: 8, activation: 'tanh', name: 'a' }).apply(x);
    const n = layers.layerNormalization({ name: 'n' }).apply(a);
    const td = layers.timeDistributed({ layer: layers.dense({ units: 8, name: 'inner' }), name: 'td' }).apply(x);
    const s = layers.add({ name: 's' }).apply([n, td]);
    const c = layers.concatenate({ name: 'c' }).apply([s, x]);
    const gap = layers.globalAveragePooling1d({ name: 'gap' }).apply(c);
    const gmp = layers.globalMaxPooling1d({ name: 'gmp' }).apply(c);
    const j = layers.concatenate({ name: 'j' }).apply([gap, gmp]);
    const out = layers.dense({ units: 3, name: 'out' }).apply(j);
    const m: Functional = model({ inputs: x, outputs: out });
    expect(out.shape).toEqual([null, 3]);
    randomizeWeights(m, 7);

    const tx = tf.input({ shape: [T, F] });
    const ta = tf.layers.dense({ units: 8, activation: 'tanh', name: 'a' }).apply(tx) as tf.SymbolicTensor;
    const tn = tf.layers.layerNormalization({ name: 'n' }).apply(ta) as tf.SymbolicTensor;
    const ttd = tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 8 }), name: 'td' }).apply(tx) as tf.SymbolicTensor;
    const ts = tf.layers.add({ name: 's' }).apply([tn, ttd]) as tf.SymbolicTensor;
    const tc = tf.layers.concatenate({ name: 'c' }).apply([ts, tx]) as tf.SymbolicTensor;
    const tgap = tf.layers.globalAveragePooling1d({ name: 'gap' }).apply(tc) as tf.SymbolicTensor;
    const tgmp = tf.layers.globalMaxPooling1d({ name: 'gmp' }).apply(tc) as tf.SymbolicTensor;
    const tj = tf.layers.concatenate({ name: 'j' }).apply([tgap, tgmp]) as tf.SymbolicTensor;
    const tout = tf.layers.dense({ units: 3, name: 'out' }).apply(tj) as tf.SymbolicTensor;
    const ref = tf.model({ inputs: tx, outputs: tout });
    for (const [name, ws] of weightsByLayer(m)) if (ws.length > 0) ref.getLayer(name).setWeights(ws.map(toTf));

    const data = randomTensor([5, T, F], 11);
    const ours = (await m.predict(data)) as Tensor;
    const theirs = ref.predict(tf.tensor(Array.from(data.data), data.shape)) as tf.Tensor;
    expect(ours.shape).toEqual([5, 3]);
    expectClose(ours.data, theirs.dataSync(), TOL, 'graph output');
    m.dispose();
  });
});
