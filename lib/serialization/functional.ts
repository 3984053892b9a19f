/**
 * Keras JSON of a Functional model, both ways. Writes Keras 3's format (`class_name: 'Functional'`,
 * `inbound_nodes: [{ args, kwargs }]` with `__keras_tensor__` references); reads Keras 3 and
 * Keras 2 (`inbound_nodes: [[['layer', node, tensor, kwargs], ...]]`, `class_name` `Functional`
 * or `Model`).
 */
import type { Layer } from '../layers/layer.js';
import type { CallArgValue } from '../layers/symbolic.js';
import type { FunctionalSpecJson, KerasFunctionalLayerJson, KerasTensorRef } from '../native.js';
import { describe, isPlainObject } from '../validate.js';
import { ANY, checkDtype, classNameAt, kerasArgs, objectAt } from './keras-common.js';
import { callConventionOf, callOptionsOf, layerFromKeras, layerToKeras } from './layers/index.js';
import { unwrapModelConfig } from './sequential.js';

/** A tensor of a functional model: output `tensor` of call `node` of layer `layer` (an index into `layers`). */
export interface TensorRefSpec {
  layer: number;
  node: number;
  tensor: number;
}

/** One call of a layer in a functional model: its input tensors (engine order) and non-tensor arguments. */
export interface FunctionalCallSpec {
  inputs: TensorRefSpec[];
  callArgs: Record<string, CallArgValue>;
}

/** A functional model as data: what its Keras JSON holds, with layers validated. */
export interface FunctionalSpec {
  name: string;
  /** Every layer in Keras order, InputLayers included (a shared layer once). */
  layers: Layer[];
  /** Per layer (same index), its calls in the model, in order; `[]` for an InputLayer. */
  calls: FunctionalCallSpec[][];
  /** The model inputs (InputLayer tensors), in order. */
  inputs: TensorRefSpec[];
  /** The model outputs, in order. */
  outputs: TensorRefSpec[];
  /** Whether `input_layers` / `output_layers` are one reference rather than a list (Keras 3, a model built on one tensor). */
  singleInput: boolean;
  singleOutput: boolean;
}

/** A resolved Keras tensor reference while reading (so `instanceof` tells it from other values). */
class KerasRef {
  constructor(readonly ref: TensorRefSpec) {}
}
const isRef = (value: unknown): value is KerasRef => value instanceof KerasRef;

function historyOf(ref: TensorRefSpec, spec: Pick<FunctionalSpec, 'layers'>): KerasTensorRef {
  return [spec.layers[ref.layer]!.name, ref.node, ref.tensor];
}

/** A functional model -> Keras 3 JSON (`model.to_json()`'s layout). `shapeOf` gives a tensor's shape for its reference. */
export function functionalToKeras(spec: FunctionalSpec, shapeOf: (ref: TensorRefSpec) => (number | null)[]): FunctionalSpecJson {
  const tensor = (ref: TensorRefSpec) => ({
    class_name: '__keras_tensor__',
    config: { shape: shapeOf(ref), dtype: 'float32', keras_history: historyOf(ref, spec) },
  });
  const layers: KerasFunctionalLayerJson[] = spec.layers.map((layer, i) => {
    const json = layerToKeras(layer);
    const convention = callConventionOf(json.class_name);
    const inbound = spec.calls[i]!.map((call) => {
      const { args, kwargs } = convention.toKeras3(call.inputs.map(tensor), call.callArgs);
      return { args, kwargs: { ...kwargs, ...call.callArgs } };
    });
    return { ...json, name: layer.name, inbound_nodes: inbound };
  });
  const refs = (list: TensorRefSpec[], single: boolean) => (single && list.length === 1 ? historyOf(list[0]!, spec) : list.map((r) => historyOf(r, spec)));
  return {
    // Keras 3 finds the class by its module (`keras.models.model_from_json` reads this document).
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    registered_name: 'Functional',
    config: {
      name: spec.name,
      trainable: true,
      layers,
      input_layers: refs(spec.inputs, spec.singleInput),
      output_layers: refs(spec.outputs, spec.singleOutput),
    },
  };
}

