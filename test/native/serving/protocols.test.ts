/**
 * The server answers with exactly what model.predict gives (float32 bit-equality), over every
 * route: a gRPC client generated from proto/grpc_predict_v2.proto (fp32_contents and
 * raw_input_contents), the v2 REST route and TF Serving's :predict (rows and columns); plus
 * health, readiness and metadata, several models at once, one of them loaded from a directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type Server } from '../../../lib/serving/index.js';
import type { Sequential } from '../../../lib/index.js';
import { type GrpcClients, grpcClients, nested, request, unary, v2Body, w1Model, windows } from './helpers.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'serve-protocols-'));
let w1: Sequential;
let small: Sequential;
let server: Server;
let clients: GrpcClients;

beforeAll(async () => {
  w1 = w1Model();
  small = w1Model('small');
  await small.save(path.join(dir, 'small'));
  server = await serve({ w1, small: path.join(dir, 'small') }, { maxBatchSize: 16 });
  clients = grpcClients(server.grpcPort!);
});

afterAll(async () => {
  clients?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function expected(model: Sequential, x: { data: Float32Array; shape: number[] }): Promise<Float32Array> {
  return (await model.predict(x, { batchSize: x.shape[0] })).data;
}

describe('predictions are those of model.predict, bit for bit', () => {
  it('gRPC ModelInfer with contents.fp32_contents answers in fp32_contents', async () => {
    for (const n of [1, 5, 16, 40]) {
      const x = windows(n, n);
      const res = await unary<{ model_name: string; outputs: { name: string; shape: number[]; contents: { fp32_contents: number[] } }[]; raw_output_contents: Buffer[]; id: string }>(
        clients.inference,
        'ModelInfer',
        { model_name: 'w1', id: `req-${n}`, inputs: [{ name: 'input_layer', datatype: 'FP32', shape: x.shape, contents: { fp32_contents: Array.from(x.data) } }] },
      );
      expect(res.model_name).toBe('w1');
      expect(res.id).toBe(`req-${n}`);
      expect(res.outputs[0]!.name).toBe('dense');
      expect(res.outputs[0]!.shape).toEqual([n, 1]);
      expect(res.raw_output_contents).toEqual([]);
      expect(Float32Array.from(res.outputs[0]!.contents.fp32_contents)).toEqual(await expected(w1, x));
    }
  });

  it('gRPC ModelInfer with raw_input_contents answers in raw_output_contents (little-endian)', async () => {
    const x = windows(7, 99);
    const raw = Buffer.alloc(x.data.length * 4);
    x.data.forEach((v, i) => raw.writeFloatLE(v, i * 4));
    const res = await unary<{ outputs: { shape: number[]; contents: unknown }[]; raw_output_contents: Buffer[] }>(clients.inference, 'ModelInfer', {
      model_name: 'small',
      inputs: [{ name: 'input_layer', datatype: 'FP32', shape: x.shape }],
      raw_input_contents: [raw],
    });
    expect(res.outputs[0]!.shape).toEqual([7, 1]);
    expect(res.outputs[0]!.contents).toBeNull();
    const bytes = res.raw_output_contents[0]!;
    const got = new Float32Array(bytes.length / 4).map((_, i) => bytes.readFloatLE(i * 4));
    expect(got).toEqual(await expected(small, x));
  });

  it('HTTP v2 infer (flat and nested data) gives the same values', async () => {
    const x = windows(9, 5);
    const want = Array.from(await expected(w1, x));
    const flat = await request(server.httpPort!, 'POST', '/v2/models/w1/infer', { id: 'a', ...v2Body(x) });
    expect(flat.status).toBe(200);
    expect(flat.body).toEqual({ model_name: 'w1', model_version: '1', id: 'a', outputs: [{ name: 'dense', datatype: 'FP32', shape: [9, 1], data: want }] });
    const deep = await request(server.httpPort!, 'POST', '/v2/models/w1/versions/1/infer', { inputs: [{ name: 'input_layer', shape: x.shape, datatype: 'FP32', data: nested(x) }], outputs: [{ name: 'dense' }] });
    expect((deep.body.outputs as { data: number[] }[])[0]!.data).toEqual(want);
  });

  it('TF Serving :predict, row (instances) and columnar (inputs) formats', async () => {
    const x = windows(4, 8);
    const want = Array.from(await expected(small, x), (v) => [v]);
    const rows = await request(server.httpPort!, 'POST', '/v1/models/small:predict', { instances: nested(x) });
    expect(rows.status).toBe(200);
    expect(rows.body).toEqual({ predictions: want });
    const namedRows = await request(server.httpPort!, 'POST', '/v1/models/small:predict', { signature_name: 'serving_default', instances: nested(x).map((s) => ({ input_layer: s })) });
    expect(namedRows.body).toEqual({ predictions: want });
    const cols = await request(server.httpPort!, 'POST', '/v1/models/small:predict', { inputs: nested(x) });
    expect(cols.body).toEqual({ outputs: want });
    const namedCols = await request(server.httpPort!, 'POST', '/v1/models/small:predict', { inputs: { input_layer: nested(x) } });
    expect(namedCols.body).toEqual({ outputs: want });
  });

  it('keeps the two models apart and counts their calls separately', async () => {
    const x = windows(3, 77);
    const a = await request(server.httpPort!, 'POST', '/v2/models/w1/infer', v2Body(x));
    const b = await request(server.httpPort!, 'POST', '/v2/models/small/infer', v2Body(x));
    expect((a.body.outputs as { data: number[] }[])[0]!.data).toEqual(Array.from(await expected(w1, x)));
    expect((b.body.outputs as { data: number[] }[])[0]!.data).toEqual(Array.from(await expected(small, x)));
    const stats = server.stats();
    expect(Object.keys(stats.models).sort()).toEqual(['small', 'w1']);
    expect(stats.requests).toBe(stats.models.w1!.requests + stats.models.small!.requests);
    expect(stats.failed).toBe(0);
  });
});

describe('health, readiness and metadata', () => {
  it('over gRPC: ServerLive, ServerReady, ModelReady, ServerMetadata, ModelMetadata, grpc.health.v1', async () => {
    expect(await unary(clients.inference, 'ServerLive', {})).toEqual({ live: true });
    expect(await unary(clients.inference, 'ServerReady', {})).toEqual({ ready: true });
    expect(await unary(clients.inference, 'ModelReady', { name: 'small' })).toEqual({ ready: true });
    const meta = await unary<{ name: string; extensions: string[] }>(clients.inference, 'ServerMetadata', {});
    expect(meta.name).toBe('torch-lstm');
    expect(await unary(clients.inference, 'ModelMetadata', { name: 'w1' })).toEqual({
      name: 'w1',
      versions: ['1'],
      platform: 'torch-lstm',
      inputs: [{ name: 'input_layer', datatype: 'FP32', shape: [-1, 10, 1] }],
      outputs: [{ name: 'dense', datatype: 'FP32', shape: [-1, 1] }],
    });
    expect(await unary(clients.health, 'Check', { service: '' })).toEqual({ status: 'SERVING' });
    expect(await unary(clients.health, 'Check', { service: 'w1' })).toEqual({ status: 'SERVING' });
  });

  it('over HTTP: the v2 health, ready and metadata routes, TF Serving model status', async () => {
    const port = server.httpPort!;
    expect(await request(port, 'GET', '/v2/health/live')).toMatchObject({ status: 200, body: { live: true } });
    expect(await request(port, 'GET', '/v2/health/ready')).toMatchObject({ status: 200, body: { ready: true } });
    expect(await request(port, 'GET', '/v2/models/small/ready')).toMatchObject({ status: 200, body: { name: 'small', ready: true } });
    expect((await request(port, 'GET', '/v2')).body).toMatchObject({ name: 'torch-lstm' });
    expect((await request(port, 'GET', '/v2/models/small')).body).toEqual({
      name: 'small',
      versions: ['1'],
      platform: 'torch-lstm',
      inputs: [{ name: 'input_layer', datatype: 'FP32', shape: [-1, 10, 1] }],
      outputs: [{ name: 'dense', datatype: 'FP32', shape: [-1, 1] }],
    });
    const status = await request(port, 'GET', '/v1/models/w1');
    expect(status.body).toEqual({ model_version_status: [{ version: '1', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } }] });
  });
});
