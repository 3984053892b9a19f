/**
 * Model compression (the article's section 6.3): magnitude pruning, one-shot or gradual during
 * fit, with masks the engine keeps through fine-tuning; knowledge distillation into a smaller
 * student with the size/speed/accuracy trade-off reported.
 */
export { prune, stripPruning } from './prune.js';
export type { PrunableModel, PruneArgs, PrunedWeight, PruningReport } from './prune.js';
export type { PruningScope } from './magnitude.js';
export type { WeightKind } from './model-weights.js';
export { pruningSchedule, PruningSchedule, PolynomialDecay, ConstantSparsity } from './pruning-schedule.js';
export type { PolynomialDecayArgs, ConstantSparsityArgs, PruningStep } from './pruning-schedule.js';
export { pruneCallback, PruneCallback } from './prune-callback.js';
export type { PruneCallbackArgs, PruningUpdate } from './prune-callback.js';
export { distill } from './distill.js';
export type { DistillArgs, DistillModel, DistillReport, DistillResult, DistilledModelFigures } from './distill.js';
