// W4 serving (docs/BENCHMARKS.md): the W1 model behind torch-lstm's prediction server, N
// concurrent closed-loop HTTP clients on loopback, with and without dynamic batching. The server
// runs in its own child process (worker-serve.mjs, one per mode, so each has its own peak RSS),
// the clients in another (worker-serve-client.mjs, one per N); this process only orchestrates and
// reads server.stats() before and after each measured window (requests per native predict call).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fmt } from './report.mjs';

/** A child whose stdout JSON lines can be awaited by type. */
function jsonChild(cmd, args, { cwd, env, timeoutS }) {
  const child = spawn(cmd, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b) => (stderr = (stderr + b).slice(-4000)));
  const queue = [];
  const waiters = [];
  let exited = null;
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutS * 1000);
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    let obj;
    try { obj = JSON.parse(line); } catch { return; }
    const w = waiters.findIndex((x) => x.type === obj.type);
    if (w >= 0) waiters.splice(w, 1)[0].resolve(obj);
    else queue.push(obj);
  });
  const done = new Promise((resolve) => child.on('close', (code, signal) => {
    clearTimeout(timer);
    exited = { code, signal };
    for (const w of waiters.splice(0)) w.reject(new Error(`child exited (${code ?? signal}) before "${w.type}": ${stderr.trim().split('\n').slice(-2).join(' ')}`));
    resolve(exited);
  }));
  const next = (type) => {
    const i = queue.findIndex((x) => x.type === type);
    if (i >= 0) return Promise.resolve(queue.splice(i, 1)[0]);
    if (exited) return Promise.reject(new Error(`child exited (${exited.code ?? exited.signal}): ${stderr.trim().split('\n').slice(-2).join(' ')}`));
    return new Promise((resolve, reject) => waiters.push({ type, resolve, reject }));
  };
  return { child, next, done, send: (line) => child.stdin.write(`${line}\n`) };
}

export const W4_PLAN = {
  full: { clients: [1, 16, 64], seconds: 3, warmupS: 0.5, maxRequests: 30_000, maxBatchSize: 64, maxQueueDelayMs: 0 },
  quick: { clients: [1, 16, 64], seconds: 1, warmupS: 0.3, maxRequests: 10_000, maxBatchSize: 64, maxQueueDelayMs: 0 },
};

/** Runs W4; returns one run record per mode: `{system, workload, mode, info, loads: [...], rssKb}`. */
export async function measureW4({ root, env, dataDir, quick, threads, log }) {
  const p = W4_PLAN[quick ? 'quick' : 'full'];
  const lib = path.join(root, 'bench', 'lib');
  const records = [];
  for (const batching of [true, false]) {
    const mode = batching ? 'batching' : 'no batching';
    const rec = { system: 'torch-lstm', workload: 'W4', mode, plan: p, loads: [] };
    records.push(rec);
    log(`W4 / torch-lstm serve, ${mode} ...`);
    const job = { dynamicBatching: batching, maxBatchSize: p.maxBatchSize, maxQueueDelayMs: p.maxQueueDelayMs, threads };
    const server = jsonChild(process.execPath, [path.join(lib, 'worker-serve.mjs'), JSON.stringify(job)], { cwd: root, env, timeoutS: 120 });
    try {
      rec.info = await server.next('info');
      const { port } = await server.next('ready');
      for (const clients of p.clients) {
        const cjob = { port, clients, seconds: p.seconds, warmupS: p.warmupS, maxRequests: p.maxRequests, dataDir };
        const client = jsonChild(process.execPath, [path.join(lib, 'worker-serve-client.mjs'), JSON.stringify(cjob)], { cwd: root, env, timeoutS: 60 });
        await client.next('warm');
        server.send('stats');
        const before = await server.next('stats');
        client.send('go');
        const load = await client.next('load');
        server.send('stats');
        const after = await server.next('stats');
        await client.done;
        const requests = after.stats.requests - before.stats.requests;
        const calls = after.stats.batches - before.stats.batches;
        const r = {
          ...load, serverRequests: requests, nativeCalls: calls, requestsPerCall: requests / Math.max(1, calls),
          serverCpuMsPerRequest: (after.cpuMs - before.cpuMs) / Math.max(1, load.answered),
          rejected: after.stats.rejected - before.stats.rejected, failed: after.stats.failed - before.stats.failed,
        };
        rec.loads.push(r);
        log(`  N=${clients}: ${fmt(r.rps)} req/s, p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms, ${fmt(r.requestsPerCall)} req/native call, errors ${r.errors}`);
      }
      server.send('close');
      rec.rssKb = (await server.next('rss')).max_rss_kb;
    } catch (e) {
      rec.error = String(e.message ?? e);
      log(`W4 ${mode}: ${rec.error}`);
      server.child.kill('SIGKILL');
    }
    await server.done;
  }
  return records;
}

export const W4_PEER_SKIP = 'no prediction server: W4 measures torch-lstm serve() only (tfjs and raw LibTorch have no server to put the model behind)';

/** The W4 table: one row per (mode, N), then the batching/no-batching ratio per N. */
export function w4Table(records) {
  const head = ['workload', 'clients', 'requests/s', 'p50 ms', 'p99 ms', 'requests per native call', 'server CPU ms/request', 'errors', 'peak RSS MB (server)'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const rec of records) {
    if (rec.error && rec.loads.length === 0) {
      lines.push(`| W4 serve ${rec.mode} | | failed | | | | | | ${rec.error} |`);
      continue;
    }
    for (const l of rec.loads) {
      lines.push(`| W4 serve N=${l.clients} ${rec.mode} | ${l.clients} | ${fmt(l.rps)} | ${fmt(l.p50)} | ${fmt(l.p99)} | ${fmt(l.requestsPerCall)} | ` +
        `${fmt(l.serverCpuMsPerRequest)} | ${l.errors + l.rejected + l.failed} | ${fmt(rec.rssKb / 1024)} |`);
    }
  }
  const on = records.find((r) => r.mode === 'batching');
  const off = records.find((r) => r.mode === 'no batching');
  const ratios = [];
  for (const l of on?.loads ?? []) {
    const o = off?.loads.find((x) => x.clients === l.clients);
    if (o) ratios.push(`N=${l.clients}: batching ${(l.rps / o.rps).toFixed(2)}x the requests/s of no batching (p99 ${fmt(l.p99)} vs ${fmt(o.p99)} ms)`);
  }
  lines.push('', ...ratios.map((r) => `- ${r}`));
  lines.push(`- tfjs-wasm, tfjs-cpu, raw-libtorch: skipped (${W4_PEER_SKIP})`);
  return lines.join('\n');
}
