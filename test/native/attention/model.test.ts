/**
 * The article's section 7 model written as-is in TypeScript (`lstm_out = LSTM(64,
 * return_sequences=True)(inputs); Attention()([lstm_out, lstm_out])`) trains; a model holding
 * every attention-family layer round-trips through getConfig/fromConfig and save/loadModel with
 * the same predictions; bad configurations give clear errors naming the layer and the option.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Functional, input, layers, loadModel, model, type SymbolicTensor, type Tensor } from '../../../lib/index.js';
import { maxAbsDiff, randomTensor } from '../numerics/helpers.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'tl-attention-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Windows of a noisy sine: x [n, T, 1], y [n] the next value. */
function sineWindows(n: number, T: number) {
  const x = new Float32Array(n * T);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const phase = (i * 0.37) % (2 * Math.PI);
    for (let t = 0; t < T; t++) x[i * T + t] = Math.sin(phase + t * 0.3);
    y[i] = Math.sin(phase + T * 0.3);
  }
  return { x: { data: x, shape: [n, T, 1] }, y: { data: y, shape: [n, 1] } };
}

describe("the article's LSTM + Attention model", () => {
  it('is written as in Keras and trains (loss falls)', async () => {
    const T = 20;
    const inputs = input({ shape: [T, 1] });
    const lstmOut = layers.lstm({ units: 64, returnSequences: true }).apply(inputs);
    const attentionOut = layers.attention().apply([lstmOut, lstmOut]);
    const pooled = layers.globalAveragePooling1d().apply(attentionOut);
    const outputs = layers.dense({ units: 1 }).apply(pooled);
    const m = model({ inputs, outputs });
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const { x, y } = sineWindows(256, T);
    const { history } = await m.fit(x, y, { epochs: 15, batchSize: 32, verbose: 0, seed: 1 });
    const loss = history.loss!;
    expect(loss.at(-1)!).toBeLessThan(0.5 * loss[0]!);
    m.dispose();
  });
});

/** x [T, 8] -> positions + MHA + LN + TransformerEncoder + TimeDistributed + Concatenate + pooling. */
function everyLayer(): Functional {
  const x = input({ shape: [6, 8], name: 'x' });
  const masked = layers.masking({ name: 'mask' }).apply(x);
  const withPos = layers.add({ name: 'add_pos' }).apply([masked, layers.positionEmbedding({ sequenceLength: 8, name: 'pos' }).apply(masked)]);
  const mha = layers.multiHeadAttention({ numHeads: 2, keyDim: 4, name: 'mha', useCausalMask: true }).apply([withPos, withPos]) as SymbolicTensor;
  const norm = layers.layerNormalization({ name: 'ln' }).apply(layers.add({ name: 'res' }).apply([withPos, mha]));
  const enc = layers.transformerEncoder({ intermediateDim: 16, numHeads: 4, normalizeFirst: true, name: 'enc' }).apply(norm);
  const [att, scores] = layers.attention({ useScale: true, returnAttentionScores: true, name: 'att' }).apply([enc, norm]) as SymbolicTensor[];
  const add = layers.additiveAttention({ name: 'add_att' }).apply([enc, norm]) as SymbolicTensor;
  const td = layers.timeDistributed({ layer: layers.dense({ units: 3, name: 'td_inner' }), name: 'td' }).apply(layers.concatenate({ name: 'cat' }).apply([att!, add]));
  const out = layers.dense({ units: 2, name: 'out' }).apply(layers.globalAveragePooling1d({ name: 'gap' }).apply(td));
  return model({ inputs: x, outputs: [out, scores!], name: 'every_layer' });
}

