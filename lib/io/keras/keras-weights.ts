/**
 * Where Keras keeps each layer's weights in its two HDF5 layouts, and how they become the
 * model's `setWeights()` list (Keras order per layer: LSTM kernel `[F, 4H]`, recurrent kernel
 * `[H, 4H]`, bias `[4H]`; Dense kernel, bias), every count and shape checked.
 *
 * - Keras 3 `.keras` (`model.weights.h5`): `layers/<layer>/vars/0..n` holds the layer's own
 *   variables in creation order; sub-objects have groups of their own, e.g. an RNN's cell
 *   `layers/<layer>/cell/vars/0..n`, a Bidirectional's `forward_layer/...` then `backward_layer/...`.
 * - Legacy `.h5` (Keras 2 and Keras 3's `model.save("x.h5")`): group `model_weights`, attribute
 *   `layer_names`; per layer, attribute `weight_names` lists the datasets in order, relative to
 *   `model_weights/<layer>` (`sequential/lstm/lstm_cell/kernel`, Keras 2: `lstm/lstm_cell/kernel:0`).
 */
import type { NativeTensor } from '../../native.js';
import type { WeightName } from '../model-io.js';
import { type H5Array, type H5Reader, type H5Where, h5Error } from './keras-h5.js';

/** One weight as the file holds it: its path in the file, shape and data. */
export interface FileWeight extends H5Array {
  path: string;
}

/**
 * Sub-object groups of a Keras 3 layer whose weights come in this order (Keras's `layer.weights`
 * order, which is torch-lstm's `getWeights()` order): an RNN's `cell`; Bidirectional's
 * `forward_layer` then `backward_layer`; TimeDistributed's `layer`; MultiHeadAttention's query,
 * key, value and output projections; keras_hub TransformerEncoder's attention (itself a
 * MultiHeadAttention), its two norms and its two feed-forward Dense layers. Others follow, sorted
 * by name (shapes are still checked one by one).
 */
const CHILD_ORDER = [
  'cell',
  'forward_layer',
  'backward_layer',
  'layer',
  'query_dense',
  'key_dense',
  'value_dense',
  'output_dense',
  'self_attention_layer',
  'self_attention_layer_norm',
  'feedforward_layer_norm',
  'feedforward_intermediate_dense',
  'feedforward_output_dense',
];

function byIndex(a: string, b: string): number {
  return Number(a) - Number(b);
}

/** Every variable under `path` (a Keras 3 layer group): its own `vars/0..n`, then its sub-objects'. */
function kerasV3Variables(h5: H5Reader, path: string, depth = 0): FileWeight[] {
  const keys = h5.groupKeys(path) ?? [];
  const out: FileWeight[] = [];
  if (keys.includes('vars')) {
    const vars = (h5.groupKeys(`${path}/vars`) ?? []).filter((k) => /^\d+$/.test(k)).sort(byIndex);
    for (const v of vars) out.push({ path: `${path}/vars/${v}`, ...h5.floatDataset(`${path}/vars/${v}`) });
  }
  if (depth > 8) return out;
  const children = keys.filter((k) => k !== 'vars' && h5.groupKeys(`${path}/${k}`) !== undefined);
  children.sort((a, b) => {
    const ia = CHILD_ORDER.indexOf(a);
    const ib = CHILD_ORDER.indexOf(b);
    if (ia >= 0 || ib >= 0) return (ia < 0 ? CHILD_ORDER.length : ia) - (ib < 0 ? CHILD_ORDER.length : ib);
    return a < b ? -1 : a > b ? 1 : 0;
  });
  for (const child of children) out.push(...kerasV3Variables(h5, `${path}/${child}`, depth + 1));
  return out;
}

/**
 * The weights of each named layer in a Keras 3 `model.weights.h5`.
 * @throws {ModelFileError} no `layers` group (not a Keras 3 weights file).
 */
export function kerasV3LayerWeights(h5: H5Reader, layerNames: readonly string[], what: H5Where | string): Map<string, FileWeight[]> {
  const present = h5.groupKeys('layers');
  if (!present) {
    const top = h5.groupKeys('') ?? [];
    throw h5Error(
      what,
      `has no "layers" group (it holds ${top.map((k) => JSON.stringify(k)).join(', ') || 'nothing'}), so it is not the weights file of a Keras 3 model` +
        (top.includes('_layer_checkpoint_dependencies') ? ' (a .keras file of Keras 2.13-2.15? re-save it with Keras 3, or as .h5)' : ''),
    );
  }
  const out = new Map<string, FileWeight[]>();
  for (const name of layerNames) {
    if (present.includes(name)) out.set(name, kerasV3Variables(h5, `layers/${name}`));
  }
  return out;
}

