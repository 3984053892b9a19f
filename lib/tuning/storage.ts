/**
 * The study file: one JSON document holding a study's settings and every trial, rewritten
 * atomically (written to a temporary file in the same folder, flushed, then renamed over the
 * old one) when a trial starts and when it ends, so a crash leaves either the previous or the
 * new version, never a torn one.
 *
 * JSON has no NaN or infinities; values and reported values that are not finite are stored as
 * the strings `"NaN"`, `"Infinity"` and `"-Infinity"`.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { checkDistribution, contains, type Distribution } from './distributions.js';
import type { FrozenTrial, JsonValue, ParamValue, TrialState } from './frozen-trial.js';
import { describe, isPlainObject } from '../validate.js';

export const STUDY_FORMAT = 'torch-lstm-study';
export const STUDY_FORMAT_VERSION = 1;

/** What the study file holds. */
export interface StudyFile {
  format: typeof STUDY_FORMAT;
  version: number;
  studyName: string;
  direction: 'minimize' | 'maximize';
  seed: number;
  sampler: JsonValue;
  pruner: JsonValue;
  trials: FrozenTrial[];
}

const STATES: readonly TrialState[] = ['WAITING', 'RUNNING', 'COMPLETE', 'PRUNED', 'FAIL'];

function encodeNumber(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

function decodeNumber(v: unknown, where: string): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  throw new TypeError(`Expected a number for ${where} but received ${describe(v)}`);
}

/** The file's JSON text. */
export function serializeStudy(file: StudyFile): string {
  const trials = file.trials.map((t) => ({
    ...t,
    value: t.value === null ? null : encodeNumber(t.value),
    intermediateValues: Object.fromEntries(Object.entries(t.intermediateValues).map(([k, v]) => [k, encodeNumber(v)])),
  }));
  return `${JSON.stringify({ ...file, trials }, null, 1)}\n`;
}

function fail(file: string, where: string, what: string, value: unknown): never {
  throw new TypeError(`${file} is not a valid study file: expected ${what} for ${where} but received ${describe(value)}`);
}

function readTrial(raw: unknown, i: number, file: string): FrozenTrial {
  const where = `trials[${i}]`;
  if (!isPlainObject(raw)) fail(file, where, 'an object', raw);
  if (raw.number !== i) fail(file, `${where}.number`, `${i}`, raw.number);
  if (!STATES.includes(raw.state as TrialState)) fail(file, `${where}.state`, `one of ${STATES.join(', ')}`, raw.state);
  if (!isPlainObject(raw.params)) fail(file, `${where}.params`, 'an object', raw.params);
  if (!isPlainObject(raw.distributions)) fail(file, `${where}.distributions`, 'an object', raw.distributions);
  const distributions: Record<string, Distribution> = {};
  const params: Record<string, ParamValue> = {};
  for (const [name, value] of Object.entries(raw.params)) {
    let d: Distribution;
    try {
      d = checkDistribution(raw.distributions[name], `${where}.distributions.${name}`);
    } catch (err) {
      throw new TypeError(`${file} is not a valid study file: ${(err as Error).message}`);
    }
    if (!contains(d, value)) fail(file, `${where}.params.${name}`, 'a value of its distribution', value);
    distributions[name] = d;
    params[name] = value as ParamValue;
  }
  const intermediateValues: Record<number, number> = {};
  if (!isPlainObject(raw.intermediateValues)) fail(file, `${where}.intermediateValues`, 'an object', raw.intermediateValues);
  for (const [k, v] of Object.entries(raw.intermediateValues)) {
    const step = Number(k);
    if (!Number.isInteger(step) || step < 0) fail(file, `${where}.intermediateValues`, 'integer steps >= 0', k);
    intermediateValues[step] = decodeNumber(v, `${where}.intermediateValues.${k}`);
  }
  const attrs = (key: 'userAttrs' | 'systemAttrs'): Record<string, JsonValue> => {
    const v = raw[key] ?? {};
    if (!isPlainObject(v)) fail(file, `${where}.${key}`, 'an object', v);
    return v as Record<string, JsonValue>;
  };
  const str = (key: 'datetimeStart' | 'datetimeComplete'): string | null => {
    const v = raw[key] ?? null;
    if (v !== null && typeof v !== 'string') fail(file, `${where}.${key}`, 'an ISO date string or null', v);
    return v as string | null;
  };
  const durationMs = raw.durationMs ?? null;
  if (durationMs !== null && typeof durationMs !== 'number') fail(file, `${where}.durationMs`, 'a number or null', durationMs);
  const trial: FrozenTrial = {
    number: i,
    state: raw.state as TrialState,
    params,
    distributions,
    value: raw.value === null || raw.value === undefined ? null : decodeNumber(raw.value, `${where}.value`),
    intermediateValues,
    datetimeStart: str('datetimeStart'),
    datetimeComplete: str('datetimeComplete'),
    durationMs: durationMs as number | null,
    userAttrs: attrs('userAttrs'),
    systemAttrs: attrs('systemAttrs'),
  };
  if (typeof raw.failReason === 'string') trial.failReason = raw.failReason;
  if (trial.state === 'COMPLETE' && (trial.value === null || Number.isNaN(trial.value))) {
    fail(file, `${where}.value`, 'a number (the trial is COMPLETE)', raw.value);
  }
  return trial;
}

/** Parses and checks a study file's text; `file` names it in errors. */
export function parseStudy(text: string, file: string): StudyFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new SyntaxError(`${file} is not a valid study file: ${(err as Error).message}`);
  }
  if (!isPlainObject(raw) || raw.format !== STUDY_FORMAT) fail(file, 'format', `"${STUDY_FORMAT}"`, isPlainObject(raw) ? raw.format : raw);
  if (raw.version !== STUDY_FORMAT_VERSION) fail(file, 'version', `${STUDY_FORMAT_VERSION}`, raw.version);
  if (raw.direction !== 'minimize' && raw.direction !== 'maximize') fail(file, 'direction', "'minimize' or 'maximize'", raw.direction);
  if (typeof raw.seed !== 'number' || !Number.isInteger(raw.seed)) fail(file, 'seed', 'an integer', raw.seed);
  if (typeof raw.studyName !== 'string') fail(file, 'studyName', 'a string', raw.studyName);
  if (!Array.isArray(raw.trials)) fail(file, 'trials', 'an array', raw.trials);
  return {
    format: STUDY_FORMAT,
    version: STUDY_FORMAT_VERSION,
    studyName: raw.studyName,
    direction: raw.direction,
    seed: raw.seed,
    sampler: (raw.sampler ?? null) as JsonValue,
    pruner: (raw.pruner ?? null) as JsonValue,
    trials: raw.trials.map((t: unknown, i: number) => readTrial(t, i, file)),
  };
}

/** Reads a study file; `undefined` when there is none. */
export function readStudyFile(file: string): StudyFile | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return parseStudy(text, file);
}

let tmpCounter = 0;

function tmpName(file: string): string {
  tmpCounter += 1;
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${tmpCounter}.tmp`);
}

/** Writes the study file atomically: temporary file, fsync, rename. */
export async function writeStudyFile(file: string, contents: StudyFile): Promise<void> {
  const tmp = tmpName(file);
  const text = serializeStudy(contents);
  try {
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => {});
    throw err;
  }
}

/** The synchronous twin of {@link writeStudyFile} (used when a study is created). */
export function writeStudyFileSync(file: string, contents: StudyFile): void {
  const tmp = tmpName(file);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, serializeStudy(contents));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}
