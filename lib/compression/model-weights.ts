/**
 * Which weight is which, from the public model API alone: the Keras JSON of `getConfig()`
 * names each layer's weights (LSTM: `kernel`, `recurrent_kernel`, `bias`; Dense: `kernel`,
 * `bias`; `bias` only with `use_bias`), in `getWeights()` order, checked against the shapes
 * `getWeights()` returns.
 */
import type { ModelSpecJson } from '../native.js';
import type { Tensor } from '../tensor.js';
import { describe } from '../validate.js';

/** The Keras weight names pruning can select by. */
export type WeightKind = 'kernel' | 'recurrent_kernel' | 'bias';

/** The weight kinds, in the order a layer holds them. */
export const WEIGHT_KINDS: readonly WeightKind[] = ['kernel', 'recurrent_kernel', 'bias'];

/** One weight of a model. */
export interface ModelWeight {
  /** `<layer>/<kind>`, as the saved files name it: `lstm/kernel`, `dense/bias`. */
  name: string;
  layer: string;
  kind: WeightKind;
  shape: number[];
}

/** What the compression helpers read from a model. */
export interface WeightedModel {
  getConfig(): ModelSpecJson;
  getWeights(): Tensor[];
}

/** Weights of each layer class, in the engine's order. */
const LAYER_WEIGHTS: Readonly<Record<string, readonly WeightKind[]>> = {
  LSTM: ['kernel', 'recurrent_kernel', 'bias'],
  GRU: ['kernel', 'recurrent_kernel', 'bias'],
  SimpleRNN: ['kernel', 'recurrent_kernel', 'bias'],
  Dense: ['kernel', 'bias'],
  Dropout: [],
  InputLayer: [],
};

/**
 * Names every weight of `model` (in `getWeights()` order), or throws a RangeError when the model
 * holds a layer class this module does not know. `weights` are the model's current weights.
 */
export function modelWeights(model: WeightedModel, weights: readonly Tensor[], name: string): ModelWeight[] {
  const out: ModelWeight[] = [];
  for (const layer of model.getConfig().config.layers) {
    const kinds = LAYER_WEIGHTS[layer.class_name];
    const layerName = String(layer.config.name);
    if (!kinds) {
      throw new RangeError(`${name} cannot prune ${describe(layerName)}: its class ${layer.class_name} is not one it knows (${Object.keys(LAYER_WEIGHTS).join(', ')})`);
    }
    for (const kind of kinds) {
      if (kind === 'bias' && layer.config.use_bias === false) continue;
      out.push({ name: `${layerName}/${kind}`, layer: layerName, kind, shape: [] });
    }
  }
  if (out.length !== weights.length) {
    throw new RangeError(`${name}: the model's layers name ${out.length} weights but getWeights() returned ${weights.length}`);
  }
  out.forEach((w, i) => {
    w.shape = [...weights[i]!.shape];
    const rank = w.kind === 'bias' ? 1 : 2;
    if (w.shape.length !== rank) {
      throw new RangeError(`${name}: weight ${i} (${w.name}) should have rank ${rank} but has shape [${w.shape.join(', ')}]`);
    }
  });
  return out;
}

/** Total parameter count of a list of weights. */
export function countParams(weights: readonly { data: { length: number } }[]): number {
  return weights.reduce((sum, w) => sum + w.data.length, 0);
}
