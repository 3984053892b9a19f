/**
 * The architectures the ONNX export is checked on: by test/native/onnx-export.test.ts (in
 * onnxruntime-node) and by write-samples.ts (the files scripts/onnx-check.py runs onnx.checker
 * on). No vitest import here, so vite-node can run it outside the test runner.
 */
import { layers, type LayersModel, sequential } from '../../../lib/index.js';
import { rng } from '../../helpers/random.js';

/** A `{data, shape}` tensor of uniform values in [lo, hi). */
export function randomTensor(shape: number[], seed: number, lo = -2, hi = 2): { data: Float32Array; shape: number[] } {
  const r = rng(seed);
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = lo + (hi - lo) * r();
  return { data, shape };
}

/** Every weight set to seeded values in [-0.6, 0.6) (biases too, so the bias layout is exercised). */
export function randomizeWeights(model: LayersModel, seed: number): void {
  model.setWeights(model.getWeights().map((w, i) => randomTensor(w.shape, seed * 100 + i, -0.6, 0.6)));
}

/** A `{data, shape}` tensor. */
export interface SampleTensor {
  data: Float32Array;
  shape: number[];
}

export interface Case {
  name: string;
  build: () => LayersModel;
  /** One sample's shape (of the first input, for models whose inputs are uniform values). */
  sample: number[];
  /** The model's inputs for `batch` samples, in order. Defaults to uniform values in [-2, 2) of `sample`'s shape. */
  data?: (batch: number, seed: number) => SampleTensor[];
  /** The opset to export with. Defaults to the default opset. */
  opset?: number;
}

/** A case's inputs for `batch` samples (see {@link Case.data}). */
export function caseData(c: Case, batch: number, seed: number): SampleTensor[] {
  return c.data ? c.data(batch, seed) : [randomTensor([batch, ...c.sample], seed)];
}

/** Where a row's padding (id 0, masked) goes: after the tokens, before them, or scattered. */
export type Padding = 'right' | 'left' | 'holes';

/**
 * Token ids `[batch, steps]` as float32 (torch-lstm's inputs are float32): ids in [1, vocab)
 * with zeros as padding laid out as `padding` says. Row lengths vary from 0 (`withEmpty`: the
 * first row fully masked) to `steps`.
 */
export function tokenIds(batch: number, steps: number, vocab: number, seed: number, padding: Padding, withEmpty = false): SampleTensor {
  const r = rng(seed);
  const data = new Float32Array(batch * steps);
  for (let b = 0; b < batch; b++) {
    const length = withEmpty && b === 0 ? 0 : b === 1 ? steps : 1 + Math.floor(r() * steps);
    for (let t = 0; t < steps; t++) {
      const valid = padding === 'right' ? t < length : padding === 'left' ? t >= steps - length : r() < length / steps;
      data[b * steps + t] = valid ? 1 + Math.floor(r() * (vocab - 1)) : 0;
    }
  }
  return { data, shape: [batch, steps] };
}

const lstmCase = (name: string, options: Parameters<typeof layers.lstm>[0]): Case => ({
  name,
  sample: [6, 3],
  build: () => sequential([layers.lstm({ inputShape: [6, 3], ...options })]),
});

