/**
 * THE derivation of the engine's graph ({@link EngineGraphJson}) from a model's Keras JSON,
 * Sequential or Functional: what `new binding.Model(graph)` builds from. Layers appear once (a
 * shared layer too), in Keras order (the order of `getWeights()`); calls come in a topological
 * order; every layer config is re-serialized fully defaulted (the engine never invents a default).
 */
import type { InputLayer } from '../layers/input-layer.js';
import type { Shape } from '../layers/layer.js';
import type { EngineGraphJson } from '../native.js';
import { type FunctionalSpec, functionalFromKeras, isFunctionalJson, type TensorRefSpec } from './functional.js';
import { layerToKeras } from './layers/index.js';
import { modelFromKeras, SEQUENTIAL_INPUT_NAME, unwrapModelConfig } from './sequential.js';

/**
 * The calls of a functional spec in a topological order (Keras's depth-first walk from the
 * outputs): each as `[layer index, node index]`. Calls no output depends on are left out.
 * @throws {RangeError} a cycle, or a call whose input comes from an InputLayer that is not a model input.
 */
export function orderCalls(spec: FunctionalSpec): [number, number][] {
  const order: [number, number][] = [];
  const done = new Set<string>();
  const busy = new Set<string>();
  const modelInputs = new Set(spec.inputs.map((r) => r.layer));
  const visit = (ref: TensorRefSpec, path: string): void => {
    const layer = spec.layers[ref.layer]!;
    if (layer.className === 'InputLayer') {
      if (!modelInputs.has(ref.layer)) {
        throw new RangeError(`Graph disconnected: ${path} needs the input "${layer.name}", which is not among the model's inputs (${spec.inputs.map((r) => spec.layers[r.layer]!.name).join(', ')})`);
      }
      return;
    }
    const key = `${ref.layer}/${ref.node}`;
    if (done.has(key)) return;
    if (busy.has(key)) throw new RangeError(`The graph has a cycle through call ${ref.node} of layer "${layer.name}"`);
    busy.add(key);
    for (const input of spec.calls[ref.layer]![ref.node]!.inputs) visit(input, `layer "${layer.name}"`);
    busy.delete(key);
    done.add(key);
    order.push([ref.layer, ref.node]);
  };
  spec.outputs.forEach((ref, i) => visit(ref, `output ${i}`));
  return order;
}

/** The engine graph of a functional spec. */
export function functionalEngineGraph(spec: FunctionalSpec): EngineGraphJson {
  const order = orderCalls(spec);
  const inputIndex = new Map(spec.inputs.map((r, i) => [r.layer, i]));
  const engineLayers: number[] = [];
  const layerSlot = new Map<number, number>();
  spec.layers.forEach((layer, i) => {
    if (layer.className === 'InputLayer') return;
    layerSlot.set(i, engineLayers.length);
    engineLayers.push(i);
  });
  const nodeSlot = new Map(order.map(([l, n], k) => [`${l}/${n}`, k]));
  const source = (ref: TensorRefSpec): [number, number] => {
    const input = inputIndex.get(ref.layer);
    if (input !== undefined) return [input, 0];
    return [spec.inputs.length + nodeSlot.get(`${ref.layer}/${ref.node}`)!, ref.tensor];
  };
  return {
    name: spec.name,
    inputs: spec.inputs.map((r) => {
      const layer = spec.layers[r.layer] as InputLayer;
      return { name: layer.name, shape: layer.inputShape };
    }),
    layers: engineLayers.map((i) => layerToKeras(spec.layers[i]!)),
    nodes: order.map(([l, n]) => ({ layer: layerSlot.get(l)!, inputs: spec.calls[l]![n]!.inputs.map(source) })),
    outputs: spec.outputs.map(source),
  };
}

/**
 * The engine graph of a model's Keras JSON (what `getConfig()` returns, a saved `model.json`'s
 * `model_config`, or a Keras `config.json`), Sequential or Functional.
 * @throws {TypeError|RangeError} JSON torch-lstm cannot read; a Sequential model without an input shape.
 */
export function engineGraph(json: unknown): EngineGraphJson {
  if (isFunctionalJson(json)) return functionalEngineGraph(functionalFromKeras(json));
  const spec = modelFromKeras(json);
  const sample = spec.layers[0]?.inputShape;
  if (!sample) throw new RangeError('The Sequential model has no input shape; give its first layer an inputShape');
  const { o } = unwrapModelConfig(json, 'model');
  const layersJson = (o.config as { layers?: { class_name?: string; config?: { name?: unknown } }[] }).layers ?? [];
  const declared = layersJson[0]?.class_name === 'InputLayer' ? layersJson[0].config?.name : undefined;
  let shape: Shape = [null, ...sample];
  let outputs = 1;
  for (const layer of spec.layers) {
    const out = layer.callShapes([shape]);
    shape = out[0]!;
    outputs = out.length;
  }
  const n = spec.layers.length;
  return {
    name: spec.name,
    inputs: [{ name: typeof declared === 'string' ? declared : SEQUENTIAL_INPUT_NAME, shape: [...sample] }],
    layers: spec.layers.map(layerToKeras),
    nodes: spec.layers.map((_, k) => ({ layer: k, inputs: [[k === 0 ? 0 : k, 0]] as [number, number][] })),
    outputs: Array.from({ length: outputs }, (_, t) => [n, t] as [number, number]),
  };
}