/** `['lstm', 0, 0]` -> a reference, checked against the layers read. */
function refFrom(value: unknown, byName: ReadonlyMap<string, number>, path: string): TensorRefSpec {
  if (!Array.isArray(value) || value.length < 3 || typeof value[0] !== 'string' || !Number.isInteger(value[1]) || !Number.isInteger(value[2])) {
    throw new TypeError(`Expected a Keras tensor reference [layer name, node index, tensor index] for ${path} but received ${JSON.stringify(value) ?? describe(value)}`);
  }
  const layer = byName.get(value[0]);
  if (layer === undefined) throw new RangeError(`${path} refers to layer ${JSON.stringify(value[0])}, which the model does not have`);
  if ((value[1] as number) < 0 || (value[2] as number) < 0) throw new RangeError(`${path} has a negative index: ${JSON.stringify(value)}`);
  return { layer, node: value[1] as number, tensor: value[2] as number };
}

/** Replaces Keras 3 `__keras_tensor__` objects (anywhere in args/kwargs) by references. */
function resolveKeras3(value: unknown, byName: ReadonlyMap<string, number>, path: string): unknown {
  if (Array.isArray(value)) return value.map((v, i) => resolveKeras3(v, byName, `${path}[${i}]`));
  if (isPlainObject(value)) {
    if (value.class_name === '__keras_tensor__') {
      const config = objectAt(value.config, `${path}.config`);
      return new KerasRef(refFrom(config.keras_history, byName, `${path}.config.keras_history`));
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveKeras3(v, byName, `${path}.${k}`)]));
  }
  return value;
}

/** Replaces Keras 2 `[name, node, tensor]` triples in kwargs by references. */
function resolveKeras2(value: unknown, byName: ReadonlyMap<string, number>, path: string): unknown {
  if (Array.isArray(value)) {
    if (value.length >= 3 && typeof value[0] === 'string' && Number.isInteger(value[1]) && Number.isInteger(value[2])) {
      return new KerasRef(refFrom(value, byName, path));
    }
    return value.map((v, i) => resolveKeras2(v, byName, `${path}[${i}]`));
  }
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveKeras2(v, byName, `${path}.${k}`)]));
  return value;
}

/** One entry of `inbound_nodes` (either format) -> a call. */
function callFrom(node: unknown, className: string, byName: ReadonlyMap<string, number>, path: string): FunctionalCallSpec {
  const convention = callConventionOf(className);
  let call: { inputs: KerasRef[]; callArgs: Record<string, CallArgValue> };
  if (Array.isArray(node)) {
    // Keras 2: [[name, node, tensor, kwargs], ...]; the kwargs repeat on every entry.
    const entries = node.map((e, i) => refFrom(e, byName, `${path}[${i}]`));
    const raw = node.length > 0 && Array.isArray(node[0]) && node[0].length > 3 ? node[0][3] : {};
    const kwargs = objectAt(resolveKeras2(raw ?? {}, byName, `${path}[0][3]`), `${path}[0][3]`);
    call = convention.fromKeras2(entries.map((r) => new KerasRef(r)), kwargs, isRef, path);
  } else {
    const o = objectAt(node, path);
    kerasArgs(o, path, { args: 'args', kwargs: 'kwargs' }, {});
    const args = resolveKeras3(o.args ?? [], byName, `${path}.args`);
    if (!Array.isArray(args)) throw new TypeError(`Expected an array for ${path}.args but received ${describe(args)}`);
    const kwargs = objectAt(resolveKeras3(o.kwargs ?? {}, byName, `${path}.kwargs`), `${path}.kwargs`);
    call = convention.fromKeras3(args, kwargs, isRef, path);
  }
  return { inputs: call.inputs.map((r) => r.ref), callArgs: call.callArgs };
}

