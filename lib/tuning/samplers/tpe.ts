/**
 * TPESampler: the Tree-structured Parzen Estimator with Optuna's defaults (independent, i.e.
 * `multivariate=False`).
 *
 * For each parameter of a trial: while fewer than `nStartupTrials` trials have finished
 * (COMPLETE or PRUNED), draw at random. Then rank the finished trials (complete ones by value;
 * pruned ones after them, those pruned later first, each by its last reported value), put the
 * best `gamma(n) = min(ceil(0.1 n), 25)` in "below" and the rest in "above", fit a Parzen
 * estimator l(x) to below's values of the parameter and g(x) to above's, draw `nEiCandidates`
 * candidates from l and return the one maximizing l(x)/g(x).
 */
import { contains, type Distribution, isSingle } from '../distributions.js';
import { type FrozenTrial, lastStep, type ParamValue, type StudyView } from '../frozen-trial.js';
import { Rng } from '../random.js';
import { boolean, checkOptions, func, integer, number } from '../../validate.js';
import { defaultWeights, ParzenEstimator, type ParzenEstimatorParameters } from './parzen-estimator.js';
import { randomStream, sampleUniform } from './random.js';
import type { Sampler } from './sampler.js';

/** Options of {@link tpeSampler}, Optuna's `TPESampler` arguments in camelCase. */
export interface TPESamplerArgs {
  /** Random draws until this many trials have finished. Defaults to `10`. */
  nStartupTrials?: number;
  /** Candidates drawn from l(x) per suggestion. Defaults to `24`. */
  nEiCandidates?: number;
  /** Weight of the prior kernel. Defaults to `1`. */
  priorWeight?: number;
  /** Clip kernel widths from below (the "magic clip"). Defaults to `true`. */
  considerMagicClip?: boolean;
  /** Let the bounds widen the outermost kernels. Defaults to `false`. */
  considerEndpoints?: boolean;
  /** Size of "below" given n finished trials. Defaults to `n => min(ceil(0.1 n), 25)`. */
  gamma?: (n: number) => number;
  /** Weights of n observations, oldest first. Defaults to Optuna's `default_weights`. */
  weights?: (n: number) => number[];
}

/** Optuna's `default_gamma`: `min(ceil(0.1 n), 25)`. */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** A trial's rank key: `[step key, signed value]`, compared lexicographically, lower is better. */
function scoreOf(t: FrozenTrial, sign: number): [number, number] {
  if (t.state === 'COMPLETE') return [-Infinity, sign * t.value!];
  const step = lastStep(t);
  if (step === undefined) return [Infinity, 0];
  const v = t.intermediateValues[step]!;
  return [-step, Number.isNaN(v) ? Infinity : sign * v];
}

/** Splits finished trials into the best `nBelow` and the rest, each in chronological order. */
export function splitTrials(trials: readonly FrozenTrial[], nBelow: number, direction: 'minimize' | 'maximize'): [FrozenTrial[], FrozenTrial[]] {
  const sign = direction === 'minimize' ? 1 : -1;
  const scores = trials.map((t) => scoreOf(t, sign));
  const order = trials
    .map((_, i) => i)
    .sort((a, b) => {
      const [sa, va] = scores[a]!;
      const [sb, vb] = scores[b]!;
      if (sa !== sb) return sa < sb ? -1 : 1;
      if (va !== vb) return va < vb ? -1 : 1;
      return a - b;
    });
  const below = order.slice(0, nBelow).sort((a, b) => a - b);
  const above = order.slice(nBelow).sort((a, b) => a - b);
  return [below.map((i) => trials[i]!), above.map((i) => trials[i]!)];
}

/** The internal values of `name` in `trials` that lie in `d` (categorical: choice indices). */
function observations(trials: readonly FrozenTrial[], name: string, d: Distribution): number[] {
  const out: number[] = [];
  for (const t of trials) {
    if (!(name in t.params)) continue;
    const v = t.params[name];
    if (!contains(d, v)) continue;
    out.push(d.kind === 'categorical' ? d.choices.indexOf(v as never) : (v as number));
  }
  return out;
}