describe('a model with every attention-family layer', () => {
  it('round-trips through getConfig/fromConfig and save/loadModel with the same predictions', async () => {
    const m = everyLayer();
    const data = randomTensor([3, 6, 8], 4);
    data.data.fill(0, 5 * 8, 6 * 8); // the last step of sample 0 is padding
    const before = (await m.predict(data)) as Tensor[];
    expect(before[0]!.shape).toEqual([3, 2]);
    expect(before[1]!.shape).toEqual([3, 6, 6]);

    const again = Functional.fromConfig(JSON.parse(JSON.stringify(m.getConfig())));
    again.setWeights(m.getWeights());
    const replayed = (await again.predict(data)) as Tensor[];
    replayed.forEach((t, i) => expect(maxAbsDiff(t.data, before[i]!.data)).toBe(0));

    const dir = path.join(root, 'every');
    await m.save(dir);
    const loaded = await loadModel(dir);
    const reloaded = (await loaded.predict(data)) as Tensor[];
    reloaded.forEach((t, i) => expect(maxAbsDiff(t.data, before[i]!.data)).toBe(0));
    for (const model of [m, again, loaded]) model.dispose();
  });

  it('rejects a Keras call argument that disagrees with the layer option, naming the layer', () => {
    const json = JSON.parse(JSON.stringify(everyLayer().getConfig()));
    const att = json.config.layers.find((l: { name: string }) => l.name === 'att');
    att.inbound_nodes[0].kwargs = { use_causal_mask: true };
    expect(() => Functional.fromConfig(json)).toThrow(/Layer "att" \(Attention\) is called with use_causal_mask=true but its useCausalMask option is false/);
  });
});

describe('bad configurations name the layer and the option', () => {
  it('add with mismatched shapes names the layer and both shapes', () => {
    const a = input({ shape: [10, 8] });
    const b = input({ shape: [10, 6] });
    expect(() => layers.add({ name: 'add_bad' }).apply([a, b])).toThrow(
      /Layer "add_bad" \(Add\) cannot be applied to .*the inputs must have the same shape .* \(None, 10, 8\) and \(None, 10, 6\)/,
    );
  });

  it('numHeads that does not divide the features', () => {
    const x = input({ shape: [5, 10] });
    expect(() => layers.transformerEncoder({ intermediateDim: 8, numHeads: 3, name: 'enc_bad' }).apply(x)).toThrow(
      /Layer "enc_bad" \(TransformerEncoder\) cannot be applied .*numHeads \(3\) must divide the hidden size .*10/,
    );
    expect(() => layers.transformerEncoder({ intermediateDim: 8, numHeads: 3, inputShape: [5, 10] })).toThrow(/transformerEncoder\.numHeads \(3\) must divide/);
  });

  it('unknown options, bad values and bad inputs', () => {
    expect(() => layers.multiHeadAttention({ numHeads: 2, keyDim: 4, numHead: 3 } as never)).toThrow(/Unknown option "numHead" for multiHeadAttention; did you mean "numHeads"\?/);
    expect(() => layers.multiHeadAttention({ numHeads: 0, keyDim: 4 })).toThrow(/multiHeadAttention\.numHeads/);
    expect(() => layers.attention({ scoreMode: 'cosine' as never })).toThrow(/attention\.scoreMode/);
    expect(() => layers.attention({ dropout: 1 })).toThrow(/attention\.dropout/);
    expect(() => layers.layerNormalization({ epsilon: 0 })).toThrow(/layerNormalization\.epsilon/);
    expect(() => layers.globalAveragePooling1d({ dataFormat: 'channels_last' as never })).toThrow(/did you mean 'channelsLast'.*globalAveragePooling1d\.dataFormat/);
    expect(() => layers.timeDistributed({ layer: 'dense' as never })).toThrow(/timeDistributed\.layer/);
    const x = input({ shape: [4, 3] });
    expect(() => layers.attention({ name: 'att_one' }).apply(x as never)).toThrow(/att_one.*several inputs/);
    expect(() => layers.attention({ name: 'att_dims' }).apply([x, input({ shape: [4, 5] }), input({ shape: [4, 2] })])).toThrow(
      /Layer "att_dims" \(Attention\) cannot be applied .*the query and the key must have the same features/,
    );
  });

  it('a mask reaching globalMaxPooling1d is an engine error naming the layer', async () => {
    const x = input({ shape: [4, 3] });
    const out = layers.globalMaxPooling1d({ name: 'gmp' }).apply(layers.masking().apply(x));
    const m = model({ inputs: x, outputs: out });
    await expect(m.predict(randomTensor([2, 4, 3], 1))).rejects.toThrow(/Layer 'gmp' \(GlobalMaxPooling1D\) cannot take a mask/);
    m.dispose();
  });
});