/** The keyword arguments of one `inbound_nodes` entry, unresolved: Keras 3 `kwargs`, Keras 2 the first entry's 4th item. */
function rawKwargs(node: unknown): Record<string, unknown> {
  if (Array.isArray(node)) {
    const first: unknown = node[0];
    return Array.isArray(first) && isPlainObject(first[3]) ? first[3] : {};
  }
  return isPlainObject(node) && isPlainObject(node.kwargs) ? node.kwargs : {};
}

/**
 * Keras passes some options as call arguments (`attention([q, v], use_causal_mask=True)`) where
 * torch-lstm has layer options (`useCausalMask`). When the layer's config sets none of an
 * option's keys, the value its calls pass (the Keras default where a call passes none) becomes
 * the config key, so the layer is built with it; the calls must agree, since torch-lstm applies
 * the option to every call. A non-boolean value is left for the call's own check to report.
 * @throws {RangeError} two calls of the layer that pass different values.
 */
function liftCallOptions(entry: Record<string, unknown>, path: string): Record<string, unknown> {
  const options = callOptionsOf(typeof entry.class_name === 'string' ? entry.class_name : '');
  const nodes = entry.inbound_nodes;
  if (Object.keys(options).length === 0 || !Array.isArray(nodes) || !isPlainObject(entry.config)) return entry;
  let config = entry.config;
  for (const [kwarg, option] of Object.entries(options)) {
    if (option.configKeys.some((k) => config[k] !== undefined && config[k] !== null)) continue;
    const values = nodes.map((node) => rawKwargs(node)[kwarg]);
    if (!values.some((v) => typeof v === 'boolean')) continue;
    const perCall = values.map((v) => (typeof v === 'boolean' ? v : option.default));
    const differ = perCall.findIndex((v) => v !== perCall[0]);
    if (differ >= 0) {
      const name = typeof config.name === 'string' ? ` (${config.name})` : '';
      throw new RangeError(
        `${path}${name} is called with ${kwarg}=${String(perCall[0])} in inbound_nodes[0] but ${kwarg}=${String(perCall[differ])} ` +
          `in inbound_nodes[${differ}]; torch-lstm applies ${kwarg} to every call of a layer (a layer option), so its calls must agree`,
      );
    }
    config = { ...config, [kwarg]: perCall[0] };
  }
  return config === entry.config ? entry : { ...entry, config };
}

/** `input_layers` / `output_layers`: one reference or a list of them. */
function refList(value: unknown, byName: ReadonlyMap<string, number>, path: string): { refs: TensorRefSpec[]; single: boolean } {
  if (isPlainObject(value)) throw new RangeError(`${path} is a dict; torch-lstm reads models whose inputs and outputs are a tensor or a list of tensors`);
  if (Array.isArray(value) && typeof value[0] === 'string') return { refs: [refFrom(value, byName, path)], single: true };
  if (!Array.isArray(value) || value.length === 0) throw new TypeError(`Expected a non-empty list of tensor references for ${path} but received ${describe(value)}`);
  return { refs: value.map((v, i) => refFrom(v, byName, `${path}[${i}]`)), single: false };
}

/** Whether Keras JSON (possibly wrapped in `{ model_config }`) holds a Functional model. */
export function isFunctionalJson(json: unknown): boolean {
  if (!isPlainObject(json)) return false;
  const o = isPlainObject(json.model_config) ? json.model_config : json;
  return o.class_name === 'Functional' || o.class_name === 'Model';
}

/**
 * Keras JSON of a Functional model (Keras 3 or Keras 2; also wrapped in `{ model_config }`) ->
 * spec. Layers are validated as their factories validate them; every reference is checked.
 */
