/**
 * Training callbacks: Keras's callback set with camelCase names.
 */
export { Callback } from './callback.js';
export type { CallbackHooks, CallbackModel, Logs, TrainingParams } from './callback.js';
export { CallbackList, normalizeCallbacks } from './callback-list.js';
export type { CallbackListOptions } from './callback-list.js';
export { EarlyStopping, earlyStopping } from './early-stopping.js';
export type { EarlyStoppingArgs, EarlyStoppingConfig, MonitorMode } from './early-stopping.js';
export { History } from './history.js';
export { LambdaCallback, lambdaCallback } from './lambda-callback.js';
export type { LambdaCallbackArgs } from './lambda-callback.js';
export { ProgressLogger } from './progress-logger.js';
export type { ProgressLoggerArgs, ProgressStream } from './progress-logger.js';
export { LEARNING_RATE_LOG_KEY, ReduceLROnPlateau, reduceLROnPlateau } from './reduce-lr-on-plateau.js';
export type { ReduceLROnPlateauArgs, ReduceLROnPlateauConfig } from './reduce-lr-on-plateau.js';
export { LossReport, lossReport } from './loss-report.js';
export type { LossReportArgs } from './loss-report.js';
export { ModelCheckpoint, modelCheckpoint, type ModelCheckpointArgs, type ModelCheckpointConfig } from './model-checkpoint.js';
