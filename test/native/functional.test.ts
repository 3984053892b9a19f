/**
 * Functional models through the engine: two inputs and two outputs train and predict, a save
 * round-trips, and a functional model computes exactly what the equivalent Sequential model
 * computes with the same weights. Also the classification losses and metrics, sample weights,
 * class weights and loss weights against closed forms computed here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Functional, input, layers, loadModel, model, sequential, type Tensor } from '../../lib/index.js';

const T = 6;
const root = mkdtempSync(path.join(os.tmpdir(), 'tl-functional-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A deterministic pseudo-random stream in [-1, 1). */
function stream(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

/** seq [n, T, 2] whose next value is `value`; aux [n, 3] whose largest entry is `label`. */
function data(n: number, seed = 1) {
  const r = stream(seed);
  const seq = new Float32Array(n * T * 2);
  const value = new Float32Array(n);
  const aux = new Float32Array(n * 3);
  const label = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const phase = r() * 3;
    for (let t = 0; t < T; t++) {
      seq[(i * T + t) * 2] = Math.sin(phase + t * 0.5);
      seq[(i * T + t) * 2 + 1] = Math.cos(phase + t * 0.5);
    }
    value[i] = Math.sin(phase + T * 0.5);
    let best = 0;
    for (let k = 0; k < 3; k++) {
      aux[i * 3 + k] = r();
      if (aux[i * 3 + k]! > aux[i * 3 + best]!) best = k;
    }
    label[i] = best;
  }
  return {
    x: { seq: { data: seq, shape: [n, T, 2] }, aux: { data: aux, shape: [n, 3] } },
    y: { value: { data: value, shape: [n] }, label: { data: label, shape: [n] } },
  };
}

/** Two inputs, two outputs: seq -> LSTM -> value; aux -> Dense -> label (softmax). */
function twoHeads(): Functional {
  const seq = input({ shape: [T, 2], name: 'seq' });
  const aux = input({ shape: [3], name: 'aux' });
  const encoded = layers.lstm({ units: 8, name: 'encoder' }).apply(seq);
  const value = layers.dense({ units: 1, name: 'value' }).apply(encoded);
  const hidden = layers.dense({ units: 16, activation: 'relu', name: 'hidden' }).apply(aux);
  const label = layers.dense({ units: 3, activation: 'softmax', name: 'label' }).apply(hidden);
  const m = model({ inputs: [seq, aux], outputs: [value, label], name: 'two_heads' });
  m.compile({
    optimizer: 'adam',
    loss: { value: 'mse', label: 'sparse_categorical_crossentropy' },
    lossWeights: { value: 1, label: 0.5 },
    metrics: { value: ['mae'], label: ['accuracy'] },
  });
  return m;
}

const maxAbsDiff = (a: Tensor, b: Tensor) => a.data.reduce((m, v, i) => Math.max(m, Math.abs(v - b.data[i]!)), 0);
const relClose = (a: number, b: number, rel = 1e-5) => expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(b)));

