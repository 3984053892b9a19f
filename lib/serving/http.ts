/**
 * The HTTP/JSON front end (node:http, no framework): the Open Inference Protocol's REST
 * routes and TF Serving's `:predict`. Bodies are read up to `maxRequestBytes` and no further
 * (413 beyond); every failure is `{ "error": "<what and where>" }` with a 4xx/5xx status.
 */
import http from 'node:http';
import { isPlainObject } from '../validate.js';
import type { ServingContext } from './context.js';
import { HTTP_STATUS, invalid, ServingError, toServingError } from './errors.js';
import type { ModelHost } from './models.js';
import { checkDatatype, checkShape, jsonData, nestedTensor, stack, toNested } from './tensors.js';
import { checkInputs, checkOutputs } from './v2.js';

type Json = Record<string, unknown>;

interface Reply {
  status: number;
  body: unknown;
}

/** A route: method, path pattern, handler given the path's captures and a body reader. */
interface Route {
  method: 'GET' | 'POST';
  path: RegExp;
  handle: (ctx: ServingContext, match: RegExpExecArray, body: () => Promise<unknown>) => Promise<Reply> | Reply;
}

const MODEL = '([^/:]+)(?:/versions/([^/:]+))?';
const ok = (body: unknown): Reply => ({ status: 200, body });

const ROUTES: Route[] = [
  { method: 'GET', path: /^\/v2\/health\/live$/, handle: () => ok({ live: true }) },
  // The protocol: 200 when ready, a 4xx status when not.
  { method: 'GET', path: /^\/v2\/health\/ready$/, handle: (ctx) => ({ status: ctx.ready ? 200 : 400, body: { ready: ctx.ready } }) },
  { method: 'GET', path: /^\/v2\/?$/, handle: (ctx) => ok({ name: 'torch-lstm', version: ctx.version, extensions: [] }) },
  {
    method: 'GET',
    path: new RegExp(`^/v2/models/${MODEL}/ready$`),
    handle: (ctx, m) => {
      const host = ctx.host(decode(m[1]!), decode(m[2]));
      return { status: ctx.ready ? 200 : 400, body: { name: host.name, ready: ctx.ready } };
    },
  },
  { method: 'GET', path: new RegExp(`^/v2/models/${MODEL}$`), handle: (ctx, m) => ok(metadata(ctx.host(decode(m[1]!), decode(m[2])))) },
  {
    method: 'POST',
    path: new RegExp(`^/v2/models/${MODEL}/infer$`),
    handle: async (ctx, m, body) => ok(await v2Infer(ctx.host(decode(m[1]!), decode(m[2])), await body())),
  },
  {
    method: 'GET',
    path: new RegExp(`^/v1/models/${MODEL}$`),
    handle: (ctx, m) => {
      const host = ctx.host(decode(m[1]!), decode(m[2]));
      const state = ctx.ready ? 'AVAILABLE' : 'UNLOADING';
      return ok({ model_version_status: [{ version: host.version, state, status: { error_code: 'OK', error_message: '' } }] });
    },
  },
  {
    method: 'POST',
    path: new RegExp(`^/v1/models/${MODEL}:predict$`),
    handle: async (ctx, m, body) => ok(await tfPredict(ctx.host(decode(m[1]!), decode(m[2])), await body())),
  },
];

function decode(part: string | undefined): string {
  if (part === undefined) return '';
  try {
    return decodeURIComponent(part);
  } catch {
    throw invalid(`malformed percent-encoding in the path segment "${part}"`);
  }
}

/**
 * The v2 model metadata document.
 * @example
 * metadata(host); // { name: 'co2', versions: ['1'], platform: 'torch-lstm', inputs: [...], outputs: [...] }
 */
export function metadata(host: ModelHost): Json {
  return { name: host.name, versions: [host.version], platform: 'torch-lstm', inputs: [host.input], outputs: [host.output] };
}

/**
 * Creates the HTTP server (not yet listening).
 * @example
 * createHttpServer(ctx).listen(8000, '127.0.0.1');
 */
export function createHttpServer(ctx: ServingContext): http.Server {
  return http.createServer((req, res) => {
    void handle(ctx, req, res);
  });
}

async function handle(ctx: ServingContext, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const done = ctx.begin();
  res.once('close', done);
  const state: { body: 'unread' | 'read' | 'refused' } = { body: 'unread' };
  try {
    if (!ctx.ready) throw new ServingError('UNAVAILABLE', 'the server is shutting down');
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const matching = ROUTES.filter((r) => r.path.test(path));
    const route = matching.find((r) => r.method === req.method);
    if (!route) {
      if (matching.length === 0) throw new ServingError('NOT_FOUND', `no route for ${req.method} ${path}`);
      res.setHeader('Allow', matching.map((r) => r.method).join(', '));
      send(res, 405, { error: `${req.method} is not allowed on ${path}; use ${matching.map((r) => r.method).join(' or ')}` });
      return;
    }
    const body = async (): Promise<unknown> => {
      try {
        const text = await readBody(req, ctx.config.maxRequestBytes);
        state.body = 'read';
        return parseJson(text);
      } catch (err) {
        if (err instanceof ServingError && err.status === 'RESOURCE_EXHAUSTED') state.body = 'refused';
        throw err;
      }
    };
    const reply = await route.handle(ctx, route.path.exec(path)!, body);
    send(res, reply.status, reply.body, !ctx.ready);
  } catch (err) {
    const e = toServingError(err);
    send(res, HTTP_STATUS[e.status], { error: e.message }, !ctx.ready || state.body === 'refused');
    // A body left unread (too large): take no more of it than a grace period lets through.
    if (state.body === 'refused') lingerThenClose(req);
  }
}

