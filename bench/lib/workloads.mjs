// The workloads of docs/BENCHMARKS.md, their metrics, and how long each system may run each one.
// Model shapes here are read by the JS workers; tl_bench_raw has the same ones in C++.

/** What a metric measures and which direction is better. */
export const METRICS = Object.freeze({
  train_s_per_epoch: { label: 'train', unit: 's/epoch', better: 'lower' },
  predict_b1_ms: { label: 'predict batch 1', unit: 'ms', better: 'lower', latency: true },
  predict_b256_samples_per_s: { label: 'predict batch 256', unit: 'samples/s', better: 'higher' },
  train_samples_per_s: { label: 'train', unit: 'samples/s', better: 'higher' },
  infer_b256_samples_per_s: { label: 'inference batch 256', unit: 'samples/s', better: 'higher' },
  gemm_gflops: { label: 'fp32 GEMM 1024^3', unit: 'GFLOP/s', better: 'higher' },
});

const W1_METRICS = ['train_s_per_epoch', 'predict_b1_ms', 'predict_b256_samples_per_s'];
const W2_METRICS = ['train_samples_per_s', 'infer_b256_samples_per_s'];

/**
 * `layers`: the LSTM stack (Keras option names), always followed by Dense(1); Adam 1e-3, mse.
 * `text`: an Embedding(vocab, embed) first, a sigmoid Dense and binary cross-entropy (W3).
 * `precision`: torch-lstm's compile precision (the peers train in float32).
 * `skip`: why nobody runs it yet.
 */
export const WORKLOADS = Object.freeze({
  W1: {
    data: 'w1', batch: 32, metrics: W1_METRICS,
    title: 'W1 seed-forecast: LSTM(64, seq, dropout .2) -> LSTM(32, recurrentDropout .1) -> Dense(1), batch 32',
    layers: [{ units: 64, returnSequences: true, dropout: 0.2 }, { units: 32, recurrentDropout: 0.1 }],
  },
  W1b: {
    data: 'w1', batch: 32, metrics: ['train_s_per_epoch'],
    title: 'W1b: W1 without dropout/recurrentDropout',
    layers: [{ units: 64, returnSequences: true }, { units: 32 }],
  },
  'W2-128': {
    data: 'w2', batch: 64, metrics: W2_METRICS,
    title: 'W2 H=128: x [4096, 50, 8], LSTM(128, seq) -> LSTM(128) -> Dense(1), batch 64',
    layers: [{ units: 128, returnSequences: true }, { units: 128 }],
  },
  'W2-256': {
    data: 'w2', batch: 64, metrics: W2_METRICS,
    title: 'W2 H=256: as W2 with 256 units',
    layers: [{ units: 256, returnSequences: true }, { units: 256 }],
  },
  // W2-128 trained with bf16 GEMMs (fp32 state, losses and optimizer): the peers run float32,
  // the baseline the mixed-precision target is stated against.
  'W2-128-bf16': {
    data: 'w2', batch: 64, metrics: ['train_samples_per_s'], precision: 'mixed_bfloat16',
    title: "W2-128 with compile({ precision: 'mixed_bfloat16' }) in torch-lstm; the peers train it in float32",
    layers: [{ units: 128, returnSequences: true }, { units: 128 }],
  },
  W3: {
    data: 'w3', batch: 32, metrics: ['train_samples_per_s'], text: { vocab: 10000, embed: 128 },
    title: 'W3 text: ids [2048, 200] -> Embedding(10000, 128) -> LSTM(64) -> Dense(1, sigmoid), binary cross-entropy, batch 32',
    layers: [{ units: 64 }],
  },
  // Measured by bench/lib/serve.mjs (server and clients in their own processes), not worker.mjs.
  W4: {
    serve: true, data: 'w1',
    title: 'W4 serving: the W1 model behind serve() over HTTP on loopback, N = 1, 16, 64 closed-loop clients, with and without dynamic batching',
  },
});

/** Forward FLOPs per sample: sum over layers of 2 * T * 4H * (I + H) (Dense negligible). */
export function forwardFlopsPerSample(layers, steps, features) {
  let input = features;
  let flops = 0;
  for (const { units } of layers) {
    flops += 2 * steps * 4 * units * (input + units);
    input = units;
  }
  return flops;
}

