/**
 * Keras LayerNormalization <-> `torch.nn.LayerNorm` weights: `weight` is gamma and `bias` is
 * beta, both shaped as the normalized dimensions. `nn.LayerNorm(normalized_shape)` normalizes
 * the trailing dimensions, so the Keras layer must normalize trailing axes listed in order
 * (`axis: -1`, the default, or e.g. `[-2, -1]`). `scale: false` and `center: false` match
 * `elementwise_affine=False` and `bias=False`. Keras's default epsilon is 1e-3, PyTorch's
 * 1e-5: give the same `eps` on both sides.
 */
import type { LayerNormalizationConfig } from '../../layers/index.js';
import type { LayerConverter } from './converter.js';

export const layerNormalizationConverter: LayerConverter<LayerNormalizationConfig> = {
  multiLayer: false,

  refuse(config) {
    const axes = Array.isArray(config.axis) ? config.axis : [config.axis];
    const trailing = axes.every((a, i) => a < 0 && a === -axes.length + i);
    if (trailing) return undefined;
    return `normalizes axis ${JSON.stringify(config.axis)}; torch.nn.LayerNorm normalizes trailing dimensions, so torch-lstm maps ` +
      'LayerNormalization layers whose axes are the last ones, listed in order as negative axes (axis: -1, or [-2, -1])';
  },

  toPytorch({ config, module, weight }) {
    const out = [];
    if (config.scale) out.push({ key: `${module}.weight`, tensor: { ...weight('gamma'), data: Float32Array.from(weight('gamma').data) } });
    if (config.center) out.push({ key: `${module}.bias`, tensor: { ...weight('beta'), data: Float32Array.from(weight('beta').data) } });
    return out;
  },

  fromPytorch({ config, module, label, kerasShape, take, has, fail }) {
    const weights: Record<string, Float32Array> = {};
    if (config.scale) weights.gamma = Float32Array.from(take(`${module}.weight`, kerasShape('gamma')));
    else if (has(`${module}.weight`)) fail(`holds "${module}.weight" but ${label} has scale: false; build it with scale: true (or use nn.LayerNorm(elementwise_affine=False))`);
    if (config.center) weights.beta = Float32Array.from(take(`${module}.bias`, kerasShape('beta')));
    else if (has(`${module}.bias`)) fail(`holds "${module}.bias" but ${label} has center: false; build it with center: true (or use nn.LayerNorm(bias=False))`);
    return weights;
  },
};
