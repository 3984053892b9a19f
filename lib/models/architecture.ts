/**
 * What a model is, checked in TS before the engine sees it: its inputs and outputs, the shapes
 * each layer call receives and gives, and the weights. Built for a Sequential stack (errors name
 * the layer by index and name, `layers[1] (lstm_1)`, and say how to fix the stack) or for a
 * functional graph. Both give the same {@link Architecture}, whose nodes number their sources as
 * the engine graph does.
 */
import { LSTM } from '../layers/lstm.js';
import type { Layer, Shape, WeightSpec } from '../layers/layer.js';
import { pack, type Packed } from '../tensor.js';
import type { FunctionalSpec } from '../serialization/keras-json.js';
import { orderCalls } from '../serialization/keras-json.js';
import { describe } from '../validate.js';

/** One layer once the model is built (its first call in the model gives the weights). */
export interface BuiltLayer {
  layer: Layer;
  /** `layers[1] (lstm_1)`, for messages. */
  label: string;
  /** Input shapes of its first call (batch first). */
  inputShapes: Shape[];
  /** Output shapes of its first call: the main output, then e.g. the states of a `returnState` LSTM. */
  outputShapes: Shape[];
  weights: WeightSpec[];
  params: number;
}

/** One call of a layer, in a topological order; sources numbered as in the engine graph. */
export interface BuiltNode {
  /** Index into {@link Architecture.layers}. */
  layer: number;
  /** `[source, tensorIndex]`: sources `0..inputs-1` are the model inputs, `inputs + k` node k. */
  inputs: [number, number][];
  outputShapes: Shape[];
}

/** A model input. */
export interface ModelInputInfo {
  name: string;
  /** The sample shape (batch excluded; `null`: free). */
  shape: (number | null)[];
  /** What to call it in messages: `inputShape of layers[0] (lstm)`, `input "seq"`. */
  label: string;
  /** Whether an LSTM takes it (for the reshape hint). */
  recurrent: boolean;
}

/** A model output. */
export interface ModelOutputInfo {
  /** The output layer's name (made unique: `dense`, `dense_1` when a layer gives two outputs). */
  name: string;
  /** Its shape, batch first. */
  shape: Shape;
  /** `[source, tensorIndex]` as in {@link BuiltNode.inputs}. */
  source: [number, number];
}

/** A built model: inputs, outputs, layers (in weight order) and calls. */
export interface Architecture {
  kind: 'sequential' | 'functional';
  inputs: ModelInputInfo[];
  outputs: ModelOutputInfo[];
  /** The layers holding weights or not, InputLayers excluded, in `getWeights()` order. */
  layers: BuiltLayer[];
  nodes: BuiltNode[];
  totalParams: number;
}

/** `layers[1] (lstm_1)`. */
export function layerLabel(index: number, layer: Layer): string {
  return `layers[${index}] (${layer.name})`;
}

/** `[batch, 10, 64]`: a shape in messages, `null` batch as `batch`. */
export function shapeText(shape: Shape, batch = 'batch'): string {
  return `[${shape.map((d, i) => (i === 0 && d === null ? batch : d === null ? 'null' : String(d))).join(', ')}]`;
}

const paramsOf = (weights: WeightSpec[]) => weights.reduce((sum, w) => sum + w.shape.reduce((a, b) => a * b, 1), 0);

/** Checks that layer names are unique in a model. */
export function checkUniqueNames(layers: readonly Layer[]): void {
  const seen = new Map<string, number>();
  layers.forEach((layer, i) => {
    const prev = seen.get(layer.name);
    if (prev !== undefined) {
      throw new RangeError(
        `${layerLabel(i, layer)} has the same name as layers[${prev}]; layer names must be unique in a model ` +
          `(leave name out to get a unique one)`,
      );
    }
    seen.set(layer.name, i);
  });
}

/** Output names from the layers that make them, made unique Keras-style (`dense`, `dense_1`). */
function uniqueOutputNames(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((name) => {
    let out = name;
    for (let k = 1; used.has(out); k++) out = `${name}_${k}`;
    used.add(out);
    return out;
  });
}

