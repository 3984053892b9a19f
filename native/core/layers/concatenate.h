// Keras Concatenate: joins its inputs along `axis` (counted with the batch as axis 0); every
// other dimension must match. Masks combine as Keras's compute_mask does (an unmasked input
// counts as all true; masks joined along the axis; any over the last axis).
#pragma once

#include "layer.h"

namespace tl {

class Concatenate : public Layer {
 public:
  Concatenate(std::string name, int64_t axis, const std::vector<Shape>& input_shapes);

  LayerOutput Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                   const ForwardContext& ctx) override;
  std::vector<at::Tensor> Weights() const override { return {}; }
  std::vector<Shape> OutputShapes() const override { return {output_shape_}; }
  bool OutputMasked(const std::vector<bool>& input_masked) const override;

 private:
  /// Positive axis of the batched inputs.
  int64_t axis_;
  std::vector<Shape> input_shapes_;
  Shape output_shape_;
};

std::unique_ptr<Layer> MakeConcatenate(const ConfigReader& config, const std::vector<Shape>& input_shapes);

}  // namespace tl
