// W4, the server side: `node worker-serve.mjs '<job>'` builds the W1 model (untrained: the weights
// do not change the cost of a forward pass) and serves it over HTTP on loopback with
// `serve(model, { httpPort: 0, grpcPort: false, dynamicBatching, maxBatchSize, maxQueueDelayMs })`.
// Prints `{type:'ready', port, inputName}`; answers each "stats" line on stdin with
// `{type:'stats', stats: server.stats(), cpuMs}`; on "close" (or stdin end) closes the server,
// prints `{type:'rss'}` and exits 0. The clients run in another process (worker-serve-client.mjs).
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { emit, peakRssKb } from './worker.mjs';
import { WORKLOADS } from './workloads.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const job = JSON.parse(process.argv[2]);
const tl = await import(pathToFileURL(path.join(root, 'dist/index.js')).href);
if (job.threads) tl.setNumThreads(job.threads.aten, job.threads.blas);

const w1 = WORKLOADS.W1;
const model = tl.sequential([
  ...w1.layers.map((l, i) => tl.layers.lstm(i === 0 ? { ...l, inputShape: [10, 1] } : l)),
  tl.layers.dense({ units: 1 }),
]);
model.compile({ optimizer: tl.optimizers.adam({ learningRate: 1e-3 }), loss: 'mse' });
const opts = { httpPort: 0, grpcPort: false, dynamicBatching: job.dynamicBatching };
if (job.dynamicBatching) Object.assign(opts, { maxBatchSize: job.maxBatchSize, maxQueueDelayMs: job.maxQueueDelayMs });
const server = await tl.serve({ w1: model }, opts);
emit({
  type: 'info', system: 'torch-lstm', workload: 'W4', versions: tl.versions(),
  threads: { ...tl.getThreadInfo(), OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? null }, serveOptions: opts,
});
emit({ type: 'ready', port: server.httpPort });

let closing = false;
async function close() {
  if (closing) return;
  closing = true;
  await server.close({ graceMs: 2000 });
  emit({ type: 'rss', system: 'torch-lstm', workload: 'W4', max_rss_kb: peakRssKb() });
  process.exit(0);
}
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const cmd = line.trim();
  if (cmd === 'stats') {
    const { user, system } = process.cpuUsage();
    emit({ type: 'stats', stats: server.stats(), cpuMs: (user + system) / 1000 });
  } else if (cmd === 'close') close();
});
rl.on('close', close);
