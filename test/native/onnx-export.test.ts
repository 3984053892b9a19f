/**
 * ONNX export checked in an independent runtime: each architecture (onnx/cases.ts: LSTM and Dense;
 * onnx/layer-cases.ts: GRU, SimpleRNN, PeepholeLSTM, Bidirectional, LayerNormalization, Embedding
 * and masks of every padding, Masking, TimeDistributed, pooling, noise; onnx/functional-cases.ts:
 * several inputs and outputs, shared layers, initial states, Concatenate, Add, the attention
 * layers, TransformerEncoder, PositionEmbedding) is exported, run in onnxruntime-node (its bundled
 * CPU build) and every output compared with torch-lstm's predictOutputs within 1e-5, for two
 * batch sizes (the graph's batch axis is symbolic) and, for models with unknown timesteps, two
 * sequence lengths. The same files pass onnx.checker (full_check) from the `onnx` Python package
 * 1.23.2: `python3 scripts/onnx-check.py` (a developer script, not CI).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { input, layers, model as functionalModel, sequential, type SymbolicTensor, type Tensor } from '../../lib/index.js';
import { DEFAULT_OPSET, exportOnnx, MAX_OPSET, MIN_OPSET, toOnnx } from '../../lib/onnx/index.js';
import { decodeModelProto } from '../../lib/onnx/proto.js';
import { expectClose, randomTensor } from './numerics/helpers.js';
import { type Case, caseData, CASES, OPSET_CASE, RAGGED_CASE, randomizeWeights, type SampleTensor, STATE_CASE, tokenIds } from './onnx/cases.js';
import { FUNCTIONAL_CASES, KITCHEN_CASE } from './onnx/functional-cases.js';
import { LAYER_CASES } from './onnx/layer-cases.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'onnx-export-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs the ONNX file on `x`; every output by name. */
async function runOnnx(file: string, x: { data: Float32Array; shape: number[] }): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(file);
  try {
    return await session.run({ input: new ort.Tensor('float32', x.data, x.shape) });
  } finally {
    await session.release();
  }
}

/** Runs the ONNX file on `xs` (one per graph input, in order); the outputs in the graph's order, and the names. */
async function runOnnxAll(file: string, xs: SampleTensor[]): Promise<{ inputNames: readonly string[]; outputNames: readonly string[]; outputs: ort.Tensor[] }> {
  const session = await ort.InferenceSession.create(file);
  try {
    const feeds = Object.fromEntries(session.inputNames.map((n, i) => [n, new ort.Tensor('float32', xs[i]!.data, xs[i]!.shape)]));
    const out = await session.run(feeds);
    return { inputNames: session.inputNames, outputNames: session.outputNames, outputs: session.outputNames.map((n) => out[n]!) };
  } finally {
    await session.release();
  }
}

function expectSame(onnx: ort.Tensor, ours: Tensor, what: string): void {
  expect(onnx.dims, `${what} shape`).toEqual(ours.shape);
  expectClose(onnx.data as Float32Array, ours.data, 1e-5, what);
}

/** Exports `c`'s model and checks every output against predictOutputs at batch sizes 3 and 10 (export fixes none). */
async function checkCase(c: Case, seed: number, file: string): Promise<void> {
  const model = c.build();
  randomizeWeights(model, seed);
  await exportOnnx(model, file, c.opset === undefined ? {} : { opset: c.opset });
  for (const [batch, dataSeed] of [[3, 11], [10, 12]] as const) {
    const xs = caseData(c, batch, dataSeed);
    const ours = await model.predictOutputs(xs.length === 1 ? xs[0]! : xs, { batchSize: 4 });
    const { outputs } = await runOnnxAll(file, xs);
    expect(outputs.length, `${c.name}: outputs`).toBe(ours.length);
    outputs.forEach((o, i) => expectSame(o, ours[i]!, `${c.name}, batch ${batch}, output ${i}`));
  }
  model.dispose();
}

