/**
 * The functional architectures of the ONNX export checks: several inputs and outputs (graph
 * inputs named after the model's inputs), shared layers, initial states, Concatenate and Add,
 * the attention layers, TransformerEncoder and PositionEmbedding. No vitest import here, so
 * vite-node can run it outside the test runner.
 */
import { input, layers, model, type SymbolicTensor } from '../../../lib/index.js';
import { type Case, randomTensor, type SampleTensor, tokenIds } from './cases.js';

const fn = (name: string, data: (batch: number, seed: number) => SampleTensor[], build: Case['build']): Case => ({ name, sample: [], data, build });
const uniform = (...samples: number[][]) => (batch: number, seed: number) => samples.map((s, i) => randomTensor([batch, ...s], seed + 7 * i));
const one = (t: SymbolicTensor | SymbolicTensor[]) => t as SymbolicTensor;
const many = (t: SymbolicTensor | SymbolicTensor[]) => t as SymbolicTensor[];

export const FUNCTIONAL_CASES: Case[] = [
  fn('two inputs, two outputs: LSTM head and Dense head joined by Concatenate', uniform([6, 3], [4]), () => {
    const seq = input({ shape: [6, 3], name: 'seq' });
    const aux = input({ shape: [4], name: 'aux' });
    const h = one(layers.lstm({ units: 5 }).apply(seq));
    const value = layers.dense({ units: 1, name: 'value' }).apply(h);
    const joined = layers.concatenate().apply([h, one(layers.dense({ units: 3, activation: 'relu' }).apply(aux))]);
    const label = layers.dense({ units: 3, activation: 'softmax', name: 'label' }).apply(joined);
    return model({ inputs: [seq, aux], outputs: [value, label] });
  }),
  fn('shared LSTM on two inputs, Add, Concatenate along time', uniform([5, 2], [4, 2]), () => {
    const a = input({ shape: [5, 2], name: 'a' });
    const b = input({ shape: [4, 2], name: 'b' });
    const shared = layers.lstm({ units: 3, returnSequences: true });
    const sa = one(shared.apply(a));
    const sb = one(shared.apply(b));
    const last = layers.add().apply([one(layers.globalAveragePooling1d().apply(sa)), one(layers.globalMaxPooling1d().apply(sb))]);
    const time = layers.concatenate({ axis: 1 }).apply([sa, sb]);
    return model({ inputs: [a, b], outputs: [last, one(layers.gru({ units: 2 }).apply(time))] });
  }),
  fn('encoder-decoder: LSTM returnState as the initial states of another LSTM', uniform([6, 3], [4, 2]), () => {
    const enc = input({ shape: [6, 3], name: 'encoder_input' });
    const dec = input({ shape: [4, 2], name: 'decoder_input' });
    const [, h, c] = many(layers.lstm({ units: 4, returnState: true }).apply(enc));
    const out = layers.lstm({ units: 4, returnSequences: true }).apply(dec, { initialState: [h!, c!] });
    const gruOut = layers.gru({ units: 4, goBackwards: true }).apply(dec, { initialState: h! });
    return model({ inputs: [enc, dec], outputs: [one(layers.dense({ units: 2 }).apply(one(out))), one(gruOut)] });
  }),
  fn('Bidirectional LSTM returnState as the initial states of a Bidirectional LSTM (masked)', (batch, seed) => [randomTensor([batch, 5, 2], seed), tokenIds(batch, 4, 8, seed + 1, 'holes')], () => {
    const enc = input({ shape: [5, 2], name: 'encoder_input' });
    const tokens = input({ shape: [4], name: 'decoder_tokens' });
    const [, ...states] = many(layers.bidirectional({ layer: layers.lstm({ units: 3, returnState: true }) }).apply(enc));
    const e = one(layers.embedding({ inputDim: 8, outputDim: 2, maskZero: true }).apply(tokens));
    const out = layers.bidirectional({ layer: layers.lstm({ units: 3, returnSequences: true }), mergeMode: 'sum' }).apply(e, { initialState: states });
    return model({ inputs: [enc, tokens], outputs: one(out) });
  }),
  fn('LSTM + Attention (self, scaled, causal, scores returned) + pooling', uniform([6, 3]), () => {
    const x = input({ shape: [6, 3] });
    const s = one(layers.lstm({ units: 4, returnSequences: true }).apply(x));
    const [context, scores] = many(layers.attention({ useScale: true, useCausalMask: true, returnAttentionScores: true }).apply([s, s]));
    return model({ inputs: x, outputs: [one(layers.globalAveragePooling1d().apply(context!)), scores!] });
  }),
  fn('Attention concat scores over another sequence, with a key', uniform([5, 3], [7, 3], [7, 3]), () => {
    const q = input({ shape: [5, 3], name: 'query' });
    const v = input({ shape: [7, 3], name: 'value' });
    const k = input({ shape: [7, 3], name: 'key' });
    return model({ inputs: [q, v, k], outputs: layers.attention({ scoreMode: 'concat', useScale: true }).apply([q, v, k]) });
  }),
  fn(
    'AdditiveAttention: query sequence over a masked token sequence',
    (batch, seed) => [randomTensor([batch, 4, 3], seed), tokenIds(batch, 6, 10, seed + 1, 'right')],
    () => {
      const q = input({ shape: [4, 3], name: 'query' });
      const tokens = input({ shape: [6], name: 'tokens' });
      const v = one(layers.embedding({ inputDim: 10, outputDim: 3, maskZero: true }).apply(tokens));
      const context = one(layers.additiveAttention().apply([q, v]));
      return model({ inputs: [q, tokens], outputs: one(layers.lstm({ units: 2 }).apply(context)) });
    },
  ),
  fn(
    'MultiHeadAttention (masked tokens, causal, valueDim, outputShape, scores) + LayerNormalization',
    (batch, seed) => [tokenIds(batch, 6, 10, seed, 'holes')],
    () => {
      const tokens = input({ shape: [6], name: 'tokens' });
      const e = one(layers.embedding({ inputDim: 10, outputDim: 8, maskZero: true }).apply(tokens));
      const [att, scores] = many(layers.multiHeadAttention({ numHeads: 2, keyDim: 3, valueDim: 5, outputShape: 6, useCausalMask: true, returnAttentionScores: true }).apply([e, e]));
      const normed = layers.layerNormalization().apply(att!);
      return model({ inputs: tokens, outputs: [one(layers.globalAveragePooling1d().apply(one(normed))), scores!] });
    },
  ),
  fn('MultiHeadAttention cross-attention with a key, no bias', uniform([4, 5], [6, 3], [6, 2]), () => {
    const q = input({ shape: [4, 5], name: 'q' });
    const v = input({ shape: [6, 3], name: 'v' });
    const k = input({ shape: [6, 2], name: 'k' });
    return model({ inputs: [q, v, k], outputs: layers.multiHeadAttention({ numHeads: 3, keyDim: 2, useBias: false }).apply([q, v, k]) });
  }),
  fn(
    'Embedding + PositionEmbedding + TransformerEncoder (post-norm, masked) + TransformerEncoder (pre-norm)',
    (batch, seed) => [tokenIds(batch, 6, 10, seed, 'right')],
    () => {
      const tokens = input({ shape: [6], name: 'tokens' });
      const e = one(layers.embedding({ inputDim: 10, outputDim: 8, maskZero: true }).apply(tokens));
      const x = one(layers.add().apply([e, one(layers.positionEmbedding({ sequenceLength: 6 }).apply(e))]));
      const y = one(layers.transformerEncoder({ intermediateDim: 12, numHeads: 2, activation: 'gelu' }).apply(x));
      const z = one(layers.transformerEncoder({ intermediateDim: 6, numHeads: 4, normalizeFirst: true }).apply(y));
      return model({ inputs: tokens, outputs: one(layers.globalAveragePooling1d().apply(z)) });
    },
  ),
  fn('PositionEmbedding beyond sequenceLength (hierarchical positions)', uniform([9, 4]), () => {
    const x = input({ shape: [9, 4] });
    return model({ inputs: x, outputs: layers.add().apply([x, one(layers.positionEmbedding({ sequenceLength: 4 }).apply(x))]) });
  }),
];

