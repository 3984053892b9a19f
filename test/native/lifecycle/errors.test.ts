/**
 * Bad input gives a clear TypeError/RangeError naming the option and the value (worded as in
 * STYLE.md "Errors"), or a TorchError with a code; never a crash, and the model stays usable.
 */
import { describe, expect, it } from 'vitest';
import { layers, sequential, TorchError } from '../../../lib/index.js';

const T = 5;
const model = () => {
  const m = sequential([layers.lstm({ units: 4, inputShape: [T, 1] }), layers.dense({ units: 1 })]);
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  return m;
};
const x = (n: number) => ({ data: Float32Array.from({ length: n * T }, (_, i) => Math.sin(i)), shape: [n, T, 1] });
const y = (n: number) => ({ data: new Float32Array(n).fill(0.5), shape: [n, 1] });

/** The rejection of an async call (failing when it resolves). */
const rejection = async (p: Promise<unknown>): Promise<Error> =>
  p.then(() => expect.fail('expected a rejection'), (e: unknown) => e as Error);

/** The error a sync call throws (failing when it returns). */
function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  return expect.fail('expected a throw');
}

describe('data passed to fit', () => {
  const m = model();

  it('2-D x for an LSTM: a RangeError with both shapes and the reshape fix', async () => {
    const err = await rejection(m.fit({ data: new Float32Array(40), shape: [8, T] }, y(8)));
    expect(err).toBeInstanceOf(RangeError);
    expect(err.message).toContain('fit.x');
    expect(err.message).toContain('[samples, 5, 1]');
    expect(err.message).toContain('received [8, 5]');
    expect(err.message).toMatch(/reshape .*\[samples, timesteps, 1\]/);
  });

  it('NaN in x: a RangeError naming the index', async () => {
    const bad = x(8);
    bad.data[7] = NaN;
    const err = await rejection(m.fit(bad, y(8)));
    expect(err).toBeInstanceOf(RangeError);
    expect(err.message).toMatch(/finite .*fit\.x .*NaN at index \[1, 2, 0\]/);
  });

  it('empty x: a RangeError', async () => {
    for (const empty of [[], { data: new Float32Array(0), shape: [0, T, 1] }]) {
      const err = await rejection(m.fit(empty, []));
      expect(err).toBeInstanceOf(RangeError);
      expect(err.message).toMatch(/non-empty .*fit\.x/);
    }
  });

  it('different sample counts of x and y: a RangeError with both counts', async () => {
    const err = await rejection(m.fit(x(8), y(7)));
    expect(err).toBeInstanceOf(RangeError);
    expect(err.message).toMatch(/fit\.y .*as many samples as fit\.x \(8\) .*7/);
  });

  it('y incompatible with the output: a RangeError with both shapes', async () => {
    const err = await rejection(m.fit(x(8), { data: new Float32Array(16), shape: [8, 2] }));
    expect(err).toBeInstanceOf(RangeError);
    expect(err.message).toContain('fit.y of shape [8, 1]');
    expect(err.message).toContain('received [8, 2]');
  });

  it('fit options: batchSize 0, validationSplit 1.2', async () => {
    const e1 = await rejection(m.fit(x(8), y(8), { batchSize: 0 }));
    expect(e1).toBeInstanceOf(RangeError);
    expect(e1.message).toMatch(/fit\.batchSize but received 0/);
    const e2 = await rejection(m.fit(x(8), y(8), { validationSplit: 1.2 }));
    expect(e2).toBeInstanceOf(RangeError);
    expect(e2.message).toMatch(/fit\.validationSplit but received 1\.2/);
  });

  it('an async method never throws synchronously', () => {
    const p = m.fit(x(8), y(8), { batchSize: 0 });
    expect(p).toBeInstanceOf(Promise);
    return expect(p).rejects.toThrow(RangeError);
  });

  it('after all of these the model still trains', async () => {
    const history = await m.fit(x(8), y(8), { epochs: 2, verbose: 0 });
    expect(history.epoch).toEqual([0, 1]);
  });
});