describe('a functional model with two inputs and two outputs', () => {
  it('trains (loss falls), predicts one tensor per output, reports per-output logs', async () => {
    const m = twoHeads();
    const { x, y } = data(256);
    const { history } = await m.fit(x, y, { epochs: 40, batchSize: 32, verbose: 0, seed: 3, validationSplit: 0.25 });
    const loss = history.loss!;
    expect(loss[0]! / loss.at(-1)!).toBeGreaterThanOrEqual(2); // unseeded initial weights: 2.5-4x seen
    expect(Object.keys(history).sort()).toEqual(
      ['label_accuracy', 'label_loss', 'loss', 'lr', 'val_label_accuracy', 'val_label_loss', 'val_loss', 'val_value_loss', 'val_value_mae', 'value_loss', 'value_mae'].sort(),
    );
    expect(history.label_accuracy!.at(-1)!).toBeGreaterThan(0.7);
    const out = (await m.predict(x)) as Tensor[];
    expect(out.map((t) => t.shape)).toEqual([[256, 1], [256, 3]]);
    const logs = await m.evaluate(x, y, { verbose: 0 });
    // Keras 3 (trainers/compile_utils.py CompileLoss) logs each output's loss already multiplied by
    // its loss weight, and `loss` is their sum.
    relClose(logs.loss!, logs.value_loss! + logs.label_loss!, 1e-4);
    m.dispose();
  });

  it('saves and loads: same predictions, same compile config, training resumes', async () => {
    const m = twoHeads();
    const { x, y } = data(64, 2);
    await m.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0, seed: 1 });
    const dir = path.join(root, 'two-heads');
    await m.save(dir);
    const loaded = await loadModel(dir);
    expect(loaded).toBeInstanceOf(Functional);
    const again = loaded as Functional;
    expect(again.layers.map((l) => l.name)).toEqual(m.layers.map((l) => l.name));
    const [a, b] = [(await m.predict(x)) as Tensor[], (await again.predict(x)) as Tensor[]];
    expect(maxAbsDiff(a[0]!, b[0]!)).toBe(0);
    expect(maxAbsDiff(a[1]!, b[1]!)).toBe(0);
    expect(await again.evaluate(x, y, { verbose: 0 })).toEqual(await m.evaluate(x, y, { verbose: 0 }));
    await m.fit(x, y, { epochs: 3, initialEpoch: 2, batchSize: 16, verbose: 0, seed: 5, shuffle: false });
    await again.fit(x, y, { epochs: 3, initialEpoch: 2, batchSize: 16, verbose: 0, seed: 5, shuffle: false });
    const wa = m.getWeights();
    again.getWeights().forEach((w, i) => expect(maxAbsDiff(w, wa[i]!)).toBeLessThan(1e-6));
    m.dispose();
    again.dispose();
  });
});

describe('initial states (Keras initial_state)', () => {
  it('start the LSTM from states made of another input; zero states give the stateless output', async () => {
    const seq = input({ shape: [T, 2], name: 'seq' });
    const aux = input({ shape: [3], name: 'aux' });
    const h0 = layers.dense({ units: 4, name: 'h0' }).apply(aux);
    const c0 = layers.dense({ units: 4, name: 'c0' }).apply(aux);
    const rnn = layers.lstm({ units: 4, name: 'rnn' });
    const started = model({ inputs: [seq, aux], outputs: rnn.apply(seq, { initialState: [h0, c0] }) });
    const plain = model({ inputs: seq, outputs: layers.lstm({ units: 4 }).apply(seq) });
    const [hk, hb, ck, cb, ...lstm] = started.getWeights();
    plain.setWeights(lstm);
    const zeros = (t: Tensor) => ({ data: new Float32Array(t.data.length), shape: t.shape });
    started.setWeights([zeros(hk!), zeros(hb!), zeros(ck!), zeros(cb!), ...lstm]);
    const { x } = data(8, 6);
    const reference = (await plain.predict(x.seq)) as Tensor;
    expect(maxAbsDiff((await started.predict(x)) as Tensor, reference)).toBeLessThan(1e-6);
    started.setWeights([hk!, { data: new Float32Array(4).fill(0.5), shape: [4] }, ck!, cb!, ...lstm]);
    expect(maxAbsDiff((await started.predict(x)) as Tensor, reference)).toBeGreaterThan(1e-3);
    started.dispose();
    plain.dispose();
  });
});

describe('the same numbers as the equivalent Sequential model', () => {
  const build = () => {
    const seqModel = sequential([
      layers.lstm({ units: 8, inputShape: [T, 2], returnSequences: true }),
      layers.dropout({ rate: 0.2 }),
      layers.lstm({ units: 4 }),
      layers.dense({ units: 1 }),
    ]);
    const x = input({ shape: [T, 2] });
    const h = layers.lstm({ units: 4 }).apply(layers.dropout({ rate: 0.2 }).apply(layers.lstm({ units: 8, returnSequences: true }).apply(x)));
    const fn = model({ inputs: x, outputs: layers.dense({ units: 1 }).apply(h) });
    for (const m of [seqModel, fn]) m.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
    fn.setWeights(seqModel.getWeights());
    return { seqModel, fn };
  };

  it('predict, evaluate, gradients and a seeded epoch of fit agree', async () => {
    const { seqModel, fn } = build();
    const { x, y } = data(48, 4);
    expect(maxAbsDiff(await seqModel.predict(x.seq), (await fn.predict(x.seq)) as Tensor)).toBe(0);
    expect(await fn.evaluate(x.seq, y.value, { verbose: 0 })).toEqual(await seqModel.evaluate(x.seq, y.value, { verbose: 0 }));
    const [gs, gf] = [await seqModel.gradients(x.seq, y.value), await fn.gradients(x.seq, y.value)];
    gs.forEach((g, i) => expect(maxAbsDiff(g, gf[i]!)).toBeLessThan(1e-6));
    await seqModel.fit(x.seq, y.value, { epochs: 1, batchSize: 8, seed: 9, verbose: 0 });
    await fn.fit(x.seq, y.value, { epochs: 1, batchSize: 8, seed: 9, verbose: 0 });
    const ws = seqModel.getWeights();
    fn.getWeights().forEach((w, i) => expect(maxAbsDiff(w, ws[i]!)).toBeLessThan(1e-6));
    seqModel.dispose();
    fn.dispose();
  });
});