export function functionalFromKeras(json: unknown, at = 'model'): FunctionalSpec {
  const { o, path } = unwrapModelConfig(json, at);
  const cls = classNameAt(o, path);
  if (cls !== 'Functional' && cls !== 'Model') {
    throw new RangeError(`${path}.class_name is ${JSON.stringify(cls)}; expected "Functional" (Keras 2: "Functional" or "Model")`);
  }
  const config = objectAt(o.config, `${path}.config`);
  kerasArgs(config, `${path}.config`, { name: 'name', layers: 'layers', input_layers: 'inputLayers', output_layers: 'outputLayers' }, {
    trainable: true, dtype: ANY,
  });
  checkDtype(config.dtype, `${path}.config`);
  const name = config.name ?? 'functional';
  if (typeof name !== 'string' || name.length === 0) throw new TypeError(`Expected a non-empty string for ${path}.config.name but received ${describe(name)}`);
  if (!Array.isArray(config.layers) || config.layers.length === 0) {
    throw new TypeError(`Expected a non-empty array for ${path}.config.layers but received ${describe(config.layers)}`);
  }
  const entries = config.layers.map((raw, i) => liftCallOptions(objectAt(raw, `layers[${i}]`), `layers[${i}]`));
  const layers = entries.map((entry, i) => {
    const layer = layerFromKeras(entry, `layers[${i}]`);
    if (entry.name !== undefined && entry.name !== layer.name) {
      throw new RangeError(`layers[${i}].name is ${JSON.stringify(entry.name)} but its config names it ${JSON.stringify(layer.name)}`);
    }
    return layer;
  });
  const byName = new Map<string, number>();
  layers.forEach((layer, i) => {
    const prev = byName.get(layer.name);
    if (prev !== undefined) throw new RangeError(`layers[${i}] has the same name as layers[${prev}] (${JSON.stringify(layer.name)}); layer names must be unique in a model`);
    byName.set(layer.name, i);
  });
  const calls = entries.map((entry, i) => {
    const raw = entry.inbound_nodes ?? [];
    if (!Array.isArray(raw)) throw new TypeError(`Expected an array for layers[${i}].inbound_nodes but received ${describe(raw)}`);
    if (layers[i]!.className === 'InputLayer') {
      if (raw.length > 0) throw new RangeError(`layers[${i}] is an InputLayer with inbound nodes; an input is not called`);
      return [];
    }
    if (raw.length === 0) throw new RangeError(`layers[${i}] (${layers[i]!.name}) is never called in the model (its inbound_nodes is empty)`);
    return raw.map((node, k) => callFrom(node, layers[i]!.className, byName, `layers[${i}].inbound_nodes[${k}]`));
  });
  const nodeCount = (ref: TensorRefSpec) => (layers[ref.layer]!.className === 'InputLayer' ? 1 : calls[ref.layer]!.length);
  const checkRef = (ref: TensorRefSpec, where: string) => {
    if (ref.node >= nodeCount(ref)) {
      throw new RangeError(`${where} refers to call ${ref.node} of layer ${JSON.stringify(layers[ref.layer]!.name)}, which has ${nodeCount(ref)}`);
    }
  };
  calls.forEach((list, i) => list.forEach((call, k) => call.inputs.forEach((ref, j) => checkRef(ref, `layers[${i}].inbound_nodes[${k}] input ${j}`))));
  const inputs = refList(config.input_layers, byName, `${path}.config.input_layers`);
  inputs.refs.forEach((ref, i) => {
    if (layers[ref.layer]!.className !== 'InputLayer' || ref.node !== 0 || ref.tensor !== 0) {
      throw new RangeError(`${path}.config.input_layers[${i}] must refer to an InputLayer ([name, 0, 0]) but refers to ${JSON.stringify(historyOf(ref, { layers }))}`);
    }
  });
  const outputs = refList(config.output_layers, byName, `${path}.config.output_layers`);
  outputs.refs.forEach((ref, i) => checkRef(ref, `${path}.config.output_layers[${i}]`));
  return { name, layers, calls, inputs: inputs.refs, outputs: outputs.refs, singleInput: inputs.single, singleOutput: outputs.single };
}
