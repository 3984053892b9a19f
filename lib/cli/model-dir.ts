/**
 * A model directory as the CLI writes it: the saved model (`model.json`, `weights.safetensors`,
 * `optimizer.safetensors`, see lib/io) plus `preprocessing.json` (the fitted pipeline, the
 * look-back and the column names), `history.json` (the fit history, for `report`) and
 * `metrics.json` (the held-out metrics). A directory written by `torch-lstm quantize` holds the
 * int8 model (the same `model.json` with `quantization`, int8 `weights.safetensors`), a copy of
 * the float model's `preprocessing.json` and `quantization.json` (the quantization report).
 *
 * {@link SeriesTransform} turns a series of levels into what the model sees (differences,
 * scaled) and predictions back into levels, from the TRUE levels before each one.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { loadModel } from '../io/load-model.js';
import { QuantizedModel } from '../models/quantized-model.js';
import { Sequential } from '../models/sequential.js';
import { Differencer, type DifferencerJSON } from '../preprocessing/differencer.js';
import { MinMaxScaler, type MinMaxScalerJSON } from '../preprocessing/min-max-scaler.js';
import { StandardScaler, type StandardScalerJSON } from '../preprocessing/standard-scaler.js';
import type { CsvSeries, Frequency } from './csv.js';
import { labelAt, testStartOf } from './data.js';
import { readJson, toJson } from './output.js';

export const PREPROCESSING_FILE = 'preprocessing.json';
export const HISTORY_FILE = 'history.json';
export const METRICS_FILE = 'metrics.json';
export const QUANTIZATION_FILE = 'quantization.json';
/** What `model.save` writes (lib/io/save-model.ts). */
const MODEL_FILES = ['model.json', 'weights.safetensors', 'optimizer.safetensors'];
const CLI_FILES = [PREPROCESSING_FILE, HISTORY_FILE, METRICS_FILE, QUANTIZATION_FILE];

const FORMAT = 'torch-lstm-preprocessing';
const FORMAT_VERSION = 1;

type StepJson = DifferencerJSON | MinMaxScalerJSON | StandardScalerJSON;
type Scaler = MinMaxScaler | StandardScaler;

/** `preprocessing.json`. */
export interface PreprocessingJson {
  format: typeof FORMAT;
  version: number;
  /** The modelled column and the date column it was trained with. */
  column: string;
  dateColumn: string | null;
  /** Time steps per input window. */
  lookBack: number;
  /** Season length of the seasonal-naive baseline and MASE. */
  seasonalPeriod: number;
  /** The fitted steps, in the order they transform (a Differencer, then a scaler). */
  pipeline: { className: 'Pipeline'; steps: StepJson[] };
  /** The data it was fitted on. */
  training: { csv: string; rows: number; trainRows: number; testFraction: number; frequency: Frequency | null; firstDate: string | null; lastDate: string | null };
}

/**
 * An optional Differencer followed by an optional scaler: levels -> model inputs, and
 * predictions -> levels.
 */
export class SeriesTransform {
  readonly differencer: Differencer | undefined;
  readonly scaler: Scaler | undefined;

  constructor(steps: readonly (Differencer | Scaler)[]) {
    const d = steps.filter((s): s is Differencer => s instanceof Differencer);
    const sc = steps.filter((s): s is Scaler => !(s instanceof Differencer));
    if (d.length > 1 || sc.length > 1 || (d.length === 1 && steps[0] !== d[0])) {
      throw new Error('Expected the preprocessing steps to be at most a Differencer followed by at most one scaler');
    }
    this.differencer = d[0];
    this.scaler = sc[0];
  }

  /** Levels lost at the start by the transform: model value `j` belongs to level `j + offset`. */
  get offset(): number {
    return this.differencer?.span ?? 0;
  }

  /** Fits every step on the training levels only. */
  fit(trainLevels: number[]): this {
    let z = trainLevels;
    if (this.differencer) z = this.differencer.fitTransform(z);
    this.scaler?.fit(z);
    return this;
  }

  /** Levels -> model values (`offset` shorter). */
  transform(levels: number[]): number[] {
    let z = levels;
    if (this.differencer) z = this.differencer.transform(z);
    if (this.scaler) z = this.scaler.transform(z);
    return z;
  }

  /** Model values -> differences (or levels, without a Differencer). */
  unscale(values: number[]): number[] {
    return this.scaler ? this.scaler.inverseTransform(values) : [...values];
  }

  /** One-step predictions (model units) of the levels `levels[start..]`, each from the true levels before it. */
  oneStepLevels(predicted: number[], levels: number[], start: number): number[] {
    const d = this.unscale(predicted);
    return this.differencer ? this.differencer.inverseOneStep(d, levels, start) : d;
  }

