/**
 * The models a server holds: each one's name, its input and output as the Open Inference
 * Protocol describes them (read from the model's Keras JSON, the output shape found by one
 * warm-up prediction), and its request queue.
 */
import { loadModel, type LoadedModel } from '../io/index.js';
import { Functional } from '../models/functional.js';
import type { PredictArgs } from '../models/call-args.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { describe, isPlainObject } from '../validate.js';
import { type Batch, Batcher, type BatcherOptions } from './batcher.js';

/**
 * What the server needs of a model: what every torch-lstm model (`sequential(...)`,
 * `loadModel(dir)`) has. The input shape comes from `getConfig()` (the first layer's
 * `inputShape`). Any object with these members serves, e.g. a wrapper that logs.
 *
 * @example
 * const logged: ServableModel = { name: 'co2', getConfig: () => model.getConfig(), predict: (x, a) => (console.log(x.shape), model.predict(x, a)) };
 */
export interface ServableModel {
  readonly name: string;
  predict(x: TensorLike, args?: PredictArgs): Promise<Tensor>;
  getConfig(): unknown;
  dispose?(): void;
}

/**
 * A model or the directory of a saved one (`model.save(dir)`).
 * @example
 * await serve({ live: model, previous: 'models/co2-v1' });
 */
export type ModelSource = ServableModel | string;

/**
 * A tensor as the protocol's metadata gives it: `-1` marks a free dimension (the batch one).
 * @example
 * { name: 'input_layer', datatype: 'FP32', shape: [-1, 10, 1] }
 */
export interface TensorInfo {
  name: string;
  datatype: 'FP32';
  shape: number[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Whether `value` has what {@link ServableModel} asks for. */
export function isServableModel(value: unknown): value is ServableModel {
  return typeof value === 'object' && value !== null && typeof (value as ServableModel).predict === 'function' && typeof (value as ServableModel).getConfig === 'function';
}

/**
 * A served model: metadata, queue and whether the server loaded it (and so disposes it).
 * @example
 * const y = await host.infer({ data, shape: [1, ...host.input.shape.slice(1)] });
 */
export class ModelHost {
  readonly version = '1';

  constructor(
    readonly name: string,
    readonly model: ServableModel,
    readonly input: TensorInfo,
    readonly output: TensorInfo,
    readonly owned: boolean,
    readonly batcher: Batcher,
  ) {}

  /** Runs `x` (already checked against {@link input}) through the queue. */
  infer(x: Batch): Promise<Batch> {
    return this.batcher.submit(x);
  }
}

/**
 * The names and sources `serve` was given, checked: a model alone is served under its name.
 * @example
 * modelSources({ co2: 'models/co2' }); // [['co2', 'models/co2']]
 * @throws {TypeError|RangeError} a value that is no model, a name unfit for a URL.
 */
export function modelSources(models: unknown): [string, ModelSource][] {
  if (isServableModel(models)) return [[checkName(models.name, 'the model\'s name'), models]];
  if (!isPlainObject(models)) throw new TypeError(`Expected a model or an object of { name: model | directory } for serve.models but received ${describe(models)}`);
  const entries = Object.entries(models);
  if (entries.length === 0) throw new RangeError('Expected at least one model for serve.models but received an empty object');
  return entries.map(([name, source]) => {
    checkName(name, `serve.models key ${JSON.stringify(name)}`);
    if (typeof source === 'string' && source.length > 0) return [name, source];
    if (isServableModel(source)) return [name, source];
    throw new TypeError(`Expected a model or a model directory for serve.models.${name} but received ${describe(source)}`);
  });
}

function checkName(name: unknown, what: string): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new RangeError(`Expected a model name of letters, digits, '_', '.' and '-' for ${what} but received ${describe(name)}`);
  }
  return name;
}

/**
 * A loaded model as a {@link ServableModel}: a functional model serves when it has one input and
 * one output (the protocols here carry one tensor each way).
 */
function servable(model: LoadedModel, name: string): ServableModel {
  if (!(model instanceof Functional)) return model;
  if (model.inputNames.length !== 1 || model.outputNames.length !== 1) {
    model.dispose();
    throw new RangeError(
      `Model "${name}" has ${model.inputNames.length} inputs and ${model.outputNames.length} outputs; serving takes models with one input and one output`,
    );
  }
  return {
    name: model.name,
    getConfig: () => model.getConfig(),
    predict: async (x, args) => (await model.predictOutputs(x, args))[0]!,
    dispose: () => model.dispose(),
  };
}

