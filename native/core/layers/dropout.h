// Keras Dropout: inverted dropout in training, identity in inference.
#pragma once

#include "layer.h"

namespace tl {

class Dropout : public Layer {
 public:
  Dropout(const DropoutSpec& spec, const Shape& input_shape);

  std::vector<at::Tensor> Forward(const at::Tensor& x, const ForwardContext& ctx) override;
  bool ForwardLean(const at::Tensor& x, std::vector<at::Tensor>* out) const override {
    *out = {x};  // identity at inference
    return true;
  }
  std::vector<at::Tensor> Weights() const override { return {}; }
  Shape OutputShape() const override { return input_shape_; }
  LayerInfo Describe() const override;

 private:
  DropoutSpec spec_;
  Shape input_shape_;
};

}  // namespace tl
