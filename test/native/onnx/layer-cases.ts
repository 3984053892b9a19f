/**
 * The Sequential architectures of the ONNX export checks for the layer kinds beyond LSTM and
 * Dense (cases.ts): GRU, SimpleRNN, PeepholeLSTM, Bidirectional, LayerNormalization,
 * Embedding and masks, Masking, TimeDistributed, pooling, GaussianNoise. No vitest import here,
 * so vite-node can run it outside the test runner.
 */
import { layers, sequential } from '../../../lib/index.js';
import { type Case, type Padding, randomTensor, type SampleTensor, tokenIds } from './cases.js';

const seq = (name: string, sample: number[], build: () => ReturnType<typeof sequential>, extra: Partial<Case> = {}): Case => ({ name, sample, build, ...extra });

/** Token ids `[batch, steps]` (vocabulary 12) with the given padding. */
const ids = (steps: number, padding: Padding, withEmpty = false) => (batch: number, seed: number): SampleTensor[] => [
  tokenIds(batch, steps, 12, seed, padding, withEmpty),
];

/** Uniform sequences `[batch, steps, features]` where some steps are all `value` (Masking's masked steps). */
const maskedSteps = (steps: number, features: number, value: number) => (batch: number, seed: number): SampleTensor[] => {
  const x = randomTensor([batch, steps, features], seed);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < steps; t++) {
      if ((b + 2 * t) % 3 === 0 || (b === 0 && t >= 2)) x.data.fill(value, (b * steps + t) * features, (b * steps + t + 1) * features);
    }
  }
  return [x];
};

const lstm = layers.lstm;
const gru = layers.gru;