describe('exportOnnx: onnxruntime-node matches predict within 1e-5', () => {
  CASES.forEach((c, k) => {
    it(c.name, async () => {
      await checkCase(c, k + 1, path.join(root, `case-${k}.onnx`));
    });
  });

  it('LSTM with returnState: output, state_h and state_c', async () => {
    const model = STATE_CASE.build();
    randomizeWeights(model, 40);
    const file = path.join(root, 'state.onnx');
    await exportOnnx(model, file);
    const x = randomTensor([5, 6, 3], 41);
    const [output, h, c] = await model.predictOutputs(x);
    const onnx = await runOnnx(file, x);
    expect(Object.keys(onnx).sort()).toEqual(['output', 'state_c', 'state_h']);
    expectSame(onnx.output!, output!, 'output');
    expectSame(onnx.state_h!, h!, 'state_h');
    expectSame(onnx.state_c!, c!, 'state_c');
    model.dispose();
  });

  it('unknown timesteps stay symbolic: any sequence length runs', async () => {
    const model = RAGGED_CASE.build();
    randomizeWeights(model, 50);
    const file = path.join(root, 'ragged.onnx');
    await exportOnnx(model, file);
    const proto = decodeModelProto(readFileSync(file));
    expect(proto.graph.input[0]!.type.tensor_type.shape.dim).toEqual([{ dim_param: 'batch' }, { dim_param: 'timesteps' }, { dim_value: 2 }]);
    for (const [T, seed] of [[3, 51], [9, 52]] as const) {
      const x = randomTensor([2, T, 2], seed);
      expectSame((await runOnnx(file, x)).output!, (await model.predict(x)) as Tensor, `timesteps ${T}`);
    }
    model.dispose();
  });

  it.each([MIN_OPSET, 14, DEFAULT_OPSET, 20, MAX_OPSET])('opset %i runs in onnxruntime', async (opset) => {
    const model = OPSET_CASE.build();
    randomizeWeights(model, 60);
    const file = path.join(root, `opset-${opset}.onnx`);
    await exportOnnx(model, file, { opset });
    const proto = decodeModelProto(readFileSync(file));
    expect(proto.opset_import).toEqual([{ domain: '', version: opset }]);
    const x = randomTensor([3, 5, 2], 61);
    expectSame((await runOnnx(file, x)).output!, (await model.predict(x)) as Tensor, `opset ${opset}`);
    model.dispose();
  });
});

describe('exportOnnx: every layer kind, in onnxruntime-node within 1e-5 of predict', () => {
  LAYER_CASES.forEach((c, k) => {
    it(c.name, async () => {
      await checkCase(c, 200 + k, path.join(root, `layer-${k}.onnx`));
    });
  });

  it('masked sequences of unknown length: any length runs', async () => {
    const c = LAYER_CASES.find((x) => x.name.includes('unknown timesteps'))!;
    const model = c.build();
    randomizeWeights(model, 290);
    const file = path.join(root, 'masked-ragged.onnx');
    await exportOnnx(model, file);
    for (const [T, seed] of [[3, 291], [11, 292]] as const) {
      const x = tokenIds(4, T, 12, seed, 'holes', true);
      const [ours] = await model.predictOutputs(x);
      expectSame((await runOnnxAll(file, [x])).outputs[0]!, ours!, `timesteps ${T}`);
    }
    model.dispose();
  });
});

describe('exportOnnx: functional models, in onnxruntime-node within 1e-5 of predict', () => {
  FUNCTIONAL_CASES.forEach((c, k) => {
    it(c.name, async () => {
      await checkCase(c, 300 + k, path.join(root, `functional-${k}.onnx`));
    });
  });

  it.each([MIN_OPSET, 16, DEFAULT_OPSET, 18, MAX_OPSET])('opset %i: masks, GRU, LayerNormalization, attention, pooling', async (opset) => {
    await checkCase({ ...KITCHEN_CASE, opset }, 400 + opset, path.join(root, `kitchen-${opset}.onnx`));
  });

  it('graph inputs carry the model input names, outputs the output names', async () => {
    const seq = input({ shape: [4, 2], name: 'seq' });
    const aux = input({ shape: [3], name: 'aux' });
    const value = layers.dense({ units: 1, name: 'value' }).apply(layers.lstm({ units: 2 }).apply(seq) as SymbolicTensor);
    const m = functionalModel({ inputs: [seq, aux], outputs: [value, layers.dense({ units: 2, name: 'label' }).apply(aux)] });
    const file = path.join(root, 'names.onnx');
    await exportOnnx(m, file);
    const { inputNames, outputNames } = await runOnnxAll(file, [randomTensor([2, 4, 2], 1), randomTensor([2, 3], 2)]);
    expect(inputNames).toEqual(['seq', 'aux']);
    expect(m.inputNames).toEqual(['seq', 'aux']);
    expect(outputNames).toEqual(m.outputNames);
    expect(outputNames).toEqual(['value', 'label']);
    m.dispose();
  });
});

