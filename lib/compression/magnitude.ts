/**
 * Magnitude pruning masks (tfmot's `prune_low_magnitude` rule): of the `n` values in a group,
 * keep the `max(round(n * (1 - sparsity)), 1)` of largest magnitude (round half to even, as
 * `tf.math.round`) and prune the rest. A group is one weight tensor (`scope: 'layer'`) or every
 * included tensor together (`'global'`: one threshold for all). Ties at the threshold are broken
 * by position (earlier pruned first), so exactly the computed count is pruned.
 */

/** One threshold over all included weights, or one per weight tensor. */
export type PruningScope = 'global' | 'layer';

/** Round half to even, as `tf.math.round`. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** How many of `n` values a sparsity prunes: `n - max(round(n * (1 - sparsity)), 1)`, 0 when sparsity is 0. */
export function prunedCount(n: number, sparsity: number): number {
  if (sparsity <= 0 || n === 0) return 0;
  return n - Math.max(roundHalfEven(n * (1 - sparsity)), 1);
}

/** Zeroes in `masks` the `count` smallest magnitudes over all of `values` (ties: earlier first). */
function pruneSmallest(values: readonly Float32Array[], masks: Float32Array[], count: number): void {
  if (count <= 0) return;
  const total = values.reduce((s, v) => s + v.length, 0);
  const abs = new Float32Array(total);
  let o = 0;
  for (const v of values) for (let i = 0; i < v.length; i++) abs[o++] = Math.abs(v[i]!);
  abs.sort();
  const threshold = abs[count - 1]!;
  let below = 0;
  for (let i = 0; i < count; i++) if (abs[i]! < threshold) below++;
  let atThreshold = count - below; // how many values equal to the threshold are pruned
  values.forEach((v, t) => {
    const m = masks[t]!;
    for (let i = 0; i < v.length; i++) {
      const a = Math.abs(v[i]!);
      if (a < threshold) m[i] = 0;
      else if (a === threshold && atThreshold > 0) {
        m[i] = 0;
        atThreshold--;
      }
    }
  });
}

/**
 * Masks (1 keeps, 0 prunes) for the weights whose `included` entry is true; `null` for the others.
 */
export function magnitudeMasks(
  weights: readonly { data: Float32Array }[],
  included: readonly boolean[],
  sparsity: number,
  scope: PruningScope,
): (Float32Array | null)[] {
  const masks = weights.map((w, i) => (included[i] ? new Float32Array(w.data.length).fill(1) : null));
  const chosen = weights.flatMap((w, i) => (included[i] ? [{ data: w.data, mask: masks[i]! }] : []));
  if (scope === 'global') {
    const n = chosen.reduce((s, c) => s + c.data.length, 0);
    pruneSmallest(chosen.map((c) => c.data), chosen.map((c) => c.mask), prunedCount(n, sparsity));
  } else {
    for (const c of chosen) pruneSmallest([c.data], [c.mask], prunedCount(c.data.length, sparsity));
  }
  return masks;
}

/** Zero entries of a mask. */
export function zerosOf(mask: Float32Array): number {
  let z = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] === 0) z++;
  return z;
}
