/**
 * Masks through recurrent layers against @tensorflow/tfjs with identical weights: an Embedding
 * with maskZero feeding an LSTM or a GRU (resetAfter false), for right-padded batches (the fused
 * kernel over packed sequences), left-padded ones (Keras's padSequences default, the cell
 * loop) and masks with holes; with returnSequences the masked steps repeat the previous output.
 * The engine graph is built directly (Keras JSON of each layer), so the test does not depend
 * on the TS Embedding layer.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { layers, resetNames } from '../../lib/layers/index.js';
import { binding, type EngineGraphJson, type KerasLayerJson, type NativeModel, type NativeTensor } from '../../lib/native.js';
import { layerToKeras } from '../../lib/serialization/keras-json.js';
import { expectClose, rng } from './numerics/helpers.js';

const TOL = 1e-5;
const V = 12, D = 4, U = 5, T = 7;

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const embeddingJson: KerasLayerJson = {
  class_name: 'Embedding',
  config: {
    name: 'embedding', input_dim: V, output_dim: D, mask_zero: true, embeddings_regularizer: null,
    embeddings_initializer: { class_name: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: 3 } },
  },
};

function engine(recurrent: KerasLayerJson): NativeModel {
  const graph: EngineGraphJson = {
    name: 'masked',
    inputs: [{ name: 'tokens', shape: [null] }],
    layers: [embeddingJson, recurrent],
    nodes: [{ layer: 0, inputs: [[0, 0]] }, { layer: 1, inputs: [[1, 0]] }],
    outputs: [[2, 0]],
  };
  return new (binding().Model)(graph);
}

/** Token rows with zeros (masked) where `lengths` and `padding` say; `holes` zeroes single steps. */
function tokens(lengths: number[], padding: 'pre' | 'post', seed: number, holes: [number, number][] = []): NativeTensor {
  const r = rng(seed);
  const data = new Float32Array(lengths.length * T);
  lengths.forEach((len, b) => {
    for (let i = 0; i < len; i++) data[b * T + (padding === 'post' ? i : T - len + i)] = 1 + Math.floor(r() * (V - 1));
  });
  for (const [b, t] of holes) data[b * T + t] = 0;
  return { data, shape: [lengths.length, T] };
}

function randomWeights(model: NativeModel, seed: number): NativeTensor[] {
  const r = rng(seed);
  const w = model.getWeights().map((t) => ({ data: t.data.map(() => 1.6 * r() - 0.8), shape: t.shape }));
  model.setWeights(w);
  return w;
}

async function tfjsPredict(kind: 'lstm' | 'gru', opts: { returnSequences: boolean; goBackwards: boolean }, weights: NativeTensor[], x: NativeTensor): Promise<Float32Array> {
  const inp = tf.input({ shape: [T] });
  const emb = tf.layers.embedding({ inputDim: V, outputDim: D, maskZero: true });
  const rnnArgs = { units: U, recurrentActivation: 'sigmoid' as const, ...opts };
  const rnn = kind === 'lstm' ? tf.layers.lstm(rnnArgs) : tf.layers.gru(rnnArgs);
  const model = tf.model({ inputs: inp, outputs: rnn.apply(emb.apply(inp)) as tf.SymbolicTensor });
  emb.setWeights([tf.tensor(weights[0]!.data, weights[0]!.shape)]);
  rnn.setWeights(weights.slice(1).map((w) => tf.tensor(w.data, w.shape)));
  const xt = tf.tensor(x.data, x.shape);
  const out = model.predict(xt) as tf.Tensor;
  const data = out.dataSync() as Float32Array;
  tf.dispose([xt, out]);
  model.dispose();
  return data;
}

const batches: [string, NativeTensor, string][] = [
  ['right-padded (post)', tokens([7, 3, 5, 1, 6], 'post', 1), 'fused'],
  ['left-padded (pre, the padSequences default)', tokens([7, 3, 5, 1, 6], 'pre', 2), 'loop'],
  ['holes', tokens([7, 6, 5, 4, 7], 'post', 3, [[0, 2], [1, 0], [4, 6]]), 'loop'],
];

describe('Embedding(maskZero) -> recurrent layer vs tfjs, same weights', () => {
  for (const kind of ['lstm', 'gru'] as const) {
    for (const returnSequences of [false, true]) {
      for (const goBackwards of [false, true]) {
        for (const [label, x] of batches) {
          it(`${kind} returnSequences ${returnSequences} goBackwards ${goBackwards}, ${label}`, async () => {
            resetNames();
            const layer =
              kind === 'lstm'
                ? layers.lstm({ units: U, returnSequences, goBackwards })
                : layers.gru({ units: U, returnSequences, goBackwards, resetAfter: false });
            const ours = engine(layerToKeras(layer));
            const weights = randomWeights(ours, 10);
            const [got] = await ours.predict([x], 32);
            const theirs = await tfjsPredict(kind, { returnSequences, goBackwards }, weights, x);
            expect(got!.shape).toEqual(returnSequences ? [5, T, U] : [5, U]);
            expectClose(got!.data, theirs, TOL, 'output vs tfjs');
            ours.dispose();
          });
        }
      }
    }
  }

  it('the summary states the mask rule for a fused layer with a masked input', () => {
    const ours = engine(layerToKeras(layers.lstm({ units: U })));
    const info = ours.describe().find((l) => l.className === 'LSTM')!;
    expect(info.kernel!.inference).toBe('fused CPU kernel (CPU; fused at::lstm elsewhere)');
    expect(info.kernel!.reason).toMatch(/right-padded masks keep the fused kernel \(packed sequences\), any other mask forces the cell loop/);
    ours.dispose();
  });

  it('a masked batch equals each sequence alone, unpadded (GRU resetAfter true, fused and loop)', async () => {
    for (const useCudnn of ['auto', false] as const) {
      resetNames();
      const ours = engine(layerToKeras(layers.gru({ units: U, useCudnn })));
      randomWeights(ours, 11);
      for (const [, x] of batches) {
        const [batch] = await ours.predict([x], 32);
        for (let b = 0; b < 5; b++) {
          const row = Array.from(x.data.slice(b * T, (b + 1) * T)).filter((v) => v !== 0);
          const [alone] = await ours.predict([{ data: Float32Array.from(row), shape: [1, row.length] }], 1);
          expectClose(batch!.data.slice(b * U, (b + 1) * U), alone!.data, TOL, `row ${b}`);
        }
      }
      ours.dispose();
    }
  });
});
