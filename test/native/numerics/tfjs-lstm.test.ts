/**
 * Forward numerics against @tensorflow/tfjs (pure JS cpu backend) with identical weights:
 * the same architecture is built in both, torch-lstm's weights (Keras layout, gates i, f, c, o)
 * are copied into tfjs, and predictions on the same inputs must agree within 1e-5 (float32).
 * (`predictOutputs` gives every output, `[output, h, c]` with a final returnState LSTM.)
 * Every fusible case also runs the cell loop (`useCudnn: false`) and checks both kernels agree.
 * hard_sigmoid is checked against a float64 JS reference instead: tfjs's hardSigmoid is Keras 2's
 * clip(0.2x + 0.5), Keras 3's (and ours) is relu6(x + 3) / 6.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { layers, sequential, type Sequential, type Tensor } from '../../../lib/index.js';
import { ACT, denseRef, expectClose, lastStep, lstmRef, maxAbsDiff, randomTensor, rng } from './helpers.js';

const TOL = 1e-5;

interface LstmSpec {
  kind: 'lstm';
  units: number;
  activation?: string;
  recurrentActivation?: string;
  returnSequences?: boolean;
  returnState?: boolean;
  goBackwards?: boolean;
  useBias?: boolean;
}
interface DenseSpec {
  kind: 'dense';
  units: number;
  activation?: string;
  useBias?: boolean;
}
type Spec = LstmSpec | DenseSpec;

const fusible = (specs: Spec[]): boolean =>
  specs.every((s) => s.kind !== 'lstm' || ((s.activation ?? 'tanh') === 'tanh' && (s.recurrentActivation ?? 'sigmoid') === 'sigmoid'));

function buildTorch(specs: Spec[], inputShape: [number, number], useCudnn: 'auto' | boolean): Sequential {
  return sequential(
    specs.map((s, i) => {
      const { kind, ...opts } = s;
      const first = i === 0 ? { inputShape } : {};
      return kind === 'lstm'
        ? layers.lstm({ ...(opts as Omit<LstmSpec, 'kind'>), ...first, useCudnn } as never)
        : layers.dense({ ...(opts as Omit<DenseSpec, 'kind'>), ...first } as never);
    }),
  );
}

/** Replaces every bias (all zeros or forget-gate ones after init) with values in [-1, 1], so a gate-order slip shows. */
function randomizeBiases(model: Sequential, specs: Spec[], seed: number): void {
  const r = rng(seed);
  const ws = model.getWeights();
  const out: Float32Array[] = [];
  let k = 0;
  for (const s of specs) {
    const count = s.kind === 'lstm' ? (s.useBias === false ? 2 : 3) : s.useBias === false ? 1 : 2;
    for (let j = 0; j < count; j++) {
      const w = ws[k++]!;
      const isBias = (s.kind === 'lstm' && j === 2) || (s.kind === 'dense' && j === 1);
      out.push(isBias ? w.data.map(() => 2 * r() - 1) : w.data);
    }
  }
  model.setWeights(out.map((data, i) => ({ data, shape: ws[i]!.shape })));
}

function buildTfjs(specs: Spec[], inputShape: [number, number], weights: Tensor[]): tf.LayersModel {
  const input = tf.input({ shape: inputShape });
  let current: tf.SymbolicTensor | tf.SymbolicTensor[] = input;
  const built: tf.layers.Layer[] = [];
  for (const s of specs) {
    const layer =
      s.kind === 'lstm'
        ? tf.layers.lstm({
            units: s.units,
            activation: (s.activation ?? 'tanh') as never,
            recurrentActivation: (s.recurrentActivation ?? 'sigmoid') as never,
            returnSequences: s.returnSequences ?? false,
            returnState: s.returnState ?? false,
            goBackwards: s.goBackwards ?? false,
            useBias: s.useBias ?? true,
          })
        : tf.layers.dense({ units: s.units, activation: (s.activation ?? 'linear') as never, useBias: s.useBias ?? true });
    current = layer.apply(current as tf.SymbolicTensor) as tf.SymbolicTensor | tf.SymbolicTensor[];
    built.push(layer);
  }
  const model = tf.model({ inputs: input, outputs: current });
  let k = 0;
  for (const layer of built) {
    const n = layer.getWeights().length;
    layer.setWeights(weights.slice(k, k + n).map((w) => tf.tensor(w.data, w.shape)));
    k += n;
  }
  expect(k).toBe(weights.length);
  return model;
}

async function tfjsPredict(model: tf.LayersModel, x: { data: Float32Array; shape: number[] }): Promise<Float32Array[]> {
  const xt = tf.tensor(x.data, x.shape);
  const out = model.predict(xt);
  const list = Array.isArray(out) ? out : [out];
  const data = list.map((t) => t.dataSync() as Float32Array);
  tf.dispose([xt, ...list]);
  return data;
}

