/**
 * From symbolic tensors to a functional model's graph (Keras's `map_graph`): walks back from
 * the outputs, keeps the calls they depend on, orders the layers as Keras does (by depth from
 * the outputs, then by first visit: the order of `model.layers` and of `getWeights()`), and
 * numbers each layer's calls within the model. Gives the {@link FunctionalSpec} that the Keras
 * JSON, the architecture and the engine graph are made from.
 */
import { InputLayer } from '../layers/input-layer.js';
import type { Layer } from '../layers/layer.js';
import { isSymbolicTensor, type Node, type SymbolicTensor } from '../layers/symbolic.js';
import type { FunctionalCallSpec, FunctionalSpec, TensorRefSpec } from '../serialization/keras-json.js';
import { describe, isPlainObject } from '../validate.js';

/** Reads `model({ inputs })` or `outputs`: one SymbolicTensor or a non-empty array of them. */
export function tensorList(value: unknown, path: string): { tensors: SymbolicTensor[]; single: boolean } {
  const bad = (v: unknown, p: string) =>
    new TypeError(
      `Expected a SymbolicTensor (from input() or a layer's apply) for ${p} but received ${describe(v)} of type ${v === null ? 'null' : isPlainObject(v) ? 'object' : typeof v}`,
    );
  if (isSymbolicTensor(value)) return { tensors: [value], single: true };
  if (!Array.isArray(value)) throw bad(value, path);
  if (value.length === 0) throw new RangeError(`Expected at least one SymbolicTensor for ${path} but received an empty array`);
  return {
    tensors: value.map((v, i) => {
      if (!isSymbolicTensor(v)) throw bad(v, `${path}[${i}]`);
      return v;
    }),
    single: false,
  };
}

/**
 * The graph between `inputs` and `outputs` as a {@link FunctionalSpec}.
 * @throws {RangeError} an input that is not an `input()`, a repeated input, a disconnected graph
 *   (an output needs an input not given), two layers with the same name.
 */
export function functionalSpecFrom(
  name: string,
  inputs: { tensors: SymbolicTensor[]; single: boolean },
  outputs: { tensors: SymbolicTensor[]; single: boolean },
): FunctionalSpec {
  inputs.tensors.forEach((t, i) => {
    if (!(t.sourceLayer instanceof InputLayer)) {
      throw new RangeError(`model.inputs[${i}] is ${t.name}, the output of layer "${t.sourceLayer.name}"; model inputs must come from input()`);
    }
    const j = inputs.tensors.indexOf(t);
    if (j !== i) throw new RangeError(`model.inputs[${i}] repeats model.inputs[${j}] (${t.name}); each input appears once`);
  });
  // Keras's _build_map: a depth-first walk from the outputs.
  const finished = new Set<Node>();
  const inProgress = new Set<Node>();
  const ordered: Node[] = [];
  const firstVisit = new Map<Layer, number>();
  const visit = (tensor: SymbolicTensor, from: string): void => {
    const node = tensor.node;
    if (finished.has(node)) return;
    if (node.isInput && !inputs.tensors.includes(tensor)) {
      throw new RangeError(
        `Graph disconnected: ${from} needs the input "${tensor.name}", which is not among the model's inputs ` +
          `(${inputs.tensors.map((t) => t.name).join(', ')}); add it to model({ inputs })`,
      );
    }
    if (inProgress.has(node)) throw new RangeError(`The graph has a cycle through layer "${node.layer.name}"`);
    if (!firstVisit.has(node.layer)) firstVisit.set(node.layer, firstVisit.size);
    inProgress.add(node);
    for (const input of node.inputs) visit(input, `layer "${node.layer.name}"`);
    inProgress.delete(node);
    finished.add(node);
    ordered.push(node);
  };
  outputs.tensors.forEach((t, i) => visit(t, `model.outputs[${i}]`));
  // Depths: the longest distance to an output; a layer takes the largest depth of its calls.
  const nodeDepth = new Map<Node, number>();
  const layerDepth = new Map<Layer, number>();
  for (const node of [...ordered].reverse()) {
    const depth = Math.max(nodeDepth.get(node) ?? 0, layerDepth.get(node.layer) ?? 0);
    layerDepth.set(node.layer, depth);
    nodeDepth.set(node, depth);
    for (const input of node.inputs) {
      if (finished.has(input.node)) nodeDepth.set(input.node, Math.max(depth + 1, nodeDepth.get(input.node) ?? 0));
    }
  }
  for (const t of inputs.tensors) {
    if (!layerDepth.has(t.sourceLayer)) {
      layerDepth.set(t.sourceLayer, 0);
      firstVisit.set(t.sourceLayer, -1);
    }
  }
  const layers = [...layerDepth.keys()].sort((a, b) => layerDepth.get(b)! - layerDepth.get(a)! || firstVisit.get(a)! - firstVisit.get(b)!);
  const seen = new Map<string, Layer>();
  for (const layer of layers) {
    const other = seen.get(layer.name);
    if (other) {
      throw new RangeError(`Two layers of the model are named "${layer.name}" (${other.className} and ${layer.className}); layer names must be unique in a model (leave name out to get a unique one)`);
    }
    seen.set(layer.name, layer);
  }
  const layerIndex = new Map(layers.map((l, i) => [l, i]));
  // Each layer's calls that belong to the model, renumbered in their original order.
  const inModel = new Set<Node>([...finished, ...inputs.tensors.map((t) => t.node)]);
  const nodeIndex = new Map<Node, number>();
  for (const layer of layers) layer.inboundNodes.filter((n) => inModel.has(n)).forEach((n, k) => nodeIndex.set(n, k));
  const ref = (t: SymbolicTensor): TensorRefSpec => ({ layer: layerIndex.get(t.sourceLayer)!, node: nodeIndex.get(t.node)!, tensor: t.tensorIndex });
  const calls: FunctionalCallSpec[][] = layers.map((layer) =>
    layer instanceof InputLayer
      ? []
      : layer.inboundNodes.filter((n) => inModel.has(n)).map((n) => ({ inputs: n.inputs.map(ref), callArgs: { ...n.callArgs } })),
  );
  return {
    name,
    layers,
    calls,
    inputs: inputs.tensors.map(ref),
    outputs: outputs.tensors.map(ref),
    singleInput: inputs.single,
    singleOutput: outputs.single,
  };
}

