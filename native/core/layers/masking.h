// Keras Masking: timesteps whose features all equal mask_value are masked (and zeroed).
#pragma once

#include "layer.h"

namespace tl {

/// Keras Masking layer.
struct MaskingSpec {
  std::string name;
  /// A timestep is masked when every feature equals this value.
  double mask_value = 0.0;
};

class Masking : public Layer {
 public:
  Masking(const MaskingSpec& spec, const Shape& input_shape);

  /// Output: the input with masked timesteps zeroed (Keras `inputs * mask`); mask:
  /// any(x != mask_value, axis=-1), [batch, timesteps]. An incoming mask is replaced.
  LayerOutput Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                   const ForwardContext& ctx) override;
  std::vector<at::Tensor> Weights() const override { return {}; }
  std::vector<Shape> OutputShapes() const override { return {input_shape_}; }
  bool OutputMasked(const std::vector<bool>& input_masked) const override { return true; }

 private:
  MaskingSpec spec_;
  Shape input_shape_;
};

std::unique_ptr<Layer> MakeMasking(const ConfigReader& config, const std::vector<Shape>& input_shapes);

}  // namespace tl
