// Keras GaussianNoise: adds N(0, stddev^2) noise in training, identity in inference.
#pragma once

#include "layer.h"

namespace tl {

/// Keras GaussianNoise layer.
struct GaussianNoiseSpec {
  std::string name;
  /// Standard deviation of the additive noise.
  double stddev = 0.0;
};

class GaussianNoise : public Layer {
 public:
  GaussianNoise(const GaussianNoiseSpec& spec, const Shape& input_shape);

  /// In training: x + noise drawn from ctx.generator; the mask passes through.
  LayerOutput Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                   const ForwardContext& ctx) override;
  bool CallLean(const at::Tensor& x, std::vector<at::Tensor>* out) const override {
    *out = {x};  // identity at inference
    return true;
  }
  std::vector<at::Tensor> Weights() const override { return {}; }
  std::vector<Shape> OutputShapes() const override { return {input_shape_}; }
  bool OutputMasked(const std::vector<bool>& input_masked) const override { return PassMask(input_masked); }

 private:
  GaussianNoiseSpec spec_;
  Shape input_shape_;
};

std::unique_ptr<Layer> MakeGaussianNoise(const ConfigReader& config, const std::vector<Shape>& input_shapes);

}  // namespace tl
