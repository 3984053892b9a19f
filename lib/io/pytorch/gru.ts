/**
 * Keras GRU (`resetAfter: true`) <-> `torch.nn.GRU` weights.
 *
 * Both compute the candidate with the reset gate applied after the recurrent product
 * (`n = tanh(W_n x + b_in + r * (U_n h + b_hn))`) and `h' = (1 - z) * n + z * h`, with two
 * biases. Keras orders the gates z, r, h; PyTorch r, z, n:
 * - `weight_ih_l<k>` `[3H, F]` is Keras's kernel `[F, 3H]` transposed, gate blocks reordered;
 * - `weight_hh_l<k>` `[3H, H]` is the recurrent kernel `[H, 3H]`, likewise;
 * - `bias_ih_l<k>` / `bias_hh_l<k>` `[3H]` are the two rows of Keras's bias `[2, 3H]`
 *   (input row, recurrent row), reordered.
 * A layer with `useBias: false` matches `nn.GRU(bias=False)`. `resetAfter: false` (the
 * original GRU, one bias) has no `nn.GRU` counterpart: refused.
 *
 * `nn.GRU` computes tanh/sigmoid and reads a sequence forwards: a Keras GRU with other
 * activations, or with `goBackwards`, exports its weights all the same, but the PyTorch module
 * alone does not compute the same function.
 */
import type { GRUConfig } from '../../layers/index.js';
import { gatesToRows, type LayerConverter, reorderBlocks, rowsToGates, unorderBlocks } from './converter.js';

/** PyTorch gate block g comes from Keras gate block TORCH_FROM_KERAS[g] (PyTorch r, z, n <- Keras z, r, h). */
const TORCH_FROM_KERAS = [1, 0, 2] as const;

export const gruConverter: LayerConverter<GRUConfig> = {
  multiLayer: true,

  refuse(config) {
    if (config.resetAfter) return undefined;
    return 'has resetAfter: false (the reset gate applied before the recurrent product, one bias), which torch.nn.GRU does not compute; ' +
      'only a GRU with resetAfter: true (Keras\'s default) maps to torch.nn.GRU';
  },

  toPytorch({ config, module, layer, suffix, weight }) {
    const H = config.units;
    const kernel = weight('kernel');
    const F = kernel.shape[0]!;
    const name = (p: string) => `${module}.${p}_l${layer}${suffix}`;
    const out = [
      { key: name('weight_ih'), tensor: { shape: [3 * H, F], data: gatesToRows(kernel.data, F, H, TORCH_FROM_KERAS) } },
      { key: name('weight_hh'), tensor: { shape: [3 * H, H], data: gatesToRows(weight('recurrent_kernel').data, H, H, TORCH_FROM_KERAS) } },
    ];
    if (config.useBias) {
      const bias = weight('bias').data; // [2, 3H]: input row, recurrent row
      out.push(
        { key: name('bias_ih'), tensor: { shape: [3 * H], data: reorderBlocks(bias.subarray(0, 3 * H), H, TORCH_FROM_KERAS) } },
        { key: name('bias_hh'), tensor: { shape: [3 * H], data: reorderBlocks(bias.subarray(3 * H), H, TORCH_FROM_KERAS) } },
      );
    }
    return out;
  },

  fromPytorch({ config, module, layer, suffix, label, kerasShape, take, has, fail }) {
    const H = config.units;
    const F = kerasShape('kernel')[0]!;
    const name = (p: string) => `${module}.${p}_l${layer}${suffix}`;
    const weights: Record<string, Float32Array> = {
      kernel: rowsToGates(take(name('weight_ih'), [3 * H, F]), F, H, TORCH_FROM_KERAS),
      recurrent_kernel: rowsToGates(take(name('weight_hh'), [3 * H, H]), H, H, TORCH_FROM_KERAS),
    };
    const biasKeys = [name('bias_ih'), name('bias_hh')];
    if (config.useBias) {
      const bias = new Float32Array(6 * H);
      bias.set(unorderBlocks(take(biasKeys[0]!, [3 * H]), H, TORCH_FROM_KERAS), 0);
      bias.set(unorderBlocks(take(biasKeys[1]!, [3 * H]), H, TORCH_FROM_KERAS), 3 * H);
      weights.bias = bias;
    } else {
      const present = biasKeys.filter(has);
      if (present.length > 0) {
        fail(`holds ${present.map((k) => JSON.stringify(k)).join(' and ')} but ${label} has useBias: false; build it with useBias: true (or use nn.GRU(bias=False))`);
      }
    }
    return weights;
  },
};
