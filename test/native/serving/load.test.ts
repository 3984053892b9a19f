/**
 * W4 (BENCHMARKS.md) as a test: 64 concurrent clients on loopback for a bounded time (0.5 s of
 * warm-up, then 3 s and at most 30,000 requests a run) against a server in a child process (fixtures/load-server.ts,
 * the W1 model loaded from a directory), with dynamic batching over HTTP and gRPC and without
 * it over HTTP. Zero errors; every answer equals the client's sample predicted alone here;
 * p50/p99 latency, throughput and predict calls are printed; with batching the server makes
 * far fewer native predict calls than it gets requests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerStats } from '../../../lib/serving/index.js';
import { type GrpcClients, grpcClients, quantile, request, root, unary, v2Body, w1Model, windows } from './helpers.js';

const CLIENTS = 64;
const SECONDS = 3;
const MAX_REQUESTS = 30_000;

type Ports = { http: number; grpc: number };
const dir = mkdtempSync(path.join(os.tmpdir(), 'serve-load-'));
const samples = windows(CLIENTS, 42);
const sample = (i: number): { data: Float32Array; shape: number[] } => ({ data: samples.data.slice(i * 10, (i + 1) * 10), shape: [1, 10, 1] });
const reference = new Float32Array(CLIENTS);
let child: ChildProcess;
let lines: Interface;
let ports: { batched: Ports; unbatched: Ports };

function nextLine(): Promise<string> {
  return new Promise((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the server process exited (${code})`)));
  });
}

beforeAll(async () => {
  const model = w1Model();
  await model.save(path.join(dir, 'w1'));
  // What each client must get back: its sample predicted alone.
  for (let i = 0; i < CLIENTS; i++) reference[i] = (await model.predict(sample(i), { batchSize: 1 })).data[0]!;
  model.dispose();
  const viteNode = path.join(root, 'node_modules/vite-node/vite-node.mjs');
  child = spawn(process.execPath, [viteNode, path.join(import.meta.dirname, 'fixtures/load-server.ts'), path.join(dir, 'w1')], { stdio: ['pipe', 'pipe', 'inherit'] });
  lines = createInterface({ input: child.stdout! });
  ports = JSON.parse(await nextLine()) as typeof ports;
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

type ChildStats = { batched: ServerStats; unbatched: ServerStats; cpuMs: number };
async function stats(): Promise<ChildStats> {
  const line = nextLine();
  child.stdin!.write('stats\n');
  return JSON.parse(await line) as ChildStats;
}

interface RunResult {
  requests: number;
  errors: string[];
  worstDiff: number;
  latencies: number[];
  seconds: number;
  batches: number;
  /** CPU time of the server process per answered request (all its threads), in ms. */
  cpuMsPerRequest: number;
}

/** Runs the closed-loop clients; `send(i)` answers client i's prediction. */
async function load(which: 'batched' | 'unbatched', send: (client: number) => Promise<number>): Promise<RunResult> {
  // Warm up (JIT, connections) so that the order of the runs does not favour the later ones.
  const warm = performance.now() + 500;
  await Promise.all(Array.from({ length: CLIENTS }, async (_, i) => {
    while (performance.now() < warm) await send(i);
  }));
  const first = await stats();
  const before = first[which];
  const result: RunResult = { requests: 0, errors: [], worstDiff: 0, latencies: [], seconds: 0, batches: 0, cpuMsPerRequest: 0 };
  const start = performance.now();
  const end = start + SECONDS * 1000;
  await Promise.all(Array.from({ length: CLIENTS }, async (_, i) => {
    while (performance.now() < end && result.requests < MAX_REQUESTS) {
      result.requests++;
      const t = performance.now();
      try {
        const y = await send(i);
        result.latencies.push(performance.now() - t);
        const diff = Math.abs(y - reference[i]!);
        result.worstDiff = Math.max(result.worstDiff, Number.isNaN(diff) ? Infinity : diff);
      } catch (err) {
        result.errors.push(String((err as Error).message ?? err));
      }
    }
  }));
  result.seconds = (performance.now() - start) / 1000;
  const last = await stats();
  const after = last[which];
  result.batches = after.batches - before.batches;
  result.cpuMsPerRequest = (last.cpuMs - first.cpuMs) / Math.max(1, result.latencies.length);
  expect(after.requests - before.requests).toBe(result.requests);
  return result;
}

