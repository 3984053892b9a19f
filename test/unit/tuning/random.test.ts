/**
 * The PRNG (xoshiro128**) and the normal arithmetic TPE uses, against closed forms and
 * reference values (scipy.special.erfc, scipy.stats.norm).
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../lib/tuning/random.js';
import { erfc, logErfc, logGaussMass, ndtr, sampleTruncNorm, truncNormLogPdf } from '../../../lib/tuning/samplers/normal.js';

describe('Rng', () => {
  it('is reproducible from its seed, and derived streams are independent of draw order', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    expect(Array.from({ length: 5 }, () => a.nextUint32())).toEqual(Array.from({ length: 5 }, () => b.nextUint32()));
    expect(new Rng(1).nextUint32()).not.toBe(new Rng(2).nextUint32());
    expect(Rng.derive(7, 3, 'units').random()).toBe(Rng.derive(7, 3, 'units').random());
    expect(Rng.derive(7, 3, 'units').random()).not.toBe(Rng.derive(7, 4, 'units').random());
    expect(Rng.derive(7, 3, 'units').random()).not.toBe(Rng.derive(7, 3, 'dropout').random());
  });

  it('gives uniform doubles in [0, 1) and unbiased integers', () => {
    const rng = new Rng(9);
    let sum = 0;
    let sumSq = 0;
    const n = 100_000;
    let inRange = true;
    for (let i = 0; i < n; i++) {
      const u = rng.random();
      inRange &&= u >= 0 && u < 1;
      sum += u;
      sumSq += u * u;
    }
    expect(inRange).toBe(true);
    expect(sum / n).toBeCloseTo(0.5, 2);
    expect(sumSq / n - (sum / n) ** 2).toBeCloseTo(1 / 12, 2);
    const counts = [0, 0, 0, 0, 0, 0, 0];
    for (let i = 0; i < 70_000; i++) counts[rng.integer(7)]! += 1;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
    const w = [0, 1, 3];
    const picks = [0, 0, 0];
    for (let i = 0; i < 40_000; i++) picks[rng.choiceWeighted(w)]! += 1;
    expect(picks[0]).toBe(0);
    expect(picks[2]! / picks[1]!).toBeCloseTo(3, 0);
  });
});

describe('normal arithmetic', () => {
  it('erfc and Φ match reference values to ~1e-13 relative', () => {
    const cases: [number, number][] = [
      [0, 1],
      [0.5, 0.4795001221869535],
      [1, 0.15729920705028513],
      [2, 0.004677734981047266],
      [3, 2.209049699858544e-5],
      [5, 1.5374597944280349e-12],
      [10, 2.088487583762545e-45],
      [-1, 1.8427007929497148],
    ];
    for (const [x, want] of cases) expect(Math.abs(erfc(x) - want) / want).toBeLessThan(1e-12);
    expect(ndtr(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(logErfc(30)).toBeCloseTo(-900 - Math.log(30 * Math.sqrt(Math.PI)) + Math.log1p(-1 / 1800 + 3 / (4 * 30 ** 4)), 8);
  });

  it('logGaussMass stays finite and exact in both tails', () => {
    expect(logGaussMass(-1, 1)).toBeCloseTo(Math.log(0.6826894921370859), 13);
    expect(logGaussMass(30, 31)).toBeCloseTo(logGaussMass(-31, -30), 12);
    expect(Number.isFinite(logGaussMass(40, 41))).toBe(true);
    expect(logGaussMass(1, 1)).toBe(-Infinity);
  });

  it('the truncated normal density integrates to 1 and its draws have the closed-form mean', () => {
    const [mu, sigma, low, high] = [0.2, 0.5, 0, 1];
    let integral = 0;
    const steps = 20_000;
    for (let i = 0; i < steps; i++) integral += Math.exp(truncNormLogPdf(low + ((i + 0.5) / steps) * (high - low), mu, sigma, low, high)) / steps;
    expect(integral).toBeCloseTo(1, 6);
    expect(truncNormLogPdf(1.5, mu, sigma, low, high)).toBe(-Infinity);
    // E[X] = mu + sigma (φ(α) - φ(β)) / (Φ(β) - Φ(α))
    const a = (low - mu) / sigma;
    const b = (high - mu) / sigma;
    const phi = (z: number) => Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
    const mean = mu + (sigma * (phi(a) - phi(b))) / (ndtr(b) - ndtr(a));
    const rng = new Rng(5);
    let s = 0;
    let inside = true;
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const x = sampleTruncNorm(rng, mu, sigma, low, high);
      inside &&= x >= low && x <= high;
      s += x;
    }
    expect(inside).toBe(true);
    expect(s / n).toBeCloseTo(mean, 2);
    // Far in a tail the draws stay inside the interval and near its lower end.
    const tail = Array.from({ length: 2000 }, () => sampleTruncNorm(rng, 0, 1, 20, 21));
    expect(Math.min(...tail)).toBeGreaterThanOrEqual(20);
    expect(tail.reduce((p, q) => p + q, 0) / 2000).toBeCloseTo(20 + 1 / 20, 1);
  });
});
