/**
 * The record of one trial (Optuna's `FrozenTrial`) and the read-only view of a study that
 * samplers and pruners receive.
 */
import type { Distribution } from './distributions.js';

/**
 * Where a trial stands: `WAITING` (enqueued, not started), `RUNNING`, `COMPLETE` (the objective
 * returned a value), `PRUNED` (stopped early by the pruner), `FAIL` (the objective threw or
 * returned no number, or the process died while it ran).
 */
export type TrialState = 'WAITING' | 'RUNNING' | 'COMPLETE' | 'PRUNED' | 'FAIL';

/** A parameter's value: a number for `int`/`float`, one of the choices for `categorical`. */
export type ParamValue = string | number | boolean | null;

/** Data that a study file can hold. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One trial of a study, as recorded (a copy: changing it changes nothing). */
export interface FrozenTrial {
  /** 0-based, in creation order; continues across resumed runs. */
  number: number;
  state: TrialState;
  /** The suggested values, by parameter name. */
  params: Record<string, ParamValue>;
  /** The distribution each parameter was drawn from. */
  distributions: Record<string, Distribution>;
  /** The objective's value (`COMPLETE`), the last reported value (`PRUNED`), else `null`. */
  value: number | null;
  /** Values reported with `trial.report(value, step)`, by step. */
  intermediateValues: Record<number, number>;
  /** ISO time the trial started, `null` while `WAITING`. */
  datetimeStart: string | null;
  /** ISO time the trial finished, `null` while it has not. */
  datetimeComplete: string | null;
  /** Wall time of the trial in milliseconds, `null` while it has not finished. */
  durationMs: number | null;
  /** Data attached with `trial.setUserAttr` (the search helpers keep each trial's history here). */
  userAttrs: Record<string, JsonValue>;
  /** Data the samplers attach (the grid point of a grid trial, the params of an enqueued one). */
  systemAttrs: Record<string, JsonValue>;
  /** Why a `FAIL` trial failed. */
  failReason?: string;
}

/** What samplers and pruners may read of a study. */
export interface StudyView {
  readonly direction: 'minimize' | 'maximize';
  /** The study's seed: every random stream of the samplers derives from it. */
  readonly seed: number;
  /** Every trial, in number order (the running one included). Do not modify. */
  readonly trialRecords: readonly FrozenTrial[];
}

/** The last step reported, or `undefined`. */
export function lastStep(trial: FrozenTrial): number | undefined {
  let last: number | undefined;
  for (const key of Object.keys(trial.intermediateValues)) {
    const step = Number(key);
    if (last === undefined || step > last) last = step;
  }
  return last;
}

/** A deep copy of a trial record. */
export function copyTrial(t: FrozenTrial): FrozenTrial {
  return structuredClone(t);
}
