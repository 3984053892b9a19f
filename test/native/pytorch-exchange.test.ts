/**
 * Weight exchange with PyTorch. PyTorch -> torch-lstm: the committed fixtures of
 * test/fixtures/pytorch (state_dicts of nn.LSTM / nn.GRU (stacked, bidirectional), nn.Embedding,
 * nn.LayerNorm, nn.Linear models saved by safetensors.torch.save_file, with PyTorch's outputs; made
 * by scripts/pytorch-exchange.py, versions in cases.json) load with loadStateDict and predict within
 * 1e-5 of PyTorch. torch-lstm -> PyTorch: toPytorchStateDict gives the fixtures' tensors back in
 * PyTorch's layout (an LSTM's bias_hh folded into bias_ih); the script's `check` mode loads such
 * files into torch and compares outputs. Layers without a PyTorch counterpart are refused, named.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { input, layers, model as functionalModel, ModelFileError, sequential, type SymbolicTensor, type Tensor } from '../../lib/index.js';
import { fromPytorchStateDict, loadStateDict, saveStateDict, toPytorchStateDict } from '../../lib/io/pytorch/index.js';
import { readSafetensors } from '../../lib/io/safetensors.js';
import { expectClose, randomTensor } from './numerics/helpers.js';
import { buildModel, lstmModules, readCases } from './pytorch/cases.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, '../fixtures/pytorch');
const { cases } = readCases(path.join(fixtures, 'cases.json'));
const root = mkdtempSync(path.join(os.tmpdir(), 'pytorch-exchange-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function tensorsOf(file: string): Promise<Map<string, { shape: number[]; data: Float32Array }>> {
  const { tensors } = await readSafetensors(file);
  return new Map(tensors.map((t) => [t.name, { shape: t.shape, data: t.data as Float32Array }]));
}

describe('PyTorch -> torch-lstm: the fixtures predict as PyTorch did', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const model = buildModel(c);
    await loadStateDict(model, path.join(fixtures, `${c.name}.safetensors`), { modules: c.modules });
    const io = await tensorsOf(path.join(fixtures, `${c.name}.io.safetensors`));
    const y = (await model.predict(io.get('input')!)) as Tensor;
    expect(y.shape).toEqual(io.get('output')!.shape);
    expectClose(y.data, io.get('output')!.data, 1e-5, c.name);
    model.dispose();
  });
});

describe('torch-lstm -> PyTorch layout', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s: toPytorchStateDict gives the fixture back (an LSTM\'s bias_hh folded into bias_ih)', async (_name, c) => {
    const model = buildModel(c);
    const file = path.join(fixtures, `${c.name}.safetensors`);
    await loadStateDict(model, file, { modules: c.modules });
    const original = await tensorsOf(file);
    const sd = toPytorchStateDict(model, { modules: c.modules });
    expect(Object.keys(sd).sort()).toEqual([...original.keys()].sort());
    const lstm = lstmModules(c);
    for (const [key, t] of Object.entries(sd)) {
      const o = original.get(key)!;
      expect(t.shape, key).toEqual(o.shape);
      const folded = lstm.has(key.slice(0, key.lastIndexOf('.')));
      if (folded && /\.bias_hh_l\d+(_reverse)?$/.test(key)) expect(Array.from(t.data), key).toEqual(new Array(t.data.length).fill(0));
      else if (folded && /\.bias_ih_l\d+(_reverse)?$/.test(key)) {
        const hh = original.get(key.replace('bias_ih', 'bias_hh'))!.data;
        expect(Array.from(t.data), key).toEqual(Array.from(o.data.map((v, i) => v + hh[i]!)));
      } else expect(Array.from(t.data), key).toEqual(Array.from(o.data));
    }
    model.dispose();
  });

  it('names and layouts: <layer>.weight_ih_l0 [4H, F] (gates i, f, g, o), <layer>.weight [out, in]', () => {
    const model = sequential([layers.lstm({ units: 2, inputShape: [3, 1], name: 'lstm' }), layers.dense({ units: 1, name: 'dense' })]);
    model.setWeights(model.getWeights().map((w, i) => randomTensor(w.shape, 5 + i)));
    const [kernel, recurrent, bias, dense] = model.getWeights();
    const sd = toPytorchStateDict(model);
    expect(Object.keys(sd)).toEqual(['lstm.weight_ih_l0', 'lstm.weight_hh_l0', 'lstm.bias_ih_l0', 'lstm.bias_hh_l0', 'dense.weight', 'dense.bias']);
    expect(sd['lstm.weight_ih_l0']!.shape).toEqual([8, 1]);
    expect(Array.from(sd['lstm.weight_ih_l0']!.data)).toEqual(Array.from(kernel!.data)); // [1, 8] -> [8, 1]: same order
    expect(sd['lstm.weight_hh_l0']!.shape).toEqual([8, 2]);
    // weight_hh[r][c] = recurrent[c][r]
    for (let r = 0; r < 8; r++) for (let c = 0; c < 2; c++) expect(sd['lstm.weight_hh_l0']!.data[r * 2 + c]).toBe(recurrent!.data[c * 8 + r]);
    expect(Array.from(sd['lstm.bias_ih_l0']!.data)).toEqual(Array.from(bias!.data));
    expect(sd['dense.weight']!.shape).toEqual([1, 2]);
    expect(Array.from(sd['dense.weight']!.data)).toEqual(Array.from(dense!.data));
    model.dispose();
  });

  it('GRU: weight_ih_l0 [3H, F] in PyTorch\'s gate order r, z, n (Keras z, r, h), the bias rows as bias_ih / bias_hh', () => {
    const model = sequential([layers.gru({ units: 1, inputShape: [3, 2], name: 'gru' })]);
    // kernel [2, 3]: value = 10 * row + gate (z 0, r 1, h 2); recurrent [1, 3]: 20 + gate; bias [2, 3]: 30 + 10 * row + gate.
    model.setWeights([
      { data: Float32Array.from([0, 1, 2, 10, 11, 12]), shape: [2, 3] },
      { data: Float32Array.from([20, 21, 22]), shape: [1, 3] },
      { data: Float32Array.from([30, 31, 32, 40, 41, 42]), shape: [2, 3] },
    ]);
    const sd = toPytorchStateDict(model);
    expect(Object.keys(sd)).toEqual(['gru.weight_ih_l0', 'gru.weight_hh_l0', 'gru.bias_ih_l0', 'gru.bias_hh_l0']);
    expect(sd['gru.weight_ih_l0']!.shape).toEqual([3, 2]);
    expect(Array.from(sd['gru.weight_ih_l0']!.data)).toEqual([1, 11, 0, 10, 2, 12]); // rows r, z, n
    expect(Array.from(sd['gru.weight_hh_l0']!.data)).toEqual([21, 20, 22]);
    expect(Array.from(sd['gru.bias_ih_l0']!.data)).toEqual([31, 30, 32]);
    expect(Array.from(sd['gru.bias_hh_l0']!.data)).toEqual([41, 40, 42]);
    const back = sequential([layers.gru({ units: 1, inputShape: [3, 2], name: 'gru' })]);
    fromPytorchStateDict(back, sd);
    expect(back.getWeights()).toEqual(model.getWeights());
    model.dispose();
    back.dispose();
  });

  it('Bidirectional: the backward direction under _reverse names; Embedding and LayerNormalization as nn.Embedding / nn.LayerNorm', () => {
    const model = sequential([
      layers.embedding({ inputDim: 5, outputDim: 3, inputShape: [4], name: 'embedding' }),
      layers.bidirectional({ layer: layers.lstm({ units: 2, returnSequences: true }), name: 'bi' }),
      layers.layerNormalization({ name: 'norm' }),
    ]);
    model.setWeights(model.getWeights().map((w, i) => randomTensor(w.shape, 60 + i)));
    const sd = toPytorchStateDict(model);
    expect(Object.keys(sd)).toEqual([
      'embedding.weight',
      'bi.weight_ih_l0', 'bi.weight_hh_l0', 'bi.bias_ih_l0', 'bi.bias_hh_l0',
      'bi.weight_ih_l0_reverse', 'bi.weight_hh_l0_reverse', 'bi.bias_ih_l0_reverse', 'bi.bias_hh_l0_reverse',
      'norm.weight', 'norm.bias',
    ]);
    const [embeddings, , , , backKernel, , , gamma] = model.getWeights();
    expect(Array.from(sd['embedding.weight']!.data)).toEqual(Array.from(embeddings!.data));
    expect(sd['bi.weight_ih_l0_reverse']!.shape).toEqual([8, 3]);
    expect(sd['bi.weight_ih_l0_reverse']!.data[1]).toBe(backKernel!.data[8]); // [8, 3]^T of [3, 8]
    expect(Array.from(sd['norm.weight']!.data)).toEqual(Array.from(gamma!.data));
    model.dispose();
  });

  it('saveStateDict -> loadStateDict round trip, format "pt" metadata', async () => {
    const make = () => sequential([
      layers.lstm({ units: 4, inputShape: [5, 2], returnSequences: true, name: 'enc' }),
      layers.lstm({ units: 3, name: 'dec', useBias: false }),
      layers.dense({ units: 2, name: 'head' }),
    ]);
    const a = make();
    a.setWeights(a.getWeights().map((w, i) => randomTensor(w.shape, 30 + i)));
    const file = path.join(root, 'roundtrip.safetensors');
    await saveStateDict(a, file, { modules: { enc: 'rnn', dec: { module: 'rnn2' } } });
    const { metadata, tensors } = await readSafetensors(file);
    expect(metadata.format).toBe('pt');
    expect(tensors.map((t) => t.name)).toContain('rnn2.weight_hh_l0');
    const b = make();
    await loadStateDict(b, file, { modules: { enc: 'rnn', dec: 'rnn2' } });
    expect(b.getWeights()).toEqual(a.getWeights());
    await expect(saveStateDict(a, file, { overwrite: false })).rejects.toMatchObject({ code: 'EEXIST' });
    a.dispose();
    b.dispose();
  });
});

describe('state_dict errors', () => {
  const lstmDense = path.join(fixtures, 'lstm-dense.safetensors');
  const twoLayer = path.join(fixtures, 'two-layer-nn-lstm.safetensors');
  const model = () => sequential([layers.lstm({ units: 5, inputShape: [6, 3], name: 'lstm' }), layers.dense({ units: 2, name: 'dense' })]);

  it('a missing tensor names it, the layer, and what the file holds instead', async () => {
    const m = sequential([layers.lstm({ units: 4, inputShape: [7, 3], returnSequences: true, name: 'lstm' }), layers.lstm({ units: 4, name: 'lstm_1' }), layers.dense({ units: 1, name: 'dense' })]);
    const pending = loadStateDict(m, twoLayer);
    await expect(pending).rejects.toThrow(ModelFileError);
    await expect(loadStateDict(m, twoLayer)).rejects.toThrow(
      /has no tensor "lstm\.weight_ih_l0" \[16, 3\] \(needed by layers\[0\] \(lstm\)\); it holds "rnn\.weight_ih_l0".*modules option/,
    );
    m.dispose();
  });

  it('a shape mismatch names the tensor, the layer and both shapes', async () => {
    const m = sequential([layers.lstm({ units: 6, inputShape: [6, 3], name: 'lstm' }), layers.dense({ units: 2, name: 'dense' })]);
    await expect(loadStateDict(m, lstmDense)).rejects.toThrow(/tensor "lstm\.weight_ih_l0" has shape \[20, 3\] but layers\[0\] \(lstm\) needs \[24, 3\]/);
    m.dispose();
  });

  it('strict (the default) refuses tensors no layer takes; strict: false ignores them', async () => {
    const m = sequential([layers.lstm({ units: 5, inputShape: [6, 3], name: 'lstm' })]);
    await expect(loadStateDict(m, lstmDense)).rejects.toThrow(/holds "dense\.(bias|weight)", "dense\.(bias|weight)", which no layer of the model takes \(strict: false ignores them/);
    await loadStateDict(m, lstmDense, { strict: false });
    const sd = await tensorsOf(lstmDense);
    expect(Array.from(toPytorchStateDict(m)['lstm.weight_hh_l0']!.data)).toEqual(Array.from(sd.get('lstm.weight_hh_l0')!.data));
    m.dispose();
  });

  it('biases for a layer without useBias are an error, not dropped', async () => {
    const m = sequential([layers.lstm({ units: 5, inputShape: [6, 3], name: 'lstm', useBias: false }), layers.dense({ units: 2, name: 'dense' })]);
    await expect(loadStateDict(m, lstmDense)).rejects.toThrow(/holds "lstm\.bias_ih_l0" and "lstm\.bias_hh_l0" but layers\[0\] \(lstm\) has useBias: false/);
    m.dispose();
  });

  it('layers PyTorch has no module for are refused before anything is written, saying why', async () => {
    const gru = sequential([layers.gru({ units: 3, inputShape: [4, 2], resetAfter: false, name: 'gru' })]);
    expect(() => toPytorchStateDict(gru)).toThrow(/layers\[0\] \(gru\) has resetAfter: false .* which torch\.nn\.GRU does not compute/);
    await expect(saveStateDict(gru, path.join(root, 'never.safetensors'))).rejects.toThrow(/resetAfter: false/);
    await expect(loadStateDict(gru, path.join(fixtures, 'gru-dense.safetensors'))).rejects.toThrow(/resetAfter: false/);
    const refused = [
      [layers.bidirectional({ layer: layers.simpleRNN({ units: 2 }), inputShape: [4, 2], name: 'bi' }), /wraps a SimpleRNN layer; PyTorch's bidirectional modules are nn\.LSTM and nn\.GRU/],
      [layers.bidirectional({ layer: layers.gru({ units: 2 }), backwardLayer: layers.gru({ units: 3, goBackwards: true }), inputShape: [4, 2], name: 'bi' }), /backward GRU \(units 3\) unlike its forward GRU \(units 2\)/],
      [layers.bidirectional({ layer: layers.lstm({ units: 2, goBackwards: true }), inputShape: [4, 2], name: 'bi' }), /goBackwards: true/],
      [layers.bidirectional({ layer: layers.gru({ units: 2, resetAfter: false }), inputShape: [4, 2], name: 'bi' }), /resetAfter: false/],
      [layers.layerNormalization({ axis: 1, inputShape: [4, 2], name: 'norm' }), /layers\[0\] \(norm\) normalizes axis 1; torch\.nn\.LayerNorm normalizes trailing dimensions/],
      [layers.simpleRNN({ units: 2, inputShape: [4, 2], name: 'rnn' }), /layers\[0\] \(rnn\) is a SimpleRNN layer, whose weights torch-lstm cannot map to PyTorch's yet \(it maps LSTM, GRU, Bidirectional, Dense, LayerNormalization, Embedding\)/],
    ] as const;
    for (const [layer, message] of refused) {
      const m = sequential([layer]);
      expect(() => toPytorchStateDict(m)).toThrow(message);
      m.dispose();
    }
    gru.dispose();
  });

  it('a functional model maps its layers by name as a Sequential does', async () => {
    const tokens = input({ shape: [7], name: 'tokens' });
    const e = layers.embedding({ inputDim: 12, outputDim: 4, name: 'embedding' }).apply(tokens);
    const s = layers.lstm({ units: 5, returnSequences: true, name: 'lstm' }).apply(e) as SymbolicTensor;
    const n = layers.layerNormalization({ epsilon: 1e-5, name: 'layer_normalization' }).apply(s);
    const m = functionalModel({ inputs: tokens, outputs: layers.dense({ units: 2, name: 'dense' }).apply(n) });
    const c = cases.find((x) => x.name === 'embedding-lstm-layernorm')!;
    await loadStateDict(m, path.join(fixtures, `${c.name}.safetensors`), { modules: c.modules });
    const io = await tensorsOf(path.join(fixtures, `${c.name}.io.safetensors`));
    expectClose((await m.predict(io.get('input')!) as Tensor).data, io.get('output')!.data, 1e-5, 'functional');
    m.dispose();
  });

  it('a wrong modules option is a TypeError/RangeError naming it', async () => {
    const m = model();
    expect(() => toPytorchStateDict(m, { modules: { lstmm: 'rnn' } })).toThrow(/toPytorchStateDict\.modules names "lstmm", which is not a layer of the model; did you mean "lstm"\?/);
    expect(() => toPytorchStateDict(m, { modules: { dense: { module: 'fc', layer: 1 } } })).toThrow(/modules\.dense\.layer is 1, but a Dense layer is a single-layer module/);
    expect(() => toPytorchStateDict(m, { modules: { dense: 'lstm' } })).toThrow(/layers\[1\] \(dense\) and layers\[0\] \(lstm\) both map to PyTorch module "lstm"/);
    expect(() => toPytorchStateDict(m, { modules: { dense: 'a b' } })).toThrow(RangeError);
    expect(() => toPytorchStateDict(m, { modules: { dense: 3 } } as never)).toThrow(TypeError);
    expect(() => toPytorchStateDict(m, { modulez: {} } as never)).toThrow(/did you mean "modules"/);
    await expect(loadStateDict(m, lstmDense, { strict: 'yes' } as never)).rejects.toThrow(/loadStateDict\.strict/);
    await expect(saveStateDict({} as never, path.join(root, 'x.safetensors'))).rejects.toThrow(/Expected a float model .* for saveStateDict\.model/);
    m.dispose();
  });

  it('in memory: fromPytorchStateDict takes { name: tensor } and reports like loadStateDict', async () => {
    const m = model();
    const sd = Object.fromEntries([...(await tensorsOf(lstmDense)).entries()]);
    fromPytorchStateDict(m, sd);
    const io = await tensorsOf(path.join(fixtures, 'lstm-dense.io.safetensors'));
    expectClose((await m.predict(io.get('input')!)).data, io.get('output')!.data, 1e-5, 'in-memory import');
    const { ['dense.bias']: _dropped, ...partial } = sd;
    expect(() => fromPytorchStateDict(m, partial)).toThrow(/^The state_dict has no tensor "dense\.bias" \[2\] \(needed by layers\[1\] \(dense\)\)/);
    m.dispose();
  });

  it('a float64 state_dict says to convert it to float32; a truncated file is a ModelFileError', async () => {
    const m = model();
    const header = JSON.stringify({ 'lstm.weight_ih_l0': { dtype: 'F64', shape: [1], data_offsets: [0, 8] } });
    const padded = header + ' '.repeat((8 - (header.length % 8)) % 8);
    const f64 = Buffer.alloc(8 + padded.length + 8);
    f64.writeBigUInt64LE(BigInt(padded.length), 0);
    f64.write(padded, 8);
    const file = path.join(root, 'f64.safetensors');
    writeFileSync(file, f64);
    await expect(loadStateDict(m, file)).rejects.toThrow(/dtype F64; torch-lstm reads F32 \(float32\) tensors only/);
    const truncated = path.join(root, 'truncated.safetensors');
    writeFileSync(truncated, readFileSync(lstmDense).subarray(0, 200));
    await expect(loadStateDict(m, truncated)).rejects.toThrow(ModelFileError);
    m.dispose();
  });
});