export const CASES: Case[] = [
  lstmCase('LSTM, last output', { units: 5 }),
  lstmCase('LSTM, returnSequences', { units: 5, returnSequences: true }),
  lstmCase('LSTM, goBackwards', { units: 4, goBackwards: true }),
  lstmCase('LSTM, goBackwards + returnSequences (processing order)', { units: 4, goBackwards: true, returnSequences: true }),
  lstmCase('LSTM, hard_sigmoid gates + relu', { units: 4, recurrentActivation: 'hard_sigmoid', activation: 'relu', returnSequences: true }),
  lstmCase('LSTM, linear activation + sigmoid gates', { units: 4, activation: 'linear' }),
  lstmCase('LSTM, elu + softplus gates', { units: 3, activation: 'elu', recurrentActivation: 'softplus' }),
  lstmCase('LSTM, softsign + hard_sigmoid, goBackwards', { units: 3, activation: 'softsign', recurrentActivation: 'hard_sigmoid', goBackwards: true }),
  lstmCase('LSTM, useBias false', { units: 4, useBias: false, returnSequences: true }),
  lstmCase('LSTM, dropout and recurrentDropout (identity at inference)', { units: 4, dropout: 0.3, recurrentDropout: 0.2 }),
  {
    name: 'stacked LSTM (backwards in the middle) + Dense',
    sample: [7, 2],
    build: () =>
      sequential([
        layers.lstm({ units: 6, inputShape: [7, 2], returnSequences: true }),
        layers.lstm({ units: 5, returnSequences: true, goBackwards: true }),
        layers.lstm({ units: 4 }),
        layers.dense({ units: 3, activation: 'tanh' }),
        layers.dense({ units: 1 }),
      ]),
  },
  {
    name: 'LSTM + Dropout + Dense',
    sample: [6, 3],
    build: () => sequential([layers.lstm({ units: 8, inputShape: [6, 3] }), layers.dropout({ rate: 0.5 }), layers.dense({ units: 2 })]),
  },
  {
    name: 'LSTM sequences + Dense per step (3-D Dense, softmax)',
    sample: [5, 3],
    build: () =>
      sequential([
        layers.lstm({ units: 6, inputShape: [5, 3], returnSequences: true }),
        layers.dropout({ rate: 0.2 }),
        layers.dense({ units: 4, activation: 'softmax' }),
      ]),
  },
  {
    name: 'Dense stack (every activation, useBias false)',
    sample: [4],
    build: () =>
      sequential([
        layers.dense({ units: 6, inputShape: [4], activation: 'relu6' }),
        layers.dense({ units: 6, activation: 'selu' }),
        layers.dense({ units: 6, activation: 'swish', useBias: false }),
        layers.dense({ units: 6, activation: 'gelu' }),
        layers.dense({ units: 6, activation: 'elu' }),
        layers.dense({ units: 6, activation: 'softplus' }),
        layers.dense({ units: 6, activation: 'softsign' }),
        layers.dense({ units: 6, activation: 'hard_sigmoid' }),
        layers.dense({ units: 6, activation: 'exponential' }),
        layers.dense({ units: 5, activation: 'sigmoid' }),
        layers.dense({ units: 3, activation: 'softmax' }),
      ]),
  },
  {
    name: 'Dense on a 3-D input',
    sample: [5, 4],
    build: () => sequential([layers.dense({ units: 3, inputShape: [5, 4], activation: 'relu' }), layers.dense({ units: 2 })]),
  },
];


/** A final LSTM with returnState: outputs `output`, `state_h`, `state_c`. */
export const STATE_CASE: Case = {
  name: 'LSTM with returnState',
  sample: [6, 3],
  build: () => sequential([layers.lstm({ units: 4, inputShape: [6, 3], returnSequences: true, returnState: true, goBackwards: true })]),
};

/** Unknown timesteps (`inputShape: [null, 2]`): a symbolic `timesteps` axis. */
export const RAGGED_CASE: Case = {
  name: 'stacked LSTM, unknown timesteps',
  sample: [4, 2],
  build: () => sequential([layers.lstm({ units: 4, inputShape: [null, 2], returnSequences: true }), layers.lstm({ units: 3 }), layers.dense({ units: 1 })]),
};

/** The model exported at each opset. */
export const OPSET_CASE: Case = {
  name: 'LSTM (backwards) + LSTM + Dense (gelu)',
  sample: [5, 2],
  build: () =>
    sequential([
      layers.lstm({ units: 4, inputShape: [5, 2], returnSequences: true, goBackwards: true }),
      layers.lstm({ units: 3 }),
      layers.dense({ units: 2, activation: 'gelu' }),
    ]),
};
