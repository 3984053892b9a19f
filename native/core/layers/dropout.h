// Keras Dropout: inverted dropout in training, identity in inference.
#pragma once

#include "layer.h"

namespace tl {

class Dropout : public Layer {
 public:
  Dropout(const DropoutSpec& spec, const Shape& input_shape);

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
  DropoutSpec spec_;
  Shape input_shape_;
};

std::unique_ptr<Layer> MakeDropout(const ConfigReader& config, const std::vector<Shape>& input_shapes);

}  // namespace tl
