/**
 * Knowledge distillation for regression (Keras's `Distiller` example, Hinton et al. 2015): a
 * smaller student learns from a trained teacher's predictions, blended with the true targets,
 * and the size/speed/accuracy trade-off is reported.
 *
 * Regression has no softmax to soften, so the distillation loss is the student's loss to the
 * teacher's predictions, and `alpha` weighs the true targets against it:
 * `alpha * mse(s, y) + (1 - alpha) * mse(s, t)`. Its gradient is exactly that of
 * `mse(s, alpha * y + (1 - alpha) * t)` (the two differ by a constant,
 * `alpha (1 - alpha) mean((y - t)^2)`), so the student is trained with one ordinary `fit` on
 * the blended targets: no extra native loss, one crossing per epoch as any fit.
 */
import type { CompileArgs } from '../models/compile-args.js';
import type { FitArgs } from '../models/fit.js';
import { mae, rmse } from '../metrics/index.js';
import { pack, type Tensor, type TensorInput } from '../tensor.js';
import type { History } from '../training/callbacks/history.js';
import { loss as resolveLoss } from '../training/losses.js';
import * as v from '../validate.js';
import { batchOf, predictLatencyMs } from './latency.js';
import { countParams } from './model-weights.js';

/** What distillation needs of a model: every torch-lstm model is one. */
export interface DistillModel {
  compile(args: CompileArgs): void;
  fit(x: TensorInput, y: TensorInput, args?: FitArgs): Promise<History>;
  predict(x: TensorInput, args?: { batchSize?: number }): Promise<Tensor>;
  getWeights(): Tensor[];
}

/** Options of {@link distill}. */
export interface DistillArgs {
  /** The trained model to learn from; only its predictions are used. Required. */
  teacher: DistillModel;
  /** The smaller model to train (same input and output shapes); distill compiles it. Required. */
  student: DistillModel;
  /** Training inputs. Required. */
  x: TensorInput;
  /** True targets; without them the student learns the teacher's predictions alone (`alpha` 0). */
  y?: TensorInput;
  /**
   * Softmax temperature of classification distillation. Regression outputs have no softmax to
   * soften, so it must be `1` here; it is kept for the classification losses to come. Defaults to `1`.
   */
  temperature?: number;
  /**
   * Weight of the true-target loss against the distillation loss, in [0, 1]: the student is fit
   * to `alpha * y + (1 - alpha) * teacherPrediction`. Defaults to `0.5` with `y`, `0` without.
   */
  alpha?: number;
  /**
   * The student's compile options (Keras's `Distiller.compile`: optimizer, student loss,
   * metrics); a regression loss. Compiling resets the student's optimizer state.
   * Defaults to `{ optimizer: 'adam', loss: 'mse' }`.
   */
  compile?: CompileArgs;
  /**
   * Options of the student's `fit` (epochs, batchSize, callbacks, ...). With
   * `validationData: [xVal, yVal]` the student validates against the true `yVal`, and the report
   * gives both models' RMSE and MAE on it. Defaults to `{}`.
   */
  fit?: FitArgs;
  /** Predict calls timed per model and batch size (the median is reported). Defaults to `20`. */
  latencyRuns?: number;
}

/** One model's figures in a {@link DistillReport}. */
export interface DistilledModelFigures {
  params: number;
  /** On `fit.validationData`, in the units of `y`; absent without validation data. */
  rmse?: number;
  mae?: number;
  /** Median milliseconds of one `predict` call on 1 and on 256 samples. */
  latencyMs: { batch1: number; batch256: number };
}

/** The size/speed/accuracy trade-off of a distillation. */
export interface DistillReport {
  teacherParams: number;
  studentParams: number;
  /** `studentParams / teacherParams`. */
  ratio: number;
  alpha: number;
  temperature: number;
  teacher: DistilledModelFigures;
  student: DistilledModelFigures;
}

/** What {@link distill} resolves with. */
export interface DistillResult {
  /** The student's training history. */
  history: History;
  report: DistillReport;
}

const OPTIONS = ['teacher', 'student', 'x', 'y', 'temperature', 'alpha', 'compile', 'fit', 'latencyRuns'] as const;

/** Loss names of classification, which distill does not support yet. */
const CLASSIFICATION = /crossentropy|kl_?divergence|kullback|^kld$|hinge|focal/i;

function modelOption(value: unknown, name: string): DistillModel {
  const m = value as Partial<DistillModel> | null;
  if (typeof m !== 'object' || m === null || typeof m.predict !== 'function' || typeof m.fit !== 'function' || typeof m.compile !== 'function') {
    throw v.typeError('a torch-lstm model (from sequential([...]))', name, value);
  }
  return m as DistillModel;
}

function compileOption(value: unknown): CompileArgs {
  if (value === undefined) return { optimizer: 'adam', loss: 'mse' };
  const o = v.checkOptions<CompileArgs>(value, 'distill.compile', ['optimizer', 'loss', 'metrics']);
  const lossName = typeof o.loss === 'string' ? o.loss : undefined;
  if (lossName !== undefined && CLASSIFICATION.test(lossName)) {
    throw new RangeError(
      `distill supports regression losses (mse, mae, huber, logcosh) for now, but distill.compile.loss is ${JSON.stringify(lossName)}; ` +
        'classification distillation (softmax with a temperature) comes with the classification losses',
    );
  }
  resolveLoss(o.loss, 'distill.compile.loss');
  return o as CompileArgs;
}

