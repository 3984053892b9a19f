// Keras TimeDistributed: applies the wrapped layer to every timestep of [batch, timesteps, ...]
// by folding time into the batch ([B*T, ...] -> layer -> [B, T, ...]); the wrapped layer is
// built by MakeLayer from the Keras `layer` config and owns the weights. The input mask
// passes through (the wrapped layer sees none).
#pragma once

#include <memory>

#include "layer.h"

namespace tl {

class TimeDistributed : public Layer {
 public:
  TimeDistributed(std::string name, std::unique_ptr<Layer> inner, const Shape& input_shape);

  LayerOutput Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                   const ForwardContext& ctx) override;
  std::vector<at::Tensor> Weights() const override { return inner_->Weights(); }
  std::vector<Shape> OutputShapes() const override;
  bool OutputMasked(const std::vector<bool>& input_masked) const override { return PassMask(input_masked); }
  LayerInfo Describe() const override;
  void ResetStates() override { inner_->ResetStates(); }
  /// The wrapped layer's weight penalties.
  at::Tensor RegularizationLoss() const override { return inner_->RegularizationLoss(); }

  const Layer& inner() const { return *inner_; }

 private:
  std::unique_ptr<Layer> inner_;
  Shape input_shape_;
};

std::unique_ptr<Layer> MakeTimeDistributed(const ConfigReader& config, const std::vector<Shape>& input_shapes);

}  // namespace tl
