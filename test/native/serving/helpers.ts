/**
 * Shared by the serving tests: the W1 model of BENCHMARKS.md, float32-exact random inputs, a
 * gRPC client generated at run time from proto/*.proto with @grpc/proto-loader (as any v2
 * client would be), a plain JSON-over-HTTP client, and percentiles.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import http from 'node:http';
import path from 'node:path';
import { layers, sequential, type Sequential } from '../../../lib/index.js';
import { rng } from '../../helpers/random.js';

export const root = path.resolve(import.meta.dirname, '..', '..', '..');
export const LOOK_BACK = 10;

/** W1 (BENCHMARKS.md) without dropout: LSTM(64, returnSequences) -> LSTM(32) -> Dense(1) on [10, 1]. */
export function w1Model(name = 'w1'): Sequential {
  return sequential(
    [
      layers.lstm({ units: 64, inputShape: [LOOK_BACK, 1], returnSequences: true, name: 'lstm' }),
      layers.lstm({ units: 32, name: 'lstm_1' }),
      layers.dense({ units: 1, name: 'dense' }),
    ],
    { name },
  );
}

/** `[samples, 10, 1]` of float32 values in [-1, 1) (exact in JSON and in fp32_contents). */
export function windows(samples: number, seed: number): { data: Float32Array; shape: number[] } {
  const r = rng(seed);
  const data = new Float32Array(samples * LOOK_BACK);
  for (let i = 0; i < data.length; i++) data[i] = 2 * r() - 1;
  return { data, shape: [samples, LOOK_BACK, 1] };
}

/** Nested `[samples][10][1]` arrays of a `windows` tensor. */
export function nested(x: { data: Float32Array; shape: number[] }): number[][][] {
  const out: number[][][] = [];
  for (let s = 0; s < x.shape[0]!; s++) {
    out.push(Array.from(x.data.subarray(s * LOOK_BACK, (s + 1) * LOOK_BACK), (v) => [v]));
  }
  return out;
}

// ---- gRPC ----

const definition = protoLoader.loadSync(['grpc_predict_v2.proto', 'health.proto'], {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [path.join(root, 'proto')],
});
const Inference = grpc.makeGenericClientConstructor(definition['inference.GRPCInferenceService'] as grpc.ServiceDefinition, 'GRPCInferenceService');
const Health = grpc.makeGenericClientConstructor(definition['grpc.health.v1.Health'] as grpc.ServiceDefinition, 'Health');

export interface GrpcClients {
  inference: grpc.Client;
  health: grpc.Client;
  close(): void;
}

export function grpcClients(port: number, options: grpc.ClientOptions = {}): GrpcClients {
  const address = `127.0.0.1:${port}`;
  const inference = new Inference(address, grpc.credentials.createInsecure(), options);
  const health = new Health(address, grpc.credentials.createInsecure(), options);
  return { inference, health, close: () => (inference.close(), health.close()) };
}

/** A unary call as a promise; rejects with the ServiceError (`code`, `details`). */
export function unary<T = Record<string, unknown>>(client: grpc.Client, method: string, request: object, deadlineMs = 10_000): Promise<T> {
  const fn = (client as unknown as Record<string, (req: object, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: T) => void) => void>)[method]!;
  return new Promise((resolve, reject) => {
    fn.call(client, request, { deadline: Date.now() + deadlineMs }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

/** The gRPC error of a call expected to fail. */
export async function grpcError(promise: Promise<unknown>): Promise<grpc.ServiceError> {
  const err = await promise.then(() => undefined, (e: unknown) => e as grpc.ServiceError);
  if (!err) throw new Error('expected the call to fail');
  return err;
}

export { grpc };

// ---- HTTP ----

export interface HttpReply {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

/** One JSON request (`body`: a value to stringify, or raw text). */
export function request(port: number, method: string, urlPath: string, body?: unknown, agent?: http.Agent): Promise<HttpReply> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, agent, headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: Record<string, unknown> = {};
        try {
          parsed = JSON.parse(text) as Record<string, unknown>;
        } catch {
          // Left empty: the test reads `text`.
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, text });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** A v2 infer body for `x`. */
export function v2Body(x: { data: Float32Array; shape: number[] }, inputName = 'input_layer'): object {
  return { inputs: [{ name: inputName, shape: x.shape, datatype: 'FP32', data: Array.from(x.data) }] };
}

/** The q-quantile (0..1) of `values`, nearest rank. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
