// Keras LSTM: gates i, f, c, o; kernel [input_dim, 4*units], recurrent kernel
// [units, 4*units], one bias [4*units]. Two kernels compute the same function:
// LibTorch's fused at::lstm (cuDNN on CUDA) when the math allows it, and an explicit
// cell loop for the Keras-only variants (other activations, recurrent dropout).
#pragma once

#include "layer.h"

namespace tl {

/// Reads a Keras LSTM config.
LstmSpec ParseLstmSpec(const ConfigReader& config);

class Lstm : public Layer {
 public:
  Lstm(const LstmSpec& spec, const Shape& input_shape);

  LayerOutput Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                   const ForwardContext& ctx) override;
  /// The single-input call: {output} or {output, h, c} with return_state.
  std::vector<at::Tensor> Forward(const at::Tensor& x, const ForwardContext& ctx);
  bool CallLean(const at::Tensor& x, std::vector<at::Tensor>* out) const override;
  std::vector<at::Tensor> Weights() const override;
  std::vector<Shape> OutputShapes() const override;
  LayerInfo Describe() const override;

  const LstmSpec& spec() const { return spec_; }
  /// Whether the fused kernel runs for this call.
  bool UsesFused(bool training) const;

 private:
  std::vector<at::Tensor> ForwardFused(const at::Tensor& x) const;
  std::vector<at::Tensor> ForwardLoop(const at::Tensor& x, const at::Tensor& recurrent_mask) const;

  LstmSpec spec_;
  Shape input_shape_;
  at::Tensor kernel_, recurrent_kernel_, bias_;
  /// Why the fused kernel cannot compute this layer's math ("" when it can).
  std::string fused_blocker_;
};

std::unique_ptr<Layer> MakeLstm(const ConfigReader& config, const std::vector<Shape>& input_shapes);

}  // namespace tl
