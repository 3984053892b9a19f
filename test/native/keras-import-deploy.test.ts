/**
 * A model imported from a Keras file is a torch-lstm model like any other: it quantizes to int8
 * (predictions close to the float model's) and serves over HTTP (KServe v2) with the predictions
 * of model.predict.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadKerasModel, quantize, type Sequential, type Tensor } from '../../lib/index.js';
import { serve, type Server } from '../../lib/serving/index.js';
import { request } from './serving/helpers.js';

const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'keras', 'stacked_lstm_dense', 'model.keras');
let server: Server | undefined;
afterAll(async () => server?.close());

function windows(n: number, shape: number[]): { data: Float32Array; shape: number[] } {
  const size = n * shape.reduce((a, b) => a * b, 1);
  return { data: Float32Array.from({ length: size }, (_, i) => Math.sin(i * 0.37)), shape: [n, ...shape] };
}

describe('an imported Keras model', () => {
  it('quantizes to int8 with predictions close to the float model', async () => {
    const model = (await loadKerasModel(FIXTURE, { compile: false })) as Sequential;
    const x = windows(16, model.layers[0]!.inputShape as number[]);
    const want = ((await model.predict(x)) as Tensor).data;
    const q = await quantize(model, { mode: 'int8-dynamic' });
    const got = (await q.predict(x)).data;
    const range = Math.max(...want) - Math.min(...want);
    want.forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThan(0.05 * range + 1e-3));
    q.dispose();
    model.dispose();
  });

  it('serves over HTTP with the predictions of model.predict', async () => {
    const model = (await loadKerasModel(FIXTURE, { compile: false })) as Sequential;
    const x = windows(5, model.layers[0]!.inputShape as number[]);
    const want = Array.from(((await model.predict(x)) as Tensor).data);
    server = await serve({ imported: model }, { grpcPort: false, httpPort: 0 });
    const meta = await request(server.httpPort!, 'GET', '/v2/models/imported');
    const inputName = (meta.body.inputs as { name: string }[])[0]!.name;
    const res = await request(server.httpPort!, 'POST', '/v2/models/imported/infer', {
      inputs: [{ name: inputName, shape: x.shape, datatype: 'FP32', data: Array.from(x.data) }],
    });
    expect(res.status).toBe(200);
    expect((res.body.outputs as { data: number[] }[])[0]!.data).toEqual(want);
  });
});