/**
 * Builds `specs` in torch-lstm (fused when possible) and tfjs with the same weights, and checks
 * every output within 1e-5; then the cell loop against the fused kernel.
 */
async function compare(specs: Spec[], opts: { batch?: number; T?: number; F?: number; seed: number }): Promise<void> {
  const { batch = 5, T = 7, F = 3, seed } = opts;
  const inputShape: [number, number] = [T, F];
  const x = randomTensor([batch, T, F], seed);
  const canFuse = fusible(specs);
  const primary = buildTorch(specs, inputShape, canFuse ? true : 'auto');
  randomizeBiases(primary, specs, seed + 1);
  const weights = primary.getWeights();
  const tfModel = buildTfjs(specs, inputShape, weights);

  // predictOutputs gives [output] or, with a final returnState LSTM, [output, h, c]; predict the output.
  const oursList = await primary.predictOutputs(x);
  const theirs = await tfjsPredict(tfModel, x);
  expect(oursList.length).toBe(theirs.length);
  const last = specs[specs.length - 1]!;
  // Dense keeps the rank, so the output is a sequence when the last LSTM returns sequences.
  const lastLstm = [...specs].reverse().find((s): s is LstmSpec => s.kind === 'lstm')!;
  const sequenceOut = lastLstm.returnSequences === true;
  const mainShape = sequenceOut ? [batch, T, last.units] : [batch, last.units];
  expect(oursList[0]!.shape).toEqual(mainShape);
  if (last.kind === 'lstm' && last.returnState) {
    expect(oursList.map((t) => t.shape)).toEqual([mainShape, [batch, last.units], [batch, last.units]]);
  }
  expect(Array.from((await primary.predict(x)).data)).toEqual(Array.from(oursList[0]!.data));
  oursList.forEach((t, i) => expectClose(t.data, theirs[i]!, TOL, `output ${i} vs tfjs`));
  // The reference must not be trivially zero (a dead model would agree with anything).
  expect(Math.max(...theirs[0]!.map(Math.abs))).toBeGreaterThan(1e-2);

  const loop = buildTorch(specs, inputShape, false);
  loop.setWeights(weights);
  const loopList = await loop.predictOutputs(x);
  expect(loopList.length).toBe(oursList.length);
  loopList.forEach((t, i) => {
    expect(t.shape).toEqual(oursList[i]!.shape);
    expectClose(t.data, oursList[i]!.data, TOL, `output ${i}: cell loop vs ${canFuse ? 'fused' : 'auto'}`);
  });
  tfModel.dispose();
  primary.dispose();
  loop.dispose();
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

describe('LSTM forward vs tfjs (same weights, 1e-5)', () => {
  it('single LSTM, returnSequences false', async () => {
    await compare([{ kind: 'lstm', units: 4 }], { seed: 11 });
  });

  it('single LSTM, returnSequences true', async () => {
    await compare([{ kind: 'lstm', units: 4, returnSequences: true }], { seed: 12 });
  });

  it('stacked LSTM(8, returnSequences) -> LSTM(5) -> Dense(1)', async () => {
    await compare(
      [{ kind: 'lstm', units: 8, returnSequences: true }, { kind: 'lstm', units: 5 }, { kind: 'dense', units: 1 }],
      { seed: 13, T: 9, F: 2 },
    );
  });

  it('goBackwards without returnSequences', async () => {
    await compare([{ kind: 'lstm', units: 4, goBackwards: true }, { kind: 'dense', units: 2 }], { seed: 14 });
  });

  it('goBackwards with returnSequences (sequence in processing order, as Keras)', async () => {
    await compare([{ kind: 'lstm', units: 4, goBackwards: true, returnSequences: true }], { seed: 15 });
  });

  it('returnState gives [output, h, c]', async () => {
    await compare([{ kind: 'lstm', units: 6, returnState: true }], { seed: 16 });
  });

  it('returnState with returnSequences and goBackwards', async () => {
    await compare(
      [{ kind: 'lstm', units: 3, returnSequences: true }, { kind: 'lstm', units: 5, returnState: true, returnSequences: true, goBackwards: true }],
      { seed: 17 },
    );
  });

  for (const [i, activation] of ['relu', 'linear', 'softsign', 'elu', 'selu'].entries()) {
    it(`activation '${activation}' (cell loop)`, async () => {
      await compare(
        [{ kind: 'lstm', units: 4, activation, returnSequences: true }, { kind: 'lstm', units: 3, activation }, { kind: 'dense', units: 2 }],
        { seed: 20 + i, T: 6 },
      );
    });
  }

  it('useBias false', async () => {
    await compare([{ kind: 'lstm', units: 4, useBias: false }, { kind: 'dense', units: 2, useBias: false }], { seed: 30 });
  });

  it('useBias false on a non-fused LSTM', async () => {
    await compare([{ kind: 'lstm', units: 4, useBias: false, activation: 'relu' }], { seed: 31 });
  });

  it("Dense with activation 'tanh'", async () => {
    await compare([{ kind: 'lstm', units: 4 }, { kind: 'dense', units: 3, activation: 'tanh' }], { seed: 32 });
  });

  it("Dense with activation 'sigmoid'", async () => {
    await compare([{ kind: 'lstm', units: 4 }, { kind: 'dense', units: 3, activation: 'sigmoid' }], { seed: 33 });
  });

  it('Dense on a 3-D sequence output (applied per timestep)', async () => {
    await compare([{ kind: 'lstm', units: 4, returnSequences: true }, { kind: 'dense', units: 2, activation: 'tanh' }], { seed: 34 });
  });
});

describe('hard_sigmoid (Keras 3: relu6(x + 3) / 6) vs a float64 JS reference', () => {
  async function checkHardSigmoid(activation: 'tanh' | 'hard_sigmoid', seed: number): Promise<void> {
    const batch = 4, T = 6, F = 3, u = 5;
    const x = randomTensor([batch, T, F], seed);
    const model = sequential([
      layers.lstm({ units: u, inputShape: [T, F], recurrentActivation: 'hard_sigmoid', activation, returnSequences: true, returnState: true }),
    ]);
    // Weights large enough that gate pre-activations reach both saturated ends (|z| > 3).
    const r = rng(seed + 1);
    const ws = model.getWeights().map((w) => ({ data: w.data.map(() => 3 * (2 * r() - 1)), shape: w.shape }));
    model.setWeights(ws);
    const [seq, h, c] = await model.predictOutputs(x);
    expect([seq, h, c].map((t) => t?.shape)).toEqual([[batch, T, u], [batch, u], [batch, u]]);
    const ref = lstmRef(x, { kernel: ws[0]!.data, recurrent: ws[1]!.data, bias: ws[2]!.data }, u, ACT[activation]!, ACT.hard_sigmoid!);
    expect(ref.gatePre.some((z) => z > 3)).toBe(true);
    expect(ref.gatePre.some((z) => z < -3)).toBe(true);
    expect(ref.gatePre.some((z) => Math.abs(z) < 2.5 && Math.abs(z) > 0.5)).toBe(true);
    expectClose(seq!.data, ref.seq, TOL, 'sequence');
    expectClose(h!.data, ref.h, TOL, 'h');
    // c grows with |weights| ~ 3; compare relative to its scale.
    const cScale = Math.max(1, ...Array.from(ref.c, Math.abs));
    expectClose(c!.data, ref.c, TOL * cScale, 'c');
    // The test can tell Keras 3's hard_sigmoid from tfjs's (Keras 2) clip(0.2x + 0.5, 0, 1).
    const keras2 = lstmRef(x, { kernel: ws[0]!.data, recurrent: ws[1]!.data, bias: ws[2]!.data }, u, activation === 'tanh' ? Math.tanh : (z) => Math.min(Math.max(0.2 * z + 0.5, 0), 1), (z) => Math.min(Math.max(0.2 * z + 0.5, 0), 1));
    expect(maxAbsDiff(seq!.data, keras2.seq)).toBeGreaterThan(1e-2);

    const loop = sequential([
      layers.lstm({ units: u, inputShape: [T, F], recurrentActivation: 'hard_sigmoid', activation, returnSequences: true, returnState: true, useCudnn: false }),
    ]);
    loop.setWeights(ws);
    const loopOut = await loop.predictOutputs(x);
    expectClose(loopOut[0]!.data, seq!.data, TOL, 'cell loop vs auto');
    model.dispose();
    loop.dispose();
  }

  it('recurrentActivation hard_sigmoid', async () => {
    await checkHardSigmoid('tanh', 40);
  });

  it('activation and recurrentActivation hard_sigmoid', async () => {
    await checkHardSigmoid('hard_sigmoid', 41);
  });

  it('the JS reference itself matches tfjs on sigmoid/tanh (sanity of the reference)', async () => {
    const batch = 3, T = 5, F = 2, u = 4;
    const x = randomTensor([batch, T, F], 42);
    const model = sequential([layers.lstm({ units: u, inputShape: [T, F], goBackwards: true }), layers.dense({ units: 1, activation: 'tanh' })]);
    const ws = model.getWeights();
    const ref = lstmRef(x, { kernel: ws[0]!.data, recurrent: ws[1]!.data, bias: ws[2]!.data }, u, ACT.tanh!, ACT.sigmoid!, true);
    const y = denseRef(lastStep(ref.seq, batch, T, u), batch, ws[3]!.data, ws[4]!.data, u, 1, Math.tanh);
    expectClose((await model.predict(x)).data, y, TOL, 'torch-lstm vs JS reference');
    model.dispose();
  });
});
