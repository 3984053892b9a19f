// Keras Add: the elementwise sum of its inputs. Shapes must agree dimension by dimension
// (equal, or 1 to broadcast, as Keras's Merge allows); the output is masked only when every
// input is, with the union (OR) of their masks (Keras 3 Merge.compute_mask).
#pragma once

#include "layer.h"

namespace tl {

class Add : public Layer {
 public:
  Add(std::string name, const std::vector<Shape>& input_shapes);

  LayerOutput Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                   const ForwardContext& ctx) override;
  std::vector<at::Tensor> Weights() const override { return {}; }
  std::vector<Shape> OutputShapes() const override { return {output_shape_}; }
  bool OutputMasked(const std::vector<bool>& input_masked) const override;

 private:
  /// Keras's elementwise output shape of `a` and `b` (ERR_SHAPE naming both when incompatible).
  Shape Broadcast(const Shape& a, const Shape& b, bool batched) const;

  std::vector<Shape> input_shapes_;
  Shape output_shape_;
};

std::unique_ptr<Layer> MakeAdd(const ConfigReader& config, const std::vector<Shape>& input_shapes);

}  // namespace tl
