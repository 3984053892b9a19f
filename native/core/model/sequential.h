// A Keras Sequential model: a stack of layers, each fed by the previous one's main output.
#pragma once

#include <memory>
#include <vector>

#include "../layers/layer.h"

namespace tl {

class Sequential {
 public:
  explicit Sequential(const ModelSpec& spec);

  /// Outputs of the last layer (main output first; plus h, c with return_state).
  std::vector<at::Tensor> Forward(const at::Tensor& x, const ForwardContext& ctx) const;
  /// Trainable weights of every layer, Keras order.
  std::vector<at::Tensor> Weights() const;
  /// Detached copies of the weights.
  std::vector<at::Tensor> GetWeights() const;
  /// Copies `weights` in; every shape must match (ERR_SHAPE otherwise, nothing changed).
  void SetWeights(const std::vector<at::Tensor>& weights);
  std::vector<LayerInfo> Describe() const;
  /// Checks a batch of inputs against the declared input shape (ERR_SHAPE).
  void CheckInput(const at::Tensor& x) const;
  /// Output shape of the main output, without batch.
  const Shape& output_shape() const { return output_shape_; }
  const Shape& input_shape() const { return input_shape_; }

 private:
  std::vector<std::unique_ptr<Layer>> layers_;
  Shape input_shape_;
  Shape output_shape_;
};

/// "[-1, 10, 1]" style rendering for messages.
std::string ShapeString(const std::vector<int64_t>& shape);

}  // namespace tl
