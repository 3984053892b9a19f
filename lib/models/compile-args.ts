/**
 * `compile()` options: validation, defaults (Keras's), and their resolution per model output,
 * with Keras 3's semantics: one loss applies to every output, a list gives one per output (by
 * position), an object one per output name; `lossWeights` likewise (1 where not given);
 * `metrics` is a list for a one-output model, and for several outputs a list with one entry per
 * output or an object by output name.
 */
import type { Shape } from '../layers/layer.js';
import { loss as resolveLoss, type Loss, type LossClassName } from '../training/losses.js';
import { optimizer as resolveOptimizer, type AnyOptimizer, type OptimizerName } from '../training/optimizers.js';
import { checkOptions, describe, isPlainObject, nearest, number, oneOf } from '../validate.js';
import { type MetricName, type MetricSpec, metricList } from './compile-metrics.js';

export { isMetricClass, metricList, metricSpec, type MetricClassName, type MetricName, type MetricSpec } from './compile-metrics.js';

/** A loss as `compile` takes it: a name (`'mse'`, `'binary_crossentropy'`, ...) or a `losses.*` object. */
export type LossIdentifier = string | Loss;

/** Options of `model.compile()`. */
export interface CompileArgs {
  /** An optimizer name or an `optimizers.*` object. Defaults to `'rmsprop'` (Keras's default). */
  optimizer?: OptimizerName | AnyOptimizer;
  /**
   * The loss: a name (`'mse'`, `'mae'`, `'huber'`, `'logcosh'`, `'binary_crossentropy'`,
   * `'categorical_crossentropy'`, `'sparse_categorical_crossentropy'`) or a `losses.*` object,
   * applied to every output; or, for a model with several outputs, an array (one per output) or
   * an object by output name. Required.
   */
  loss: LossIdentifier | LossIdentifier[] | Record<string, LossIdentifier>;
  /**
   * Weights of the outputs' losses in the total `loss` (Keras `loss_weights`): an array (one per
   * output) or an object by output name. Defaults to `1` for each output.
   */
  lossWeights?: number[] | Record<string, number>;
  /**
   * Metrics reported in the logs under the name given (`['mae']` gives `mae` and `val_mae`;
   * with several outputs, `<output>_mae`). One output: an array of names. Several outputs: an
   * array with one entry (a name, an array of names, or null) per output, or an object by output
   * name. `'accuracy'` picks binary, categorical or sparse categorical accuracy from the output's
   * loss and shape, as Keras does. Defaults to `[]`.
   */
  metrics?: (MetricName | MetricName[] | null)[] | Record<string, MetricName | MetricName[]>;
  /**
   * Keras's mixed-precision policy. `'mixed_bfloat16'` runs the forward pass in bfloat16
   * (LibTorch autocast: GEMMs in bf16, on CPUs with avx512_bf16/AMX and on CUDA) while weights,
   * losses and the optimizer stay float32; `'mixed_float16'` (CUDA only) does the same in
   * float16 with dynamic loss scaling (the scale starts at 2^15, halves on inf/NaN gradients,
   * whose step is skipped, and doubles after 2000 good steps; gradients are unscaled before
   * clipping). Defaults to `'float32'`.
   */
  precision?: Precision;
}

/** Keras mixed-precision policy names. */
export type Precision = 'float32' | 'mixed_bfloat16' | 'mixed_float16';

/** The policies {@link CompileArgs.precision} accepts. */
export const PRECISIONS: readonly Precision[] = ['float32', 'mixed_bfloat16', 'mixed_float16'];

/** The resolved compile configuration, per model output. */
export interface CompileConfig {
  optimizer: AnyOptimizer;
  /** One loss per output. */
  losses: Loss[];
  /** One weight per output. */
  lossWeights: number[];
  /** The metrics of each output. */
  metrics: MetricSpec[][];
  /** Keras mixed-precision policy. */
  precision: Precision;
  /** The output names (log keys `<output>_loss`, `<output>_<metric>` when there are several). */
  outputNames: string[];
}

/** The outputs a compile config is resolved against: names and shapes (batch first). */
export interface CompileOutputs {
  names: string[];
  shapes: Shape[];
}

/** One output of unknown shape: what a compile config is checked against without a model. */
export const SINGLE_OUTPUT: CompileOutputs = { names: ['output'], shapes: [[null, null]] };

/** The error for an object keyed by something that is not an output name. */
function unknownOutput(key: string, path: string, names: readonly string[]): RangeError {
  const near = nearest(key, names);
  return new RangeError(
    `${path} has the key ${JSON.stringify(key)}, which is not an output of the model (outputs: ${names.join(', ')})` + (near ? `; did you mean "${near}"?` : ''),
  );
}

/**
 * Spreads a per-output option over the outputs: `single(value)` says whether `value` is one item
 * for every output. Arrays go by position, objects by output name; `missing` fills an output an
 * object leaves out (`undefined`: every output must be named).
 */
