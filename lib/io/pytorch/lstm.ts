/**
 * Keras LSTM <-> `torch.nn.LSTM` weights.
 *
 * PyTorch's gate order i, f, g, o is Keras's i, f, c, o, so only the layout changes:
 * - `weight_ih_l<k>` `[4H, F]` is Keras's kernel `[F, 4H]` transposed;
 * - `weight_hh_l<k>` `[4H, H]` is the recurrent kernel `[H, 4H]` transposed;
 * - PyTorch adds two biases, Keras has one: exporting writes `bias_ih_l<k>` = bias and
 *   `bias_hh_l<k>` = 0; importing sets bias = `bias_ih_l<k>` + `bias_hh_l<k>`.
 * A layer with `useBias: false` matches `nn.LSTM(bias=False)` (no bias tensors).
 *
 * `nn.LSTM` computes tanh/sigmoid and reads a sequence forwards: a Keras LSTM with other
 * activations, or with `goBackwards` (flip the input in PyTorch), exports its weights all the
 * same, but the PyTorch module alone does not compute the same function.
 */
import type { LSTMConfig } from '../../layers/index.js';
import { type LayerConverter, transpose } from './converter.js';

export const lstmConverter: LayerConverter<LSTMConfig> = {
  multiLayer: true,

  toPytorch({ config, module, layer, suffix, weight }) {
    const H = config.units;
    const kernel = weight('kernel');
    const F = kernel.shape[0]!;
    const out = [
      { key: `${module}.weight_ih_l${layer}${suffix}`, tensor: { shape: [4 * H, F], data: transpose(kernel.data, F, 4 * H) } },
      { key: `${module}.weight_hh_l${layer}${suffix}`, tensor: { shape: [4 * H, H], data: transpose(weight('recurrent_kernel').data, H, 4 * H) } },
    ];
    if (config.useBias) {
      out.push(
        { key: `${module}.bias_ih_l${layer}${suffix}`, tensor: { shape: [4 * H], data: Float32Array.from(weight('bias').data) } },
        { key: `${module}.bias_hh_l${layer}${suffix}`, tensor: { shape: [4 * H], data: new Float32Array(4 * H) } },
      );
    }
    return out;
  },

  fromPytorch({ config, module, layer, suffix, label, kerasShape, take, has, fail }) {
    const H = config.units;
    const F = kerasShape('kernel')[0]!;
    const weights: Record<string, Float32Array> = {
      kernel: transpose(take(`${module}.weight_ih_l${layer}${suffix}`, [4 * H, F]), 4 * H, F),
      recurrent_kernel: transpose(take(`${module}.weight_hh_l${layer}${suffix}`, [4 * H, H]), 4 * H, H),
    };
    const biasKeys = [`${module}.bias_ih_l${layer}${suffix}`, `${module}.bias_hh_l${layer}${suffix}`];
    if (config.useBias) {
      const ih = take(biasKeys[0]!, [4 * H]);
      const hh = take(biasKeys[1]!, [4 * H]);
      weights.bias = ih.map((v, i) => v + hh[i]!);
    } else {
      const present = biasKeys.filter(has);
      if (present.length > 0) {
        fail(`holds ${present.map((k) => JSON.stringify(k)).join(' and ')} but ${label} has useBias: false; build it with useBias: true (or use nn.LSTM(bias=False))`);
      }
    }
    return weights;
  },
};
