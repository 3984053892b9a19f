#!/usr/bin/env node
// npm run bench [-- --quick] [--only W1,W2] [--systems torch-lstm,raw-libtorch] [--threads A,B]
//
// Runs the workloads of docs/BENCHMARKS.md through torch-lstm (dist/index.js), @tensorflow/tfjs
// (cpu and wasm backends) and tl_bench_raw (the same models in raw LibTorch C++, built on demand
// in build-bench/), all in one run on the same synthetic data (bench/lib/data.mjs, fixed seed).
// Each (system, workload) runs in its own child process, so each has its own peak RSS.
// Prints a Markdown table (median, spread, torch-lstm's speedup over each peer, % of the fp32
// GEMM ceiling for training) and writes bench/results/<date>-<host>[-quick][-partial].json with
// every raw sample (-partial when --only or --systems left something out).
//
//   --quick       fewer epochs, reps and samples: a smoke run (a few minutes)
//   --only LIST   workloads: W1, W1b, W2 (= every W2-*), W2-128 (= W2-128, W2-128-bf16), W2-256, W3, W4
//   --systems L   a subset of torch-lstm, raw-libtorch, tfjs-wasm, tfjs-cpu
//   --threads A,B ATen and BLAS threads for torch-lstm AND raw-libtorch (default: torch-lstm's
//                 defaults, which raw-libtorch then copies, with the same OMP_WAIT_POLICY)
//   --seed N      data and initialisation seed (default 42)
//   --threads-sweep  torch-lstm only, under 6 thread settings (bench/lib/sweep.mjs), each in a
//                 fresh child; writes bench/results/<date>-<host>-threads[-quick][-partial].json
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureRawBench, failure, probeTorchLstm, runChild } from './lib/children.mjs';
import { writeData } from './lib/data.mjs';
import { buildRows, compactTable, fmt, markdownTable, summarize } from './lib/report.mjs';
import { SYSTEMS, WORKLOADS, plan } from './lib/workloads.mjs';
import { W4_PEER_SKIP, measureW4, w4Table } from './lib/serve.mjs';
import { SWEEP_SETTINGS, runThreadSweep } from './lib/sweep.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (line) => process.stderr.write(`bench: ${line}\n`);

function parseArgs(argv) {
  const o = { quick: false, only: Object.keys(WORKLOADS), systems: SYSTEMS, threads: undefined, seed: 42, threadsSweep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new RangeError(`Expected a value after ${a}`);
      return argv[++i];
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--threads-sweep') o.threadsSweep = true;
    else if (a === '--only') {
      const names = Object.keys(WORKLOADS);
      o.only = value().split(',').flatMap((w) => {
        const hit = names.filter((n) => n.toLowerCase() === w.toLowerCase() || n.toLowerCase().startsWith(`${w.toLowerCase()}-`));
        if (hit.length === 0) throw new RangeError(`Unknown workload "${w}" in --only; expected some of ${names.join(', ')}`);
        return hit;
      });
    } else if (a === '--systems') {
      o.systems = value().split(',');
      for (const s of o.systems) if (!SYSTEMS.includes(s)) throw new RangeError(`Unknown system "${s}"; expected some of ${SYSTEMS.join(', ')}`);
    } else if (a === '--threads') {
      const [aten, blas] = value().split(',').map(Number);
      if (!(aten >= 1) || !(blas >= 1)) throw new RangeError('Expected --threads ATEN,BLAS with positive integers');
      o.threads = { aten, blas };
    } else if (a === '--seed') o.seed = Number(value());
    else throw new RangeError(`Unknown argument ${a}`);
  }
  return o;
}

function machine() {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const flags = /^flags\s*:(.*)$/m.exec(cpuinfo)?.[1].trim().split(/\s+/) ?? [];
  return {
    host: os.hostname(),
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    cpuFlags: flags.filter((f) => /^(avx2|avx512f|avx512_bf16|avx512_vnni|amx_\w+|fma)$/.test(f)),
    memGb: +(os.totalmem() / 2 ** 30).toFixed(1),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    loadavgStart: os.loadavg(),
  };
}

function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

let opts;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`bench: ${e.message}\n`);
  process.exit(2);
}
const started = new Date();
const env0 = machine();
log(`${env0.cpu}, ${env0.cores} cores, load ${env0.loadavgStart.map((l) => l.toFixed(1)).join(' ')}${opts.quick ? ' (--quick)' : ''}`);

