/** What the compression tests share: a seeded sine task and a seeded LSTM -> Dense model for it. */
import { initializers, layers, sequential, type Sequential } from '../../../lib/index.js';
import { rng } from '../../helpers/random.js';

/**
 * `n` windows of `lookBack` steps of a noisy sine with a random phase, and the next clean
 * value. The angular frequency is `frequency`, or with `'random'` drawn per window in
 * [0.2, 0.6) (after its phase).
 */
export function sineTask(n: number, seed: number, lookBack: number, frequency: number | 'random') {
  const r = rng(seed);
  const x = new Float32Array(n * lookBack);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const phase = r() * 2 * Math.PI;
    const w = frequency === 'random' ? 0.2 + 0.4 * r() : frequency;
    for (let t = 0; t < lookBack; t++) x[i * lookBack + t] = Math.sin(phase + w * t) + 0.05 * (r() - 0.5);
    y[i] = Math.sin(phase + w * lookBack);
  }
  return { x: { data: x, shape: [n, lookBack, 1] }, y: { data: y, shape: [n, 1] } };
}

/** LSTM(units) -> Dense(1) on windows of `lookBack` steps, its initializers seeded from `seed`; not compiled. */
export function lstmModel(units: number, lookBack: number, seed: number): Sequential {
  return sequential([
    layers.lstm({ units, inputShape: [lookBack, 1], kernelInitializer: initializers.glorotUniform({ seed }), recurrentInitializer: initializers.orthogonal({ seed: seed + 1 }) }),
    layers.dense({ units: 1, kernelInitializer: initializers.glorotUniform({ seed: seed + 2 }) }),
  ]);
}