/**
 * Loads the directories, reads every model's input and output, and warms each up. On a
 * failure, disposes what it loaded and rejects with the cause, naming the model.
 * @example
 * const hosts = await hostModels([['co2', 'models/co2']], { enabled: true, maxBatchSize: 64, maxQueueDelayMs: 2, maxQueueSize: 1024 });
 */
export async function hostModels(sources: [string, ModelSource][], options: BatcherOptions): Promise<Map<string, ModelHost>> {
  const hosts = new Map<string, ModelHost>();
  const loaded: ServableModel[] = [];
  try {
    for (const [name, source] of sources) {
      const owned = typeof source === 'string';
      const model = owned ? servable(await loadModel(source), name) : source;
      if (owned) loaded.push(model);
      const input = inputInfo(model.getConfig(), name);
      const output = await outputInfo(model, input, name);
      const run = async (x: Batch): Promise<Batch> => {
        const y = await model.predict(x, { batchSize: Math.max(1, x.shape[0]!) });
        return { data: y.data, shape: y.shape };
      };
      hosts.set(name, new ModelHost(name, model, input, output, owned, new Batcher(run, options)));
    }
  } catch (err) {
    for (const model of loaded) model.dispose?.();
    throw err;
  }
  return hosts;
}

type Json = Record<string, unknown>;

/**
 * The model's input: the InputLayer (or first layer) of its Keras JSON, batch dimension as -1.
 * @example
 * inputInfo(model.getConfig(), 'co2'); // { name: 'input_layer', datatype: 'FP32', shape: [-1, 10, 1] }
 * @throws {RangeError} when the model has no input shape.
 */
export function inputInfo(config: unknown, modelName: string): TensorInfo {
  const layers = isPlainObject(config) && isPlainObject(config.config) && Array.isArray(config.config.layers) ? (config.config.layers as unknown[]) : [];
  const layer = layers[0];
  const inner = isPlainObject(layer) && isPlainObject(layer.config) ? (layer.config as Json) : {};
  const shape = inner.batch_shape ?? inner.batch_input_shape;
  if (Array.isArray(shape) && shape.length >= 2 && shape.slice(1).every((d) => d === null || (Number.isInteger(d) && (d as number) > 0))) {
    const layerName = typeof inner.name === 'string' ? inner.name : undefined;
    const name = layerName === undefined ? 'input_0' : isPlainObject(layer) && layer.class_name === 'InputLayer' ? layerName : `${layerName}_input`;
    return { name, datatype: 'FP32', shape: [-1, ...shape.slice(1).map((d) => (d === null ? -1 : (d as number)))] };
  }
  throw new RangeError(`Model "${modelName}" has no input shape to serve with; give its first layer an inputShape (e.g. layers.lstm({ units: 32, inputShape: [10, 1] }))`);
}

/** The model's output: named after its last layer, its shape found by predicting zeros. */
async function outputInfo(model: ServableModel, input: TensorInfo, modelName: string): Promise<TensorInfo> {
  const config = model.getConfig() as Json;
  const layers = isPlainObject(config.config) && Array.isArray(config.config.layers) ? (config.config.layers as unknown[]) : [];
  const last = layers.at(-1);
  const lastName = isPlainObject(last) && isPlainObject(last.config) ? last.config.name : undefined;
  const name = typeof lastName === 'string' && lastName !== input.name ? lastName : 'output_0';
  const probe = async (free: number): Promise<number[]> => {
    const shape = [1, ...input.shape.slice(1).map((d) => (d === -1 ? free : d))];
    const y = await model.predict({ data: new Float32Array(shape.reduce((a, b) => a * b, 1)), shape }, { batchSize: 1 });
    return y.shape.slice(1);
  };
  let rest: number[];
  try {
    rest = await probe(1);
    if (input.shape.slice(1).includes(-1)) {
      const other = await probe(2);
      rest = rest.map((d, i) => (other[i] === d ? d : -1));
    }
  } catch (err) {
    throw new Error(`Model "${modelName}" failed its warm-up prediction: ${(err as Error).message}`, { cause: err });
  }
  return { name, datatype: 'FP32', shape: [-1, ...rest] };
}