if (!existsSync(path.join(root, 'dist', 'index.js'))) {
  log('dist/index.js missing: building the TypeScript (scripts/build.mjs --ts)');
  spawnSync(process.execPath, ['scripts/build.mjs', '--ts'], { cwd: root, stdio: ['ignore', process.stderr, process.stderr] });
}
const probe = opts.systems.includes('torch-lstm') || opts.systems.includes('raw-libtorch') ? probeTorchLstm(root) : { error: 'not run' };
if (probe.error) log(`torch-lstm does not load: ${probe.error}`);
if (opts.threadsSweep) {
  if (probe.error) {
    log(`torch-lstm does not load: ${probe.error}`);
    process.exit(1);
  }
  const sweepLoads = opts.only.filter((w) => !WORKLOADS[w].skip && !WORKLOADS[w].serve);
  const dir = writeData(path.join(os.tmpdir(), `torch-lstm-bench-${process.pid}`), opts.seed);
  const { runs, table } = await runThreadSweep({ root, workloads: sweepLoads, quick: opts.quick, dataDir: dir, seed: opts.seed, log });
  rmSync(dir, { recursive: true, force: true });
  const loadEnd = os.loadavg();
  const head = [
    `torch-lstm thread sweep, ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC${opts.quick ? ' (--quick)' : ''}`,
    `machine: ${env0.cpu}, ${env0.cores} cores (${env0.cpuFlags.join(' ')}), ${env0.memGb} GB; host ${env0.host}; Node ${process.version}; LibTorch ${probe.versions?.torch ?? '?'}`,
    `load average at start ${env0.loadavgStart.map((l) => l.toFixed(2)).join(' ')}, at end ${loadEnd.map((l) => l.toFixed(2)).join(' ')}`,
    `library defaults seen by the probe: ${JSON.stringify(probe.threads)} env ${JSON.stringify(probe.env)}`,
    'each cell: median (ratio to the best setting of that row: 1.00x = best, 1.25x = 25% slower); "> limit" = killed at its time cap',
  ];
  process.stdout.write(`\n${head.join('\n')}\n\n${table}\n`);
  const stamp = started.toISOString().slice(0, 10);
  const partial = sweepLoads.length < Object.values(WORKLOADS).filter((w) => !w.skip && !w.serve).length;
  const out = path.join(root, 'bench', 'results', `${stamp}-${env0.host}-threads${opts.quick ? '-quick' : ''}${partial ? '-partial' : ''}.json`);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({
    date: started.toISOString(), finished: new Date().toISOString(), args: process.argv.slice(2), quick: opts.quick, seed: opts.seed,
    machine: { ...env0, loadavgEnd: loadEnd }, versions: probe.versions ?? null, defaults: { threads: probe.threads, env: probe.env },
    settings: SWEEP_SETTINGS, runs, header: head, table,
  }, null, 1)}\n`);
  process.stdout.write(`\nraw samples: ${path.relative(root, out)}\n`);
  process.exit(0);
}

// W4 alone needs no raw bench (no GEMM ceiling, no raw peer): don't build it for that.
const needRaw = opts.only.some((w) => !WORKLOADS[w].skip && !WORKLOADS[w].serve);
const raw = opts.systems.includes('raw-libtorch') && needRaw ? ensureRawBench(root, log) : { error: needRaw ? 'not selected' : 'not needed' };
if (raw.error && needRaw) log(`raw-libtorch unavailable: ${raw.error}`);

// torch-lstm's thread settings, copied to the raw bench so the two run alike.
const threads = opts.threads ?? (probe.threads ? { aten: probe.threads.intraOp, blas: probe.threads.blas } : undefined);
const childEnv = { ...process.env };
const rawEnv = { ...process.env, OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? probe.env?.OMP_WAIT_POLICY ?? 'PASSIVE' };

const dataDir = writeData(path.join(os.tmpdir(), `torch-lstm-bench-${process.pid}`), opts.seed);
const runs = [];
let w4Load = null;

function rawArgs(workload, p, t) {
  const a = ['--workload', workload, '--data', dataDir, '--epochs', p.epochs, '--train-samples', p.trainSamples,
    '--infer-samples', p.inferSamples, '--predict-calls', p.predictCalls, '--reps', p.reps, '--seed', opts.seed];
  if (t) a.push('--aten-threads', t.aten, '--blas-threads', t.blas);
  return a.map(String);
}

/** One (system, workload) child; returns the run record with per-result statistics. */
async function measure(system, workload, extra = {}) {
  const p = { ...plan(system, workload, opts.quick), ...extra };
  const rec = { system, workload, plan: p };
  if (p.skip) return { ...rec, skipped: p.skip };
  let cmd;
  let args;
  let env = childEnv;
  if (system === 'raw-libtorch') {
    if (raw.error) return { ...rec, skipped: raw.error };
    [cmd, args, env] = [raw.bin, rawArgs(workload, p, p.threads ?? threads), rawEnv];
  } else {
    if (system === 'torch-lstm' && probe.error) return { ...rec, skipped: `does not load: ${probe.error}` };
    const job = { ...p, workload, dataDir, seed: opts.seed, threads: system === 'torch-lstm' ? opts.threads : undefined };
    if (system.startsWith('tfjs-')) job.backend = system.slice(5);
    const worker = system === 'torch-lstm' ? 'worker-torch-lstm.mjs' : 'worker-tfjs.mjs';
    [cmd, args] = [process.execPath, [path.join(root, 'bench', 'lib', worker), JSON.stringify(job)]];
  }
  log(`${workload} / ${system} ...`);
  const r = await runChild(cmd, args, { cwd: root, env, timeoutS: p.timeoutS });
  rec.wallS = r.wallS;
  rec.info = r.lines.find((l) => l.type === 'info');
  rec.results = r.lines.filter((l) => l.type === 'result').map((l) => ({ ...l, stats: summarize(l.samples) }));
  rec.rssKb = r.lines.find((l) => l.type === 'rss')?.max_rss_kb;
  if (r.code !== 0) rec.error = failure(r, p.timeoutS);
  if (rec.error) log(`${workload} / ${system}: ${rec.error}`);
  for (const res of rec.results) log(`  ${res.metric}: median ${fmt(res.stats.median)} ${res.unit}`);
  return rec;
}

// The GEMM ceiling: with the threads torch-lstm uses and with every core, measured before and
// after the workloads (a shared box's load drifts; the ceiling is the best of them).
const gemm = [];
// Only training workloads need the ceiling (not W4 alone).
const needGemm = opts.only.some((w) => !WORKLOADS[w].skip && !WORKLOADS[w].serve);
async function measureGemm(when) {
  if (raw.error || !needGemm) return;
  const all = { aten: env0.cores, blas: env0.cores };
  for (const t of threads && (threads.aten !== all.aten || threads.blas !== all.blas) ? [threads, all] : [all]) {
    const rec = await measure('raw-libtorch', 'gemm', { epochs: 2, reps: opts.quick ? 3 : 7, threads: t, timeoutS: 120 });
    gemm.push({ when, threads: t, ...rec });
  }
}
await measureGemm('start');

for (const workload of opts.only) {
  const w = WORKLOADS[workload];
  if (w.skip) {
    runs.push({ system: 'all', workload, skipped: w.skip });
    continue;
  }
  if (w.serve) {
    const load = { before: os.loadavg() };
    if (!opts.systems.includes('torch-lstm')) runs.push({ system: 'torch-lstm', workload, skipped: 'not selected (--systems)' });
    else if (probe.error) runs.push({ system: 'torch-lstm', workload, skipped: `does not load: ${probe.error}` });
    else runs.push(...await measureW4({ root, env: childEnv, dataDir, quick: opts.quick, threads: opts.threads, log }));
    load.after = os.loadavg();
    w4Load = load;
    for (const system of opts.systems.filter((s) => s !== 'torch-lstm')) runs.push({ system, workload, skipped: W4_PEER_SKIP });
    continue;
  }
  // Interleaved per workload, so load drift on a shared box hits every peer alike.
  for (const system of opts.systems) runs.push(await measure(system, workload));
}
await measureGemm('end');
rmSync(dataDir, { recursive: true, force: true });

const ceilings = gemm.map((g) => ({ when: g.when, threads: g.threads, gflops: g.results?.[0]?.stats.median ?? NaN }));
const finite = ceilings.map((c) => c.gflops).filter(Number.isFinite);
const ceiling = finite.length ? Math.max(...finite) : NaN;

const rows = buildRows(runs, ceiling);
const versions = {
  torchLstm: probe.versions?.torchLstm ?? null,
  libtorch: probe.versions?.torch ?? runs.find((r) => r.system === 'raw-libtorch')?.info?.torch ?? null,
  tfjs: packageVersion('@tensorflow/tfjs'),
  tfjsBackendWasm: packageVersion('@tensorflow/tfjs-backend-wasm'),
  node: process.version,
};
const header = [
  `torch-lstm bench, ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC${opts.quick ? ' (--quick: smoke run, not for claims)' : ''}`,
  `machine: ${env0.cpu}, ${env0.cores} cores (${env0.cpuFlags.join(' ')}), ${env0.memGb} GB, ${env0.os}; host ${env0.host}`,
  `load average at start ${env0.loadavgStart.map((l) => l.toFixed(1)).join(' ')}, at end ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`,
  `versions: torch-lstm ${versions.torchLstm}, LibTorch ${versions.libtorch}, tfjs ${versions.tfjs}, tfjs-backend-wasm ${versions.tfjsBackendWasm}, Node ${versions.node}`,
  `fp32 GEMM (1024^3 at::mm, GFLOP/s, median of each run): ${ceilings.map((c) => `${fmt(c.gflops)} (${c.when}, aten ${c.threads.aten}/blas ${c.threads.blas})`).join(', ') || 'not measured'}`,
  `% GEMM = achieved training FLOP rate / the best of these (${fmt(ceiling)} GFLOP/s); training FLOPs = 3 x sum over layers of 2*T*B*4H*(I+H)`,
  `speedup = how many times faster torch-lstm is than that system (> 1: torch-lstm faster)`,
];
const w4Runs = runs.filter((r) => r.workload === 'W4' && r.loads);
const la = (l) => l.map((v) => v.toFixed(2)).join(' ');
const w4 = w4Runs.length
  ? `${WORKLOADS.W4.title}; ${w4Runs[0].plan.seconds} s per N after ${w4Runs[0].plan.warmupS} s warm-up, at most ${w4Runs[0].plan.maxRequests} requests; ` +
    `batching = maxBatchSize ${w4Runs[0].plan.maxBatchSize}, maxQueueDelayMs ${w4Runs[0].plan.maxQueueDelayMs}; ` +
    `os.loadavg() before W4 ${la(w4Load.before)}, after ${la(w4Load.after)}${w4Load.before[0] > 2 ? ' (> 2: the box was shared/loaded)' : ''}\n\n${w4Table(w4Runs)}`
  : '';
const join = (a, b) => [a, b].filter(Boolean).join('\n\n');
const table = join(rows.length ? markdownTable(rows) : '', w4);
const compact = join(rows.length ? compactTable(rows) : '', w4);
process.stdout.write(`\n${header.join('\n')}\n\n${table}\n\nmedians (torch-lstm's speedup over each peer):\n\n${compact}\n`);

const stamp = started.toISOString().slice(0, 10);
const partial = opts.only.length < Object.keys(WORKLOADS).length || opts.systems.length < SYSTEMS.length;
const out = path.join(root, 'bench', 'results', `${stamp}-${env0.host}${opts.quick ? '-quick' : ''}${partial ? '-partial' : ''}.json`);
mkdirSync(path.dirname(out), { recursive: true });
const report = {
  date: started.toISOString(), finished: new Date().toISOString(), args: process.argv.slice(2), quick: opts.quick, seed: opts.seed,
  machine: { ...env0, loadavgEnd: os.loadavg() }, versions,
  threads: { torchLstmDefault: probe.threads ?? null, torchLstmEnv: probe.env ?? null, usedForTorchAndRaw: threads ?? null, rawEnv: { OMP_WAIT_POLICY: rawEnv.OMP_WAIT_POLICY } },
  gemm: { ceilingGflops: ceiling, runs: gemm },
  runs, rows, header, table, compact,
};
writeFileSync(out, `${JSON.stringify(report, null, 1)}\n`);
process.stdout.write(`\nraw samples: ${path.relative(root, out)}\n`);
