/**
 * Malformed requests get the right status and a message naming the problem, over HTTP and
 * gRPC, and the server keeps serving after each: wrong shape, rank, datatype, element count,
 * non-finite values, garbage JSON, oversized bodies and messages, unknown models and routes,
 * a full queue. Also the option checks of serve() and close().
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type Server } from '../../../lib/serving/index.js';
import type { Sequential } from '../../../lib/index.js';
import { grpc, type GrpcClients, grpcClients, grpcError, request, unary, v2Body, w1Model, windows } from './helpers.js';

let model: Sequential;
let server: Server;
let clients: GrpcClients;
const LIMIT = 64 * 1024;

beforeAll(async () => {
  model = w1Model('m');
  server = await serve({ m: model }, { maxRequestBytes: LIMIT });
  clients = grpcClients(server.grpcPort!);
});

afterAll(async () => {
  clients?.close();
  await server?.close();
});

const x = windows(2, 1);
const good = (): { name: string; shape: number[]; datatype: string; data: number[] } => ({ name: 'input_layer', shape: [2, 10, 1], datatype: 'FP32', data: Array.from(x.data) });

async function http400(path: string, body: unknown, pattern: RegExp, status = 400): Promise<void> {
  const res = await request(server.httpPort!, 'POST', path, body);
  expect(res.status, res.text).toBe(status);
  expect(res.body.error, res.text).toMatch(pattern);
}

describe('HTTP', () => {
  it('400 for a wrong shape, rank, datatype, count, name, value or JSON, naming the problem', async () => {
    const infer = '/v2/models/m/infer';
    await http400(infer, { inputs: [{ ...good(), shape: [2, 9, 1] }] }, /inputs\[0\]\.shape: expected \[-1, 10, 1\].*received \[2, 9, 1\]/);
    await http400(infer, { inputs: [{ ...good(), shape: [20, 1] }] }, /inputs\[0\]\.shape: expected \[-1, 10, 1\]/);
    await http400(infer, { inputs: [{ ...good(), shape: [0, 10, 1] }] }, /inputs\[0\]\.shape/);
    await http400(infer, { inputs: [{ ...good(), shape: 'big' }] }, /inputs\[0\]\.shape: expected an array/);
    await http400(infer, { inputs: [{ ...good(), datatype: 'INT64' }] }, /inputs\[0\]\.datatype: .*FP32 .*"INT64"/);
    await http400(infer, { inputs: [{ ...good(), data: good().data.slice(1) }] }, /expected 20 values .*received 19/);
    await http400(infer, { inputs: [{ ...good(), data: [...good().data.slice(1), 'x'] }] }, /inputs\[0\]\.data\[19\]: expected a number/);
    await http400(infer, { inputs: [{ ...good(), data: [...good().data.slice(1), 3.5e38 * 10] }] }, /data\[19\]: expected a finite float32/);
    await http400(infer, { inputs: [{ ...good(), data: [...good().data.slice(1), null] }] }, /expected a number but received null/);
    await http400(infer, { inputs: [{ ...good(), name: 'x' }] }, /inputs\[0\]\.name: .*"input_layer"/);
    await http400(infer, { inputs: [good(), good()] }, /takes one input tensor/);
    await http400(infer, { instances: [] }, /takes one input tensor/);
    await http400(infer, { ...v2Body(x), outputs: [{ name: 'nope' }] }, /outputs\[0\]\.name: .*"dense"/);
    await http400(infer, '{"inputs": [', /not valid JSON/);
    await http400(infer, '', /body is empty/);
    await http400(infer, '[1, 2]', /expected a JSON object/);
  });

  it('400 for malformed TF Serving bodies', async () => {
    const predict = '/v1/models/m:predict';
    await http400(predict, { instances: [[[1], [2]]] }, /instances\.shape: expected \[-1, 10, 1\]/);
    await http400(predict, { instances: [[[1], [2], [3], [4], [5], [6], [7], [8], [9], [10]], [[1]]] }, /instances\[1\]: has shape \[1, 1\] but instances\[0\] has \[10, 1\]/);
    await http400(predict, { instances: [[[1], [2, 3]]] }, /instances\[0\]\[1\]: expected an array of length 1/);
    await http400(predict, { instances: [], inputs: [] }, /exactly one of "instances"/);
    await http400(predict, { instance: [] }, /unknown key "instance"/);
    await http400(predict, { inputs: { wrong: [] } }, /inputs: expected the input "input_layer"/);
    await http400(predict, { inputs: [[[NaN]]] }, /./); // JSON.stringify turns NaN into null
  });

  it('413 for a body over maxRequestBytes, declared or streamed, without reading it all', async () => {
    const big = JSON.stringify(v2Body(windows(1000, 2)));
    expect(big.length).toBeGreaterThan(LIMIT);
    await http400('/v2/models/m/infer', big, /request body too large: \d+ bytes, more than the server's maxRequestBytes of 65536/, 413);
    // Chunked (no content-length): cut once the limit is passed.
    const res = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      import('node:http').then(({ default: http }) => {
        const req = http.request({ host: '127.0.0.1', port: server.httpPort, method: 'POST', path: '/v2/models/m/infer' }, (r) => {
          let text = '';
          r.on('data', (d) => (text += String(d)));
          r.on('end', () => resolve({ status: r.statusCode!, text }));
        });
        req.on('error', reject);
        req.write(big.slice(0, LIMIT / 2));
        req.write(big.slice(LIMIT / 2, 2 * LIMIT));
        req.end();
      }, reject);
    });
    expect(res.status).toBe(413);
    expect(res.text).toMatch(/more than the server's maxRequestBytes/);
  });

  it('404 for an unknown model, version or route; 405 for a wrong method', async () => {
    await http400('/v2/models/nope/infer', v2Body(x), /unknown model "nope"; this server has "m"/, 404);
    await http400('/v1/models/nope:predict', { instances: [] }, /unknown model "nope"/, 404);
    await http400('/v2/models/m/versions/7/infer', v2Body(x), /model "m" has no version "7"/, 404);
    expect((await request(server.httpPort!, 'GET', '/v2/models/nope/ready')).status).toBe(404);
    expect((await request(server.httpPort!, 'GET', '/v3/anything')).body.error).toMatch(/no route for GET \/v3\/anything/);
    const wrong = await request(server.httpPort!, 'GET', '/v2/models/m/infer');
    expect(wrong.status).toBe(405);
    expect(wrong.body.error).toMatch(/use POST/);
  });
});

describe('gRPC', () => {
  const infer = (overrides: Record<string, unknown> = {}, input: Record<string, unknown> = {}): Promise<unknown> =>
    unary(clients.inference, 'ModelInfer', {
      model_name: 'm',
      inputs: [{ name: 'input_layer', datatype: 'FP32', shape: [2, 10, 1], contents: { fp32_contents: Array.from(x.data) }, ...input }],
      ...overrides,
    });

  it('INVALID_ARGUMENT with the message for a wrong shape, datatype, count, value or contents', async () => {
    const cases: [Promise<unknown>, RegExp][] = [
      [infer({}, { shape: [2, 10, 2] }), /inputs\[0\]\.shape: expected \[-1, 10, 1\]/],
      [infer({}, { datatype: 'FP64', contents: { fp64_contents: Array.from(x.data) } }), /datatype: .*FP32 .*"FP64"/],
      [infer({}, { contents: { fp32_contents: [1, 2, 3] } }), /expected 20 values .*received 3/],
      [infer({}, { contents: { fp32_contents: [...Array.from(x.data).slice(1), NaN] } }), /fp32_contents\[19\]: expected finite float32 values but received NaN/],
      [infer({}, { contents: { fp32_contents: Array.from(x.data), int_contents: [1] } }), /int_contents is set/],
      [infer({ raw_input_contents: [Buffer.alloc(12)] }, { contents: null }), /raw_input_contents\[0\]: expected 80 bytes .*received 12/],
      [infer({ raw_input_contents: [Buffer.alloc(80)] }), /must be empty when raw_input_contents is used/],
      [infer({ raw_input_contents: [Buffer.from(new Float32Array(20).fill(Infinity).buffer)] }, { contents: null }), /raw_input_contents\[0\]\[0\]: expected finite .* Infinity/],
      [infer({ outputs: [{ name: 'other' }] }), /outputs\[0\]\.name/],
      [infer({ inputs: [] }), /takes one input tensor/],
    ];
    for (const [call, pattern] of cases) {
      const err = await grpcError(call);
      expect(err.code, err.details).toBe(grpc.status.INVALID_ARGUMENT);
      expect(err.details).toMatch(pattern);
    }
  });

  it('NOT_FOUND for an unknown model or health service; RESOURCE_EXHAUSTED over maxRequestBytes', async () => {
    const unknown = await grpcError(infer({ model_name: 'nope' }));
    expect(unknown.code).toBe(grpc.status.NOT_FOUND);
    expect(unknown.details).toMatch(/unknown model "nope"/);
    expect((await grpcError(unary(clients.inference, 'ModelMetadata', { name: 'nope' }))).code).toBe(grpc.status.NOT_FOUND);
    expect((await grpcError(unary(clients.health, 'Check', { service: 'nope' }))).code).toBe(grpc.status.NOT_FOUND);
    const big = windows(2000, 3);
    const huge = await grpcError(infer({}, { shape: big.shape, contents: { fp32_contents: Array.from(big.data) } }));
    expect(huge.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
  });

  it('still serves correct predictions after all of that', async () => {
    const res = await infer();
    const want = await model.predict(x, { batchSize: 2 });
    expect(Float32Array.from((res as { outputs: { contents: { fp32_contents: number[] } }[] }).outputs[0]!.contents.fp32_contents)).toEqual(want.data);
    expect(server.stats().failed).toBe(0);
  });
});

describe('a full queue and the options', () => {
  it('503 / UNAVAILABLE when more than maxQueueSize requests wait', async () => {
    // A model whose predict takes 300 ms: the first request runs, one waits, the rest are refused.
    const slow = { name: 'slow', getConfig: () => model.getConfig(), predict: async (...args: Parameters<Sequential['predict']>) => {
      await new Promise((r) => setTimeout(r, 300));
      return model.predict(...args);
    } };
    const s = await serve(slow, { maxQueueSize: 1, maxQueueDelayMs: 0, maxBatchSize: 2 });
    const c = grpcClients(s.grpcPort!);
    try {
      const body = v2Body(x);
      const replies = await Promise.all([0, 1, 2, 3].map(async (i) => {
        await new Promise((r) => setTimeout(r, i * 20));
        return request(s.httpPort!, 'POST', '/v2/models/slow/infer', body);
      }));
      expect(replies.map((r) => r.status)).toEqual([200, 200, 503, 503]);
      expect(replies[2]!.body.error).toMatch(/overloaded: 1 requests are waiting .*maxQueueSize 1/);
      const calls = [0, 1, 2].map((i) => new Promise((r) => setTimeout(r, i * 20)).then(() => unary(c.inference, 'ModelInfer', {
        model_name: 'slow', inputs: [{ name: 'input_layer', datatype: 'FP32', shape: [2, 10, 1], contents: { fp32_contents: Array.from(x.data) } }],
      })));
      const outcomes = await Promise.allSettled(calls);
      expect(outcomes.map((o) => (o.status === 'fulfilled' ? 'OK' : (o.reason as { code: number }).code))).toEqual(['OK', 'OK', grpc.status.UNAVAILABLE]);
      expect(s.stats().rejected).toBe(3);
    } finally {
      c.close();
      await s.close();
    }
  });

  it('serve() and close() reject wrong options with messages naming them', async () => {
    await expect(serve(model, { maxBatchSize: 0 })).rejects.toThrow(/Expected an integer >= 1 for serve.maxBatchSize but received 0/);
    await expect(serve(model, { maxBatchsize: 8 } as never)).rejects.toThrow(/Unknown option "maxBatchsize" for serve; did you mean "maxBatchSize"\?/);
    await expect(serve(model, { grpcPort: false, httpPort: false })).rejects.toThrow(/at least one of serve.grpcPort and serve.httpPort/);
    await expect(serve(model, { httpPort: 70000 })).rejects.toThrow(/serve.httpPort/);
    await expect(serve({ 'bad name': model })).rejects.toThrow(/model name of letters/);
    await expect(serve({ m: 42 } as never)).rejects.toThrow(/Expected a model or a model directory for serve.models.m/);
    await expect(serve({ m: '/nonexistent/dir' })).rejects.toThrow(/no saved model here/);
    await expect(serve(model, { httpPort: server.httpPort! })).rejects.toThrow(/EADDRINUSE/);
    const s = await serve(model, { grpcPort: false });
    expect(s.grpcPort).toBeUndefined();
    await expect(s.close({ graceMs: -1 })).rejects.toThrow(/close.graceMs/);
    await s.close();
  });
});

describe('close()', () => {
  it('ends grpc.health.v1 Watch streams with NOT_SERVING and does not wait for them', async () => {
    const s = await serve(model, { httpPort: false });
    const c = grpcClients(s.grpcPort!);
    try {
      const call = (c.health as unknown as { Watch(req: object): NodeJS.ReadableStream }).Watch({ service: '' });
      const statuses: string[] = [];
      const ended = new Promise<void>((resolve) => {
        call.on('data', (m: { status: string }) => statuses.push(m.status));
        call.on('end', resolve);
        call.on('error', () => resolve());
      });
      while (statuses.length === 0) await new Promise((r) => setTimeout(r, 10));
      const t = performance.now();
      await s.close({ graceMs: 5000 });
      await ended;
      expect(performance.now() - t).toBeLessThan(2000);
      expect(statuses).toEqual(['SERVING', 'NOT_SERVING']);
    } finally {
      c.close();
      await s.close();
    }
  });

  it('cuts requests still running after graceMs, without crashing, and resolves', async () => {
    const slow = { name: 'slow', getConfig: () => model.getConfig(), predict: async (...args: Parameters<Sequential['predict']>) => {
      await new Promise((r) => setTimeout(r, 800));
      return model.predict(...args);
    } };
    const s = await serve(slow, { grpcPort: false, maxQueueDelayMs: 0 });
    const pending = [0, 1, 2].map(() => request(s.httpPort!, 'POST', '/v2/models/slow/infer', v2Body(x)).then((r) => r.status, (e: NodeJS.ErrnoException) => e.code));
    await new Promise((r) => setTimeout(r, 100));
    const t = performance.now();
    await s.close({ graceMs: 150 });
    expect(performance.now() - t).toBeLessThan(700);
    expect(await Promise.all(pending)).toEqual(['ECONNRESET', 'ECONNRESET', 'ECONNRESET']);
    // The cut predict calls finish in the background without an unhandled rejection.
    await new Promise((r) => setTimeout(r, 1000));
  });
});