/**
 * The weights of each layer in a legacy `.h5` file (`model_weights`, or the root of a
 * weights-only `.h5` from `save_weights`), in `weight_names` order.
 * @throws {ModelFileError} no `model_weights`/`layer_names`, a listed dataset missing.
 */
export function legacyLayerWeights(h5: H5Reader, what: H5Where | string): Map<string, FileWeight[]> {
  const root = h5.groupKeys('model_weights') ? 'model_weights' : '';
  const layerNames = h5.stringListAttr(root, 'layer_names');
  if (!layerNames) {
    throw h5Error(what, 'has no model_weights group with a layer_names attribute: it is not a Keras .h5 model (or the file is damaged)');
  }
  const out = new Map<string, FileWeight[]>();
  for (const layer of layerNames) {
    const group = root ? `${root}/${layer}` : layer;
    const names = h5.stringListAttr(group, 'weight_names');
    if (names === undefined) {
      throw h5Error(what, `lists layer ${JSON.stringify(layer)} in layer_names but ${JSON.stringify(group)} has no weight_names attribute; the file is damaged`);
    }
    out.set(
      layer,
      names.map((n) => {
        const path = `${group}/${n}`;
        if (!h5.isDataset(path)) throw h5Error(what, `has no dataset ${JSON.stringify(path)}, which ${JSON.stringify(group)}'s weight_names lists; the file is damaged`);
        return { path, ...h5.floatDataset(path) };
      }),
    );
  }
  return out;
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Splits `lstm/kernel` into its layer (`lstm`) and weight (`kernel`). A wrapper's weights keep
 * their sub-layer in the weight part (`bidirectional/forward_lstm/kernel`,
 * `multi_head_attention/query/kernel`): layer names have no `/`, so the layer is the first segment.
 */
function layerOf(w: WeightName): { layer: string; weight: string } {
  const cut = w.name.indexOf('/');
  return { layer: w.name.slice(0, cut), weight: w.name.slice(cut + 1) };
}

/** The names of the layers that have weights, in `getWeights()` order (each once). */
export function weightLayerNames(expected: readonly WeightName[]): string[] {
  return [...new Set(expected.map((w) => layerOf(w).layer))];
}

/**
 * The weights in `expected` order (the model's `getWeights()`), taken per layer in the file's
 * order; `what` names the file in errors.
 * @throws {ModelFileError} a layer without weights in the file, a count or shape mismatch,
 *   weights in the file for a layer the model does not have.
 */
export function orderWeights(expected: readonly WeightName[], byLayer: ReadonlyMap<string, readonly FileWeight[]>, what: H5Where | string): NativeTensor[] {
  const groups = new Map<string, WeightName[]>();
  for (const w of expected) {
    const { layer } = layerOf(w);
    if (!groups.has(layer)) groups.set(layer, []);
    groups.get(layer)!.push(w);
  }
  for (const [layer, weights] of byLayer) {
    if (weights.length > 0 && !groups.has(layer)) {
      throw h5Error(what, `has weights for a layer ${JSON.stringify(layer)} (${weights.map((w) => w.path).join(', ')}), which the model config does not have; the file is damaged`);
    }
  }
  const out: NativeTensor[] = [];
  for (const [layer, want] of groups) {
    const have = byLayer.get(layer) ?? [];
    const label = want[0]!.layer;
    if (have.length !== want.length) {
      throw h5Error(
        what,
        `has ${have.length} weight${have.length === 1 ? '' : 's'} for the model's ${label}` +
          (have.length > 0 ? ` (${have.map((w) => `${w.path} ${shapeText(w.shape)}`).join(', ')})` : '') +
          ` but it needs ${want.length} (${want.map((w) => `${layerOf(w).weight} ${shapeText(w.shape)}`).join(', ')})`,
      );
    }
    want.forEach((w, i) => {
      const t = have[i]!;
      if (t.shape.length !== w.shape.length || t.shape.some((d, k) => d !== w.shape[k])) {
        throw h5Error(what, `has weight ${t.path} of shape ${shapeText(t.shape)} but the model's ${label} ${layerOf(w).weight} needs ${shapeText(w.shape)}`);
      }
      out.push({ data: t.data, shape: [...t.shape] });
    });
  }
  return out;
}