  /** A recursive forecast path (model units) -> levels continuing `levels`. */
  forecastLevels(path: number[], levels: number[]): number[] {
    const d = this.unscale(path);
    return this.differencer ? this.differencer.inverseTransform(d, { initial: levels }) : d;
  }

  toJSON(): PreprocessingJson['pipeline'] {
    return { className: 'Pipeline', steps: [...(this.differencer ? [this.differencer.toJSON()] : []), ...(this.scaler ? [this.scaler.toJSON()] : [])] };
  }

  static fromJSON(json: unknown, file: string): SeriesTransform {
    const steps = (json as { steps?: unknown } | null)?.steps;
    if (!Array.isArray(steps)) throw new Error(`${file}: "pipeline.steps" is not an array`);
    return new SeriesTransform(
      steps.map((s: unknown, i) => {
        const cls = (s as { className?: unknown } | null)?.className;
        if (cls === 'Differencer') return Differencer.fromJSON(s);
        if (cls === 'MinMaxScaler') return MinMaxScaler.fromJSON(s);
        if (cls === 'StandardScaler') return StandardScaler.fromJSON(s);
        throw new Error(`${file}: pipeline.steps[${i}] has an unknown className ${JSON.stringify(cls)}`);
      }),
    );
  }
}

/** The `preprocessing.json` of a model trained on `series` with `transform` fitted on its first `trainRows` values. */
export function preprocessingJson(
  series: CsvSeries,
  transform: SeriesTransform,
  o: { lookBack: number; seasonalPeriod: number; trainRows: number; testFraction: number },
): PreprocessingJson {
  const n = series.values.length;
  return {
    format: FORMAT,
    version: FORMAT_VERSION,
    column: series.column,
    dateColumn: series.dateColumn ?? null,
    lookBack: o.lookBack,
    seasonalPeriod: o.seasonalPeriod,
    pipeline: transform.toJSON(),
    training: {
      csv: path.basename(series.file),
      rows: n,
      trainRows: o.trainRows,
      testFraction: o.testFraction,
      frequency: series.frequency ?? null,
      firstDate: series.dates ? labelAt(series, 0) : null,
      lastDate: series.dates ? labelAt(series, n - 1) : null,
    },
  };
}

/**
 * Input windows of `lookBack` model values: window `k` is `z[k .. k + lookBack)` and predicts
 * level `k + lookBack + offset`. `from`/`to` bound the predicted level positions (half-open);
 * `to` may be `levels.length + 1` (the value after the series).
 */
export function windowsFor(z: number[], lookBack: number, offset: number, from: number, to: number): { x: number[][][]; first: number } {
  const first = Math.max(from, lookBack + offset);
  const x: number[][][] = [];
  for (let t = first; t < to; t++) {
    const k = t - lookBack - offset;
    x.push(z.slice(k, k + lookBack).map((v) => [v]));
  }
  return { x, first };
}

/**
 * The held-out tail as `evaluate` scores it: the last `testFraction` of `levels` (from
 * {@link testStartOf}), as input windows `x` predicting `levels[testStart..n)` and their targets
 * `y` in model units (`z`, the transformed series).
 * @throws when the tail is empty or its first value has fewer than look-back (+ differencing) values before it.
 */
export function heldOutWindows(
  levels: number[],
  file: string,
  prep: PreprocessingJson,
  transform: SeriesTransform,
  testFraction: number,
): { testStart: number; z: number[]; x: number[][][]; y: number[] } {
  const n = levels.length;
  const testStart = testStartOf(n, testFraction);
  const need = prep.lookBack + transform.offset;
  if (testStart < need || testStart >= n) {
    throw new Error(`${file}: ${n} values leave no scorable tail: the first scored value needs ${need} values before it; use a smaller --test-fraction or more rows`);
  }
  const z = transform.transform(levels);
  const { x } = windowsFor(z, prep.lookBack, transform.offset, testStart, n);
  return { testStart, z, x, y: z.slice(testStart - transform.offset, n - transform.offset) };
}

/**
 * Checks, before any training, that `dir` can receive a trained model: absent, or (with
 * `overwrite`) a directory holding nothing but what the CLI writes there. With `overwrite`,
 * the CLI's own files are removed so that `model.save` may replace the directory.
 */