/** `alpha * y + (1 - alpha) * t`. */
export function blendTargets(y: Float32Array, t: Float32Array, alpha: number): Float32Array {
  const out = new Float32Array(t.length);
  for (let i = 0; i < t.length; i++) out[i] = alpha * y[i]! + (1 - alpha) * t[i]!;
  return out;
}

/**
 * Distills `teacher` into the smaller `student` for a regression task: the teacher predicts
 * `x` once, the student is compiled (`compile`) and fit on `alpha * y + (1 - alpha) *
 * teacherPrediction`, which is the gradient of `alpha * mse(s, y) + (1 - alpha) * mse(s, t)`
 * (see the module notes; with mae, huber or logcosh the student minimizes its loss to the
 * blended target instead). The report gives both models' parameters, their RMSE and MAE on
 * `fit.validationData` when given, and their predict latency at batch 1 and 256.
 *
 * @example
 * const student = sequential([layers.lstm({ units: 16, inputShape: [24, 1] }), layers.dense({ units: 1 })]);
 * const { report } = await compression.distill({
 *   teacher, student, x: xTrain, y: yTrain, alpha: 0.5,
 *   fit: { epochs: 60, batchSize: 32, validationData: [xVal, yVal] },
 * });
 * console.log(report.ratio, report.student.rmse, report.teacher.rmse);
 * @throws (as a rejection) {TypeError|RangeError} a wrong option, named by its path
 *   (`distill.alpha`, `distill.compile.loss`); the teacher's or student's errors from predict and fit.
 */
export async function distill(args: DistillArgs): Promise<DistillResult> {
  if (args === undefined) throw v.typeError('an options object with teacher, student and x', 'distill', args);
  const o = v.checkOptions<DistillArgs>(args, 'distill', OPTIONS);
  const teacher = modelOption(o.teacher, 'distill.teacher');
  const student = modelOption(o.student, 'distill.student');
  if (teacher === student) throw new RangeError('distill.student is the teacher itself; pass a separate, smaller model');
  const temperature = o.temperature === undefined ? 1 : v.number(o.temperature, 'distill.temperature', { min: 0, minExclusive: true });
  if (temperature !== 1) {
    throw new RangeError(
      `${v.expectedMessage('1', 'distill.temperature', temperature)}: a regression output has no softmax for a temperature to soften`,
    );
  }
  const alpha = o.alpha === undefined ? (o.y === undefined ? 0 : 0.5) : v.number(o.alpha, 'distill.alpha', { min: 0, max: 1 });
  if (o.y === undefined && alpha !== 0) {
    throw new RangeError(`distill.alpha is ${alpha} but no distill.y was given; without true targets alpha must be 0`);
  }
  const compile = compileOption(o.compile);
  if (o.fit !== undefined && !v.isPlainObject(o.fit)) throw v.typeError('an options object', 'distill.fit', o.fit);
  const fitArgs: FitArgs = o.fit ?? {}; // checked by the student's fit
  const runs = o.latencyRuns === undefined ? 20 : v.integer(o.latencyRuns, 'distill.latencyRuns', { min: 1 });
  const x = pack(o.x, 'distill.x');

  const teacherPred = await teacher.predict(x, { batchSize: 256 });
  let targets = teacherPred.data;
  if (o.y !== undefined) {
    const y = pack(o.y, 'distill.y');
    // `[n]` targets for `[n, 1]` predictions are fine, as in fit.
    if (y.shape[0] !== teacherPred.shape[0] || y.data.length !== teacherPred.data.length) {
      throw new RangeError(`distill.y has shape [${y.shape.join(', ')}] but the teacher predicts [${teacherPred.shape.join(', ')}] for distill.x`);
    }
    targets = blendTargets(y.data, teacherPred.data, alpha);
  }
  student.compile(compile);
  const history = await student.fit(x, { data: targets, shape: teacherPred.shape }, fitArgs);

  const figures = async (model: DistillModel): Promise<DistilledModelFigures> => {
    const out: DistilledModelFigures = { params: countParams(model.getWeights()), latencyMs: { batch1: 0, batch256: 0 } };
    if (fitArgs.validationData) {
      const [xv, yv] = fitArgs.validationData;
      const truth = pack(yv, 'distill.fit.validationData[1]').data;
      const pred = (await model.predict(xv as TensorInput, { batchSize: 256 })).data;
      out.rmse = rmse(truth, pred);
      out.mae = mae(truth, pred);
    }
    out.latencyMs.batch1 = await predictLatencyMs(model, batchOf(x, 1), runs);
    out.latencyMs.batch256 = await predictLatencyMs(model, batchOf(x, 256), runs);
    return out;
  };
  const teacherFigures = await figures(teacher);
  const studentFigures = await figures(student);
  return {
    history,
    report: {
      teacherParams: teacherFigures.params,
      studentParams: studentFigures.params,
      ratio: studentFigures.params / teacherFigures.params,
      alpha,
      temperature,
      teacher: teacherFigures,
      student: studentFigures,
    },
  };
}