/** The TPE sampler. */
export class TPESampler implements Sampler {
  readonly name = 'tpe';
  readonly nStartupTrials: number;
  readonly nEiCandidates: number;
  readonly #gamma: (n: number) => number;
  readonly #estimator: ParzenEstimatorParameters;
  readonly #custom: boolean;

  constructor(args?: TPESamplerArgs) {
    const o = checkOptions<TPESamplerArgs>(args, 'tpeSampler', [
      'nStartupTrials', 'nEiCandidates', 'priorWeight', 'considerMagicClip', 'considerEndpoints', 'gamma', 'weights',
    ]);
    this.nStartupTrials = o.nStartupTrials === undefined ? 10 : integer(o.nStartupTrials, 'tpeSampler.nStartupTrials', { min: 0 });
    this.nEiCandidates = o.nEiCandidates === undefined ? 24 : integer(o.nEiCandidates, 'tpeSampler.nEiCandidates', { min: 1 });
    this.#gamma = o.gamma === undefined ? defaultGamma : (func(o.gamma, 'tpeSampler.gamma') as (n: number) => number);
    this.#estimator = {
      priorWeight: o.priorWeight === undefined ? 1 : number(o.priorWeight, 'tpeSampler.priorWeight', { min: 0, minExclusive: true }),
      considerMagicClip: o.considerMagicClip === undefined ? true : boolean(o.considerMagicClip, 'tpeSampler.considerMagicClip'),
      considerEndpoints: o.considerEndpoints === undefined ? false : boolean(o.considerEndpoints, 'tpeSampler.considerEndpoints'),
      weights: o.weights === undefined ? defaultWeights : (func(o.weights, 'tpeSampler.weights') as (n: number) => number[]),
    };
    this.#custom = o.gamma !== undefined || o.weights !== undefined;
  }

  sample(study: StudyView, trial: FrozenTrial, name: string, d: Distribution): ParamValue {
    if (isSingle(d)) return d.kind === 'categorical' ? d.choices[0]! : d.low;
    const finished = study.trialRecords.filter((t) => t.state === 'COMPLETE' || t.state === 'PRUNED');
    const n = finished.length;
    if (n < this.nStartupTrials) return sampleUniform(randomStream(study.seed, trial.number, name), d);
    const nBelow = Math.min(Math.max(Math.floor(this.#gamma(n)), 0), n);
    const [below, above] = splitTrials(finished, nBelow, study.direction);
    const l = new ParzenEstimator(observations(below, name, d), d, this.#estimator);
    const g = new ParzenEstimator(observations(above, name, d), d, this.#estimator);
    const rng = Rng.derive(study.seed, trial.number, name, 'tpe');
    const candidates = l.sample(rng, this.nEiCandidates);
    const logL = l.logPdf(candidates);
    const logG = g.logPdf(candidates);
    let best = 0;
    let bestScore = -Infinity;
    candidates.forEach((_, i) => {
      const score = logL[i]! - logG[i]!;
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    });
    const x = candidates[best]!;
    return d.kind === 'categorical' ? d.choices[x]! : x;
  }

  toJSON(): { name: string; nStartupTrials: number; nEiCandidates: number; priorWeight: number; considerMagicClip: boolean; considerEndpoints: boolean; customGammaOrWeights: boolean } {
    return {
      name: this.name,
      nStartupTrials: this.nStartupTrials,
      nEiCandidates: this.nEiCandidates,
      priorWeight: this.#estimator.priorWeight,
      considerMagicClip: this.#estimator.considerMagicClip,
      considerEndpoints: this.#estimator.considerEndpoints,
      customGammaOrWeights: this.#custom,
    };
  }
}

/**
 * A Tree-structured Parzen Estimator sampler (Optuna's `TPESampler`, independent sampling).
 *
 * @example
 * const study = tuning.createStudy({ sampler: tuning.tpeSampler({ nStartupTrials: 5 }), seed: 42 });
 * @throws {TypeError|RangeError} an unknown or invalid option.
 */
export function tpeSampler(args?: TPESamplerArgs): TPESampler {
  return new TPESampler(args);
}