export function checkOutDir(dir: string, overwrite: boolean): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new Error(`${dir} exists and is not a directory`);
  const entries = readdirSync(dir);
  if (entries.length === 0) return;
  if (!overwrite) throw new Error(`${dir} already exists; pass --overwrite to replace the model in it, or choose another --out`);
  const foreign = entries.filter((e) => !MODEL_FILES.includes(e) && !CLI_FILES.includes(e));
  if (foreign.length > 0) {
    throw new Error(`Refusing to replace ${dir}: it holds ${foreign.slice(0, 3).map((f) => JSON.stringify(f)).join(', ')}, which a torch-lstm model directory does not`);
  }
}

/** Saves the model (float or int8), then the CLI's files next to it (see the module comment). */
export async function saveModelDir(
  dir: string,
  model: Sequential | QuantizedModel,
  files: { preprocessing: PreprocessingJson; history?: unknown; metrics?: unknown; quantization?: unknown },
): Promise<string[]> {
  // model.save replaces a directory only when it holds nothing but a saved model's files.
  for (const f of CLI_FILES) rmSync(path.join(dir, f), { force: true });
  await model.save(dir, { overwrite: true });
  const written = readdirSync(dir).filter((f) => MODEL_FILES.includes(f));
  const extra: [string, unknown][] = [
    [PREPROCESSING_FILE, files.preprocessing],
    ...(files.history === undefined ? [] : [[HISTORY_FILE, files.history] as [string, unknown]]),
    ...(files.metrics === undefined ? [] : [[METRICS_FILE, files.metrics] as [string, unknown]]),
    ...(files.quantization === undefined ? [] : [[QUANTIZATION_FILE, files.quantization] as [string, unknown]]),
  ];
  for (const [name, value] of extra) {
    await writeFileAtomic(path.join(dir, name), [Buffer.from(toJson(value), 'utf8')], { overwrite: true });
    written.push(name);
  }
  return written;
}

/** A model directory read back: the model (float or int8), its preprocessing document and transform. */
export interface TrainedModel {
  model: Sequential | QuantizedModel;
  prep: PreprocessingJson;
  transform: SeriesTransform;
}

/** A model directory read back by a command that needs the float model. */
export interface FloatModel extends TrainedModel {
  model: Sequential;
}

/** Reads `preprocessing.json` of `dir`. */
export async function readPreprocessing(dir: string): Promise<{ prep: PreprocessingJson; transform: SeriesTransform }> {
  const file = path.join(dir, PREPROCESSING_FILE);
  if (!existsSync(file)) {
    throw new Error(
      existsSync(path.join(dir, 'model.json'))
        ? `${dir} holds a saved model but no ${PREPROCESSING_FILE}: the CLI needs the model's preprocessing (train it with \`torch-lstm train\`)`
        : existsSync(dir)
          ? `${dir} is not a model directory (no model.json or ${PREPROCESSING_FILE})`
          : `${dir}: no such model directory`,
    );
  }
  const prep = (await readJson(file)) as PreprocessingJson;
  if (prep === null || typeof prep !== 'object' || prep.format !== FORMAT) throw new Error(`${file} is not a torch-lstm preprocessing file (its "format" is not "${FORMAT}")`);
  if (typeof prep.version !== 'number' || prep.version > FORMAT_VERSION) {
    throw new Error(`${file} was written by a newer torch-lstm (version ${String(prep.version)}); upgrade torch-lstm to read it`);
  }
  if (!Number.isInteger(prep.lookBack) || prep.lookBack < 1) throw new Error(`${file}: "lookBack" is not a positive integer`);
  return { prep, transform: SeriesTransform.fromJSON(prep.pipeline, file) };
}

/**
 * Loads a model directory written by `train` (or `tune --out`), or by `quantize` (an int8
 * model: it predicts as the float model does, for inference only).
 */
export async function loadModelDir(dir: string): Promise<TrainedModel> {
  const { prep, transform } = await readPreprocessing(dir);
  const model = await loadModel(dir);
  if (!(model instanceof Sequential) && !(model instanceof QuantizedModel)) {
    model.dispose();
    throw new Error(`${dir} holds a functional model; the command line works with the Sequential models it trains`);
  }
  return { model, prep, transform };
}

/** {@link loadModelDir} for the commands that need the float model (to quantize it, to sample dropout). */
export async function loadFloatModelDir(dir: string, why = 'this command needs the float model'): Promise<FloatModel> {
  const loaded = await loadModelDir(dir);
  const { model } = loaded;
  if (!(model instanceof Sequential)) {
    model.dispose();
    throw new Error(`${dir} holds an int8 (quantized) model; ${why}`);
  }
  return { ...loaded, model };
}

/** Whether a loaded model is an int8 one (written by `torch-lstm quantize`). */
export function isQuantized(model: Sequential | QuantizedModel): model is QuantizedModel {
  return model instanceof QuantizedModel;
}