describe('classification, sample weights and class weights', () => {
  /** A Dense sigmoid classifier on 2 features with fixed weights. */
  const classifier = () => {
    const m = sequential([layers.dense({ units: 1, activation: 'sigmoid', inputShape: [2] })]);
    m.compile({ optimizer: 'sgd', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    m.setWeights([[[0.8], [-0.5]], [0.1]]);
    return m;
  };
  const x = { data: Float32Array.from([0.5, 1, -1, 0.2, 2, -1, -0.3, -0.7, 1.5, 1.5, -2, 0.5]), shape: [6, 2] };
  const y = [1, 0, 1, 0, 1, 0];

  it('binary crossentropy and accuracy match their closed forms, with and without sample weights', async () => {
    const m = classifier();
    const p = Array.from((await m.predict(x)).data);
    const bce = p.map((pi, i) => -(y[i]! * Math.log(pi) + (1 - y[i]!) * Math.log(1 - pi)));
    const acc = p.filter((pi, i) => (pi > 0.5 ? 1 : 0) === y[i]).length / 6;
    const logs = await m.evaluate(x, y, { verbose: 0 });
    relClose(logs.loss!, bce.reduce((a, b) => a + b, 0) / 6, 1e-5);
    relClose(logs.accuracy!, acc, 1e-6);
    const w = [1, 2, 0, 0.5, 3, 1];
    const weighted = await m.evaluate(x, y, { sampleWeight: w, verbose: 0 });
    relClose(weighted.loss!, bce.reduce((a, b, i) => a + w[i]! * b, 0) / 6, 1e-5);
    relClose(weighted.accuracy!, acc, 1e-6); // metrics are unweighted
    m.dispose();
  });

  it('classWeight trains exactly as the equivalent sampleWeight', async () => {
    const [a, b] = [classifier(), classifier()];
    await a.fit(x, y, { epochs: 2, batchSize: 3, seed: 2, verbose: 0, classWeight: { 0: 1, 1: 4 } });
    await b.fit(x, y, { epochs: 2, batchSize: 3, seed: 2, verbose: 0, sampleWeight: y.map((c) => (c === 1 ? 4 : 1)) });
    const wb = b.getWeights();
    a.getWeights().forEach((w, i) => expect(maxAbsDiff(w, wb[i]!)).toBe(0));
    a.dispose();
    b.dispose();
  });

  it('sparse targets [n] and [n, 1] give the sparse categorical crossentropy of the softmax', async () => {
    const m = sequential([layers.dense({ units: 3, activation: 'softmax', inputShape: [2] })]);
    m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const classes = [0, 2, 1, 2, 0, 1];
    const p = (await m.predict(x)).toArray() as number[][];
    const ce = classes.reduce((s, c, i) => s - Math.log(p[i]![c]!), 0) / 6;
    const acc = classes.filter((c, i) => p[i]!.indexOf(Math.max(...p[i]!)) === c).length / 6;
    const flat = await m.evaluate(x, classes, { verbose: 0 });
    const column = await m.evaluate(x, classes.map((c) => [c]), { verbose: 0 });
    relClose(flat.loss!, ce, 1e-5);
    relClose(flat.accuracy!, acc, 1e-6);
    expect(column).toEqual(flat);
    m.dispose();
  });
});
