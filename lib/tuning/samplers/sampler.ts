/**
 * The contract of a sampler: it proposes a value for one parameter of the running trial, from
 * the study's finished trials and its seed (Optuna's independent sampling).
 */
import type { Distribution } from '../distributions.js';
import type { FrozenTrial, JsonValue, ParamValue, StudyView } from '../frozen-trial.js';

export interface Sampler {
  /** `tpe`, `random`, `grid`, ... (stored in the study file). */
  readonly name: string;
  /** Called when a trial starts, before any suggestion (the grid sampler picks its point here). */
  beforeTrial?(study: StudyView, trial: FrozenTrial): void;
  /** The value of `name` for `trial`, drawn from `distribution`. */
  sample(study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): ParamValue;
  /** Whether the sampler has nothing left to propose (a grid fully visited). */
  isExhausted?(study: StudyView): boolean;
  /** The sampler's settings, as stored in the study file. */
  toJSON(): { name: string; [key: string]: JsonValue };
}