/**
 * Exported at every opset (13 to 23): masks, a bidirectional GRU, LayerNormalization (the
 * operator from 17, decomposed below), multi-head attention, Masking and the pooling reductions
 * (whose axes move from an attribute to an input at 18).
 */
export const KITCHEN_CASE: Case = fn(
  'every opset: masked tokens, Bidirectional GRU, LayerNormalization, MultiHeadAttention, Masking, pooling',
  (batch, seed) => {
    const seq = randomTensor([batch, 5, 2], seed + 1);
    for (let b = 0; b < batch; b += 2) seq.data.fill(0, (b * 5 + 3) * 2, (b * 5 + 5) * 2);
    return [tokenIds(batch, 6, 10, seed, 'holes'), seq];
  },
  () => {
    const tokens = input({ shape: [6], name: 'tokens' });
    const seq = input({ shape: [5, 2], name: 'seq' });
    const e = one(layers.embedding({ inputDim: 10, outputDim: 4, maskZero: true }).apply(tokens));
    const s = one(layers.bidirectional({ layer: layers.gru({ units: 3, returnSequences: true }) }).apply(e));
    const n = one(layers.layerNormalization().apply(s));
    const a = one(layers.multiHeadAttention({ numHeads: 2, keyDim: 2 }).apply([n, n]));
    const masked = one(layers.lstm({ units: 3 }).apply(one(layers.masking().apply(seq))));
    const pooled = [a, seq].flatMap((t, i) => (i === 0 ? [one(layers.globalAveragePooling1d().apply(t))] : [one(layers.globalAveragePooling1d().apply(t)), one(layers.globalMaxPooling1d().apply(t))]));
    const joined = layers.concatenate().apply([...pooled, masked]);
    return model({ inputs: [tokens, seq], outputs: layers.dense({ units: 2, activation: 'softmax' }).apply(joined) });
  },
);
