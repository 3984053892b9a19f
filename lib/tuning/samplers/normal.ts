/**
 * The normal-distribution arithmetic TPE needs, in double precision and in log space where
 * tails matter: erfc, log Φ, the log mass of an interval, the truncated-normal log density and
 * inverse-CDF sampling of a truncated normal.
 */
import type { Rng } from '../random.js';

const SQRT2 = Math.SQRT2;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const LOG_SQRT_PI = 0.5 * Math.log(Math.PI);

/** erf(x) for |x| <= 3 by the series e^{-x²} Σ 2^n x^{2n+1} / (1·3···(2n+1)) (no cancellation). */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/**
 * log(erfc(x) e^{x²} √π) for x >= 2.5, by the continued fraction
 * erfc(x) = e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))) (modified Lentz).
 */
function logErfcScaledCf(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return -Math.log(f);
}

/** The complementary error function. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2.5) return 1 - erfSeries(x);
  return Math.exp(logErfcScaledCf(x) - x * x - LOG_SQRT_PI);
}

/** log(erfc(x)), finite far into the right tail. */
export function logErfc(x: number): number {
  if (x < 2.5) return Math.log(erfc(x));
  return logErfcScaledCf(x) - x * x - LOG_SQRT_PI;
}

/** The standard normal CDF Φ(z). */
export function ndtr(z: number): number {
  return 0.5 * erfc(-z / SQRT2);
}

/** log Φ(z), accurate in the left tail. */
export function logNdtr(z: number): number {
  if (z > 5) return Math.log1p(-0.5 * erfc(z / SQRT2));
  return Math.log(0.5) + logErfc(-z / SQRT2);
}

/** log φ(z), the standard normal log density. */
export function logPhi(z: number): number {
  return -0.5 * z * z - LOG_SQRT_2PI;
}

/** log(Φ(b) - Φ(a)) for a <= b, accurate when both lie in one tail. */
export function logGaussMass(a: number, b: number): number {
  if (!(a < b)) return -Infinity;
  if (a >= 0) return logGaussMass(-b, -a);
  if (b <= 0) {
    // Left tail: Φ(b) (1 - Φ(a)/Φ(b)).
    const lb = logNdtr(b);
    return lb + Math.log1p(-Math.exp(logNdtr(a) - lb));
  }
  // Straddles 0: 1 - Φ(a) - Φ(-b).
  return Math.log1p(-(ndtr(a) + ndtr(-b)));
}

/** The log density of N(mu, sigma²) truncated to [low, high] at x (-Infinity outside). */
export function truncNormLogPdf(x: number, mu: number, sigma: number, low: number, high: number): number {
  if (x < low || x > high) return -Infinity;
  const z = (x - mu) / sigma;
  return logPhi(z) - Math.log(sigma) - logGaussMass((low - mu) / sigma, (high - mu) / sigma);
}

/**
 * The standard normal quantile restricted to [a, b]: the x in [a, b] with
 * Φ(x) = Φ(a) + u (Φ(b) - Φ(a)), solved in log space by safeguarded Newton steps.
 */
function truncStdQuantile(u: number, a: number, b: number): number {
  if (a >= 0) return -truncStdQuantile(1 - u, -b, -a); // work in the left tail, where log Φ is exact
  const la = logNdtr(a);
  const lb = logNdtr(b);
  const r = Math.exp(la - lb); // Φ(a)/Φ(b) in [0, 1]
  const target = lb + Math.log(r + u * (1 - r));
  let lo = a;
  let hi = b;
  let x = Math.min(Math.max(0.5 * (a + b), a), b);
  if (!Number.isFinite(x)) x = Number.isFinite(a) ? a + 1 : Number.isFinite(b) ? b - 1 : 0;
  for (let i = 0; i < 200; i++) {
    const h = logNdtr(x) - target;
    if (h > 0) hi = x;
    else lo = x;
    // h'(x) = φ(x)/Φ(x)
    const slope = Math.exp(logPhi(x) - logNdtr(x));
    let next = x - h / slope;
    const bracketed = Number.isFinite(lo) && Number.isFinite(hi);
    if (!(next > lo && next < hi) || !Number.isFinite(next)) {
      if (!bracketed) next = h > 0 ? x - Math.max(1, Math.abs(x)) : x + Math.max(1, Math.abs(x));
      else next = 0.5 * (lo + hi);
    }
    if (Math.abs(next - x) <= 1e-14 * (1 + Math.abs(x))) return Math.min(Math.max(next, a), b);
    x = next;
  }
  return Math.min(Math.max(x, a), b);
}

/** A draw from N(mu, sigma²) truncated to [low, high]. */
export function sampleTruncNorm(rng: Rng, mu: number, sigma: number, low: number, high: number): number {
  if (!(low < high)) return low;
  const z = truncStdQuantile(rng.random(), (low - mu) / sigma, (high - mu) / sigma);
  return Math.min(Math.max(mu + sigma * z, low), high);
}

/** log Σ exp(values), stable. */
export function logSumExp(values: readonly number[]): number {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  if (max === -Infinity) return -Infinity;
  if (max === Infinity) return Infinity;
  let sum = 0;
  for (const v of values) sum += Math.exp(v - max);
  return max + Math.log(sum);
}
