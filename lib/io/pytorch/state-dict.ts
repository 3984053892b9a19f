/**
 * Weights exchanged with PyTorch as a `state_dict`: `toPytorchStateDict` / `saveStateDict` write
 * PyTorch's names and layouts, `fromPytorchStateDict` / `loadStateDict` read them (a safetensors
 * file, as `safetensors.torch.save_file(module.state_dict(), path)` writes it).
 *
 * Naming: each Keras layer is a PyTorch module named after the layer (`lstm`, `lstm_1`,
 * `dense`), so a PyTorch model mirrors a torch-lstm one by naming its submodules the same:
 *
 *   torch-lstm                               PyTorch (`self.<name> = ...`)
 *   layers.lstm({ units: H }) named lstm     lstm = nn.LSTM(F, H, batch_first=True):
 *                                              lstm.weight_ih_l0 [4H, F], lstm.weight_hh_l0 [4H, H],
 *                                              lstm.bias_ih_l0 [4H], lstm.bias_hh_l0 [4H]
 *   layers.gru({ units: H }) named gru       gru = nn.GRU(F, H, batch_first=True): gru.weight_ih_l0 [3H, F]
 *     (resetAfter: true, the default)          (gates r, z, n), gru.weight_hh_l0 [3H, H], gru.bias_ih_l0 [3H],
 *                                              gru.bias_hh_l0 [3H]
 *   layers.bidirectional({ layer: lstm/gru })  bi = nn.LSTM/GRU(..., bidirectional=True): the forward tensors,
 *     named bi                                 then bi.weight_ih_l0_reverse, ... (mergeMode 'concat')
 *   layers.dense({ units: N }) named dense   dense = nn.Linear(in, N): dense.weight [N, in], dense.bias [N]
 *   layers.embedding(...) named embedding    embedding = nn.Embedding(inputDim, outputDim): embedding.weight
 *   layers.layerNormalization() named norm   norm = nn.LayerNorm(features, eps): norm.weight (gamma), norm.bias (beta)
 *   layers.dropout(...), ...                 (no weights)
 *
 * The `modules` option renames: `{ dense: 'head.fc' }` reads and writes `head.fc.weight`; and
 * `{ lstm: 'rnn', lstm_1: { module: 'rnn', layer: 1 } }` maps two stacked Keras LSTMs (GRUs,
 * Bidirectionals) onto one `nn.LSTM(num_layers=2)` (`rnn.weight_ih_l0`, `rnn.weight_ih_l1`, ...).
 * Sequential and functional models map alike (layers by name). A layer kind without a PyTorch
 * counterpart, or one whose options have none (a GRU with `resetAfter: false`), is an error
 * naming the layer and why.
 */
import { createRequire } from 'node:module';
import type { BidirectionalConfig, DenseConfig, EmbeddingConfig, GRUConfig, LayerNormalizationConfig, LSTMConfig } from '../../layers/index.js';
import { functionalFromKeras, isFunctionalJson, modelFromKeras } from '../../serialization/keras-json.js';
import { pack, Tensor, type TensorLike } from '../../tensor.js';
import { checkOptions, describe, integer, isPlainObject, nearest } from '../../validate.js';
import { writeFileAtomic } from '../atomic.js';
import { ModelFileError } from '../errors.js';
import { MODEL_IO, type SavableModel, type WeightName } from '../model-io.js';
import { encodeSafetensors, readSafetensors } from '../safetensors.js';
import { float32Tensors } from '../weights-file.js';
import type { Float32Weight, LayerConverter, PytorchModuleRef } from './converter.js';
import { bidirectionalConverter } from './bidirectional.js';
import { denseConverter } from './dense.js';
import { embeddingConverter } from './embedding.js';
import { gruConverter } from './gru.js';
import { layerNormalizationConverter } from './layer-normalization.js';
import { lstmConverter } from './lstm.js';

/** The config of each layer kind with a PyTorch mapping, by Keras class name. */
interface ConvertibleConfigs {
  LSTM: LSTMConfig;
  GRU: GRUConfig;
  Bidirectional: BidirectionalConfig;
  Dense: DenseConfig;
  LayerNormalization: LayerNormalizationConfig;
  Embedding: EmbeddingConfig;
}

/** Converters by Keras class name; a weighted layer kind missing here is an error naming it. */
const CONVERTERS: { readonly [K in keyof ConvertibleConfigs]: LayerConverter<ConvertibleConfigs[K]> } = {
  LSTM: lstmConverter,
  GRU: gruConverter,
  Bidirectional: bidirectionalConverter,
  Dense: denseConverter,
  LayerNormalization: layerNormalizationConverter,
  Embedding: embeddingConverter,
};

