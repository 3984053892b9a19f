/**
 * Keras Dense <-> `torch.nn.Linear` weights: `weight` `[out, in]` is Keras's kernel `[in, out]`
 * transposed; `bias` `[out]` is the same. `useBias: false` matches `nn.Linear(bias=False)`.
 * The activation is not a weight: apply it after the Linear in PyTorch.
 */
import type { DenseConfig } from '../../layers/index.js';
import { type LayerConverter, transpose } from './converter.js';

export const denseConverter: LayerConverter<DenseConfig> = {
  multiLayer: false,

  toPytorch({ config, module, weight }) {
    const kernel = weight('kernel');
    const [inDim, outDim] = kernel.shape as [number, number];
    const out = [{ key: `${module}.weight`, tensor: { shape: [outDim, inDim], data: transpose(kernel.data, inDim, outDim) } }];
    if (config.useBias) out.push({ key: `${module}.bias`, tensor: { shape: [outDim], data: Float32Array.from(weight('bias').data) } });
    return out;
  },

  fromPytorch({ config, module, label, kerasShape, take, has, fail }) {
    const [inDim, outDim] = kerasShape('kernel') as [number, number];
    const weights: Record<string, Float32Array> = { kernel: transpose(take(`${module}.weight`, [outDim, inDim]), outDim, inDim) };
    if (config.useBias) weights.bias = Float32Array.from(take(`${module}.bias`, [outDim]));
    else if (has(`${module}.bias`)) {
      fail(`holds "${module}.bias" but ${label} has useBias: false; build it with useBias: true (or use nn.Linear(bias=False))`);
    }
    return weights;
  },
};
