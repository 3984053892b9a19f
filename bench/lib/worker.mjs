// The measuring loop shared by the JS peers (torch-lstm, tfjs cpu, tfjs wasm). Each runs in its
// own child process (`node bench/lib/worker-<peer>.mjs '<json job>'`) so each has its own peak RSS,
// and prints one JSON object per line, as tl_bench_raw does.
//
// An adapter gives: build(workload, xShape), fit(x, y, {epochs, batch, seed, onEpochEnd}),
// predict(x, batch) -> Promise (resolves once the output is readable), predictOne(x1 [1, T, F]),
// info() -> { threads, versions }.
import { readFileSync } from 'node:fs';
import { readData } from './data.mjs';
import { WORKLOADS, forwardFlopsPerSample } from './workloads.mjs';

export function emit(obj) {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

/** Peak resident set of this process, in KiB (VmHWM, with process.resourceUsage as fallback). */
export function peakRssKb() {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS;
}

const now = () => Number(process.hrtime.bigint()) / 1e9;

/** Rows `[0, n)` of a row-major tensor with shape `shape`. */
function rows(data, shape, n) {
  const per = shape.slice(1).reduce((a, b) => a * b, 1);
  return { data: data.subarray(0, n * per), shape: [n, ...shape.slice(1)] };
}

/** Runs `job` (from argv) through `adapter` and prints info, results and peak RSS. */
export async function runWorker(system, makeAdapter) {
  const job = JSON.parse(process.argv[2]);
  const workload = WORKLOADS[job.workload];
  const adapter = await makeAdapter(job);
  const result = (metric, unit, samples, extra = {}) =>
    emit({ type: 'result', system, workload: job.workload, metric, unit, samples, ...extra });
  const d = readData(job.dataDir, workload.data);
  // W3's inputs are token ids [n, steps]: its LSTM sees the embedding's features.
  const [n, steps, features = workload.text?.embed] = d.xShape;
  emit({ type: 'info', system, workload: job.workload, ...(await adapter.info()), data: job.dataDir });

  // Training: per-epoch wall time between successive epoch ends (the first epoch is warm-up).
  const nTrain = job.trainSamples > 0 ? Math.min(job.trainSamples, n) : n;
  const tb = now();
  await adapter.build(workload, workload.text ? [steps] : [steps, features]);
  const buildS = now() - tb;
  const marks = [];
  const t0 = now();
  let lastLoss = NaN;
  await adapter.fit(rows(d.x, d.xShape, nTrain), rows(d.y, d.yShape, nTrain), {
    epochs: job.epochs,
    batch: workload.batch,
    seed: job.seed,
    onEpochEnd: (loss) => {
      marks.push(now());
      lastLoss = loss;
    },
  });
  const times = marks.map((t, i) => t - (i === 0 ? t0 : marks[i - 1]));
  const extra = {
    warmup: times[0], build_s: buildS, train_samples: nTrain, batch: workload.batch, final_loss: lastLoss,
    train_flops_per_sample: 3 * forwardFlopsPerSample(workload.layers, steps, features),
  };
  if (workload.data === 'w1') {
    result('train_s_per_epoch', 's/epoch', times.slice(1).map((t) => (t * n) / nTrain), extra);
  } else {
    result('train_samples_per_s', 'samples/s', times.slice(1).map((t) => nTrain / t), extra);
  }
  if (workload.metrics.length === 1) return done(system, job);  // training only (W1b, W2-128-bf16, W3)

  // Throughput at batch 256 over the first `inferSamples` rows, after one warm-up batch.
  const nInfer = job.inferSamples > 0 ? Math.min(job.inferSamples, n) : n;
  const xi = rows(d.x, d.xShape, nInfer);
  await adapter.predict(rows(d.x, d.xShape, Math.min(nInfer, 256)), 256);
  const rates = [];
  for (let r = 0; r < job.reps; r++) {
    const t = now();
    await adapter.predict(xi, 256);
    rates.push(nInfer / (now() - t));
  }
  result(workload.data === 'w1' ? 'predict_b256_samples_per_s' : 'infer_b256_samples_per_s', 'samples/s', rates, {
    infer_samples: nInfer,
  });

  if (workload.data === 'w1') {
    // Batch-1 latency as a user sees it: one awaited predict call per sample, 50 warm-up calls.
    const per = steps * features;
    const lat = [];
    for (let i = 0; i < job.predictCalls + 50; i++) {
      const k = i % n;
      const x1 = { data: d.x.subarray(k * per, (k + 1) * per), shape: [1, steps, features] };
      const t = now();
      await adapter.predictOne(x1);
      if (i >= 50) lat.push((now() - t) * 1e3);
    }
    result('predict_b1_ms', 'ms', lat);
  }
  return done(system, job);
}

function done(system, job) {
  emit({ type: 'rss', system, workload: job.workload, max_rss_kb: peakRssKb() });
}
