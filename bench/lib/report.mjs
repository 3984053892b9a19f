// Statistics and the result table of `npm run bench`.
import { METRICS, SYSTEMS, WORKLOADS } from './workloads.mjs';
import { SHAPES } from './data.mjs';

export function quantile(samples, q) {
  const s = [...samples].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
}

export function summarize(samples) {
  return {
    n: samples.length,
    median: quantile(samples, 0.5),
    min: Math.min(...samples),
    max: Math.max(...samples),
    p99: quantile(samples, 0.99),
  };
}

/** A number with 3 significant digits (thousands grouped), for the table. */
export function fmt(v) {
  if (v === undefined || v === null || !Number.isFinite(v)) return '—';
  const abs = Math.abs(v);
  if (abs >= 1000) return Math.round(v).toLocaleString('en-US');
  if (abs >= 100) return v.toFixed(0);
  if (abs >= 10) return v.toFixed(1);
  if (abs >= 1) return v.toFixed(2);
  return v.toPrecision(2);
}

/** How many times faster torch-lstm is than `system` on this metric (> 1: torch-lstm is faster). */
export function speedup(metric, torchMedian, otherMedian) {
  if (!Number.isFinite(torchMedian) || !Number.isFinite(otherMedian)) return NaN;
  return METRICS[metric].better === 'lower' ? otherMedian / torchMedian : torchMedian / otherMedian;
}

/** Achieved model GFLOP/s of a training result (train FLOPs ~= 3x forward). */
export function trainGflops(result, fullSamples) {
  const { metric, stats, train_flops_per_sample: f } = result;
  if (!f) return NaN;
  if (metric === 'train_s_per_epoch') return (f * fullSamples) / stats.median / 1e9;
  if (metric === 'train_samples_per_s') return (f * stats.median) / 1e9;
  return NaN;
}

export function threadsLabel(info) {
  const t = info?.threads;
  if (!t) return '—';
  if ('aten' in t) return `aten ${t.aten}, blas ${t.blas}${t.OMP_WAIT_POLICY ? `, ${t.OMP_WAIT_POLICY}` : ''}`;
  if ('intraOp' in t) return `aten ${t.intraOp}, blas ${t.blas}${t.OMP_WAIT_POLICY ? `, ${t.OMP_WAIT_POLICY}` : ''}`;
  if ('wasm_threads' in t) return `wasm ${t.wasm_threads} thread${t.simd ? ', simd' : ''}`;
  return 'JS main thread';
}

/**
 * Table rows: one per workload x metric x system, with median, spread, speedup, % of the GEMM
 * ceiling, threads, peak RSS and notes. `runs` are the per-(system, workload) child runs.
 */
export function buildRows(runs, ceilingGflops) {
  const rows = [];
  for (const [name, w] of Object.entries(WORKLOADS)) {
    const wr = runs.filter((r) => r.workload === name);
    if (wr.length === 0 || w.serve) continue; // W4 has its own table (serve.mjs)
    if (w.skip) {
      rows.push({ workload: name, metric: '', system: 'all', skipped: w.skip });
      continue;
    }
    for (const metric of w.metrics) {
      const torch = wr.find((r) => r.system === 'torch-lstm')?.results?.find((x) => x.metric === metric);
      for (const system of SYSTEMS) {
        const run = wr.find((r) => r.system === system);
        if (!run) continue;
        const res = run.results?.find((x) => x.metric === metric);
        const row = { workload: name, metric, system, threads: threadsLabel(run.info), rssMb: run.rssKb / 1024 };
        if (!res) {
          row.skipped = run.skipped ?? run.error ?? 'no result';
          rows.push(row);
          continue;
        }
        const full = SHAPES[w.data].x[0];
        const gf = trainGflops(res, full);
        Object.assign(row, {
          unit: res.unit, stats: res.stats,
          speedup: speedup(metric, torch?.stats.median, res.stats.median),
          gemmPct: Number.isFinite(gf) ? (100 * gf) / ceilingGflops : NaN,
          notes: notes(res, full, run),
        });
        rows.push(row);
      }
    }
  }
  return rows;
}

function notes(res, full, run) {
  const out = [];
  if (res.train_samples !== undefined) {
    if (res.train_samples < full) {
      out.push(`trained on ${res.train_samples}/${full} samples${res.metric === 'train_s_per_epoch' ? ', s/epoch extrapolated' : ''}`);
    }
    out.push(`${res.samples.length} epoch${res.samples.length > 1 ? 's' : ''} after 1 warm-up`);
  }
  if (res.infer_samples !== undefined && res.infer_samples < full) out.push(`${res.infer_samples} samples`);
  if (res.metric === 'predict_b1_ms') out.push(`${res.samples.length} calls${run.system === 'raw-libtorch' ? ', in-process' : ', awaited from JS'}`);
  if (res.final_loss !== undefined && Number.isFinite(res.final_loss)) out.push(`loss ${res.final_loss.toFixed(4)}`);
  return out.join('; ');
}

/** The rows as a Markdown table. */
export function markdownTable(rows) {
  const head = ['workload', 'metric', 'system', 'median', 'min–max (p99 for latency)', 'torch-lstm speedup', '% GEMM', 'threads', 'peak RSS MB', 'notes'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) {
    if (r.skipped && !r.stats) {
      lines.push(`| ${r.workload} | ${r.metric ? METRICS[r.metric].label : ''} | ${r.system} | skipped | | | | ${r.threads ?? ''} | ${r.rssMb ? fmt(r.rssMb) : ''} | ${r.skipped} |`);
      continue;
    }
    const m = METRICS[r.metric];
    const spread = m.latency ? `p99 ${fmt(r.stats.p99)} (min ${fmt(r.stats.min)})` : `${fmt(r.stats.min)}–${fmt(r.stats.max)}`;
    lines.push(
      `| ${r.workload} | ${m.label} (${r.unit}, ${m.better} is better) | ${r.system} | ${fmt(r.stats.median)} | ${spread} | ` +
        `${Number.isFinite(r.speedup) ? `${r.speedup.toFixed(2)}x` : '—'} | ${Number.isFinite(r.gemmPct) ? `${r.gemmPct.toFixed(1)}%` : ''} | ` +
        `${r.threads} | ${fmt(r.rssMb)} | ${r.notes} |`,
    );
  }
  return lines.join('\n');
}

/** One line per workload x metric, one column per system: `median (speedup)`; for README and replies. */
export function compactTable(rows) {
  const systems = SYSTEMS.filter((s) => rows.some((r) => r.system === s));
  const lines = [`| workload | metric | ${systems.join(' | ')} |`, `|---|---|${systems.map(() => '---').join('|')}|`];
  const keys = [...new Set(rows.filter((r) => r.metric).map((r) => `${r.workload}\t${r.metric}`))];
  for (const key of keys) {
    const [workload, metric] = key.split('\t');
    const cells = systems.map((s) => {
      const r = rows.find((x) => x.workload === workload && x.metric === metric && x.system === s);
      if (!r) return '';
      if (!r.stats) return 'skipped';
      return s === 'torch-lstm' ? fmt(r.stats.median) : `${fmt(r.stats.median)} (${Number.isFinite(r.speedup) ? r.speedup.toFixed(2) : '—'}x)`;
    });
    lines.push(`| ${workload} | ${METRICS[metric].label}, ${METRICS[metric].unit} | ${cells.join(' | ')} |`);
  }
  for (const r of rows.filter((x) => !x.metric)) lines.push(`| ${r.workload} | skipped | ${r.skipped} |`);
  return lines.join('\n');
}