export const SYSTEMS = ['torch-lstm', 'raw-libtorch', 'tfjs-wasm', 'tfjs-cpu'];

// How much each system runs. `epochs` includes one warm-up epoch; `trainSamples`/`inferSamples`
// cap the data (0 = all): W1's time per epoch is then extrapolated to the 4,990 samples, W2 is
// samples/s anyway; the table says so. `timeoutS` kills a run that hangs.
const BASE = {
  full: { epochs: 4, trainSamples: 0, inferSamples: 0, reps: 5, predictCalls: 2000, timeoutS: 900 },
  quick: { epochs: 2, trainSamples: 0, inferSamples: 0, reps: 2, predictCalls: 300, timeoutS: 240 },
};

// Caps on top of BASE. Measured on a busy 2 vCPU EPYC: tfjs cpu trains W1 at ~30-70 s/epoch,
// W2-128 at ~4-8 samples/s and W2-256 at ~0.5 samples/s (inference ~2-20 samples/s); tfjs wasm
// trains W1 at ~10-26 s/epoch, W2-128 at ~16-25 samples/s. The native peers get the full data
// except in --quick.
const NATIVE_QUICK = {
  'W2-128': { trainSamples: 512, inferSamples: 512 },
  'W2-128-bf16': { trainSamples: 512 },
  'W2-256': { trainSamples: 256, inferSamples: 256 },
  W3: { trainSamples: 512 },
};
// What the tfjs peers cannot run, in both modes.
const TFJS_BF16_SKIP = { skip: 'tfjs has no bfloat16 training (its float32 W2-128 row is the comparison)' };
const TFJS_SKIPS = {
  cpu: {
    'W2-128-bf16': TFJS_BF16_SKIP,
    W3: { skip: 'tfjs cpu ran out of memory (> 23 GB) training W3 when issue 4 measured it; not rerun, to keep the box alive' },
  },
  wasm: {
    'W2-128-bf16': TFJS_BF16_SKIP,
    W3: { skip: "tfjs-backend-wasm lacks a kernel W3's training needs (the Embedding gradient): it fails" },
  },
};
const CAPS = {
  'torch-lstm': { quick: NATIVE_QUICK },
  'raw-libtorch': { quick: NATIVE_QUICK },
  'tfjs-wasm': {
    full: {
      W1: { epochs: 3 }, W1b: { epochs: 3 },
      'W2-128': { epochs: 3, trainSamples: 256, inferSamples: 512, reps: 3 },
      'W2-256': { epochs: 3, trainSamples: 128, inferSamples: 256, reps: 2 },
    },
    quick: {
      W1: { trainSamples: 512, inferSamples: 1024 }, W1b: { trainSamples: 512 },
      'W2-128': { trainSamples: 64, inferSamples: 128, reps: 1 },
      'W2-256': { trainSamples: 64, inferSamples: 64, reps: 1 },
    },
  },
  'tfjs-cpu': {
    full: {
      W1: { epochs: 3, trainSamples: 640, inferSamples: 1024, reps: 3, predictCalls: 1000 },
      W1b: { epochs: 3, trainSamples: 640 },
      'W2-128': { epochs: 3, trainSamples: 64, inferSamples: 128, reps: 2 },
      'W2-256': { epochs: 2, trainSamples: 64, inferSamples: 64, reps: 1, timeoutS: 1200 },
    },
    quick: {
      W1: { trainSamples: 256, inferSamples: 256, reps: 1 }, W1b: { trainSamples: 256 },
      'W2-128': { trainSamples: 64, inferSamples: 64, reps: 1 },
      'W2-256': { skip: 'skipped in --quick (tfjs cpu trains W2-256 at ~0.5 samples/s here; the full run measures a subset)' },
    },
  },
};

/** The run plan of `system` on `workload`: BASE, then the system's caps. */
export function plan(system, workload, quick) {
  const mode = quick ? 'quick' : 'full';
  const tfjsSkip = system.startsWith('tfjs-') ? TFJS_SKIPS[system.slice(5)]?.[workload] : undefined;
  return { ...BASE[mode], ...(CAPS[system]?.[mode]?.[workload] ?? {}), ...(tfjsSkip ?? {}) };
}
