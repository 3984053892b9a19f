// `node bench/run.mjs --threads-sweep [--quick] [--only W1,W1b,W2-128,W2-256]`: torch-lstm's
// training/inference rows under several thread settings, each (setting, workload) in a fresh
// child process whose environment is set before torch-lstm (and LibTorch) load. Measures only:
// the library's defaults (lib/threads.ts, native/core/threads.h) are not changed. Every setting
// but (a) calls setNumThreads, which turns the library's batch split off (the user's choice wins).
import path from 'node:path';
import { runChild } from './children.mjs';
import { fmt, summarize } from './report.mjs';
import { METRICS, WORKLOADS, plan } from './workloads.mjs';

const THREAD_VARS = ['OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'OMP_WAIT_POLICY', 'MKL_NUM_THREADS'];

/**
 * The settings. `threads` goes to setNumThreads(aten, blas) in the worker right after import;
 * `env` is the child's environment for the thread variables (unset = the library's defaults).
 * `timeoutS` caps a setting that may spin-wait (reported as '> limit').
 */
export const SWEEP_SETTINGS = [
  { id: 'a', label: 'defaults (policy: ATen 1, BLAS 1, PASSIVE, batch split when large and a core is free)', threads: null, env: {} },
  { id: 'b', label: 'ATen 1, BLAS 1, PASSIVE (set: no split)', threads: { aten: 1, blas: 1 }, env: { OMP_WAIT_POLICY: 'PASSIVE', OPENBLAS_NUM_THREADS: '1' } },
  { id: 'c', label: 'ATen 2, BLAS 1, PASSIVE', threads: { aten: 2, blas: 1 }, env: { OMP_WAIT_POLICY: 'PASSIVE', OPENBLAS_NUM_THREADS: '1' } },
  { id: 'd', label: 'ATen 1, BLAS 2, PASSIVE', threads: { aten: 1, blas: 2 }, env: { OMP_WAIT_POLICY: 'PASSIVE', OPENBLAS_NUM_THREADS: '2' } },
  { id: 'e', label: 'ATen 2, BLAS 2, PASSIVE', threads: { aten: 2, blas: 2 }, env: { OMP_WAIT_POLICY: 'PASSIVE', OPENBLAS_NUM_THREADS: '2' } },
  { id: 'f', label: 'ATen 2, BLAS 1, ACTIVE (spin-wait)', threads: { aten: 2, blas: 1 }, env: { OMP_WAIT_POLICY: 'ACTIVE', OPENBLAS_NUM_THREADS: '1' }, timeoutS: 60 },
];

// Batch-1 latency is cheap and printed too; the sweep's table has train + batch-256 throughput.
const SWEEP_METRICS = ['train_s_per_epoch', 'train_samples_per_s', 'predict_b256_samples_per_s', 'infer_b256_samples_per_s', 'predict_b1_ms'];

/** Runs the sweep; returns { runs, table } (runs carry every raw sample). */
export async function runThreadSweep({ root, workloads, quick, dataDir, seed, log }) {
  const baseEnv = { ...process.env };
  for (const k of THREAD_VARS) delete baseEnv[k];
  const runs = [];
  // Settings interleaved per workload, so load drift hits every setting alike.
  for (const workload of workloads) {
    const w = WORKLOADS[workload];
    if (w.skip || w.serve) continue;
    for (const s of SWEEP_SETTINGS) {
      const p = { ...plan('torch-lstm', workload, quick), ...(s.timeoutS ? { timeoutS: s.timeoutS } : {}) };
      const job = { ...p, workload, dataDir, seed, threads: s.threads ?? undefined };
      const env = { ...baseEnv, ...s.env };
      log(`threads sweep: ${workload} / (${s.id}) ${s.label} ...`);
      const r = await runChild(process.execPath, [path.join(root, 'bench', 'lib', 'worker-torch-lstm.mjs'), JSON.stringify(job)], {
        cwd: root, env, timeoutS: p.timeoutS,
      });
      const rec = {
        setting: s.id, label: s.label, workload, plan: p, wallS: r.wallS, timedOut: r.timedOut,
        info: r.lines.find((l) => l.type === 'info'),
        results: r.lines.filter((l) => l.type === 'result').map((l) => ({ ...l, stats: summarize(l.samples) })),
      };
      if (r.code !== 0) rec.error = r.timedOut ? `> limit (killed after ${p.timeoutS} s)` : `exit ${r.code ?? r.signal}: ${r.stderr.trim().split('\n').slice(-1)[0] ?? ''}`;
      const t = rec.info?.threads;
      log(`  threads seen: ${t ? `intraOp ${t.intraOp}, blas ${t.blas}, OMP_WAIT_POLICY ${t.OMP_WAIT_POLICY}` : '?'}; wall ${r.wallS.toFixed(1)} s${rec.error ? `; ${rec.error}` : ''}`);
      for (const res of rec.results) log(`  ${res.metric}: median ${fmt(res.stats.median)} ${res.unit}`);
      runs.push(rec);
    }
  }
  return { runs, table: sweepTable(runs) };
}

/** One row per workload x metric; per setting: median and its ratio to the best (1.00 = best, 1.25 = 25% slower). */
export function sweepTable(runs) {
  const head = ['workload', 'metric', ...SWEEP_SETTINGS.map((s) => `(${s.id}) ${s.label}`)];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  const workloads = [...new Set(runs.map((r) => r.workload))];
  for (const workload of workloads) {
    const wr = runs.filter((r) => r.workload === workload);
    const metrics = SWEEP_METRICS.filter((m) => wr.some((r) => r.results.some((x) => x.metric === m)));
    for (const metric of metrics) {
      const lower = METRICS[metric].better === 'lower';
      const med = (s) => wr.find((r) => r.setting === s.id)?.results.find((x) => x.metric === metric)?.stats.median;
      const vals = SWEEP_SETTINGS.map(med).filter(Number.isFinite);
      const best = lower ? Math.min(...vals) : Math.max(...vals);
      const cells = SWEEP_SETTINGS.map((s) => {
        const v = med(s);
        const run = wr.find((r) => r.setting === s.id);
        if (!Number.isFinite(v)) return run?.timedOut ? '> limit' : run?.error ? 'failed' : '—';
        const ratio = lower ? v / best : best / v;
        return `${fmt(v)} (${ratio.toFixed(2)}x)`;
      });
      lines.push(`| ${workload} | ${METRICS[metric].label}, ${METRICS[metric].unit} | ${cells.join(' | ')} |`);
    }
  }
  return lines.join('\n');
}