/** Builds the architecture of a Sequential model, or throws a RangeError saying what to change. */
export function buildArchitecture(layers: readonly Layer[]): Architecture {
  if (layers.length === 0) {
    throw new RangeError('The model has no layers; add some with sequential([...]) or model.add(layer)');
  }
  checkUniqueNames(layers);
  const first = layers[0]!;
  const sample = first.inputShape;
  if (!sample) {
    const example =
      first instanceof LSTM ? `layers.lstm({ units: ${first.units}, inputShape: [timesteps, features] })` : 'inputShape: [features]';
    throw new RangeError(
      `${layerLabel(0, first)} has no inputShape; the first layer of a Sequential model needs one ` +
        `(Keras input_shape, without the batch dimension), e.g. ${example}`,
    );
  }
  let current: Shape = [null, ...sample];
  const built: BuiltLayer[] = [];
  const nodes: BuiltNode[] = [];
  layers.forEach((layer, i) => {
    if (i > 0 && built[i - 1]!.outputShapes.length > 1) {
      throw new RangeError(
        `${layerLabel(i - 1, layers[i - 1]!)} has returnState: true but is not the last layer; a Sequential model passes ` +
          `one tensor from layer to layer, so use returnState only on the last layer`,
      );
    }
    checkInput(layers, i, current);
    if (i > 0 && layer.inputShape) {
      const declared: Shape = [null, ...layer.inputShape];
      const agrees = declared.length === current.length && declared.every((d, k) => d === null || current[k] === null || d === current[k]);
      if (!agrees) {
        throw new RangeError(
          `${layerLabel(i, layer)} declares inputShape ${shapeText(declared)} but receives ${shapeText(current)} from ` +
            `${layerLabel(i - 1, layers[i - 1]!)}; only the first layer needs an inputShape`,
        );
      }
    }
    let outputShapes: Shape[];
    let weights: WeightSpec[];
    try {
      outputShapes = layer.callShapes([current]);
      weights = layer.callWeights([current]);
    } catch (err) {
      if (err instanceof RangeError) throw new RangeError(`${layerLabel(i, layer)} ${err.message}`);
      throw err;
    }
    built.push({ layer, label: layerLabel(i, layer), inputShapes: [current], outputShapes, weights, params: paramsOf(weights) });
    nodes.push({ layer: i, inputs: [[i === 0 ? 0 : i, 0]], outputShapes });
    current = outputShapes[0]!;
  });
  const last = built[built.length - 1]!;
  const names = uniqueOutputNames(last.outputShapes.map(() => last.layer.name));
  return {
    kind: 'sequential',
    inputs: [{ name: 'input_layer', shape: [...sample], label: `inputShape of ${layerLabel(0, first)}`, recurrent: first instanceof LSTM }],
    outputs: last.outputShapes.map((shape, t) => ({ name: names[t]!, shape, source: [layers.length, t] })),
    layers: built,
    nodes,
    totalParams: built.reduce((s, b) => s + b.params, 0),
  };
}

function checkInput(layers: readonly Layer[], i: number, input: Shape): void {
  const layer = layers[i]!;
  const rank = input.length;
  if (rank >= layer.minInputRank && rank <= layer.maxInputRank) {
    if (layer.className === 'Dense' && input[rank - 1] === null) {
      throw new RangeError(`${layerLabel(i, layer)} needs a known last dimension (features) but receives ${shapeText(input)}`);
    }
    return;
  }
  const source = i === 0 ? 'its inputShape gives' : `${layerLabel(i - 1, layers[i - 1]!)} outputs`;
  if (layer instanceof LSTM) {
    let message = `${layerLabel(i, layer)} expects a 3D input [batch, timesteps, features] but ${source} ${shapeText(input)}`;
    if (i === 0) {
      message += '; give inputShape as [timesteps, features]';
    } else {
      // The fix is on the last LSTM before this one that returns only its last output.
      let k = i - 1;
      while (k >= 0 && !(layers[k] instanceof LSTM)) k--;
      const producer = k >= 0 ? (layers[k] as LSTM) : undefined;
      if (producer && !producer.returnSequences && rank === 2) {
        message += `; set returnSequences: true on layers[${k}] (the Keras rule for stacked LSTMs)`;
      }
    }
    throw new RangeError(message);
  }
  throw new RangeError(
    `${layerLabel(i, layer)} expects an input of rank >= ${layer.minInputRank} (batch included) but ${source} ${shapeText(input)}`,
  );
}

/**
 * Builds the architecture of a functional model from its spec: shapes through every call, the
 * weights of each layer (a shared layer's calls must need the same weights), the outputs.
 */
