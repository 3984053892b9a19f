/**
 * Hyperparameter tuning (the `tuning` namespace): scikit-learn's `ParameterGrid`, Optuna-style
 * studies (TPE, random and grid samplers, median pruner, JSON storage that resumes), and
 * model-level grid, random and TPE searches.
 */
export { parameterGrid } from './parameter-grid.js';
export type { Combination, ParameterGrid, ParamGridSpec, ParamSet } from './parameter-grid.js';
export { categorical, float, int } from './distributions.js';
export type {
  CategoricalChoice, CategoricalDistribution, Distribution, FloatArgs, FloatDistribution, IntArgs, IntDistribution,
} from './distributions.js';
export type { FrozenTrial, JsonValue, ParamValue, StudyView, TrialState } from './frozen-trial.js';
export { Trial, TrialPruned } from './trial.js';
export type { ValueOf } from './trial.js';
export { createStudy, Study } from './study.js';
export type { CreateStudyArgs, Objective, OptimizeArgs } from './study.js';
export type { Sampler } from './samplers/sampler.js';
export { RandomSampler, randomSampler } from './samplers/random.js';
export { TPESampler, tpeSampler } from './samplers/tpe.js';
export type { TPESamplerArgs } from './samplers/tpe.js';
export { GridSampler, gridSampler } from './samplers/grid.js';
export { MedianPruner, medianPruner, NopPruner, PercentilePruner, percentilePruner } from './pruners.js';
export type { MedianPrunerArgs, PercentilePrunerArgs, Pruner } from './pruners.js';
export { FIT_PARAMS, gridSearch, randomSearch, tpeSearch } from './search.js';
export type { BuildParams, SearchArgs, SearchFitArgs, SearchResult, SearchTrial, SpaceParams } from './search.js';