/**
 * Rebuilds the symbolic graph of a spec read from Keras JSON (its layers are fresh: no calls yet)
 * by calling each layer on its inputs, as Keras's `functional_from_config` does: a call waits
 * until the calls it depends on are made.
 * @returns the spec's input and output tensors.
 */
export function replaySpec(spec: FunctionalSpec): { inputs: SymbolicTensor[]; outputs: SymbolicTensor[] } {
  const made = spec.layers.map((layer) => (layer instanceof InputLayer ? [[layer.output]] : ([] as SymbolicTensor[][])));
  /** The tensor a reference names; `undefined` while its call is not made yet. */
  const tensor = (r: TensorRefSpec, what: string): SymbolicTensor | undefined => {
    const call = made[r.layer]![r.node];
    if (!call) return undefined;
    const t = call[r.tensor];
    if (!t) throw new RangeError(`${what} refers to output ${r.tensor} of layer "${spec.layers[r.layer]!.name}", which has ${call.length} output${call.length === 1 ? '' : 's'}`);
    return t;
  };
  let pending = spec.calls.reduce((n, list) => n + list.length, 0);
  while (pending > 0) {
    let progress = false;
    spec.layers.forEach((layer, i) => {
      const calls = spec.calls[i]!;
      while (made[i]!.length < calls.length && !(layer instanceof InputLayer)) {
        const call = calls[made[i]!.length]!;
        const inputs = call.inputs.map((r, j) => tensor(r, `layers[${i}].inbound_nodes[${made[i]!.length}] input ${j}`));
        if (inputs.some((t) => t === undefined)) break;
        const out = layer.applyCall({ inputs: inputs as SymbolicTensor[], callArgs: { ...call.callArgs } });
        made[i]!.push(Array.isArray(out) ? out : [out]);
        pending--;
        progress = true;
      }
    });
    if (!progress) throw new RangeError('The model cannot be rebuilt: some layer calls wait on each other (a cycle) or on tensors no call makes');
  }
  const get = (r: TensorRefSpec, what: string): SymbolicTensor => tensor(r, what)!;
  return { inputs: spec.inputs.map((r, i) => get(r, `input_layers[${i}]`)), outputs: spec.outputs.map((r, i) => get(r, `output_layers[${i}]`)) };
}