const rows: string[] = [];
const rates: Record<string, number> = {};
const cpu: Record<string, number> = {};
function report(name: string, r: RunResult): void {
  rates[name] = r.latencies.length / r.seconds;
  cpu[name] = r.cpuMsPerRequest;
  const ms = (q: number): string => quantile(r.latencies, q).toFixed(1).padStart(6);
  rows.push(
    `  ${name.padEnd(26)} ${String(r.requests).padStart(6)} req ${rates[name]!.toFixed(0).padStart(6)} req/s  p50 ${ms(0.5)} ms  p99 ${ms(0.99)} ms  ` +
      `${String(r.batches).padStart(6)} predict calls (${(r.requests / Math.max(1, r.batches)).toFixed(1)} req/call)  server CPU ${r.cpuMsPerRequest.toFixed(3)} ms/req  errors ${r.errors.length}`,
  );
}

afterAll(() => {
  const on = 'HTTP v2, batching';
  const off = 'HTTP v2, no batching';
  process.stdout.write(
    `\nW4 serving: ${CLIENTS} concurrent clients, ${SECONDS} s each, W1 model (LSTM 64 -> LSTM 32 -> Dense 1), loopback, server in a child process:\n` +
      `${rows.join('\n')}\n  dynamic batching over HTTP: ${(rates[on]! / rates[off]!).toFixed(2)}x the throughput, ` +
      `${(cpu[off]! / cpu[on]!).toFixed(2)}x less server CPU per request (the figure that holds on a busy machine)\n`,
  );
});

function httpClient(port: number): (i: number) => Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  const bodies = Array.from({ length: CLIENTS }, (_, i) => JSON.stringify(v2Body(sample(i))));
  return async (i) => {
    const res = await request(port, 'POST', '/v2/models/w1/infer', bodies[i], agent);
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.text}`);
    return (res.body.outputs as { data: number[] }[])[0]!.data[0]!;
  };
}

describe(`${CLIENTS} concurrent clients for ${SECONDS} s`, () => {
  it('HTTP with dynamic batching: no errors, exact answers, far fewer predict calls than requests', async () => {
    const r = await load('batched', httpClient(ports.batched.http));
    report('HTTP v2, batching', r);
    expect(r.errors.slice(0, 3)).toEqual([]);
    expect(r.worstDiff).toBeLessThanOrEqual(1e-5);
    expect(r.latencies.length).toBeGreaterThan(CLIENTS);
    expect(r.batches).toBeLessThan(r.requests / 4);
  });

  it('HTTP without dynamic batching: no errors, one predict call per request', async () => {
    const r = await load('unbatched', httpClient(ports.unbatched.http));
    report('HTTP v2, no batching', r);
    expect(r.errors.slice(0, 3)).toEqual([]);
    expect(r.worstDiff).toBe(0);
    expect(r.batches).toBe(r.requests);
  });

  it('gRPC with dynamic batching: no errors, far fewer predict calls than requests', async () => {
    const clients: GrpcClients[] = Array.from({ length: CLIENTS }, () => grpcClients(ports.batched.grpc));
    const bodies = Array.from({ length: CLIENTS }, (_, i) => ({
      model_name: 'w1',
      inputs: [{ name: 'input_layer', datatype: 'FP32', shape: [1, 10, 1], contents: { fp32_contents: Array.from(sample(i).data) } }],
    }));
    try {
      const r = await load('batched', async (i) => {
        const res = await unary<{ outputs: { contents: { fp32_contents: number[] } }[] }>(clients[i]!.inference, 'ModelInfer', bodies[i]!);
        return res.outputs[0]!.contents.fp32_contents[0]!;
      });
      report('gRPC ModelInfer, batching', r);
      expect(r.errors.slice(0, 3)).toEqual([]);
      expect(r.worstDiff).toBeLessThanOrEqual(1e-5);
      expect(r.batches).toBeLessThan(r.requests / 4);
    } finally {
      for (const c of clients) c.close();
    }
  });
});