/** A layer as data: its Keras class name and its config (`getConfig()`). */
interface LayerSpec {
  className: string;
  config: { name: string };
}

/** Options of every state_dict function. */
export interface StateDictArgs {
  /**
   * The PyTorch module of a layer, by Keras layer name: a name (`'rnn'`, `'head.fc'`), or
   * `{ module, layer }` for layer k of a multi-layer `nn.LSTM`. Defaults to the layer's name, layer 0.
   */
  modules?: Readonly<Record<string, string | PytorchModuleRef>>;
}

/** Options of {@link saveStateDict}. */
export interface SaveStateDictArgs extends StateDictArgs {
  /** Replace an existing file. Defaults to `true`. */
  overwrite?: boolean;
}

/** Options of {@link fromPytorchStateDict} and {@link loadStateDict}. */
export interface LoadStateDictArgs extends StateDictArgs {
  /**
   * As PyTorch's `load_state_dict(strict=...)`: whether a tensor no layer takes is an error.
   * A missing tensor always is. Defaults to `true`.
   */
  strict?: boolean;
}

/** One weighted layer of the model, with its weights' names and shapes and its module. */
interface LayerEntry {
  spec: LayerSpec;
  label: string;
  weights: WeightName[];
  module: string;
  layer: number;
  converter: LayerConverter<LayerSpec['config']>;
}

function checkModel(model: unknown, name: string): asserts model is SavableModel {
  if (typeof (model as SavableModel | null)?.[MODEL_IO] !== 'function') {
    throw new TypeError(`Expected a float model (sequential([...]) or loadModel(...)) for ${name} but received ${describe(model)} of type ${model === null ? 'null' : typeof model}`);
  }
}

const MODULE_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;

/** The model's weighted layers and their modules, with `modules` checked. */
function layerEntries(model: SavableModel, modules: unknown, path: string): LayerEntry[] {
  const json = model.getConfig();
  const modelLayers = isFunctionalJson(json) ? functionalFromKeras(json).layers : modelFromKeras(json).layers;
  const specs: LayerSpec[] = modelLayers.map((l) => ({ className: l.className, config: l.getConfig() }));
  const names = model[MODEL_IO]().weightNames();
  const layerNames = specs.filter((s) => s.className !== 'InputLayer').map((s) => s.config.name);
  if (modules !== undefined && !isPlainObject(modules)) {
    throw new TypeError(`Expected an object { layerName: moduleName } for ${path}.modules but received ${describe(modules)}`);
  }
  const refs = (modules ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(refs)) {
    if (!layerNames.includes(key)) {
      const near = nearest(key, layerNames);
      throw new RangeError(`${path}.modules names "${key}", which is not a layer of the model` + (near ? `; did you mean "${near}"?` : ` (its layers: ${layerNames.join(', ')})`));
    }
  }
  const seen = new Map<string, string>();
  const entries: LayerEntry[] = [];
  specs.forEach((spec, i) => {
    const name = spec.config.name;
    const label = `layers[${i}] (${name})`;
    const weights = names.filter((w) => w.name.startsWith(`${name}/`));
    if (weights.length === 0) return;
    const converter = (Object.hasOwn(CONVERTERS, spec.className) ? CONVERTERS[spec.className as keyof ConvertibleConfigs] : undefined) as
      | LayerConverter<LayerSpec['config']>
      | undefined;
    if (!converter) {
      throw new RangeError(
        `${label} is a ${spec.className} layer, whose weights torch-lstm cannot map to PyTorch's yet (it maps ${Object.keys(CONVERTERS).join(', ')})`,
      );
    }
    const refused = converter.refuse?.(spec.config);
    if (refused) throw new RangeError(`${label} ${refused}`);
    const raw = refs[name] ?? name;
    const where = `${path}.modules.${name}`;
    let module: string;
    let layer = 0;
    if (typeof raw === 'string') module = raw;
    else if (isPlainObject(raw)) {
      const o = checkOptions<PytorchModuleRef>(raw, where, ['module', 'layer']);
      if (typeof o.module !== 'string') throw new TypeError(`Expected a module name for ${where}.module but received ${describe(o.module)}`);
      module = o.module;
      if (o.layer !== undefined) layer = integer(o.layer, `${where}.layer`, { min: 0 });
    } else {
      throw new TypeError(`Expected a module name or { module, layer } for ${where} but received ${describe(raw)}`);
    }
    if (!MODULE_PATH.test(module)) throw new RangeError(`Expected a PyTorch module path such as "rnn" or "encoder.rnn" for ${where} but received ${describe(module)}`);
    if (layer > 0 && !converter.multiLayer) throw new RangeError(`${where}.layer is ${layer}, but a ${spec.className} layer is a single-layer module`);
    const slot = `${module}#${layer}`;
    const other = seen.get(slot);
    if (other) throw new RangeError(`${label} and ${other} both map to PyTorch module "${module}" layer ${layer}; give each its own module or layer`);
    seen.set(slot, label);
    entries.push({ spec, label, weights, module, layer, converter });
  });
  return entries;
}

