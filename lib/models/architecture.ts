/**
 * What a Sequential model is, checked in TS before the engine sees it: the shape each layer
 * receives and gives, its weights, and whether data fits it. Errors name the layer by index
 * and name (`layers[1] (lstm_1)`) and say how to fix the model.
 */
import { type AnyLayer, LSTM, type Shape, type WeightSpec } from '../layers/index.js';
import { pack, type Packed } from '../tensor.js';
import { describe } from '../validate.js';

/** One layer once the model is built. */
export interface BuiltLayer {
  layer: AnyLayer;
  inputShape: Shape;
  /** Main output, then the states of a `returnState` LSTM. */
  outputShapes: Shape[];
  weights: WeightSpec[];
  params: number;
}

/** A built model: every layer's shapes and weights. */
export interface Architecture {
  layers: BuiltLayer[];
  /** The sample shape of the input (Keras `input_shape`, batch excluded). */
  inputShape: (number | null)[];
  /** Shapes of the model outputs (batch first): one, or three with a final `returnState` LSTM. */
  outputShapes: Shape[];
  totalParams: number;
}

/** `layers[1] (lstm_1)`. */
export function layerLabel(index: number, layer: AnyLayer): string {
  return `layers[${index}] (${layer.name})`;
}

/** `[batch, 10, 64]`: a shape in messages, `null` batch as `batch`. */
export function shapeText(shape: Shape, batch = 'batch'): string {
  return `[${shape.map((d, i) => (i === 0 && d === null ? batch : d === null ? 'null' : String(d))).join(', ')}]`;
}

/** Checks that layer names are unique in a model. */
export function checkUniqueNames(layers: readonly AnyLayer[]): void {
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

/**
 * Builds the architecture of a Sequential model, or throws a RangeError saying what to change.
 */
export function buildArchitecture(layers: readonly AnyLayer[]): Architecture {
  if (layers.length === 0) {
    throw new RangeError('The model has no layers; add some with sequential([...]) or model.add(layer)');
  }
  checkUniqueNames(layers);
  const first = layers[0]!;
  const sample = first.inputShape;
  if (!sample) {
    const example =
      first instanceof LSTM
        ? `layers.lstm({ units: ${first.units}, inputShape: [timesteps, features] })`
        : 'inputShape: [features]';
    throw new RangeError(
      `${layerLabel(0, first)} has no inputShape; the first layer of a Sequential model needs one ` +
        `(Keras input_shape, without the batch dimension), e.g. ${example}`,
    );
  }
  let current: Shape = [null, ...sample];
  const built: BuiltLayer[] = [];
  layers.forEach((layer, i) => {
    if (i > 0 && built[i - 1]!.outputShapes.length > 1) {
      const prev = layers[i - 1]!;
      throw new RangeError(
        `${layerLabel(i - 1, prev)} has returnState: true but is not the last layer; a Sequential model passes ` +
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
    const output = layer.computeOutputShape(current);
    const weights = layer.weightSpecs(current);
    const params = weights.reduce((sum, w) => sum + w.shape.reduce((a, b) => a * b, 1), 0);
    built.push({ layer, inputShape: current, outputShapes: [output, ...layer.stateShapes(current)], weights, params });
    current = output;
  });
  return {
    layers: built,
    inputShape: [...sample],
    outputShapes: built[built.length - 1]!.outputShapes,
    totalParams: built.reduce((s, b) => s + b.params, 0),
  };
}

function checkInput(layers: readonly AnyLayer[], i: number, input: Shape): void {
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

/** Rows `[from, to)` of a packed tensor, without copying. */
export function sliceRows(packed: Packed, from: number, to: number): Packed {
  const stride = packed.shape.slice(1).reduce((a, b) => a * b, 1);
  return { data: packed.data.subarray(from * stride, to * stride), shape: [to - from, ...packed.shape.slice(1)] };
}

/**
 * Checks that `x` fits the model input; `name` is its path (`fit.x`). A 2-D array given to an
 * LSTM gets the reshape hint.
 */
export function checkX(arch: Architecture, x: Packed, name: string): void {
  const sample = arch.inputShape;
  const expected: Shape = [null, ...sample];
  const fits = x.shape.length === expected.length && sample.every((d, k) => d === null || d === x.shape[k + 1]);
  if (fits) return;
  const first = arch.layers[0]!.layer;
  const received = `[${x.shape.join(', ')}]`;
  if (first instanceof LSTM) {
    let message =
      `Expected ${name} of shape [samples, timesteps, features] = ${shapeText(expected, 'samples')} ` +
      `(inputShape of ${layerLabel(0, first)}) but received ${received}`;
    if (x.shape.length === 2) {
      message += '; reshape a 2-D [samples, timesteps] array to [samples, timesteps, 1] (one feature per step)';
    }
    throw new RangeError(message);
  }
  throw new RangeError(
    `Expected ${name} of shape ${shapeText(expected, 'samples')} (inputShape of ${layerLabel(0, first)}) but received ${received}`,
  );
}

/**
 * The model output shape for `x` (timesteps taken from `x` where the model has `null`).
 */
export function outputShapeFor(arch: Architecture, x: Packed): number[] {
  let shape: Shape = [x.shape[0]!, ...x.shape.slice(1)];
  for (const b of arch.layers) shape = b.layer.computeOutputShape(shape);
  return shape.map((d) => d ?? 0);
}

/**
 * Checks `y` against the model output for `x` and returns it in the output's shape: `[n]` for
 * an output `[n, 1]` (and any y missing a trailing 1) is expanded, as Keras does. `name` is
 * the path of `y` (`fit.y`).
 */
export function checkY(arch: Architecture, x: Packed, y: Packed, name: string, xName: string): Packed {
  if (arch.outputShapes.length > 1) {
    throw new RangeError(
      `The last layer has returnState: true, so the model has 3 outputs [output, h, c] and no single target; ` +
        `train a model without returnState and use returnState for predict only`,
    );
  }
  const n = x.shape[0]!;
  if (y.shape[0] !== n) {
    throw new RangeError(
      `Expected ${name} to have as many samples as ${xName} (${n}) but received ${y.shape[0]} (shape [${y.shape.join(', ')}])`,
    );
  }
  const out = outputShapeFor(arch, x);
  const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, k) => d === b[k]);
  if (same(y.shape, out)) return y;
  if (out[out.length - 1] === 1 && same(y.shape, out.slice(0, -1))) return { data: y.data, shape: out };
  throw new RangeError(
    `Expected ${name} of shape [${out.join(', ')}] (the model output for ${xName}) but received [${y.shape.join(', ')}]`,
  );
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
