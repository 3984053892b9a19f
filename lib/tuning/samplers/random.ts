/**
 * RandomSampler (Optuna's): each parameter drawn independently and uniformly — log-uniformly
 * for `log` distributions; `int` and stepped `float` values uniformly over their grid.
 */
import { type Distribution, roundToStep } from '../distributions.js';
import type { FrozenTrial, ParamValue, StudyView } from '../frozen-trial.js';
import { Rng } from '../random.js';
import type { Sampler } from './sampler.js';

/** The bounds of a numeric distribution in the sampling domain: widened by step/2, log if `log`. */
export function numericDomain(d: Exclude<Distribution, { kind: 'categorical' }>): { low: number; high: number } {
  const half = d.step === null ? 0 : d.step / 2;
  const low = d.low - half;
  const high = d.high + half;
  return d.log ? { low: Math.log(low), high: Math.log(high) } : { low, high };
}

/** Maps a value of the sampling domain back onto the distribution (exp, onto the step grid, clipped). */
export function fromDomain(d: Exclude<Distribution, { kind: 'categorical' }>, x: number): number {
  let v = d.log ? Math.exp(x) : x;
  if (d.step !== null) v = d.kind === 'int' ? d.low + Math.round((v - d.low) / d.step) * d.step : roundToStep(v, d.low, d.step);
  return Math.min(Math.max(v, d.low), d.high);
}

/** A uniform draw from `d` with `rng`. */
export function sampleUniform(rng: Rng, d: Distribution): ParamValue {
  if (d.kind === 'categorical') return d.choices[rng.integer(d.choices.length)]!;
  if (d.low === d.high) return d.low;
  const { low, high } = numericDomain(d);
  return fromDomain(d, rng.uniform(low, high));
}

/** The stream a random draw for `name` in trial `number` uses (shared with TPE's startup trials). */
export function randomStream(seed: number, number: number, name: string): Rng {
  return Rng.derive(seed, number, name, 'random');
}

/** Samples every parameter uniformly at random. */
export class RandomSampler implements Sampler {
  readonly name = 'random';

  sample(study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): ParamValue {
    return sampleUniform(randomStream(study.seed, trial.number, name), distribution);
  }

  toJSON(): { name: string } {
    return { name: this.name };
  }
}

/**
 * A sampler that draws every parameter uniformly at random (Optuna's `RandomSampler`).
 * The stream of each (trial, parameter) derives from the study's seed.
 *
 * @example
 * const study = tuning.createStudy({ sampler: tuning.randomSampler(), seed: 1 });
 */
export function randomSampler(): RandomSampler {
  return new RandomSampler();
}
