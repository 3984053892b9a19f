/**
 * One-shot magnitude pruning (tfmot's `prune_low_magnitude` with a constant sparsity, applied
 * at once): masks from |w|, set on the engine model so that pruned weights stay zero through
 * fine-tuning, and a report of what was pruned. {@link stripPruning} removes the masks.
 */
import { Tensor } from '../tensor.js';
import * as v from '../validate.js';
import { magnitudeMasks, type PruningScope, zerosOf } from './magnitude.js';
import { countParams, type ModelWeight, modelWeights, WEIGHT_KINDS, type WeightedModel, type WeightKind } from './model-weights.js';

/** A model that can be pruned: every torch-lstm model is one. */
export interface PrunableModel extends WeightedModel {
  setWeightMasks(masks: readonly (Tensor | null)[] | null): void;
}

/** Options of {@link prune}. */
export interface PruneArgs {
  /** Fraction of the included weights to prune, in [0, 1). Required. */
  sparsity: number;
  /**
   * `'global'`: one magnitude threshold over all included weights (layers with small weights
   * lose more); `'layer'`: each weight tensor pruned to `sparsity` on its own. Defaults to `'global'`.
   */
  scope?: PruningScope;
  /**
   * What to prune: weight kinds (`'kernel'`, `'recurrent_kernel'`, `'bias'`), layer names
   * (`'lstm_1'`: that layer's kernels) and weight names (`'dense/kernel'`). A weight is pruned
   * when its name is listed, or when its layer is listed (or no layer is) and its kind is
   * listed (or no kind is: kernels and recurrent kernels). Defaults to
   * `['kernel', 'recurrent_kernel']`: every kernel, no bias.
   */
  include?: string[];
}

/** One pruned weight in a {@link PruningReport}. */
export interface PrunedWeight {
  /** `lstm/kernel`, `dense/kernel`, ... */
  name: string;
  shape: number[];
  params: number;
  /** Entries masked to zero. */
  pruned: number;
  /** `pruned / params`. */
  sparsity: number;
}

/** What {@link prune} (or a {@link pruneCallback} step) did. */
export interface PruningReport {
  scope: PruningScope;
  /** The sparsity asked for. */
  targetSparsity: number;
  /** Each masked weight, in `getWeights()` order. */
  weights: PrunedWeight[];
  /** Achieved sparsity over the masked weights (the target, within rounding). */
  sparsity: number;
  /** Parameters masked to zero. */
  paramsPruned: number;
  /** Parameters in the masked weights. */
  prunableParams: number;
  /** Every parameter of the model. */
  totalParams: number;
  /** `paramsPruned / totalParams`. */
  modelSparsity: number;
}

const DEFAULT_KINDS: readonly WeightKind[] = ['kernel', 'recurrent_kernel'];

/** Checks that `model` can be pruned. */
export function prunableModel(model: unknown, name: string): PrunableModel {
  const m = model as Partial<PrunableModel> | null;
  if (typeof m !== 'object' || m === null || typeof m.setWeightMasks !== 'function' || typeof m.getWeights !== 'function' || typeof m.getConfig !== 'function') {
    throw v.typeError('a torch-lstm model (from sequential([...]))', name, model);
  }
  return m as PrunableModel;
}

/** Validates `include` (shape only: names are checked against the model by {@link selectWeights}). */
export function includeOption(value: unknown, name: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) throw v.typeError('a non-empty array of layer names, weight kinds or weight names', name, value);
  return value.map((entry, i) => v.string(entry, `${name}[${i}]`));
}

/** Which weights `include` selects (see {@link PruneArgs.include}); a RangeError names an entry that matches nothing. */
export function selectWeights(weights: readonly ModelWeight[], include: readonly string[] | undefined, name: string): boolean[] {
  const entries = include ?? DEFAULT_KINDS;
  const layers = new Set(weights.map((w) => w.layer));
  const names = new Set(weights.map((w) => w.name));
  const kinds: WeightKind[] = [];
  const chosenLayers: string[] = [];
  const chosenNames: string[] = [];
  entries.forEach((entry, i) => {
    if ((WEIGHT_KINDS as readonly string[]).includes(entry)) kinds.push(entry as WeightKind);
    else if (layers.has(entry)) chosenLayers.push(entry);
    else if (names.has(entry)) chosenNames.push(entry);
    else {
      const near = v.nearest(entry, [...WEIGHT_KINDS, ...layers, ...names]);
      throw new RangeError(
        `${v.expectedMessage(`a weight kind (${WEIGHT_KINDS.join(', ')}), a layer name (${[...layers].join(', ')}) or a weight name`, `${name}[${i}]`, entry)}` +
          (near ? `; did you mean "${near}"?` : ''),
      );
    }
  });
  const filtered = kinds.length > 0 || chosenLayers.length > 0;
  const kindSet = kinds.length > 0 ? kinds : DEFAULT_KINDS;
  const selected = weights.map(
    (w) =>
      chosenNames.includes(w.name) ||
      (filtered && (chosenLayers.length === 0 || chosenLayers.includes(w.layer)) && kindSet.includes(w.kind)),
  );
  if (!selected.some(Boolean)) {
    throw new RangeError(`${name} [${entries.map((e) => JSON.stringify(e)).join(', ')}] selects no weight of the model (${[...names].join(', ')})`);
  }
  return selected;
}

