/**
 * The univariate Parzen estimator of TPE (Optuna's `_ParzenEstimator` with `multivariate=False`):
 * a weighted mixture with one kernel per observation plus one prior kernel.
 *
 * Numeric parameters: truncated normals in the sampling domain (log for `log` distributions,
 * bounds widened by step/2 for `int` and stepped `float`); each kernel's sigma is the larger gap
 * to its neighbours among the sorted observations, the prior's centre and the bounds (the
 * outermost kernels use their inner gap: `consider_endpoints=False`), clipped to
 * [range / min(100, 1 + kernels), range] (the "magic clip"); the prior kernel sits at the
 * centre with sigma = range. Discrete values get the mass of their bin [x - step/2, x + step/2].
 *
 * Categorical parameters: each observation's kernel is `priorWeight / kernels` on every choice
 * plus 1 on the observed one, normalized; the prior kernel is uniform.
 *
 * Mixture weights: `weights(n)` for the observations (1 each below 25; older ones ramp down
 * beyond), `priorWeight` for the prior, normalized.
 */
import type { Distribution } from '../distributions.js';
import type { Rng } from '../random.js';
import { fromDomain, numericDomain } from './random.js';
import { logGaussMass, logPhi, logSumExp, sampleTruncNorm } from './normal.js';

/** Settings of the estimator (TPE's). */
export interface ParzenEstimatorParameters {
  priorWeight: number;
  considerMagicClip: boolean;
  considerEndpoints: boolean;
  /** Weights of n observations in chronological order. */
  weights: (n: number) => number[];
}

const EPS = 1e-12;

/** Optuna's `default_weights`: ones below 25 observations, else a ramp from 1/n to 1 then 25 ones. */
export function defaultWeights(n: number): number[] {
  if (n === 0) return [];
  if (n < 25) return new Array<number>(n).fill(1);
  const num = n - 25;
  const ramp = Array.from({ length: num }, (_, i) => (num === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (num - 1)));
  return [...ramp, ...new Array<number>(25).fill(1)];
}

/** Stable argsort. */
function argsort(values: readonly number[]): number[] {
  return values.map((_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);
}

/**
 * A mixture over one parameter. Values in and out are the parameter's internal representation:
 * the number itself for numeric distributions, the choice index for categorical ones.
 */
export class ParzenEstimator {
  readonly #d: Distribution;
  readonly #logWeights: number[];
  readonly #weights: number[];
  /** Numeric: kernel centres and widths in the sampling domain. */
  #mus: number[] = [];
  #sigmas: number[] = [];
  /** log of each kernel's mass on [low, high] (its truncation normalizer). */
  #logMass: number[] = [];
  #low = 0;
  #high = 0;
  /** Categorical: each kernel's probabilities over the choices. */
  #probs: number[][] = [];

  constructor(observations: readonly number[], distribution: Distribution, p: ParzenEstimatorParameters) {
    this.#d = distribution;
    const n = observations.length;
    let w: number[];
    if (n === 0) w = [1];
    else {
      w = p.weights(n).slice(0, n);
      w.push(p.priorWeight);
    }
    const total = w.reduce((a, b) => a + b, 0);
    this.#weights = w.map((x) => x / total);
    this.#logWeights = this.#weights.map((x) => Math.log(x));
    if (distribution.kind === 'categorical') this.#initCategorical(observations, distribution.choices.length, p);
    else this.#initNumeric(observations, distribution, p);
  }

  #initCategorical(observations: readonly number[], nChoices: number, p: ParzenEstimatorParameters): void {
    if (observations.length === 0) {
      this.#probs = [new Array<number>(nChoices).fill(1 / nChoices)];
      return;
    }
    const nKernels = observations.length + 1;
    const rows: number[][] = [];
    for (let k = 0; k < nKernels; k++) {
      const row = new Array<number>(nChoices).fill(p.priorWeight / nKernels);
      if (k < observations.length) row[observations[k]!]! += 1;
      const sum = row.reduce((a, b) => a + b, 0);
      rows.push(row.map((x) => (sum === 0 ? 1 / nChoices : x / sum)));
    }
    this.#probs = rows;
  }

  #initNumeric(observations: readonly number[], d: Exclude<Distribution, { kind: 'categorical' }>, p: ParzenEstimatorParameters): void {
    const { low, high } = numericDomain(d);
    this.#low = low;
    this.#high = high;
    const mus = observations.map((x) => (d.log ? Math.log(x) : x));
    const n = mus.length;
    const priorMu = 0.5 * (low + high);
    let sigmas: number[] = [];
    if (n > 0) {
      const withPrior = [...mus, priorMu];
      const order = argsort(withPrior);
      const sorted = order.map((i) => withPrior[i]!);
      const ends = [low, ...sorted, high];
      const m = sorted.length;
      const sortedSigmas = sorted.map((_, i) => Math.max(ends[i + 1]! - ends[i]!, ends[i + 2]! - ends[i + 1]!));
      if (!p.considerEndpoints && ends.length >= 4) {
        sortedSigmas[0] = ends[2]! - ends[1]!;
        sortedSigmas[m - 1] = ends[m]! - ends[m - 1]!;
      }
      const unsorted = new Array<number>(m);
      order.forEach((orig, k) => {
        unsorted[orig] = sortedSigmas[k]!;
      });
      const maxSigma = high - low;
      const minSigma = p.considerMagicClip ? (high - low) / Math.min(100, 1 + (n + 1)) : EPS;
      sigmas = unsorted.slice(0, n).map((s) => Math.min(Math.max(s, minSigma), maxSigma));
    }
    this.#mus = [...mus, priorMu];
    this.#sigmas = [...sigmas, high - low].map((s) => Math.max(s, EPS));
    this.#logMass = this.#mus.map((mu, k) => logGaussMass((low - mu) / this.#sigmas[k]!, (high - mu) / this.#sigmas[k]!));
  }

  /** `size` draws from the mixture (internal representation). */
  sample(rng: Rng, size: number): number[] {
    const out: number[] = [];
    const d = this.#d;
    for (let i = 0; i < size; i++) {
      const k = rng.choiceWeighted(this.#weights);
      if (d.kind === 'categorical') {
        out.push(rng.choiceWeighted(this.#probs[k]!));
      } else {
        const x = sampleTruncNorm(rng, this.#mus[k]!, this.#sigmas[k]!, this.#low, this.#high);
        out.push(fromDomain(d, x));
      }
    }
    return out;
  }

  /** The mixture's log density (log mass for discrete values) at each value. */
  logPdf(values: readonly number[]): number[] {
    return values.map((v) => {
      const terms = this.#logWeights.map((lw, k) => lw + this.#kernelLogPdf(k, v));
      return logSumExp(terms);
    });
  }

  #kernelLogPdf(k: number, v: number): number {
    const d = this.#d;
    if (d.kind === 'categorical') return Math.log(this.#probs[k]![v]!);
    const mu = this.#mus[k]!;
    const sigma = this.#sigmas[k]!;
    if (d.step === null) {
      const x = d.log ? Math.log(v) : v;
      if (x < this.#low || x > this.#high) return -Infinity;
      const z = (x - mu) / sigma;
      return logPhi(z) - Math.log(sigma) - this.#logMass[k]!;
    }
    const t = (x: number): number => (d.log ? Math.log(x) : x);
    const lo = Math.max(t(v - d.step / 2), this.#low);
    const hi = Math.min(t(v + d.step / 2), this.#high);
    return logGaussMass((lo - mu) / sigma, (hi - mu) / sigma) - this.#logMass[k]!;
  }
}