describe('layers, models and compile', () => {
  it('negative units and units 1.5', () => {
    const e1 = thrown(() => layers.lstm({ units: -3, inputShape: [T, 1] }));
    expect(e1).toBeInstanceOf(RangeError);
    expect(e1.message).toMatch(/lstm\.units but received -3/);
    const e2 = thrown(() => layers.dense({ units: 1.5 }));
    expect(e2).toBeInstanceOf(TypeError);
    expect(e2.message).toMatch(/integer for dense\.units but received 1\.5/);
  });

  it('returnSequence: did you mean returnSequences?', () => {
    const err = thrown(() => layers.lstm({ units: 3, returnSequence: true } as never));
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toBe('Unknown option "returnSequence" for lstm; did you mean "returnSequences"?');
  });

  it("unknown loss 'mse2': did you mean 'mse'?", () => {
    const err = thrown(() => model().compile({ loss: 'mse2' }));
    expect(err).toBeInstanceOf(RangeError);
    expect(err.message).toMatch(/compile\.loss but received "mse2" \(did you mean 'mse'\?\)/);
  });

  it('an LSTM stacked on an LSTM without returnSequences names the fix', () => {
    const err = thrown(() => sequential([layers.lstm({ units: 4, inputShape: [T, 1] }), layers.lstm({ units: 3 })]));
    expect(err).toBeInstanceOf(RangeError);
    expect(err.message).toContain('returnSequences: true');
    expect(err.message).toContain('layers[0]');
    const viaAdd = sequential([layers.lstm({ units: 4, inputShape: [T, 1] })]);
    expect(() => viaAdd.add(layers.lstm({ units: 3 }))).toThrow(/returnSequences: true on layers\[0\]/);
  });

  it('fit before compile rejects with ERR_NOT_COMPILED', async () => {
    const m = sequential([layers.lstm({ units: 4, inputShape: [T, 1] }), layers.dense({ units: 1 })]);
    const err = await rejection(m.fit(x(4), y(4)));
    expect(err).toBeInstanceOf(TorchError);
    expect((err as TorchError).code).toBe('ERR_NOT_COMPILED');
    expect(err.message).toContain('compile(');
  });

  it('setWeights with a wrong shape names the index and both shapes, and changes nothing', () => {
    const m = model();
    const before = m.getWeights();
    const wrong = before.map((w, i) => (i === 1 ? { data: new Float32Array(12), shape: [3, 4] } : w));
    const err = thrown(() => m.setWeights(wrong));
    expect(err).toBeInstanceOf(RangeError);
    expect(err.message).toMatch(/weights\[1\].*\[4, 16\].*received \[3, 4\]/);
    expect(m.getWeights().map((w) => Array.from(w.data))).toEqual(before.map((w) => Array.from(w.data)));
    expect(() => m.setWeights(before.slice(1))).toThrow(/Expected 5 weights .*received 4/);
  });
});

describe('errors thrown by callbacks', () => {
  it('an error thrown in onEpochEnd rejects fit with that error; the model trains afterwards', async () => {
    const m = model();
    const boom = new Error('boom at epoch 1');
    let epochs = 0;
    const err = await rejection(m.fit(x(16), y(16), {
      epochs: 5, batchSize: 8, verbose: 0,
      callbacks: [{ onEpochEnd: (epoch) => { epochs++; if (epoch === 1) throw boom; } }],
    }));
    expect(err).toBe(boom);
    expect(epochs).toBe(2);
    const history = await m.fit(x(16), y(16), { epochs: 2, batchSize: 8, verbose: 0 });
    expect(history.epoch).toEqual([0, 1]);
    expect((await m.predict(x(3))).shape).toEqual([3, 1]);
  });

  it('an error thrown in onBatchEnd rejects fit with that error; the model trains afterwards', async () => {
    const m = model();
    const err = await rejection(m.fit(x(64), y(64), {
      epochs: 5, batchSize: 8, verbose: 0, callbacks: [{ onBatchEnd: (b) => { if (b === 2) throw new TypeError('bad batch'); } }],
    }));
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toBe('bad batch');
    const history = await m.fit(x(16), y(16), { epochs: 1, verbose: 0 });
    expect(history.epoch).toEqual([0]);
  });
});