export function perOutput<T>(
  value: unknown,
  outputs: CompileOutputs,
  path: string,
  single: (value: unknown) => boolean,
  missing?: () => T,
): { value: unknown; path: string }[] {
  const n = outputs.names.length;
  if (single(value)) return outputs.names.map(() => ({ value, path }));
  if (Array.isArray(value)) {
    if (value.length !== n) {
      throw new RangeError(`Expected ${n} entries for ${path} (one per output: ${outputs.names.join(', ')}) but received ${value.length}`);
    }
    return value.map((v, i) => ({ value: v, path: `${path}[${i}]` }));
  }
  if (isPlainObject(value)) {
    for (const key of Object.keys(value)) if (!outputs.names.includes(key)) throw unknownOutput(key, path, outputs.names);
    return outputs.names.map((name) => {
      if (!(name in value)) {
        if (missing) return { value: missing(), path: `${path}.${name}` };
        throw new RangeError(`${path} has no entry for the output ${JSON.stringify(name)}; give one for each output (${outputs.names.join(', ')})`);
      }
      return { value: value[name], path: `${path}.${name}` };
    });
  }
  throw new TypeError(`Expected one value, an array (one per output) or an object by output name for ${path} but received ${describe(value)} of type ${value === null ? 'null' : typeof value}`);
}

/** Resolves `loss` per output (`resolve` reads one item). */
export function lossesFor(
  value: unknown,
  outputs: CompileOutputs,
  path: string,
  resolve: (v: unknown, path: string) => Loss,
  single: (v: unknown) => boolean = (v) => !Array.isArray(v) && !isPlainObject(v),
): Loss[] {
  if (value === undefined || value === null) throw new TypeError(`Expected a loss name or a losses.* object for ${path} but received ${describe(value)}`);
  return perOutput(value, outputs, path, single).map(({ value: v, path: p }) => {
    if (v === null || v === undefined) {
      throw new RangeError(`${p} is ${describe(v)}; torch-lstm needs a loss for every output (give the output a loss, or build a model without it)`);
    }
    return resolve(v, p);
  });
}

/** Resolves `lossWeights` per output (1 where not given). */
export function lossWeightsFor(value: unknown, outputs: CompileOutputs, path: string): number[] {
  if (value === undefined || value === null) return outputs.names.map(() => 1);
  const single = (v: unknown) => typeof v === 'number' && outputs.names.length === 1;
  return perOutput(value, outputs, path, single, () => 1).map(({ value: v, path: p }) => number(v, p, { min: 0 }));
}

/**
 * Resolves `metrics` per output; `losses` give `'accuracy'` its class. One output: a flat list
 * (or a one-entry list of lists, or an object). Several: one entry per output, or an object.
 */
export function metricsFor(value: unknown, outputs: CompileOutputs, losses: readonly LossClassName[], path: string): MetricSpec[][] {
  const n = outputs.names.length;
  if (value === undefined || value === null) return outputs.names.map(() => []);
  const context = (i: number) => ({ loss: losses[i], outputShape: outputs.shapes[i] });
  const asList = (v: unknown) => (v === null || v === undefined ? [] : Array.isArray(v) ? v : [v]);
  if (Array.isArray(value) && n === 1) {
    const nested = value.length === 1 && Array.isArray(value[0]);
    return [metricList(nested ? value[0] : value, nested ? `${path}[0]` : path, context(0))];
  }
  if (!Array.isArray(value) && !isPlainObject(value)) {
    throw new TypeError(`Expected an array of metric names for ${path} but received ${describe(value)} of type ${typeof value}`);
  }
  if (Array.isArray(value) && value.length !== n) {
    throw new RangeError(
      `Expected ${n} entries for ${path} (one per output: ${outputs.names.join(', ')}), as Keras 3 reads a metrics list for a model ` +
        `with several outputs, but received ${value.length}; e.g. metrics: [['mae'], ['accuracy']] or { ${outputs.names[0]}: ['mae'] }`,
    );
  }
  return perOutput(value, outputs, path, () => false, () => []).map(({ value: v, path: p }, i) => metricList(asList(v), p, context(i)));
}

/** Validates `compile()` options against the model's outputs and fills the defaults. */
export function compileConfig(args: unknown, outputs: CompileOutputs = SINGLE_OUTPUT, path = 'compile'): CompileConfig {
  if (args === undefined) throw new TypeError(`Expected an options object with a loss for ${path} but received undefined`);
  const o = checkOptions<CompileArgs>(args, path, ['optimizer', 'loss', 'lossWeights', 'metrics', 'precision']);
  const optimizer = resolveOptimizer(o.optimizer ?? 'rmsprop', `${path}.optimizer`);
  const losses = lossesFor(o.loss, outputs, `${path}.loss`, resolveLoss);
  const lossWeights = lossWeightsFor(o.lossWeights, outputs, `${path}.lossWeights`);
  const metrics = metricsFor(o.metrics, outputs, losses.map((l) => l.className), `${path}.metrics`);
  const precision = o.precision === undefined ? 'float32' : oneOf(o.precision, `${path}.precision`, PRECISIONS);
  return { optimizer, losses, lossWeights, metrics, outputNames: [...outputs.names], precision };
}

/**
 * The log keys a fit reports for a compile config (without `val_` and `lr`): `loss`, then per
 * output `<output>_loss` and `<output>_<metric>` when there are several outputs, else `<metric>`.
 */
export function logKeys(config: CompileConfig): string[] {
  if (config.outputNames.length === 1) return ['loss', ...config.metrics[0]!.map((m) => m.name)];
  return [
    'loss',
    ...config.outputNames.map((o) => `${o}_loss`),
    ...config.outputNames.flatMap((o, i) => config.metrics[i]!.map((m) => `${o}_${m.name}`)),
  ];
}
