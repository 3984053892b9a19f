/**
 * Bidirectional against @tensorflow/tfjs with shared weights (1e-5, float32): every mergeMode
 * (concat, sum, mul, ave, null) over LSTM and GRU (resetAfter false: tfjs cannot compute
 * resetAfter true), with returnSequences and returnState; masks from an Embedding with maskZero.
 *
 * tfjs and Keras 3 differ in one place: under a mask with returnSequences, Keras 3's
 * Bidirectional forces zero_output_for_mask (masked timesteps output zeros) while tfjs repeats the
 * previous output. We follow Keras 3, so those cases compare the unmasked timesteps with tfjs and
 * check zeros at the masked ones.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { layers, loadModel, sequential, type Sequential, type Tensor } from '../../lib/index.js';
import { expectClose, randomTensor, rng } from './numerics/helpers.js';

const TOL = 1e-5;
type Mode = 'concat' | 'sum' | 'mul' | 'ave' | null;
const MODES: Mode[] = ['concat', 'sum', 'mul', 'ave', null];

interface Case {
  kind: 'lstm' | 'gru';
  units: number;
  mergeMode: Mode;
  returnSequences?: boolean;
  returnState?: boolean;
}

function ourInner(c: Case) {
  const common = { units: c.units, returnSequences: c.returnSequences ?? false, returnState: c.returnState ?? false };
  return c.kind === 'lstm' ? layers.lstm(common) : layers.gru({ ...common, resetAfter: false });
}

function tfInner(c: Case) {
  const common = {
    units: c.units,
    returnSequences: c.returnSequences ?? false,
    returnState: c.returnState ?? false,
    recurrentActivation: 'sigmoid' as const,
  };
  return c.kind === 'lstm' ? tf.layers.lstm(common) : tf.layers.gru(common);
}

/** Every weight replaced by values in [-0.6, 0.6] (biases included, so a gate-order slip shows). */
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

function tfPredict(model: tf.LayersModel, x: { data: Float32Array; shape: number[] }): Float32Array[] {
  const xt = tf.tensor(x.data, x.shape);
  const out = model.predict(xt);
  const list = Array.isArray(out) ? out : [out];
  const data = list.map((t) => t.dataSync() as Float32Array);
  tf.dispose([xt, ...list]);
  return data;
}