export const LAYER_CASES: Case[] = [
  // GRU: both reset modes, backwards, other activations.
  seq('GRU resetAfter (linear_before_reset = 1), returnSequences', [6, 3], () => sequential([gru({ units: 5, inputShape: [6, 3], returnSequences: true })])),
  seq('GRU resetAfter false, last output', [6, 3], () => sequential([gru({ units: 4, inputShape: [6, 3], resetAfter: false })])),
  seq('GRU goBackwards + returnSequences, hard_sigmoid gates', [5, 2], () =>
    sequential([gru({ units: 4, inputShape: [5, 2], goBackwards: true, returnSequences: true, recurrentActivation: 'hard_sigmoid' })]),
  ),
  seq('GRU relu activation, useBias false, goBackwards', [5, 3], () => sequential([gru({ units: 3, inputShape: [5, 3], activation: 'relu', useBias: false, goBackwards: true })])),
  // SimpleRNN.
  seq('SimpleRNN tanh + Dense', [6, 3], () => sequential([layers.simpleRNN({ units: 5, inputShape: [6, 3] }), layers.dense({ units: 2 })])),
  seq('SimpleRNN relu, goBackwards + returnSequences', [5, 2], () =>
    sequential([layers.simpleRNN({ units: 4, inputShape: [5, 2], activation: 'relu', goBackwards: true, returnSequences: true })]),
  ),
  // PeepholeLSTM: ONNX LSTM with P.
  seq('PeepholeLSTM returnSequences + PeepholeLSTM', [6, 3], () =>
    sequential([layers.peepholeLstm({ units: 4, inputShape: [6, 3], returnSequences: true }), layers.peepholeLstm({ units: 3, goBackwards: true })]),
  ),
  // Bidirectional: one operator with direction = bidirectional, every merge mode.
  seq('Bidirectional LSTM concat, returnSequences + Dense per step', [6, 3], () =>
    sequential([layers.bidirectional({ layer: lstm({ units: 4, returnSequences: true }), inputShape: [6, 3] }), layers.dense({ units: 2 })]),
  ),
  seq('Bidirectional GRU sum, last output', [6, 3], () => sequential([layers.bidirectional({ layer: gru({ units: 4 }), mergeMode: 'sum', inputShape: [6, 3] })])),
  seq('Bidirectional GRU (resetAfter false) mul, returnSequences', [5, 2], () =>
    sequential([layers.bidirectional({ layer: gru({ units: 3, resetAfter: false, returnSequences: true }), mergeMode: 'mul', inputShape: [5, 2] })]),
  ),
  seq('Bidirectional SimpleRNN ave', [5, 2], () => sequential([layers.bidirectional({ layer: layers.simpleRNN({ units: 3 }), mergeMode: 'ave', inputShape: [5, 2] })])),
  seq('Bidirectional LSTM mergeMode null + returnState (six outputs)', [5, 2], () =>
    sequential([layers.bidirectional({ layer: lstm({ units: 3, returnState: true }), mergeMode: null, inputShape: [5, 2] })]),
  ),
  seq('Bidirectional of a goBackwards LSTM (two operators)', [5, 2], () =>
    sequential([layers.bidirectional({ layer: lstm({ units: 3, goBackwards: true, returnSequences: true }), inputShape: [5, 2] })]),
  ),
  seq('Bidirectional GRU forward, SimpleRNN backward (two operators)', [5, 2], () =>
    sequential([
      layers.bidirectional({ layer: gru({ units: 3, returnSequences: true }), backwardLayer: layers.simpleRNN({ units: 2, returnSequences: true, goBackwards: true }), inputShape: [5, 2] }),
    ]),
  ),
  // LayerNormalization: the operator (opset 17) and its decomposition (opset 13; axes not trailing).
  seq('LSTM + LayerNormalization (opset 17 operator)', [6, 3], () => sequential([lstm({ units: 5, inputShape: [6, 3], returnSequences: true }), layers.layerNormalization()])),
  seq('LSTM + LayerNormalization (opset 13, decomposed)', [6, 3], () => sequential([lstm({ units: 5, inputShape: [6, 3], returnSequences: true }), layers.layerNormalization()]), {
    opset: 13,
  }),
  seq('LayerNormalization over axis 1 (decomposed), center false', [4, 3], () =>
    sequential([layers.layerNormalization({ axis: 1, center: false, inputShape: [4, 3], epsilon: 0.01 })]),
  ),
  seq('LayerNormalization over axes [1, 2] (operator, axis 1), scale false', [4, 3], () =>
    sequential([layers.layerNormalization({ axis: [1, 2], scale: false, inputShape: [4, 3] })]),
  ),
  // Embedding and masks.
  seq('Embedding (no mask) + LSTM', [7], () => sequential([layers.embedding({ inputDim: 12, outputDim: 4, inputShape: [7] }), lstm({ units: 5 })]), { data: ids(7, 'holes') }),
  seq('Embedding maskZero + LSTM, right-padded', [7], () => sequential([layers.embedding({ inputDim: 12, outputDim: 4, maskZero: true, inputShape: [7] }), lstm({ units: 5 })]), {
    data: ids(7, 'right'),
  }),
  seq('Embedding maskZero + GRU returnSequences, left-padded, an empty row', [7], () =>
    sequential([layers.embedding({ inputDim: 12, outputDim: 4, maskZero: true, inputShape: [7] }), gru({ units: 4, returnSequences: true })]), {
    data: ids(7, 'left', true),
  }),
  seq('Embedding maskZero + LSTM goBackwards returnSequences + LSTM, scattered padding', [7], () =>
    sequential([
      layers.embedding({ inputDim: 12, outputDim: 4, maskZero: true, inputShape: [7] }),
      lstm({ units: 4, goBackwards: true, returnSequences: true }),
      lstm({ units: 3, returnState: true }),
    ]), {
    data: ids(7, 'holes', true),
  }),
  seq('Embedding maskZero + SimpleRNN goBackwards, an empty row', [6], () =>
    sequential([layers.embedding({ inputDim: 12, outputDim: 3, maskZero: true, inputShape: [6] }), layers.simpleRNN({ units: 4, goBackwards: true })]), {
    data: ids(6, 'left', true),
  }),
  seq('Embedding maskZero + Bidirectional LSTM returnSequences + GlobalAveragePooling1D (masked mean)', [7], () =>
    sequential([
      layers.embedding({ inputDim: 12, outputDim: 4, maskZero: true, inputShape: [7] }),
      layers.bidirectional({ layer: lstm({ units: 3, returnSequences: true }) }),
      layers.globalAveragePooling1d(),
    ]), {
    data: ids(7, 'holes'),
  }),
  seq('Embedding maskZero + Bidirectional GRU last, left-padded', [7], () =>
    sequential([layers.embedding({ inputDim: 12, outputDim: 4, maskZero: true, inputShape: [7] }), layers.bidirectional({ layer: gru({ units: 3 }), mergeMode: 'ave' })]), {
    data: ids(7, 'left'),
  }),
  seq('Embedding maskZero, unknown timesteps + Bidirectional of a goBackwards GRU (two operators)', [6], () =>
    sequential([
      layers.embedding({ inputDim: 12, outputDim: 3, maskZero: true, inputShape: [null] }),
      layers.bidirectional({ layer: gru({ units: 3, goBackwards: true, returnSequences: true }) }),
      layers.dense({ units: 2 }),
    ]), {
    data: ids(6, 'holes'),
  }),
  seq('Masking + LSTM returnSequences + TimeDistributed(Dense)', [6, 3], () =>
    sequential([
      layers.masking({ maskValue: 0.5, inputShape: [6, 3] }),
      lstm({ units: 4, returnSequences: true }),
      layers.timeDistributed({ layer: layers.dense({ units: 2, activation: 'tanh' }) }),
    ]), {
    data: maskedSteps(6, 3, 0.5),
  }),
  // TimeDistributed, pooling, noise.
  seq('TimeDistributed(LayerNormalization) (folded into the batch) + GlobalMaxPooling1D', [5, 4], () =>
    sequential([layers.timeDistributed({ layer: layers.layerNormalization(), inputShape: [5, 4] }), layers.globalMaxPooling1d()]),
  ),
  seq('TimeDistributed(Dense) and TimeDistributed(GlobalMaxPooling1D) over [steps, substeps, features]', [3, 4, 2], () =>
    sequential([
      layers.timeDistributed({ layer: layers.dense({ units: 3, activation: 'tanh' }), inputShape: [3, 4, 2] }),
      layers.timeDistributed({ layer: layers.globalMaxPooling1d() }),
      lstm({ units: 2 }),
    ]),
  ),
  seq('GlobalAveragePooling1D channelsFirst keepdims', [4, 5], () => sequential([layers.globalAveragePooling1d({ dataFormat: 'channelsFirst', keepdims: true, inputShape: [4, 5] })])),
  seq('GlobalMaxPooling1D keepdims after GRU sequences', [5, 3], () => sequential([gru({ units: 4, inputShape: [5, 3], returnSequences: true }), layers.globalMaxPooling1d({ keepdims: true })])),
  seq('GaussianNoise + Dropout (identity at inference)', [5, 3], () =>
    sequential([layers.gaussianNoise({ stddev: 0.5, inputShape: [5, 3] }), gru({ units: 4 }), layers.dropout({ rate: 0.3 }), layers.dense({ units: 1 })]),
  ),
];
