// W4, the client side: `node worker-serve-client.mjs '<job>'` runs job.clients closed-loop HTTP
// clients (keep-alive, one socket each) against the server of worker-serve.mjs on 127.0.0.1,
// each sending one W1 window `[1, 10, 1]` per request (v2 infer JSON) and waiting for the answer.
// job.warmupS of warm-up, then at most job.seconds and job.maxRequests requests in all.
// Prints one `{type:'load', ...}` line: requests, errors, seconds, latency quantiles (ms).
import http from 'node:http';
import { readData } from './data.mjs';
import { emit } from './worker.mjs';
import { quantile } from './report.mjs';

const job = JSON.parse(process.argv[2]);
const agent = new http.Agent({ keepAlive: true, maxSockets: job.clients });

function post(urlPath, payload) {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port: job.port, method: payload === undefined ? 'GET' : 'POST', path: urlPath, agent,
      headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`))));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const meta = JSON.parse(await post('/v2/models/w1'));
const inputName = meta.inputs?.[0]?.name ?? 'input_layer';
const d = readData(job.dataDir, 'w1');
const bodies = Array.from({ length: job.clients }, (_, i) => JSON.stringify({
  inputs: [{ name: inputName, shape: [1, 10, 1], datatype: 'FP32', data: Array.from(d.x.subarray(i * 10, (i + 1) * 10)) }],
}));
const send = async (i) => {
  const out = JSON.parse(await post('/v2/models/w1/infer', bodies[i]));
  if (!Number.isFinite(out.outputs?.[0]?.data?.[0])) throw new Error('no output');
};

const warm = performance.now() + job.warmupS * 1000;
await Promise.all(Array.from({ length: job.clients }, async (_, i) => {
  while (performance.now() < warm) await send(i);
}));
// Tell the parent the warm-up is over (it reads the server's stats now), then wait for "go".
emit({ type: 'warm' });
await new Promise((resolve) => process.stdin.once('data', resolve));

let sent = 0;
const errors = [];
const lat = [];
const start = performance.now();
const end = start + job.seconds * 1000;
await Promise.all(Array.from({ length: job.clients }, async (_, i) => {
  while (performance.now() < end && sent < job.maxRequests) {
    sent++;
    const t = performance.now();
    try {
      await send(i);
      lat.push(performance.now() - t);
    } catch (e) {
      errors.push(String(e.message ?? e));
    }
  }
}));
const seconds = (performance.now() - start) / 1000;
emit({
  type: 'load', clients: job.clients, requests: sent, answered: lat.length, errors: errors.length, firstErrors: errors.slice(0, 3),
  seconds, rps: lat.length / seconds, p50: quantile(lat, 0.5), p99: quantile(lat, 0.99), max: Math.max(...lat),
});
agent.destroy();
process.exit(0);
