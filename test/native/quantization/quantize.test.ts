/**
 * quantize(model, { mode: 'int8-dynamic' }) through the addon: int8 predictions next to the
 * float model's, the size of the int8 weights, the report, summary, predict's checks and dispose.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { layers, sequential, TorchError } from '../../../lib/index.js';
import { QuantizedModel } from '../../../lib/models/quantized-model.js';
import { quantize } from '../../../lib/quantization/index.js';
import { randomTensor } from '../numerics/helpers.js';

const model = sequential([
  layers.lstm({ units: 32, inputShape: [12, 3], returnSequences: true }),
  layers.lstm({ units: 16 }),
  layers.dense({ units: 4 }),
]);
afterAll(() => model.dispose());

function range(data: Float32Array): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of data) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return hi - lo;
}

describe('quantize (int8-dynamic)', () => {
  it('predicts within 3% of the float output range, on the weights of a random LSTM model', async () => {
    const q = await quantize(model, { batchSizes: [] });
    const x = randomTensor([200, 12, 3], 11);
    const f = await model.predict(x, { batchSize: 64 });
    const i = await q.predict(x, { batchSize: 64 });
    expect(i.shape).toEqual(f.shape);
    let worst = 0;
    for (let k = 0; k < f.data.length; k++) worst = Math.max(worst, Math.abs(f.data[k]! - i.data[k]!));
    const rel = worst / range(f.data);
    expect(rel).toBeGreaterThan(0); // int8, not the float model
    expect(rel).toBeLessThan(0.03);
    // The float model is left as it was, and the int8 model has the same Keras JSON.
    expect(q.getConfig()).toEqual(model.getConfig());
    expect(q.name).toBe(model.name);
    expect(q.quantization).toEqual({ mode: 'int8-dynamic', engine: q.report.engine });
    q.dispose();
  });

  it('stores an LSTM(64) on 8 inputs at least 3.3x smaller', async () => {
    const m = sequential([layers.lstm({ units: 64, inputShape: [10, 8], name: 'lstm' }), layers.dense({ units: 1, name: 'dense' })]);
    const q = await quantize(m, { batchSizes: [] });
    const floats = m.getWeights().reduce((s, w) => s + w.size * 4, 0);
    expect(q.report.bytes.float32).toBe(floats);
    expect(q.report.bytes.ratio).toBeGreaterThanOrEqual(3.3);
    expect(q.report.bytes.ratio).toBeCloseTo(q.report.bytes.float32 / q.report.bytes.int8, 12);
    // int8 matrices with one float scale per column, float biases.
    const qw = q.getQuantizedWeights();
    expect(qw.map((w) => [w.name, w.shape, w.data.constructor.name, w.scales?.length])).toEqual([
      ['lstm/kernel', [8, 256], 'Int8Array', 256],
      ['lstm/recurrent_kernel', [64, 256], 'Int8Array', 256],
      ['lstm/bias', [256], 'Float32Array', undefined],
      ['dense/kernel', [64, 1], 'Int8Array', 1],
      ['dense/bias', [1], 'Float32Array', undefined],
    ]);
    const int8Bytes = qw.reduce((s, w) => s + w.data.byteLength + (w.scales?.byteLength ?? 0), 0);
    expect(q.report.bytes.int8).toBe(int8Bytes);
    // getWeights: the dequantized weights, close to the float ones (half a step of each column).
    const fw = m.getWeights();
    q.getWeights().forEach((w, k) => {
      expect(w.shape).toEqual(fw[k]!.shape);
      const s = qw[k]!.scales;
      const cols = w.shape.at(-1)!;
      for (let e = 0; e < w.size; e++) expect(Math.abs(w.data[e]! - fw[k]!.data[e]!)).toBeLessThanOrEqual(s ? s[e % cols]! / 2 + 1e-7 : 0);
    });
    q.dispose();
    m.dispose();
  });

  it('reports sane sizes, latency, throughput and validation metrics', async () => {
    const x = randomTensor([300, 12, 3], 3);
    const y = randomTensor([300, 4], 4, -0.5, 0.5);
    const q = await quantize(model, { mode: 'int8-dynamic', validationData: { x, y }, batchSizes: [1, 64], repeats: 3 });
    const r = q.report;
    expect(r.engine).toMatch(/^(onednn|x86|fbgemm)$/);
    expect(r.repeats).toBe(3);
    expect(Object.keys(r.latencyMs)).toEqual(['batch1', 'batch64']);
    for (const key of ['batch1', 'batch64'] as const) {
      for (const which of ['float32', 'int8'] as const) {
        expect(r.latencyMs[key][which]).toBeGreaterThan(0);
        expect(r.latencyMs[key][which]).toBeLessThan(10_000);
        expect(r.throughput[key][which]).toBeCloseTo(((key === 'batch1' ? 1 : 64) * 1000) / r.latencyMs[key][which], 6);
      }
    }
    const m = r.metrics!;
    const f = await model.predict(x, { batchSize: 64 });
    let se = 0;
    for (let k = 0; k < y.data.length; k++) se += (f.data[k]! - y.data[k]!) ** 2;
    expect(m.float32.rmse).toBeCloseTo(Math.sqrt(se / y.data.length), 6);
    expect(m.int8.mae).toBeGreaterThan(0);
    expect(m.rmseDelta).toBeCloseTo((m.int8.rmse - m.float32.rmse) / m.float32.rmse, 12);
    expect(Math.abs(m.rmseDelta)).toBeLessThan(0.05);
    q.dispose();
  });

  it('prints a summary with how each layer runs and the size before and after', async () => {
    const q = await quantize(model, { batchSizes: [] });
    const lines: string[] = [];
    const text = q.summary((t) => lines.push(t));
    expect(lines).toEqual([text]);
    const engine = q.quantization.engine;
    expect(text).toContain(`Model: "${model.name}" (int8-dynamic, ${engine} engine)`);
    for (const name of model.layers.map((l) => l.name)) expect(text).toMatch(new RegExp(` ${name} \\((LSTM|Dense)\\) .* int8 dynamic \\(${engine}\\)`));
    expect(text).toMatch(/\(None, 12, 32\)/);
    expect(text).toMatch(/Weights: [\d.]+ KB float32 -> [\d.]+ KB int8 with scales and float biases \([\d.]+x smaller\)/);
    q.dispose();
  });

  it('checks predict\'s input and options, and rejects after dispose', async () => {
    const q = await quantize(model, { batchSizes: [] });
    await expect(q.predict(randomTensor([2, 12], 1))).rejects.toThrow(
      /Expected predict\.x of shape \[samples, 12, 3\] \(inputShape of layers\[0\] \(lstm.*\) but received \[2, 12\]; reshape a 2-D/,
    );
    await expect(q.predict(randomTensor([2, 12, 3], 1), { batchSize: 0 })).rejects.toThrow('Expected an integer >= 1 for predict.batchSize but received 0');
    await expect(q.predict(randomTensor([2, 12, 3], 1), { training: true as never })).rejects.toThrow(/runs inference only/);
    const [out] = await q.predictOutputs(randomTensor([2, 12, 3], 1), { batchSize: 1 });
    expect(out!.shape).toEqual([2, 4]);
    expect(q).toBeInstanceOf(QuantizedModel);
    q.dispose();
    q.dispose();
    expect(q.isDisposed).toBe(true);
    await expect(q.predict(randomTensor([2, 12, 3], 1))).rejects.toMatchObject({ code: 'ERR_DISPOSED' });
    expect(() => q.summary()).toThrow(TorchError);
  });

  it('disposes during a predict without harm: the predict finishes or rejects cleanly', async () => {
    const q = await quantize(model, { batchSizes: [] });
    const pending = q.predict(randomTensor([512, 12, 3], 9), { batchSize: 32 });
    q.dispose();
    const outcome = await pending.then((t) => t.shape, (e: unknown) => (e as TorchError).code);
    expect([[512, 4], 'ERR_DISPOSED']).toContainEqual(outcome);
  });
});