describe('exportOnnx: the file', () => {
  it('is a standard graph: LSTM operator with converted weights, symbolic batch, activations only when not the defaults', () => {
    const model = sequential([
      layers.lstm({ units: 2, inputShape: [3, 1], returnSequences: true, name: 'enc' }),
      layers.lstm({ units: 2, recurrentActivation: 'hard_sigmoid', name: 'dec' }),
      layers.dense({ units: 1, name: 'head' }),
    ]);
    randomizeWeights(model, 70);
    const proto = decodeModelProto(toOnnx(model));
    expect(proto.producer_name).toBe('torch-lstm');
    expect(proto.ir_version).toBe(8);
    expect(proto.graph.input.map((i) => i.name)).toEqual(['input']);
    expect(proto.graph.input[0]!.type.tensor_type.shape.dim).toEqual([{ dim_param: 'batch' }, { dim_value: 3 }, { dim_value: 1 }]);
    expect(proto.graph.output[0]!.type.tensor_type.shape.dim).toEqual([{ dim_param: 'batch' }, { dim_value: 1 }]);
    const ops = proto.graph.node.map((n) => n.op_type);
    // One Transpose into time-major; the stacked LSTMs pass the sequence on without transposing back.
    expect(ops).toEqual(['Transpose', 'LSTM', 'Squeeze', 'LSTM', 'Squeeze', 'Gemm']);
    const [enc, dec] = proto.graph.node.filter((n) => n.op_type === 'LSTM');
    const names = (n: typeof enc) => n!.attribute.map((a) => a.name).sort();
    expect(names(enc)).toEqual(['direction', 'hidden_size']);
    expect(names(dec)).toEqual(['activation_alpha', 'activation_beta', 'activations', 'direction', 'hidden_size']);
    const text = (b: Uint8Array) => new TextDecoder().decode(b);
    const attr = (name: string) => dec!.attribute.find((a) => a.name === name)!;
    expect(attr('activations').strings!.map(text)).toEqual(['HardSigmoid', 'Tanh', 'Tanh']);
    expect(attr('activation_alpha').floats![0]).toBeCloseTo(1 / 6, 7);
    expect(attr('activation_beta').floats).toEqual([0.5]);
    // W [1, 4H, F]: ONNX gate blocks i, o, f, c from Keras's kernel [F, 4H] blocks i, f, c, o.
    const W = proto.graph.initializer.find((t) => t.name === 'enc/W')!;
    expect(W.dims).toEqual([1, 8, 1]);
    const w = new Float32Array(new Uint8Array(W.raw_data).buffer);
    const kernel = model.getWeights()[0]!.data; // [1, 8]: i0 i1 f0 f1 c0 c1 o0 o1
    expect(Array.from(w)).toEqual([kernel[0], kernel[1], kernel[6], kernel[7], kernel[2], kernel[3], kernel[4], kernel[5]]);
    // B [1, 8H] = [Wb (reordered), Rb = 0].
    const B = new Float32Array(new Uint8Array(proto.graph.initializer.find((t) => t.name === 'enc/B')!.raw_data).buffer);
    const bias = model.getWeights()[2]!.data;
    expect(Array.from(B)).toEqual([bias[0], bias[1], bias[6], bias[7], bias[2], bias[3], bias[4], bias[5], 0, 0, 0, 0, 0, 0, 0, 0]);
    model.dispose();
  });
});

describe('exportOnnx: the file, new layer kinds', () => {
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  const attribute = (node: { attribute: { name: string; i?: number; s?: Uint8Array }[] }, name: string) => node.attribute.find((a) => a.name === name);

  it('Bidirectional GRU is one GRU operator: direction bidirectional, W [2, 3H, F] stacked, linear_before_reset for resetAfter', () => {
    const model = sequential([layers.bidirectional({ layer: layers.gru({ units: 2, returnSequences: true }), inputShape: [4, 3], name: 'bi' })]);
    randomizeWeights(model, 80);
    const proto = decodeModelProto(toOnnx(model));
    const grus = proto.graph.node.filter((n) => n.op_type === 'GRU');
    expect(grus).toHaveLength(1);
    expect(text(attribute(grus[0]!, 'direction')!.s!)).toBe('bidirectional');
    expect(attribute(grus[0]!, 'linear_before_reset')!.i).toBe(1);
    const W = proto.graph.initializer.find((t) => t.name === grus[0]!.input[1])!;
    expect(W.dims).toEqual([2, 6, 3]);
    // Forward W rows are the transposed kernel (gates z, r, h in both); the backward block follows.
    const w = new Float32Array(new Uint8Array(W.raw_data).slice().buffer);
    const [fKernel, , , bKernel] = model.getWeights();
    expect(w[1]).toBe(fKernel!.data[6]); // W[0][0][1] = kernel[1][0]
    expect(w[18 + 1]).toBe(bKernel!.data[6]);
    model.dispose();
  });

  it('a masked recurrent layer runs its operator with sequence_lens; the token input stays float32 and is cast inside', () => {
    const model = sequential([layers.embedding({ inputDim: 9, outputDim: 3, maskZero: true, inputShape: [5] }), layers.lstm({ units: 2, name: 'rnn' })]);
    const proto = decodeModelProto(toOnnx(model));
    expect(proto.graph.input[0]!.type.tensor_type.elem_type).toBe(1); // FLOAT
    const ops = proto.graph.node.map((n) => n.op_type);
    expect(ops).toEqual(expect.arrayContaining(['Cast', 'Gather', 'TopK', 'GatherElements', 'CumSum', 'LSTM']));
    const lstm = proto.graph.node.find((n) => n.op_type === 'LSTM')!;
    expect(lstm.input[4]).toBe('rnn/sequence_lens');
    model.dispose();
  });
});

