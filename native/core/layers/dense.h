// Keras Dense: y = activation(x @ kernel + bias), over the last axis.
#pragma once

#include "layer.h"
#include "lean_math.h"

namespace tl {

/// Reads a Keras Dense config.
DenseSpec ParseDenseSpec(const ConfigReader& config);

class Dense : public Layer {
 public:
  Dense(const DenseSpec& spec, const Shape& input_shape);

  LayerOutput Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                   const ForwardContext& ctx) override;
  at::Tensor Forward(const at::Tensor& x) const;
  bool CallLean(const at::Tensor& x, std::vector<at::Tensor>* out) const override;
  std::vector<at::Tensor> Weights() const override;
  std::vector<Shape> OutputShapes() const override;
  /// Keras Dense supports masking: the mask passes through.
  bool OutputMasked(const std::vector<bool>& input_masked) const override { return PassMask(input_masked); }
  const DenseSpec& spec() const { return spec_; }

 private:
  DenseSpec spec_;
  Shape input_shape_;
  /// The activation over float rows, for CallLean.
  lean::RowActivation lean_act_;
  at::Tensor kernel_, bias_;
};

std::unique_ptr<Layer> MakeDense(const ConfigReader& config, const std::vector<Shape>& input_shapes);

}  // namespace tl
