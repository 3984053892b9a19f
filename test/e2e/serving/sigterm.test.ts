/**
 * SIGTERM drains: a child process serves a model whose predict takes 2.5 s
 * (fixtures/sigterm-server.ts); with 4 HTTP and 2 gRPC requests in flight it gets SIGTERM.
 * New connections are refused at once, the in-flight requests complete with the right
 * predictions, and the process exits 0.
 */
import * as grpc from '@grpc/grpc-js';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { grpcClients, request, root, unary, v2Body, w1Model, windows } from '../../native/serving/helpers.js';

const SLOW_MS = 2500;
const dir = mkdtempSync(path.join(os.tmpdir(), 'serve-sigterm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Resolves with the error of a fresh HTTP connection (or the status it got). */
function freshHttp(port: number): Promise<string> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/v2/health/live', agent: false }, (res) => {
      res.resume();
      resolve(`HTTP ${res.statusCode}`);
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    req.end();
  });
}

describe('SIGTERM to a serving process', () => {
  it('finishes in-flight requests, refuses new connections, exits 0', async () => {
    const model = w1Model();
    await model.save(path.join(dir, 'w1'));
    const x = windows(3, 7);
    const want = Array.from((await model.predict(x, { batchSize: 3 })).data);

    const viteNode = path.join(root, 'node_modules/vite-node/vite-node.mjs');
    const child = spawn(process.execPath, [viteNode, path.join(import.meta.dirname, 'fixtures/sigterm-server.ts'), path.join(dir, 'w1'), String(SLOW_MS)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const seen: string[] = [];
    const waiters: { match: (l: string) => boolean; resolve: (l: string) => void }[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => {
      seen.push(line);
      for (const w of waiters.splice(0)) (w.match(line) ? w.resolve(line) : waiters.push(w));
    });
    const waitFor = (match: (l: string) => boolean): Promise<string> =>
      new Promise((resolve) => {
        const found = seen.find(match);
        if (found !== undefined) resolve(found);
        else waiters.push({ match, resolve });
      });
    const countOf = (text: string): number => seen.filter((l) => l === text).length;

    const ports = JSON.parse(await waitFor((l) => l.startsWith('{'))) as { http: number; grpc: number };
    const clients = grpcClients(ports.grpc);
    const httpCalls = [0, 1, 2, 3].map(() => request(ports.http, 'POST', '/v2/models/w1/infer', v2Body(x), new http.Agent({ keepAlive: true })));
    const grpcCalls = [0, 1].map(() =>
      unary<{ outputs: { contents: { fp32_contents: number[] } }[] }>(clients.inference, 'ModelInfer', {
        model_name: 'w1',
        inputs: [{ name: 'input_layer', datatype: 'FP32', shape: x.shape, contents: { fp32_contents: Array.from(x.data) } }],
      }, 20_000),
    );
    // All six are inside the slow predict: now the signal.
    while (countOf('predict') < 6) await waitFor((l) => l === 'predict' && countOf('predict') >= 6);
    child.kill('SIGTERM');
    await waitFor((l) => l === 'closing');

    // New connections are refused while the old requests still run.
    expect(await freshHttp(ports.http)).toBe('ECONNREFUSED');
    const late = grpcClients(ports.grpc);
    const lateErr = await unary(late.inference, 'ServerLive', {}, 2000).then(() => undefined, (e: grpc.ServiceError) => e);
    late.close();
    expect(lateErr?.code).toBe(grpc.status.UNAVAILABLE);
    expect(countOf('slept'), 'the requests were still in flight').toBe(0);

    // The in-flight requests complete with the right answers.
    for (const res of await Promise.all(httpCalls)) {
      expect(res.status, res.text).toBe(200);
      expect((res.body.outputs as { data: number[] }[])[0]!.data).toEqual(want);
    }
    for (const res of await Promise.all(grpcCalls)) expect(res.outputs[0]!.contents.fp32_contents).toEqual(want);
    clients.close();

    expect(await exit, stderr).toBe(0);
    expect(seen).toContain('closed 0');
  });
});
