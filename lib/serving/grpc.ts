/**
 * The gRPC front end: the Open Inference Protocol's `inference.GRPCInferenceService` and the
 * standard `grpc.health.v1.Health`, from the .proto files in the package's `proto/` folder
 * (loaded at run time with @grpc/proto-loader). ModelInfer takes FP32 inputs as
 * `contents.fp32_contents` or little-endian `raw_input_contents`, and answers in the same
 * form. Messages above `maxRequestBytes` are refused by grpc-js with RESOURCE_EXHAUSTED.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';
import type { Batch } from './batcher.js';
import type { ServingContext } from './context.js';
import { invalid, ServingError, toServingError } from './errors.js';
import type { ModelHost } from './models.js';
import { checkDatatype, checkShape, rawBytes, rawData, typedData } from './tensors.js';
import { checkInputs, checkOutputs } from './v2.js';

/** The folder of `grpc_predict_v2.proto` and `health.proto` (`<package>/proto/`). */
export const PROTO_DIR = fileURLToPath(new URL('../../proto/', import.meta.url));

/** How the server and the tests load the protos: field names as in the .proto, int64 as numbers. */
export const PROTO_LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true };

interface Contents {
  fp32_contents?: number[];
  [field: string]: unknown;
}

interface InferRequest {
  model_name: string;
  model_version: string;
  id: string;
  inputs: { name: string; datatype: string; shape: number[]; contents: Contents | null }[];
  outputs: { name: string }[];
  raw_input_contents: Buffer[];
}

interface NameRequest {
  name: string;
  version: string;
}

type Handler = (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => void;

/** A unary handler: counts the call in flight, maps errors to gRPC statuses with the message. */
function unary<Req>(ctx: ServingContext, fn: (request: Req) => unknown): Handler {
  return (call, callback) => {
    const done = ctx.begin();
    Promise.resolve()
      .then(() => fn(call.request as Req))
      .then(
        (response) => callback(null, response),
        (err: unknown) => {
          const e = toServingError(err);
          callback({ code: grpc.status[e.status], details: e.message });
        },
      )
      .finally(done);
  };
}

/**
 * Creates the gRPC server with both services (not yet bound).
 * @example
 * const port = await bindGrpc(createGrpcServer(ctx), '127.0.0.1', 0);
 */
export function createGrpcServer(ctx: ServingContext): grpc.Server {
  const definition = protoLoader.loadSync(['grpc_predict_v2.proto', 'health.proto'], { ...PROTO_LOADER_OPTIONS, includeDirs: [PROTO_DIR] });
  const server = new grpc.Server({
    'grpc.max_receive_message_length': ctx.config.maxRequestBytes,
    'grpc.max_send_message_length': -1,
  });
  server.addService(definition['inference.GRPCInferenceService'] as grpc.ServiceDefinition, {
    ServerLive: unary(ctx, () => ({ live: true })),
    ServerReady: unary(ctx, () => ({ ready: ctx.ready })),
    ModelReady: unary<NameRequest>(ctx, (r) => {
      ctx.host(r.name, r.version); // NOT_FOUND for a model the server does not have
      return { ready: ctx.ready };
    }),
    ServerMetadata: unary(ctx, () => ({ name: 'torch-lstm', version: ctx.version, extensions: [] })),
    ModelMetadata: unary<NameRequest>(ctx, (r) => {
      const host = ctx.host(r.name, r.version);
      return { name: host.name, versions: [host.version], platform: 'torch-lstm', inputs: [host.input], outputs: [host.output] };
    }),
    ModelInfer: unary<InferRequest>(ctx, (r) => infer(ctx, r)),
  });
  server.addService(definition['grpc.health.v1.Health'] as grpc.ServiceDefinition, {
    Check: unary<{ service: string }>(ctx, (r) => ({ status: health(ctx, r.service) })),
    Watch: (call: grpc.ServerWritableStream<{ service: string }, unknown>) => watch(ctx, call),
  });
  return server;
}

/** `''` and the service names are the server; a model's name is that model. */
function health(ctx: ServingContext, service: string): 'SERVING' | 'NOT_SERVING' {
  if (service !== '' && service !== 'inference.GRPCInferenceService' && !ctx.hosts.has(service)) {
    throw new ServingError('NOT_FOUND', `unknown service "${service}"; ask for "" (the server), "inference.GRPCInferenceService" or a model name`);
  }
  return ctx.ready ? 'SERVING' : 'NOT_SERVING';
}

/** The status now, NOT_SERVING when the server starts closing, then the end of the stream. */
function watch(ctx: ServingContext, call: grpc.ServerWritableStream<{ service: string }, unknown>): void {
  const service = call.request.service;
  const known = service === '' || service === 'inference.GRPCInferenceService' || ctx.hosts.has(service);
  call.write({ status: known ? (ctx.ready ? 'SERVING' : 'NOT_SERVING') : 'SERVICE_UNKNOWN' });
  if (!ctx.ready) {
    call.end();
    return;
  }
  const off = ctx.onClose(() => {
    call.write({ status: 'NOT_SERVING' });
    call.end();
  });
  call.on('cancelled', off);
}

async function infer(ctx: ServingContext, r: InferRequest): Promise<unknown> {
  if (!ctx.ready) throw new ServingError('UNAVAILABLE', 'the server is shutting down');
  const host = ctx.host(r.model_name, r.model_version);
  checkInputs(host, r.inputs, 'inputs');
  checkOutputs(host, r.outputs, 'outputs');
  const raw = r.raw_input_contents.length > 0;
  const x = decodeInput(host, r, raw);
  const y = await host.infer(x);
  const output = { name: host.output.name, datatype: 'FP32', shape: y.shape };
  return raw
    ? { model_name: host.name, model_version: host.version, id: r.id, outputs: [output], raw_output_contents: [rawBytes(y.data)] }
    : { model_name: host.name, model_version: host.version, id: r.id, outputs: [{ ...output, contents: { fp32_contents: Array.from(y.data) } }] };
}

function decodeInput(host: ModelHost, r: InferRequest, raw: boolean): Batch {
  const input = r.inputs[0]!;
  checkDatatype(host, input.datatype, 'inputs[0]');
  const shape = checkShape(host, input.shape, 'inputs[0]');
  const filled = input.contents ? Object.entries(input.contents).filter(([, v]) => Array.isArray(v) && v.length > 0).map(([k]) => k) : [];
  if (raw) {
    if (filled.length > 0) throw invalid(`inputs[0].contents: must be empty when raw_input_contents is used, but ${filled.join(', ')} is set`);
    if (r.raw_input_contents.length !== r.inputs.length) {
      throw invalid(`raw_input_contents: expected one entry per input (${r.inputs.length}) but received ${r.raw_input_contents.length}`);
    }
    return rawData(r.raw_input_contents[0]!, shape, 'raw_input_contents[0]');
  }
  const other = filled.filter((k) => k !== 'fp32_contents');
  if (other.length > 0) throw invalid(`inputs[0].contents: an FP32 tensor's values go in fp32_contents, but ${other.join(', ')} is set`);
  return typedData(input.contents?.fp32_contents ?? [], shape, 'inputs[0].contents.fp32_contents');
}

/**
 * Binds `host:port` (port 0: a free one); resolves with the port.
 * @example
 * await bindGrpc(server, '::', 8001); // [::]:8001
 */
export function bindGrpc(server: grpc.Server, host: string, port: number): Promise<number> {
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return new Promise((resolve, reject) => {
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
  });
}