/**
 * Computes magnitude masks for the weights `include` selects, sets them on `model` (replacing
 * any masks set before) and reports what was pruned. Shared by {@link prune} and the callback.
 */
export function applyMagnitudePruning(
  model: PrunableModel,
  sparsity: number,
  scope: PruningScope,
  include: readonly string[] | undefined,
  name: string,
): PruningReport {
  const weights = model.getWeights();
  const info = modelWeights(model, weights, name);
  const selected = selectWeights(info, include, `${name}.include`);
  const masks = magnitudeMasks(weights, selected, sparsity, scope);
  model.setWeightMasks(masks.map((m, i) => (m ? new Tensor(m, weights[i]!.shape) : null)));
  const pruned: PrunedWeight[] = [];
  masks.forEach((m, i) => {
    if (!m) return;
    const zeros = zerosOf(m);
    pruned.push({ name: info[i]!.name, shape: [...info[i]!.shape], params: m.length, pruned: zeros, sparsity: zeros / m.length });
  });
  const paramsPruned = pruned.reduce((s, w) => s + w.pruned, 0);
  const prunableParams = pruned.reduce((s, w) => s + w.params, 0);
  const totalParams = countParams(weights);
  return {
    scope,
    targetSparsity: sparsity,
    weights: pruned,
    sparsity: paramsPruned / prunableParams,
    paramsPruned,
    prunableParams,
    totalParams,
    modelSparsity: paramsPruned / totalParams,
  };
}

/** Validates a sparsity option: a number in [0, 1). */
export function sparsityOption(value: unknown, name: string): number {
  return v.number(value, name, { min: 0, max: 1, maxExclusive: true });
}

/** Validates a scope option. */
export function scopeOption(value: unknown, name: string): PruningScope {
  return value === undefined ? 'global' : v.oneOf(value, name, ['global', 'layer'] as const);
}

/**
 * Prunes the weights of smallest magnitude (one-shot magnitude pruning, tfmot's
 * `prune_low_magnitude` rule): of the included weights, the fraction `sparsity` of smallest |w|
 * is masked to zero, over all of them at once (`scope: 'global'`) or per weight tensor
 * (`'layer'`). The masks stay on the model: pruned weights are zeroed again after every
 * optimizer step and every `setWeights`, so fine-tune with `fit` afterwards and they stay
 * pruned; {@link stripPruning} removes the masks. Calling `prune` again replaces the masks.
 * Allowed where `setWeights` is (also in fit's epoch callbacks).
 *
 * @param model a torch-lstm model (built: its first layer has an `inputShape`).
 * @param args `sparsity` (required), `scope` (Defaults to `'global'`), `include` (Defaults to
 *   `['kernel', 'recurrent_kernel']`).
 * @returns each masked weight's sparsity, the overall sparsity and the parameters pruned.
 * @example
 * const report = compression.prune(model, { sparsity: 0.5 });
 * console.log(report.sparsity, report.paramsPruned);
 * await model.fit(x, y, { epochs: 10 }); // fine-tune: pruned weights stay zero
 * compression.stripPruning(model);
 * @throws {TypeError|RangeError} a wrong option, named by its path (`prune.sparsity`,
 *   `prune.include[1]`); `TorchError` `ERR_BUSY` during fit outside its callbacks.
 */
export function prune(model: PrunableModel, args: PruneArgs): PruningReport {
  const m = prunableModel(model, 'prune.model');
  if (args === undefined) throw v.typeError('an options object with sparsity', 'prune', args);
  const o = v.checkOptions<PruneArgs>(args, 'prune', ['sparsity', 'scope', 'include']);
  const sparsity = sparsityOption(o.sparsity, 'prune.sparsity');
  const scope = scopeOption(o.scope, 'prune.scope');
  const include = includeOption(o.include, 'prune.include');
  return applyMagnitudePruning(m, sparsity, scope, include, 'prune');
}

/**
 * Removes the pruning masks of {@link prune} or {@link pruneCallback} (tfmot's
 * `strip_pruning`, in place): the weights keep their values, so the pruned ones stay zero until
 * training moves them.
 *
 * @example
 * compression.stripPruning(model);
 * await model.save('models/pruned');
 * @throws {TypeError} not a model; `TorchError` `ERR_BUSY` during fit outside its callbacks.
 */
export function stripPruning(model: PrunableModel): void {
  prunableModel(model, 'stripPruning.model').setWeightMasks(null);
}
