// Keras LayerNormalization: per-sample mean and variance over `axis`, then
// x_hat * gamma + beta (gamma, beta span the normalized axes; weights in Keras order gamma, beta).
#pragma once

#include "layer.h"

namespace tl {

/// Keras LayerNormalization layer.
struct LayerNormalizationSpec {
  std::string name;
  /// Axes to normalize over, counted with the batch as axis 0 (negative: from the end).
  std::vector<int64_t> axis;
  double epsilon = 0.0;
  bool center = true;
  bool scale = true;
  InitializerSpec beta_initializer, gamma_initializer;
  std::optional<RegularizerSpec> beta_regularizer, gamma_regularizer;
};

/// Reads a Keras LayerNormalization config (`axis` an integer or a list of integers).
LayerNormalizationSpec ParseLayerNormalizationSpec(const ConfigReader& config);

class LayerNormalization : public Layer {
 public:
  LayerNormalization(const LayerNormalizationSpec& spec, const Shape& input_shape);

  LayerOutput Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                   const ForwardContext& ctx) override;
  at::Tensor Forward(const at::Tensor& x) const;
  std::vector<at::Tensor> Weights() const override;
  std::vector<Shape> OutputShapes() const override { return {input_shape_}; }
  /// Keras LayerNormalization supports masking: the mask passes through.
  bool OutputMasked(const std::vector<bool>& input_masked) const override { return PassMask(input_masked); }

 private:
  LayerNormalizationSpec spec_;
  Shape input_shape_;
  /// Normalized axes of the batched input (sorted, positive).
  std::vector<int64_t> axes_;
  /// Shape gamma and beta broadcast to (1 outside the axes); empty: the last axis only.
  std::vector<int64_t> broadcast_;
  at::Tensor gamma_, beta_;
};

std::unique_ptr<Layer> MakeLayerNormalization(const ConfigReader& config, const std::vector<Shape>& input_shapes);

}  // namespace tl
