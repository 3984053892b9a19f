/**
 * Embedding, Masking and GaussianNoise through the addon, against @tensorflow/tfjs with shared
 * weights (1e-5, float32): lookups, masks from maskZero / Masking flowing through LSTM and GRU
 * (masked steps carry the state; left-, right- and middle-padded rows), the range error, and a
 * small text classifier (Embedding -> LSTM -> Dense(sigmoid)) that learns with binary
 * crossentropy.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { layers, sequential, type Sequential, type Tensor } from '../../lib/index.js';
import { expectClose, randomTensor, rng } from './numerics/helpers.js';

const TOL = 1e-5;

function randomizeWeights(model: Sequential, seed: number): Tensor[] {
  const r = rng(seed);
  const ws = model.getWeights();
  model.setWeights(ws.map((w) => ({ data: w.data.map(() => 1.2 * r() - 0.6), shape: w.shape })));
  return model.getWeights();
}

function setTfWeights(layer: tf.layers.Layer, weights: Tensor[]): void {
  expect(layer.getWeights().length).toBe(weights.length);
  layer.setWeights(weights.map((w) => tf.tensor(w.data, w.shape)));
}

function tfPredict(model: tf.LayersModel, x: { data: Float32Array; shape: number[] }): Float32Array {
  const xt = tf.tensor(x.data, x.shape);
  const out = model.predict(xt) as tf.Tensor;
  const data = out.dataSync() as Float32Array;
  tf.dispose([xt, out]);
  return data;
}

// Rows: right-padded, left-padded, full, padded in the middle.
const T = 7;
const TOKENS = {
  data: new Float32Array([
    4, 9, 2, 7, 0, 0, 0,
    0, 0, 3, 8, 1, 5, 6,
    1, 2, 3, 4, 5, 6, 7,
    3, 0, 0, 5, 0, 2, 9,
  ]),
  shape: [4, T],
};

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

describe('Embedding', () => {
  it('looks up the rows of its table (same as tfjs)', async () => {
    const ours = sequential([layers.embedding({ inputDim: 10, outputDim: 4, inputShape: [T] })]);
    const [table] = ours.getWeights();
    expect(table!.shape).toEqual([10, 4]);
    // Keras's default initializer: RandomUniform(-0.05, 0.05).
    expect(Math.max(...Array.from(table!.data, Math.abs))).toBeLessThanOrEqual(0.05);
    const emb = tf.layers.embedding({ inputDim: 10, outputDim: 4 });
    const input = tf.input({ shape: [T] });
    const theirs = tf.model({ inputs: input, outputs: emb.apply(input) as tf.SymbolicTensor });
    setTfWeights(emb, [table!]);
    const got = (await ours.predict(TOKENS)) as Tensor;
    expect(got.shape).toEqual([4, T, 4]);
    expectClose(got.data, tfPredict(theirs, TOKENS), 0, 'lookup');
    theirs.dispose();
    ours.dispose();
  });

  it('an index outside [0, inputDim) is an error naming the layer, inputDim and the index', async () => {
    const ours = sequential([layers.embedding({ inputDim: 5, outputDim: 2, inputShape: [3], name: 'tokens' })]);
    await expect(ours.predict({ data: new Float32Array([1, 7, 0]), shape: [1, 3] })).rejects.toThrow(/'tokens'.*index 7.*input_dim 5/);
    ours.dispose();
  });

  it('validates its options', () => {
    expect(() => layers.embedding({ inputDim: 0, outputDim: 2 })).toThrow(/embedding\.inputDim/);
    expect(() => layers.embedding({ inputDim: 4, outputDim: 2, maskZero: true, inputShape: [3, 2] })).toThrow(/maskZero/);
    expect(() => layers.embedding({ inputDim: 4, outputDim: 2, inputLength: 3 } as never)).toThrow(/Unknown option "inputLength"/);
  });

  for (const kind of ['lstm', 'gru'] as const) {
    for (const returnSequences of [false, true]) {
      it(`maskZero feeding ${kind} (returnSequences ${returnSequences}) agrees with tfjs`, async () => {
        const ours = sequential([
          layers.embedding({ inputDim: 10, outputDim: 3, maskZero: true, inputShape: [T] }),
          kind === 'lstm' ? layers.lstm({ units: 4, returnSequences }) : layers.gru({ units: 4, returnSequences, resetAfter: false }),
        ]);
        const weights = randomizeWeights(ours, 200 + (returnSequences ? 1 : 0) + (kind === 'gru' ? 2 : 0));
        const emb = tf.layers.embedding({ inputDim: 10, outputDim: 3, maskZero: true });
        const common = { units: 4, returnSequences, recurrentActivation: 'sigmoid' as const };
        const rnn = kind === 'lstm' ? tf.layers.lstm(common) : tf.layers.gru(common);
        const input = tf.input({ shape: [T] });
        const theirs = tf.model({ inputs: input, outputs: rnn.apply(emb.apply(input)) as tf.SymbolicTensor });
        setTfWeights(emb, weights.slice(0, 1));
        setTfWeights(rnn, weights.slice(1));
        const got = (await ours.predict(TOKENS)) as Tensor;
        const want = tfPredict(theirs, TOKENS);
        expectClose(got.data, want, TOL, 'output');
        expect(Math.max(...Array.from(want, Math.abs))).toBeGreaterThan(1e-2);
        theirs.dispose();
        ours.dispose();
      });
    }
  }

  it('maskZero: a padded row gives what the unpadded row gives alone', async () => {
    const ours = sequential([
      layers.embedding({ inputDim: 10, outputDim: 3, maskZero: true, inputShape: [null] }),
      layers.lstm({ units: 5 }),
    ]);
    randomizeWeights(ours, 210);
    const padded = (await ours.predict(TOKENS)) as Tensor;
    const rows = [[4, 9, 2, 7], [3, 8, 1, 5, 6], [1, 2, 3, 4, 5, 6, 7], [3, 5, 2, 9]];
    for (const [b, row] of rows.entries()) {
      const alone = (await ours.predict({ data: new Float32Array(row), shape: [1, row.length] })) as Tensor;
      expectClose(padded.data.subarray(b * 5, (b + 1) * 5), alone.data, TOL, `row ${b}`);
    }
    ours.dispose();
  });
});

describe('Masking', () => {
  const F = 2;
  const x = randomTensor([3, T, F], 300);
  // Mask some timesteps: row 0 the last three, row 1 the first two, row 2 timestep 3.
  const masked: [number, number][] = [[0, 4], [0, 5], [0, 6], [1, 0], [1, 1], [2, 3]];
  for (const [b, t] of masked) x.data.fill(-1, (b * T + t) * F, (b * T + t + 1) * F);

  it('zeroes the masked timesteps (as tfjs and Keras: inputs * mask)', async () => {
    const ours = sequential([layers.masking({ maskValue: -1, inputShape: [T, F] })]);
    const input = tf.input({ shape: [T, F] });
    const theirs = tf.model({ inputs: input, outputs: tf.layers.masking({ maskValue: -1 }).apply(input) as tf.SymbolicTensor });
    const got = (await ours.predict(x)) as Tensor;
    expectClose(got.data, tfPredict(theirs, x), 0, 'masked input');
    for (const [b, t] of masked) expect(Math.abs(got.data[(b * T + t) * F]!)).toBe(0);
    theirs.dispose();
    ours.dispose();
  });

  it('masks an LSTM as tfjs does', async () => {
    const ours = sequential([layers.masking({ maskValue: -1, inputShape: [T, F] }), layers.lstm({ units: 4, returnSequences: true })]);
    const weights = randomizeWeights(ours, 301);
    const lstm = tf.layers.lstm({ units: 4, returnSequences: true, recurrentActivation: 'sigmoid' });
    const input = tf.input({ shape: [T, F] });
    const theirs = tf.model({ inputs: input, outputs: lstm.apply(tf.layers.masking({ maskValue: -1 }).apply(input)) as tf.SymbolicTensor });
    setTfWeights(lstm, weights);
    expectClose(((await ours.predict(x)) as Tensor).data, tfPredict(theirs, x), TOL, 'lstm output');
    theirs.dispose();
    ours.dispose();
  });

  it('defaults maskValue to 0 and validates its options', () => {
    expect(layers.masking().getConfig().maskValue).toBe(0);
    expect(() => layers.masking({ maskValue: 'x' as never })).toThrow(TypeError);
    expect(() => layers.masking({ inputShape: [4] })).toThrow(/masking\.inputShape/);
  });
});

describe('GaussianNoise', () => {
  it('is the identity at inference and passes a mask through', async () => {
    const m = sequential([
      layers.embedding({ inputDim: 10, outputDim: 3, maskZero: true, inputShape: [T] }),
      layers.gaussianNoise({ stddev: 0.3 }),
      layers.lstm({ units: 4 }),
    ]);
    const plain = sequential([
      layers.embedding({ inputDim: 10, outputDim: 3, maskZero: true, inputShape: [T] }),
      layers.lstm({ units: 4 }),
    ]);
    plain.setWeights(m.getWeights());
    expectClose(((await m.predict(TOKENS)) as Tensor).data, ((await plain.predict(TOKENS)) as Tensor).data, 0, 'inference');
    m.dispose();
    plain.dispose();
  });

  it('rejects a negative stddev', () => {
    expect(() => layers.gaussianNoise({ stddev: -1 })).toThrow(/gaussianNoise\.stddev/);
  });
});

describe('Text classification smoke test', () => {
  it('Embedding(1000, 16, maskZero) -> LSTM(8) -> Dense(1, sigmoid) learns with binaryCrossentropy', async () => {
    // Label 1 when the (variable-length, right-padded) sequence contains token 7.
    const n = 256;
    const len = 12;
    const r = rng(400);
    const x = new Float32Array(n * len);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const length = 4 + Math.floor(r() * (len - 4));
      const positive = i % 2 === 0;
      for (let t = 0; t < length; t++) {
        x[i * len + t] = 8 + Math.floor(r() * 990);
      }
      if (positive) x[i * len + Math.floor(r() * length)] = 7;
      y[i] = positive ? 1 : 0;
    }
    const m = sequential([
      layers.embedding({ inputDim: 1000, outputDim: 16, maskZero: true, inputShape: [len] }),
      layers.lstm({ units: 8 }),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ]);
    m.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    const history = await m.fit({ data: x, shape: [n, len] }, { data: y, shape: [n, 1] }, { epochs: 15, batchSize: 32, seed: 1 });
    const logs = history.history;
    const loss = logs.loss!;
    expect(loss[loss.length - 1]).toBeLessThan(loss[0]! * 0.7);
    expect(logs.accuracy![logs.accuracy!.length - 1]).toBeGreaterThan(0.8);
    m.dispose();
  });
});
