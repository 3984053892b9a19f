/**
 * Fresh weights follow Keras's defaults: glorot-uniform kernels, orthogonal recurrent kernels,
 * zero biases with the forget-gate quarter at 1 (unitForgetBias), and seeded initializers are
 * reproducible.
 */
import { describe, expect, it } from 'vitest';
import { initializers, layers, sequential, type Tensor } from '../../../lib/index.js';

const IN = 16, U = 64;

function fresh(lstmExtra: Record<string, unknown> = {}, units = U, inputDim = IN): Tensor[] {
  const model = sequential([
    layers.lstm({ units, inputShape: [5, inputDim], ...lstmExtra } as never),
    layers.dense({ units: 3 }),
  ]);
  const ws = model.getWeights();
  model.dispose();
  return ws;
}

describe('LSTM bias', () => {
  it('is 0 except the forget-gate quarter, exactly 1 (unitForgetBias default)', () => {
    const bias = fresh()[2]!;
    expect(bias.shape).toEqual([4 * U]);
    const expected = Array.from({ length: 4 * U }, (_, i) => (i >= U && i < 2 * U ? 1 : 0));
    expect(Array.from(bias.data)).toEqual(expected);
  });

  it('is all zeros with unitForgetBias: false', () => {
    const bias = fresh({ unitForgetBias: false })[2]!;
    expect(Array.from(bias.data)).toEqual(new Array(4 * U).fill(0));
  });
});

describe('recurrent kernel (orthogonal)', () => {
  for (const units of [8, U]) {
    it(`[${units}, ${4 * units}] has orthonormal rows: R R^T = I within 1e-5`, () => {
      const r = fresh({}, units)[1]!;
      expect(r.shape).toEqual([units, 4 * units]);
      const cols = 4 * units;
      let worst = 0;
      for (let a = 0; a < units; a++) {
        for (let b = a; b < units; b++) {
          let s = 0;
          for (let k = 0; k < cols; k++) s += r.data[a * cols + k]! * r.data[b * cols + k]!;
          worst = Math.max(worst, Math.abs(s - (a === b ? 1 : 0)));
        }
      }
      expect(worst).toBeLessThanOrEqual(1e-5);
    });
  }
});

describe('kernel (glorot uniform)', () => {
  it('LSTM kernel: |w| <= sqrt(6 / (fanIn + fanOut)), variance ~ limit^2 / 3, mean ~ 0', () => {
    const k = fresh()[0]!;
    expect(k.shape).toEqual([IN, 4 * U]);
    const limit = Math.sqrt(6 / (IN + 4 * U));
    const n = k.data.length; // 4096
    let sum = 0, sumSq = 0, maxAbs = 0;
    for (const w of k.data) {
      sum += w;
      sumSq += w * w;
      maxAbs = Math.max(maxAbs, Math.abs(w));
    }
    expect(maxAbs).toBeLessThanOrEqual(limit * (1 + 1e-6));
    // The draw spans the interval (not, e.g., a narrower one): P(max < 0.95 limit) = 0.95^4096.
    expect(maxAbs).toBeGreaterThan(0.95 * limit);
    const mean = sum / n;
    const variance = sumSq / n - mean * mean;
    // Standard error of the variance estimate is ~1.4% of limit^2/3 for n = 4096; 10% is ~7 sigma.
    expect(Math.abs(variance / (limit * limit / 3) - 1)).toBeLessThan(0.1);
    // Standard error of the mean is limit / sqrt(3n); allow 6 of them.
    expect(Math.abs(mean)).toBeLessThan((6 * limit) / Math.sqrt(3 * n));
  });

  it('Dense kernel: |w| <= sqrt(6 / (fanIn + fanOut)); Dense bias zeros', () => {
    const ws = fresh();
    const kernel = ws[3]!, bias = ws[4]!;
    expect(kernel.shape).toEqual([U, 3]);
    const limit = Math.sqrt(6 / (U + 3));
    for (const w of kernel.data) expect(Math.abs(w)).toBeLessThanOrEqual(limit * (1 + 1e-6));
    expect(new Set(kernel.data).size).toBeGreaterThan(150);
    expect(Array.from(bias.data)).toEqual([0, 0, 0]);
  });
});

describe('seeded initializers', () => {
  it('glorotUniform({ seed: 3 }) gives identical kernels in two models, seed 4 a different one', () => {
    const k3a = fresh({ kernelInitializer: initializers.glorotUniform({ seed: 3 }) })[0]!;
    const k3b = fresh({ kernelInitializer: initializers.glorotUniform({ seed: 3 }) })[0]!;
    const k4 = fresh({ kernelInitializer: initializers.glorotUniform({ seed: 4 }) })[0]!;
    expect(Array.from(k3b.data)).toEqual(Array.from(k3a.data));
    const differing = k4.data.filter((v, i) => v !== k3a.data[i]).length;
    expect(differing).toBeGreaterThan(k4.data.length * 0.99);
    // Still glorot uniform.
    const limit = Math.sqrt(6 / (IN + 4 * U));
    for (const w of k3a.data) expect(Math.abs(w)).toBeLessThanOrEqual(limit * (1 + 1e-6));
  });

  it('unseeded kernels differ between two fresh models', () => {
    const a = fresh()[0]!, b = fresh()[0]!;
    expect(a.data.filter((v, i) => v !== b.data[i]).length).toBeGreaterThan(a.data.length * 0.99);
  });

  it('orthogonal({ seed }) is reproducible and still orthonormal', () => {
    const a = fresh({ recurrentInitializer: initializers.orthogonal({ seed: 5 }) }, 8)[1]!;
    const b = fresh({ recurrentInitializer: initializers.orthogonal({ seed: 5 }) }, 8)[1]!;
    const c = fresh({ recurrentInitializer: initializers.orthogonal({ seed: 6 }) }, 8)[1]!;
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
    expect(Array.from(c.data)).not.toEqual(Array.from(a.data));
    let s = 0;
    for (let k = 0; k < 32; k++) s += a.data[k]! * a.data[k]!;
    expect(s).toBeCloseTo(1, 5);
  });
});