export function buildFunctionalArchitecture(spec: FunctionalSpec): Architecture {
  const order = orderCalls(spec);
  const labels = spec.layers.map((l, i) => layerLabel(i, l));
  const inputSlot = new Map(spec.inputs.map((r, i) => [r.layer, i]));
  const weightLayers = spec.layers.map((l, i) => i).filter((i) => spec.layers[i]!.className !== 'InputLayer');
  const slotOf = new Map(weightLayers.map((i, k) => [i, k]));
  const nodeSlot = new Map(order.map(([l, n], k) => [`${l}/${n}`, k]));
  const consumers = new Map<number, boolean>();
  const built = new Map<number, BuiltLayer>();
  const nodes: BuiltNode[] = [];
  const source = (r: { layer: number; node: number; tensor: number }): [number, number] => {
    const input = inputSlot.get(r.layer);
    return input !== undefined ? [input, 0] : [spec.inputs.length + nodeSlot.get(`${r.layer}/${r.node}`)!, r.tensor];
  };
  const shapeOf = ([s, t]: [number, number]): Shape | undefined => {
    if (s < spec.inputs.length) return [null, ...(spec.layers[spec.inputs[s]!.layer]!.inputShape ?? [])];
    return nodes[s - spec.inputs.length]!.outputShapes[t];
  };
  for (const [l, n] of order) {
    const layer = spec.layers[l]!;
    const call = spec.calls[l]![n]!;
    const inputs = call.inputs.map(source);
    const shapes = inputs.map((s, j) => {
      const shape = shapeOf(s);
      if (!shape) throw new RangeError(`${labels[l]} call ${n} input ${j} refers to output ${s[1]} of a call that has fewer outputs`);
      return shape;
    });
    for (const r of call.inputs) {
      const slot = inputSlot.get(r.layer);
      if (slot !== undefined) consumers.set(slot, (consumers.get(slot) ?? false) || (layer instanceof LSTM && r === call.inputs[0]));
    }
    let outputShapes: Shape[];
    let weights: WeightSpec[];
    try {
      outputShapes = layer.callShapes(shapes);
      weights = layer.callWeights(shapes);
    } catch (err) {
      if (err instanceof RangeError) throw new RangeError(`${labels[l]} cannot take ${shapes.map((s) => shapeText(s)).join(', ')}: ${err.message}`);
      throw err;
    }
    const first = built.get(l);
    if (!first) {
      built.set(l, { layer, label: labels[l]!, inputShapes: shapes, outputShapes, weights, params: paramsOf(weights) });
    } else if (first.weights.length !== weights.length || first.weights.some((w, i) => w.shape.join() !== weights[i]!.shape.join())) {
      throw new RangeError(`${labels[l]} is shared but its call ${n} needs other weights than its first call; a shared layer takes inputs of the same feature size`);
    }
    nodes.push({ layer: slotOf.get(l)!, inputs, outputShapes });
  }
  const layers = weightLayers.map((i) => {
    const b = built.get(i);
    if (!b) throw new RangeError(`${labels[i]} is not used by any output of the model`);
    return b;
  });
  const outputNames = uniqueOutputNames(spec.outputs.map((r) => spec.layers[r.layer]!.name));
  return {
    kind: 'functional',
    inputs: spec.inputs.map((r, i) => {
      const layer = spec.layers[r.layer]!;
      return { name: layer.name, shape: layer.inputShape ?? [], label: `input "${layer.name}"`, recurrent: consumers.get(i) ?? false };
    }),
    outputs: spec.outputs.map((r, i) => {
      const s = source(r);
      const shape = shapeOf(s);
      if (!shape) throw new RangeError(`output_layers[${i}] refers to output ${r.tensor} of layer "${spec.layers[r.layer]!.name}", which it does not have`);
      return { name: outputNames[i]!, shape, source: s };
    }),
    layers,
    nodes,
    totalParams: layers.reduce((s, b) => s + b.params, 0),
  };
}

/**
 * Concrete shapes through the model for inputs of these shapes (timesteps taken from the data
 * where the model has `null`): the shape of each model output.
 */
export function outputShapesFor(arch: Architecture, inputShapes: readonly number[][]): number[][] {
  const done: Shape[][] = [];
  const shapeOf = ([s, t]: [number, number]): Shape => (s < arch.inputs.length ? inputShapes[s]! : done[s - arch.inputs.length]![t]!);
  for (const node of arch.nodes) done.push(arch.layers[node.layer]!.layer.callShapes(node.inputs.map(shapeOf)));
  return arch.outputs.map((o) => shapeOf(o.source).map((d) => d ?? 0));
}

/**
 * Checks weights given to `setWeights` against the model's weight specs (count, then each
 * shape, naming the index and the Keras layout) and packs them.
 */
export function checkWeights(arch: Architecture, weights: unknown): Packed[] {
  const specs = arch.layers.flatMap((b) => b.weights.map((w) => ({ ...w, label: `${b.layer.name}/${w.name}` })));
  if (!Array.isArray(weights)) {
    throw new TypeError(`Expected an array of ${specs.length} tensors for setWeights.weights but received ${describe(weights)}`);
  }
  if (weights.length !== specs.length) {
    throw new RangeError(
      `Expected ${specs.length} weights for setWeights (${specs.map((s) => s.label).join(', ')}) but received ${weights.length}`,
    );
  }
  return (weights as unknown[]).map((w, i) => {
    const spec = specs[i]!;
    const p = pack(w, `setWeights.weights[${i}]`);
    const same = p.shape.length === spec.shape.length && p.shape.every((d, k) => d === spec.shape[k]);
    if (!same) {
      throw new RangeError(
        `Expected weights[${i}] (${spec.label}, ${spec.layout}) of shape [${spec.shape.join(', ')}] ` +
          `but received [${p.shape.join(', ')}]`,
      );
    }
    return p;
  });
}