describe('exportOnnx: errors', () => {
  it('an activation the LSTM operator cannot compute names the layer and the option', async () => {
    const model = sequential([layers.lstm({ units: 2, inputShape: [3, 1], activation: 'relu6', name: 'lstm_r6' })]);
    await expect(exportOnnx(model, path.join(root, 'never.onnx'))).rejects.toThrow(
      /Cannot export layers\[0\] \(lstm_r6\) to ONNX: activation 'relu6' has no counterpart among the activation functions of ONNX's LSTM operator/,
    );
    const gates = sequential([layers.lstm({ units: 2, inputShape: [3, 1], recurrentActivation: 'swish', name: 'lstm_sw' })]);
    expect(() => toOnnx(gates)).toThrow(/layers\[0\] \(lstm_sw\).*recurrentActivation 'swish'/);
    model.dispose();
    gates.dispose();
  });

  it('GRU, SimpleRNN and Bidirectional name the layer and the activation their operator lacks', () => {
    const cases = [
      [layers.gru({ units: 2, inputShape: [3, 1], activation: 'selu', name: 'gru_selu' }), /layers\[0\] \(gru_selu\) to ONNX: activation 'selu' has no counterpart among the activation functions of ONNX's GRU operator/],
      [layers.simpleRNN({ units: 2, inputShape: [3, 1], activation: 'gelu', name: 'rnn_gelu' }), /layers\[0\] \(rnn_gelu\).*activation 'gelu'.*ONNX's RNN operator/],
      [layers.bidirectional({ layer: layers.gru({ units: 2, recurrentActivation: 'swish' }), inputShape: [3, 1], name: 'bi' }), /layers\[0\] \(bi\).*recurrentActivation 'swish'.*ONNX's GRU operator/],
    ] as const;
    for (const [layer, message] of cases) {
      const m = sequential([layer]);
      expect(() => toOnnx(m)).toThrow(message);
      m.dispose();
    }
  });

  it('a stateful recurrent layer is refused: a graph cannot carry states between calls', () => {
    const m = sequential([layers.lstm({ units: 2, inputShape: [3, 1], stateful: true, name: 'carry' })]);
    expect(() => toOnnx(m)).toThrow(/Cannot export layers\[0\] \(carry\) to ONNX: stateful: true carries the final states .* export a copy of the model built with stateful: false/);
    m.dispose();
  });

  it('rejects (never throws) wrong arguments, with the option named', async () => {
    const model = sequential([layers.dense({ units: 1, inputShape: [2] })]);
    const pending = exportOnnx(model, path.join(root, 'x.onnx'), { opset: 9 });
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).rejects.toThrow(RangeError);
    await expect(exportOnnx(model, path.join(root, 'x.onnx'), { opset: 9 })).rejects.toThrow(/exportOnnx\.opset/);
    await expect(exportOnnx(model, path.join(root, 'x.onnx'), { opset: MAX_OPSET + 1 })).rejects.toThrow(/exportOnnx\.opset/);
    await expect(exportOnnx(model, path.join(root, 'x.onnx'), { opsett: 17 } as never)).rejects.toThrow(/did you mean "opset"/);
    await expect(exportOnnx({} as never, path.join(root, 'x.onnx'))).rejects.toThrow(/Expected a model .* for exportOnnx\.model/);
    await expect(exportOnnx(model, '' as never)).rejects.toThrow(/exportOnnx\.path/);
    model.dispose();
  });

  it('overwrite: false keeps an existing file', async () => {
    const model = sequential([layers.dense({ units: 1, inputShape: [2] })]);
    const file = path.join(root, 'keep.onnx');
    await exportOnnx(model, file);
    await expect(exportOnnx(model, file, { overwrite: false })).rejects.toMatchObject({ code: 'EEXIST' });
    model.dispose();
  });
});
