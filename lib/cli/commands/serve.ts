/**
 * `torch-lstm serve`: serves model directories (float or int8) over gRPC (Open Inference
 * Protocol, KServe v2) and HTTP/JSON (v2 REST, TF Serving `:predict`) until SIGTERM or SIGINT,
 * then drains the requests in flight and exits 0.
 *
 * stdout gets the endpoints in lines a script can read (`grpc: HOST:PORT`, `http: http://HOST:PORT`)
 * and the routes; stderr gets the notes (what the inputs are, the shutdown).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadModel } from '../../io/load-model.js';
import { QuantizedModel } from '../../models/quantized-model.js';
import { Sequential } from '../../models/sequential.js';
import { inputInfo } from '../../serving/models.js';
import { BATCHING_DEFAULTS } from '../../serving/options.js';
import { serve, type Server } from '../../serving/server.js';
import { UsageError, type CommandSpec, type ParsedArgs } from '../args.js';
import { QUIET_OPTION } from '../defaults.js';
import { PREPROCESSING_FILE, readPreprocessing } from '../model-dir.js';
import { notes } from '../output.js';

export const spec: CommandSpec = {
  name: 'serve',
  summary: 'serve model directories (float or int8) over gRPC (KServe v2) and HTTP (v2 REST, TF Serving)',
  description:
    'Loads each --model (a directory written by `torch-lstm train` or `torch-lstm quantize`) and serves it over gRPC (the Open Inference ' +
    'Protocol, KServe v2, plus grpc.health.v1) and HTTP/JSON (the v2 REST routes and TF Serving\'s POST /v1/models/NAME:predict), ' +
    'merging concurrent requests into one predict call (dynamic batching). The models take what they were trained on: windows of ' +
    'look-back values after the preprocessing in preprocessing.json (differenced and scaled), shape [batch, look-back, 1], and return the ' +
    'next value in the same units (`torch-lstm predict` gives levels). Prints the endpoints (`grpc: HOST:PORT`, `http: http://HOST:PORT`, ' +
    'with the ports bound: port 0 picks a free one) and the routes; runs until SIGTERM or SIGINT (Ctrl+C), then stops accepting ' +
    'requests, lets those in flight finish (up to --grace-ms) and exits 0.',
  options: [
    {
      name: 'model',
      type: 'string',
      required: true,
      repeatable: true,
      placeholder: 'NAME=DIR',
      description: 'a model directory to serve, under NAME (letters, digits, _ . -); DIR alone serves it under its folder name',
    },
    { name: 'grpc-port', type: 'integer', min: 0, max: 65535, default: 8001, description: 'gRPC port (0: any free port)' },
    { name: 'http-port', type: 'integer', min: 0, max: 65535, default: 8000, description: 'HTTP port (0: any free port)' },
    { name: 'host', type: 'string', default: '127.0.0.1', placeholder: 'ADDRESS', description: 'interface to listen on (0.0.0.0 to accept other machines)' },
    { name: 'max-batch-size', type: 'integer', min: 1, default: BATCHING_DEFAULTS.maxBatchSize, description: 'most samples merged into one predict call' },
    { name: 'max-queue-delay-ms', type: 'number', min: 0, max: 60_000, default: BATCHING_DEFAULTS.maxQueueDelayMs, placeholder: 'MS', description: 'longest a request waits for others to join its batch' },
    { name: 'no-dynamic-batching', type: 'boolean', description: 'run every request on its own predict call' },
    { name: 'grace-ms', type: 'number', min: 0, default: 10_000, placeholder: 'MS', description: 'on SIGTERM/SIGINT, how long in-flight requests may take to finish' },
    QUIET_OPTION,
  ],
  examples: [
    'serve --model co2=models/co2 --model co2-int8=models/co2-int8',
    'serve --model models/co2 --http-port 8080 --grpc-port 0 --host 0.0.0.0 --max-batch-size 128 --max-queue-delay-ms 5',
  ],
};

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** `NAME=DIR` (or `DIR`, named after its folder) of each --model, checked. */
export function modelEntries(values: readonly string[]): [string, string][] {
  const entries: [string, string][] = [];
  for (const value of values) {
    const eq = value.indexOf('=');
    const name = eq === -1 ? path.basename(path.resolve(value)) : value.slice(0, eq);
    const dir = eq === -1 ? value : value.slice(eq + 1);
    if (dir.length === 0) throw new UsageError(`Expected --model NAME=DIR but received "${value}" (no directory after "=")`);
    if (!NAME.test(name)) {
      throw new UsageError(
        eq === -1
          ? `Cannot name the model of "${value}" after its folder "${name}" (a name is letters, digits, '_', '.' and '-'); give one: --model NAME=${value}`
          : `Expected a model name of letters, digits, '_', '.' and '-' before "=" in --model "${value}" but received "${name}"`,
      );
    }
    if (entries.some(([n]) => n === name)) throw new UsageError(`Two --model options serve the name "${name}"; give each model its own name (--model NAME=DIR)`);
    entries.push([name, dir]);
  }
  return entries;
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** The endpoint and route lines printed once the server listens. */
export function routeLines(server: Pick<Server, 'grpcPort' | 'httpPort' | 'host'>, names: readonly string[]): string[] {
  const host = hostForUrl(server.host);
  const lines: string[] = [];
  if (server.grpcPort !== undefined) lines.push(`grpc: ${host}:${server.grpcPort}`);
  if (server.httpPort !== undefined) lines.push(`http: http://${host}:${server.httpPort}`);
  lines.push('Routes:');
  if (server.httpPort !== undefined) {
    const base = `http://${host}:${server.httpPort}`;
    lines.push(`  GET  ${base}/v2/health/live | /v2/health/ready`);
    for (const name of names) {
      lines.push(`  GET  ${base}/v2/models/${name}  (metadata; /ready: readiness)`);
      lines.push(`  POST ${base}/v2/models/${name}/infer  (Open Inference Protocol: {"inputs": [{"name", "shape", "datatype": "FP32", "data"}]})`);
      lines.push(`  POST ${base}/v1/models/${name}:predict  (TF Serving: {"instances": [...]})`);
    }
  }
  if (server.grpcPort !== undefined) {
    lines.push(`  gRPC ${host}:${server.grpcPort} inference.GRPCInferenceService/{ServerLive, ServerReady, ModelReady, ModelMetadata, ModelInfer}, grpc.health.v1.Health/Check`);
  }
  return lines;
}

/** What a model takes, for the note printed at the start. */
async function inputNote(name: string, dir: string, model: Sequential | QuantizedModel): Promise<string> {
  const shape = inputInfo(model.getConfig(), name).shape;
  const kind = model instanceof QuantizedModel ? `int8 (${model.quantization.engine} engine)` : 'float32';
  let takes = `input [${shape.join(', ')}]`;
  if (existsSync(path.join(dir, PREPROCESSING_FILE))) {
    const { prep, transform } = await readPreprocessing(dir);
    const steps = [
      ...(transform.differencer ? [`differenced (lag ${transform.differencer.lag})`] : []),
      ...(transform.scaler ? [`scaled (${transform.scaler.constructor.name})`] : []),
    ];
    takes += `: ${prep.lookBack} values of "${prep.column}"${steps.length > 0 ? ` ${steps.join(' and ')}, as in ${path.join(dir, PREPROCESSING_FILE)}` : ''}`;
  }
  return `${name}: ${kind} model from ${dir}, ${takes}`;
}

export async function run(args: ParsedArgs): Promise<number> {
  const note = notes(args.boolean('quiet'));
  const entries = modelEntries(args.strings('model'));
  const grpcPort = args.number('grpc-port');
  const httpPort = args.number('http-port');
  if (grpcPort !== 0 && grpcPort === httpPort) throw new UsageError(`Expected different ports for --grpc-port and --http-port but both are ${grpcPort}`);

  const models: Record<string, Sequential | QuantizedModel> = {};
  const dispose = (): void => {
    for (const m of Object.values(models)) m.dispose();
  };
  let server: Server;
  try {
    for (const [name, dir] of entries) {
      const loaded = await loadModel(dir);
      if (!(loaded instanceof Sequential) && !(loaded instanceof QuantizedModel)) {
        loaded.dispose();
        throw new UsageError(`${dir} holds a functional model; the command line serves the Sequential models it trains`);
      }
      models[name] = loaded;
      note(await inputNote(name, dir, models[name]));
    }
    server = await serve(models, {
      grpcPort,
      httpPort,
      host: args.string('host'),
      maxBatchSize: args.number('max-batch-size'),
      maxQueueDelayMs: args.number('max-queue-delay-ms'),
      dynamicBatching: !args.boolean('no-dynamic-batching'),
    });
  } catch (err) {
    dispose();
    throw err;
  }

  const batching = args.boolean('no-dynamic-batching')
    ? 'off'
    : `up to ${args.number('max-batch-size')} samples per predict call, ${args.number('max-queue-delay-ms')} ms queue delay`;
  process.stdout.write(`Serving ${entries.map(([name]) => name).join(', ')} (dynamic batching: ${batching})\n`);
  process.stdout.write(`${routeLines(server, entries.map(([name]) => name)).join('\n')}\n`);
  note('Ready. SIGTERM or Ctrl+C (SIGINT) stops the server once the requests in flight are answered.');

  let onSignal: (s: NodeJS.Signals) => void = () => undefined;
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    let received: NodeJS.Signals | undefined;
    onSignal = (s) => {
      if (received === undefined) {
        received = s;
        resolve(s);
        return;
      }
      // A second signal while draining: stop now.
      process.stderr.write(`torch-lstm serve: ${s} again: stopping without waiting for the ${server.inFlight} request(s) in flight\n`);
      process.exit(1);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  note(`${signal}: stopping; ${server.inFlight} request(s) in flight finish first (up to ${args.number('grace-ms')} ms)`);
  try {
    await server.close({ graceMs: args.number('grace-ms') });
  } finally {
    dispose();
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
  const stats = server.stats();
  note(`Stopped: served ${stats.requests} request(s), ${stats.samples} sample(s) in ${stats.batches} predict call(s)${stats.failed ? `, ${stats.failed} failed` : ''}`);
  return 0;
}
