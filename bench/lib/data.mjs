// The synthetic data of every workload (docs/BENCHMARKS.md), generated once from a fixed seed and
// handed to every peer as the same files (float32; W3's token ids int32): torch-lstm, tfjs (cpu,
// wasm) and tl_bench_raw.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Shapes of the workload data; tl_bench_raw checks the same ones. */
export const SHAPES = Object.freeze({
  w1: { x: [4990, 10, 1], y: [4990] },
  w2: { x: [4096, 50, 8], y: [4096] },
  w3: { x: [2048, 200], y: [2048], ids: true },
});

/** mulberry32: a small, fast, seedable 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws (Box-Muller) from a uniform generator. */
export function gaussian(rand) {
  return () => {
    const u = 1 - rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  };
}

/**
 * W1: a 5,000-point series (sine + noise), min-max scaled to [0, 1] as the article does, cut into
 * windows of `lookBack = 10`: x `[4990, 10, 1]`, y `[4990]` (the value after each window).
 */
export function w1Data(seed = 42, points = 5000, lookBack = 10) {
  const normal = gaussian(mulberry32(seed));
  const series = new Float64Array(points);
  for (let t = 0; t < points; t++) series[t] = Math.sin((2 * Math.PI * t) / 50) + 0.1 * normal();
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of series) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  for (let t = 0; t < points; t++) series[t] = (series[t] - lo) / (hi - lo);
  const n = points - lookBack;
  const x = new Float32Array(n * lookBack);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < lookBack; j++) x[i * lookBack + j] = series[i + j];
    y[i] = series[i + lookBack];
  }
  return { x, y, xShape: [n, lookBack, 1], yShape: [n] };
}

/**
 * W2: x `[4096, 50, 8]` uniform in [-1, 1); y = tanh(mean of the last step's features * 4) plus a
 * little noise, so the loss can fall (the values matter only for sanity, not for speed).
 */
export function w2Data(seed = 43, samples = 4096, steps = 50, features = 8) {
  const rand = mulberry32(seed);
  const normal = gaussian(rand);
  const x = new Float32Array(samples * steps * features);
  for (let i = 0; i < x.length; i++) x[i] = 2 * rand() - 1;
  const y = new Float32Array(samples);
  for (let i = 0; i < samples; i++) {
    let s = 0;
    const last = (i * steps + steps - 1) * features;
    for (let f = 0; f < features; f++) s += x[last + f];
    y[i] = Math.tanh((4 * s) / features) + 0.05 * normal();
  }
  return { x, y, xShape: [samples, steps, features], yShape: [samples] };
}

/**
 * W3: token ids `[2048, 200]` uniform in [1, 10000) (int32); y = 1 when a sequence's mean id is
 * below 5000, else 0 (a label the model can learn; only its speed is measured).
 */
export function w3Data(seed = 44, samples = 2048, steps = 200, vocab = 10000) {
  const rand = mulberry32(seed);
  const x = new Int32Array(samples * steps);
  const y = new Float32Array(samples);
  for (let i = 0; i < samples; i++) {
    let sum = 0;
    for (let t = 0; t < steps; t++) {
      const id = 1 + Math.floor(rand() * (vocab - 1));
      x[i * steps + t] = id;
      sum += id;
    }
    y[i] = sum / steps < vocab / 2 ? 1 : 0;
  }
  return { x, y, xShape: [samples, steps], yShape: [samples] };
}

/** The file of a data set's inputs: float32 (`.f32`) or, for token ids, int32 (`.i32`). */
const xFile = (name) => `${name}_x.${SHAPES[name].ids ? 'i32' : 'f32'}`;

/**
 * Writes `w1_x.f32`, `w1_y.f32`, `w2_x.f32`, `w2_y.f32`, `w3_x.i32`, `w3_y.f32` (raw little-endian
 * values) into `dir`.
 */
export function writeData(dir, seed = 42) {
  mkdirSync(dir, { recursive: true });
  const sets = { w1: w1Data(seed), w2: w2Data(seed + 1), w3: w3Data(seed + 2) };
  for (const [name, d] of Object.entries(sets)) {
    writeFileSync(path.join(dir, xFile(name)), Buffer.from(d.x.buffer));
    writeFileSync(path.join(dir, `${name}_y.f32`), Buffer.from(d.y.buffer));
  }
  return dir;
}

/** Reads one data set (`'w1'`, `'w2'` or `'w3'`) written by {@link writeData}: `{x, y, xShape, yShape}`. */
export function readData(dir, name) {
  const read = (file, Type = Float32Array) => {
    const buf = readFileSync(path.join(dir, file));
    return new Type(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  };
  const { x: xShape, y: yShape, ids } = SHAPES[name];
  const x = read(xFile(name), ids ? Int32Array : Float32Array);
  const y = read(`${name}_y.f32`);
  if (x.length !== xShape.reduce((a, b) => a * b) || y.length !== yShape[0]) {
    throw new Error(`bench data in ${dir} does not match the shapes of ${name}`);
  }
  return { x, y, xShape: [...xShape], yShape: [...yShape] };
}