async function compare(c: Case, seed: number, T = 6, F = 3, batch = 4): Promise<void> {
  const ours = sequential([layers.bidirectional({ layer: ourInner(c), mergeMode: c.mergeMode, inputShape: [T, F] })]);
  const weights = randomizeWeights(ours, seed);
  const bi = tf.layers.bidirectional({ layer: tfInner(c) as tf.RNN, mergeMode: c.mergeMode ?? undefined });
  if (c.mergeMode === null) (bi as unknown as { mergeMode: null }).mergeMode = null;
  const input = tf.input({ shape: [T, F] });
  const theirs = tf.model({ inputs: input, outputs: bi.apply(input) as tf.SymbolicTensor | tf.SymbolicTensor[] });
  setTfWeights(bi, weights);
  const x = randomTensor([batch, T, F], seed + 1);
  const got = await ours.predictOutputs(x);
  const want = tfPredict(theirs, x);
  expect(got.length).toBe(want.length);
  got.forEach((t, i) => expectClose(t.data, want[i]!, TOL, `output ${i}`));
  expect(Math.max(...Array.from(want[0]!, Math.abs))).toBeGreaterThan(1e-2);
  theirs.dispose();
  ours.dispose();
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

describe('Bidirectional vs tfjs (same weights, 1e-5)', () => {
  MODES.forEach((mergeMode, i) => {
    it(`LSTM, mergeMode ${mergeMode}, last output`, async () => {
      await compare({ kind: 'lstm', units: 4, mergeMode }, 100 + i);
    });
    it(`LSTM, mergeMode ${mergeMode}, returnSequences`, async () => {
      await compare({ kind: 'lstm', units: 4, mergeMode, returnSequences: true }, 110 + i);
    });
    it(`GRU (resetAfter false), mergeMode ${mergeMode}, returnSequences`, async () => {
      await compare({ kind: 'gru', units: 3, mergeMode, returnSequences: true }, 120 + i);
    });
  });

  it('LSTM returnState gives [merged, forward h, c, backward h, c]', async () => {
    await compare({ kind: 'lstm', units: 5, mergeMode: 'concat', returnState: true }, 130);
  });

  it('LSTM returnState with mergeMode null gives [forward, backward, states...]', async () => {
    await compare({ kind: 'lstm', units: 3, mergeMode: null, returnState: true, returnSequences: true }, 131);
  });

  it('GRU returnState gives [merged, forward h, backward h]', async () => {
    await compare({ kind: 'gru', units: 4, mergeMode: 'ave', returnState: true }, 132);
  });
});

describe('Bidirectional with masks (Embedding maskZero)', () => {
  // Rows: right-padded, left-padded, full, padded in the middle.
  const T = 7;
  const tokens = new Float32Array([
    4, 9, 2, 7, 0, 0, 0,
    0, 0, 3, 8, 1, 5, 6,
    1, 2, 3, 4, 5, 6, 7,
    3, 0, 0, 5, 0, 2, 9,
  ]);
  const x = { data: tokens, shape: [4, T] };

  for (const kind of ['lstm', 'gru'] as const) {
    for (const returnSequences of [false, true]) {
      it(`${kind}, returnSequences ${returnSequences}`, async () => {
        const c: Case = { kind, units: 4, mergeMode: 'concat', returnSequences };
        const ours = sequential([
          layers.embedding({ inputDim: 10, outputDim: 3, maskZero: true, inputShape: [T] }),
          layers.bidirectional({ layer: ourInner(c) }),
        ]);
        const weights = randomizeWeights(ours, returnSequences ? 141 : 140);
        const emb = tf.layers.embedding({ inputDim: 10, outputDim: 3, maskZero: true });
        const bi = tf.layers.bidirectional({ layer: tfInner(c) as tf.RNN, mergeMode: 'concat' });
        const input = tf.input({ shape: [T] });
        const theirs = tf.model({ inputs: input, outputs: bi.apply(emb.apply(input)) as tf.SymbolicTensor });
        setTfWeights(emb, weights.slice(0, 1));
        setTfWeights(bi, weights.slice(1));
        const [got] = await ours.predictOutputs(x);
        const [want] = tfPredict(theirs, x);
        if (!returnSequences) {
          expectClose(got!.data, want!, TOL, 'last output');
        } else {
          // Keras 3: masked timesteps are zero; unmasked ones agree with tfjs.
          const width = 8;
          const a = got!.data;
          for (let i = 0; i < tokens.length; i++) {
            const row = Array.from(a.subarray(i * width, (i + 1) * width));
            if (tokens[i] === 0) {
              expect(row.every((v) => v === 0), `timestep ${i} is masked`).toBe(true);
            } else {
              expectClose(row, want!.subarray(i * width, (i + 1) * width), TOL, `timestep ${i}`);
            }
          }
        }
        theirs.dispose();
        ours.dispose();
      });
    }
  }
});

describe('Bidirectional options', () => {
  it('names the directions forward_/backward_ and serializes Keras-style', () => {
    const bi = layers.bidirectional({ layer: layers.lstm({ units: 4, name: 'enc' }), inputShape: [5, 2] });
    expect(bi.forwardLayer.name).toBe('forward_enc');
    expect(bi.backwardLayer.name).toBe('backward_enc');
    expect(bi.backwardLayer.getConfig().goBackwards).toBe(true);
    const m = sequential([bi]);
    const json = JSON.parse(JSON.stringify(m.getConfig())) as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
    const layer = json.config.layers.find((l) => l.class_name === 'Bidirectional')!;
    expect(layer.config.merge_mode).toBe('concat');
    expect((layer.config.layer as { class_name: string }).class_name).toBe('LSTM');
    expect((layer.config.layer as { config: { name: string } }).config.name).toBe('forward_enc');
    expect((layer.config.backward_layer as { config: { go_backwards: boolean } }).config.go_backwards).toBe(true);
    m.dispose();
  });

  it('rebuilds from getConfig()', () => {
    const bi = layers.bidirectional({ layer: layers.gru({ units: 3 }), mergeMode: 'sum', inputShape: [4, 2] });
    const again = layers.bidirectional(bi.getConfig());
    expect(again.getConfig()).toEqual(bi.getConfig());
  });

  it('rejects an unknown mergeMode, naming the option', () => {
    expect(() => layers.bidirectional({ layer: layers.lstm({ units: 2 }), mergeMode: 'max' as never })).toThrow(
      /bidirectional\.mergeMode/,
    );
    expect(() => layers.bidirectional({ layer: layers.lstm({ units: 2 }), mergeMode: 'avg' as never })).toThrow(/did you mean 'ave'/);
  });

  it('rejects a layer that is not recurrent', () => {
    expect(() => layers.bidirectional({ layer: layers.dense({ units: 2 }) as never })).toThrow(/recurrent layer/);
  });

  it('trains: gradients reach both directions', async () => {
    const T = 6;
    const m = sequential([
      layers.bidirectional({ layer: layers.lstm({ units: 4 }), inputShape: [T, 2] }),
      layers.dense({ units: 1 }),
    ]);
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const x = randomTensor([32, T, 2], 7);
    // The target depends on the first timestep: the backward direction sees it last.
    const y = { data: new Float32Array(32).map((_, i) => x.data[i * T * 2]!), shape: [32, 1] };
    const before = m.getWeights();
    const history = await m.fit(x, y, { epochs: 3, batchSize: 8 });
    const after = m.getWeights();
    for (let k = 0; k < 6; k++) {
      const moved = after[k]!.data.some((v, i) => v !== before[k]!.data[i]);
      expect(moved, `weight ${k} (${k < 3 ? 'forward' : 'backward'}) moved`).toBe(true);
    }
    const losses = history.history.loss!;
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]!);
    m.dispose();
  });
  it('saves and loads (Embedding -> Bidirectional -> Dense): same predictions, Keras weight names', async () => {
    const T = 6;
    const m = sequential([
      layers.embedding({ inputDim: 12, outputDim: 4, maskZero: true, inputShape: [T] }),
      layers.bidirectional({ layer: layers.gru({ units: 3, returnSequences: true }), mergeMode: 'sum' }),
      layers.bidirectional({ layer: layers.lstm({ units: 2 }) }),
      layers.dense({ units: 1 }),
    ]);
    const text = m.summary(() => {});
    expect(text).toMatch(/Bidirectional/);
    const x = { data: new Float32Array([1, 2, 3, 0, 0, 0, 0, 4, 5, 6, 7, 8]), shape: [2, T] };
    const before = (await m.predict(x)) as Tensor;
    const dir = mkdtempSync(path.join(tmpdir(), 'tl-bi-'));
    try {
      await m.save(dir);
      const loaded = await loadModel(dir);
      const after = (await loaded.predict(x)) as Tensor;
      expectClose(after.data, before.data, 0, 'prediction after load');
      loaded.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    m.dispose();
  });
});