/** Writes a JSON reply; `close`: ask the client not to reuse the connection (shutting down, body refused). */
function send(res: http.ServerResponse, status: number, body: unknown, close = false): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  const headers: http.OutgoingHttpHeaders = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) };
  if (close) headers.Connection = 'close';
  res.writeHead(status, headers);
  res.end(text);
}

/**
 * After a 413, discards what the client still sends for a moment so that it can read the
 * answer (closing on unread data makes TCP reset the connection), then cuts the connection.
 */
function lingerThenClose(req: http.IncomingMessage): void {
  const socket = req.socket;
  const timer = setTimeout(() => socket.destroy(), 1000);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  req.resume();
}

/** The body as text, refused with RESOURCE_EXHAUSTED beyond `limit` bytes (declared or sent). */
function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  const tooLarge = (n: string): ServingError =>
    new ServingError('RESOURCE_EXHAUSTED', `request body too large: ${n} bytes, more than the server's maxRequestBytes of ${limit}`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(String(declared)));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total > limit) {
        cleanup();
        chunks.length = 0;
        reject(tooLarge(`over ${limit}`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, total).toString('utf8'));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(invalid(`the request body could not be read: ${err.message}`));
    };
    const cleanup = (): void => {
      req.off('data', onData).off('end', onEnd).off('error', onError);
    };
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

function parseJson(text: string): unknown {
  if (text.trim().length === 0) throw invalid('the request body is empty; expected a JSON object');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw invalid(`the request body is not valid JSON: ${(err as Error).message}`);
  }
}

/** `POST /v2/models/{name}/infer`: `{ inputs: [{ name, shape, datatype, data }] }` -> `{ model_name, outputs }`. */
async function v2Infer(host: ModelHost, body: unknown): Promise<Json> {
  if (!isPlainObject(body)) throw invalid('the request body: expected a JSON object { "inputs": [{ "name", "shape", "datatype", "data" }] }');
  const inputs = checkInputs(host, body.inputs, 'inputs');
  const input = inputs[0] as Json;
  checkDatatype(host, input.datatype, 'inputs[0]');
  const shape = checkShape(host, input.shape, 'inputs[0]');
  const x = jsonData(host, input.data, shape, 'inputs[0].data');
  checkOutputs(host, body.outputs, 'outputs', (o, where) => {
    const params = isPlainObject(o) && isPlainObject(o.parameters) ? o.parameters : {};
    if (params.binary_data === true) throw invalid(`${where}.parameters.binary_data: binary outputs are not supported; leave it out for JSON data`);
  });
  const y = await host.infer(x);
  const out: Json = { model_name: host.name, model_version: host.version };
  if (typeof body.id === 'string' && body.id !== '') out.id = body.id;
  out.outputs = [{ name: host.output.name, datatype: 'FP32', shape: y.shape, data: Array.from(y.data) }];
  return out;
}

/** `POST /v1/models/{name}:predict` (TF Serving): row `instances` -> `predictions`, columnar `inputs` -> `outputs`. */
async function tfPredict(host: ModelHost, body: unknown): Promise<Json> {
  if (!isPlainObject(body)) throw invalid('the request body: expected a JSON object { "instances": [...] } or { "inputs": ... }');
  for (const key of Object.keys(body)) {
    if (key !== 'instances' && key !== 'inputs' && key !== 'signature_name') {
      throw invalid(`unknown key "${key}" in the request body; expected "instances" or "inputs" (and optionally "signature_name")`);
    }
  }
  if (body.signature_name !== undefined && body.signature_name !== 'serving_default') {
    throw invalid(`signature_name: model "${host.name}" has only the signature "serving_default"`);
  }
  const hasInstances = body.instances !== undefined;
  if (hasInstances === (body.inputs !== undefined)) throw invalid('the request body must hold exactly one of "instances" (row format) and "inputs" (columnar format)');
  if (hasInstances) {
    const instances = body.instances;
    if (!Array.isArray(instances) || instances.length === 0) throw invalid('instances: expected a non-empty array of samples');
    const rows = instances.map((row, i) => nestedTensor(named(host, row, `instances[${i}]`), `instances[${i}]`));
    const x = stack(rows, 'instances');
    checkShape(host, x.shape, 'instances');
    const y = await host.infer(x);
    return { predictions: toNested(y) };
  }
  const x = nestedTensor(named(host, body.inputs, 'inputs'), 'inputs');
  checkShape(host, x.shape, 'inputs');
  const y = await host.infer(x);
  return { outputs: toNested(y) };
}

/** TF Serving's named form `{ "<input name>": value }`, or the bare value. */
function named(host: ModelHost, value: unknown, where: string): unknown {
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== host.input.name) {
    throw invalid(`${where}: expected the input "${host.input.name}" (the only input of model "${host.name}") but received the keys ${keys.map((k) => `"${k}"`).join(', ') || '(none)'}`);
  }
  return value[host.input.name];
}
