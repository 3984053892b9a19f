// Keras Dense: y = activation(x @ kernel + bias), over the last axis.
#pragma once

#include "layer.h"

namespace tl {

class Dense : public Layer {
 public:
  Dense(const DenseSpec& spec, const Shape& input_shape);

  std::vector<at::Tensor> Forward(const at::Tensor& x, const ForwardContext& ctx) override;
  bool ForwardLean(const at::Tensor& x, std::vector<at::Tensor>* out) const override;
  std::vector<at::Tensor> Weights() const override;
  Shape OutputShape() const override;
  LayerInfo Describe() const override;

 private:
  DenseSpec spec_;
  Shape input_shape_;
  at::Tensor kernel_, bias_;
};

}  // namespace tl