/**
 * The model's weights as a PyTorch `state_dict`: names `<layer>.weight_ih_l0`, ...,
 * `<layer>.weight`, `<layer>.bias` (see the module comment), PyTorch's layouts, in
 * `state_dict()` order. A snapshot: the data is copied out of the model.
 *
 * @example
 * const sd = toPytorchStateDict(model);
 * Object.keys(sd); // ['lstm.weight_ih_l0', 'lstm.weight_hh_l0', 'lstm.bias_ih_l0', 'lstm.bias_hh_l0', 'dense.weight', 'dense.bias']
 * sd['lstm.weight_ih_l0'].shape; // [4 * units, features]
 * @throws {TypeError|RangeError} a wrong `modules` option, a layer kind without a PyTorch mapping.
 */
export function toPytorchStateDict(model: SavableModel, args?: StateDictArgs): Record<string, Tensor> {
  checkModel(model, 'toPytorchStateDict.model');
  const o = checkOptions<StateDictArgs>(args, 'toPytorchStateDict', ['modules']);
  return stateDict(model, o.modules, 'toPytorchStateDict');
}

function stateDict(model: SavableModel, modules: unknown, path: string): Record<string, Tensor> {
  const entries = layerEntries(model, modules, path);
  const values = model.getWeights();
  const all = model[MODEL_IO]().weightNames();
  const byName = new Map<string, Float32Weight>(all.map((w, i) => [w.name, { shape: [...values[i]!.shape], data: values[i]!.data }]));
  const out: Record<string, Tensor> = {};
  for (const e of entries) {
    const weight = (name: string) => byName.get(`${e.spec.config.name}/${name}`)!;
    for (const { key, tensor } of e.converter.toPytorch({ config: e.spec.config, module: e.module, layer: e.layer, suffix: '', label: e.label, weight })) {
      out[key] = new Tensor(tensor.data, tensor.shape);
    }
  }
  return out;
}

/** Sets the model's weights from named tensors; `fail` raises the error (a RangeError, or a ModelFileError naming the file). */
function importStateDict(
  model: SavableModel,
  tensors: ReadonlyMap<string, Float32Weight>,
  args: { modules?: unknown; strict: boolean },
  path: string,
  fail: (problem: string) => never,
): void {
  const entries = layerEntries(model, args.modules, path);
  const used = new Set<string>();
  const imported = new Map<string, Float32Array>();
  const shapeText = (s: readonly number[]) => `[${s.join(', ')}]`;
  for (const e of entries) {
    const take = (key: string, shape: readonly number[]): Float32Array => {
      const t = tensors.get(key);
      if (!t) {
        const prefix = key.slice(0, key.lastIndexOf('.') + 1);
        const near = [...tensors.keys()].filter((k) => k.startsWith(prefix) || k.endsWith(key.slice(prefix.length)));
        fail(
          `has no tensor "${key}" ${shapeText(shape)} (needed by ${e.label})` +
            (near.length > 0 ? `; it holds ${near.slice(0, 4).map((k) => JSON.stringify(k)).join(', ')}${near.length > 4 ? ', ...' : ''}` : '') +
            (tensors.size > 0 ? '; map layers to its module names with the modules option' : ''),
        );
      }
      if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
        fail(`tensor "${key}" has shape ${shapeText(t.shape)} but ${e.label} needs ${shapeText(shape)}`);
      }
      used.add(key);
      return t.data;
    };
    const kerasShape = (name: string) => e.weights.find((w) => w.name === `${e.spec.config.name}/${name}`)!.shape;
    const weights = e.converter.fromPytorch({
      config: e.spec.config, module: e.module, layer: e.layer, suffix: '', label: e.label, kerasShape, take, has: (k) => tensors.has(k), fail,
    });
    for (const [name, data] of Object.entries(weights)) imported.set(`${e.spec.config.name}/${name}`, data);
  }
  const unexpected = [...tensors.keys()].filter((k) => !used.has(k));
  if (args.strict && unexpected.length > 0) {
    fail(
      `holds ${unexpected.slice(0, 4).map((k) => JSON.stringify(k)).join(', ')}${unexpected.length > 4 ? `, ... (${unexpected.length} in all)` : ''}, ` +
        'which no layer of the model takes (strict: false ignores them; the modules option maps layers to other module names)',
    );
  }
  const names = model[MODEL_IO]().weightNames();
  model.setWeights(names.map((w) => ({ data: imported.get(w.name)!, shape: w.shape })));
}

function loadOptions(args: unknown, path: string): { modules?: unknown; strict: boolean } {
  const o = checkOptions<LoadStateDictArgs>(args, path, ['modules', 'strict']);
  const strict = o.strict ?? true;
  if (typeof strict !== 'boolean') throw new TypeError(`Expected a boolean for ${path}.strict but received ${describe(strict)} of type ${typeof strict}`);
  return { modules: o.modules, strict };
}

/**
 * Sets the model's weights from a PyTorch `state_dict` held in memory (tensor name -> tensor),
 * PyTorch's names and layouts (see the module comment); an LSTM's bias is `bias_ih + bias_hh`.
 *
 * @example
 * fromPytorchStateDict(model, { 'lstm.weight_ih_l0': { data, shape: [32, 3] }, ... });
 * @throws {RangeError} a missing tensor, a shape mismatch, an unexpected tensor (with `strict`).
 */
export function fromPytorchStateDict(model: SavableModel, stateDict: Readonly<Record<string, Tensor | TensorLike>>, args?: LoadStateDictArgs): void {
  checkModel(model, 'fromPytorchStateDict.model');
  const options = loadOptions(args, 'fromPytorchStateDict');
  if (!isPlainObject(stateDict)) {
    throw new TypeError(`Expected an object { name: tensor } for fromPytorchStateDict.stateDict but received ${describe(stateDict)}`);
  }
  const tensors = new Map(Object.entries(stateDict).map(([k, v]) => [k, pack(v, `fromPytorchStateDict.stateDict["${k}"]`)]));
  importStateDict(model, tensors, options, 'fromPytorchStateDict', (problem) => {
    throw new RangeError(`The state_dict ${problem}`);
  });
}

function filePath(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`Expected a file path (a non-empty string) for ${name} but received ${describe(value)} of type ${value === null ? 'null' : typeof value}`);
  }
  return value;
}

/**
 * Writes the model's weights as a PyTorch `state_dict` in a safetensors file (atomically), for
 * `module.load_state_dict(safetensors.torch.load_file(path))` in PyTorch.
 *
 * @example
 * await saveStateDict(model, 'weights.safetensors');
 * // Python: model.load_state_dict(safetensors.torch.load_file('weights.safetensors'))
 * @throws (as a rejection) {@link TypeError|RangeError} a wrong argument; `EEXIST` when the file exists and `overwrite` is false.
 */
export async function saveStateDict(model: SavableModel, path: string, args?: SaveStateDictArgs): Promise<void> {
  checkModel(model, 'saveStateDict.model');
  filePath(path, 'saveStateDict.path');
  const o = checkOptions<SaveStateDictArgs>(args, 'saveStateDict', ['modules', 'overwrite']);
  const overwrite = o.overwrite ?? true;
  if (typeof overwrite !== 'boolean') throw new TypeError(`Expected a boolean for saveStateDict.overwrite but received ${describe(overwrite)} of type ${typeof overwrite}`);
  const sd = stateDict(model, o.modules, 'saveStateDict');
  const tensors = Object.entries(sd).map(([name, t]) => ({ name, shape: t.shape, data: t.data }));
  const version = (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;
  await writeFileAtomic(path, encodeSafetensors(tensors, { format: 'pt', producer: `torch-lstm ${version}` }), { overwrite });
}

/**
 * Sets the model's weights from a PyTorch `state_dict` saved as safetensors
 * (`safetensors.torch.save_file(module.state_dict(), path)`), float32.
 *
 * @example
 * await loadStateDict(model, 'pytorch.safetensors', { modules: { dense: 'fc' } });
 * @throws (as a rejection) {@link ModelFileError} a missing, truncated or foreign file, a dtype
 *   other than float32, a missing tensor, a shape mismatch, an unexpected tensor (with `strict`).
 */
export async function loadStateDict(model: SavableModel, path: string, args?: LoadStateDictArgs): Promise<void> {
  checkModel(model, 'loadStateDict.model');
  filePath(path, 'loadStateDict.path');
  const options = loadOptions(args, 'loadStateDict');
  const { tensors } = await readSafetensors(path);
  const map = new Map(float32Tensors(tensors, path).map((t) => [t.name, { shape: t.shape, data: t.data }]));
  importStateDict(model, map, options, 'loadStateDict', (problem) => {
    throw new ModelFileError(path, problem);
  });
}
