// The interface every layer of a model implements.
#pragma once

#include <ATen/ATen.h>

#include <optional>
#include <string>
#include <vector>

#include "../spec.h"

namespace tl {

/// Per-call facts a layer needs: whether it trains (dropout active) and which
/// generator draws its masks.
struct ForwardContext {
  bool training = false;
  /// Generator for dropout masks; null: the default CPU generator.
  at::Generator* generator = nullptr;
};

/// Which kernel a recurrent layer runs, and why.
struct KernelChoice {
  std::string training;
  std::string inference;
  std::string reason;
};

/// One row of the model summary.
struct LayerInfo {
  std::string name;
  std::string class_name;
  /// Output shape including batch; -1 for unknown (batch, variable time).
  std::vector<int64_t> output_shape;
  int64_t params = 0;
  std::optional<KernelChoice> kernel;
};

class Layer {
 public:
  virtual ~Layer() = default;
  /// The main output first; a recurrent layer with return_state adds h and c.
  virtual std::vector<at::Tensor> Forward(const at::Tensor& x, const ForwardContext& ctx) = 0;
  /// Trainable weights in Keras order and layout.
  virtual std::vector<at::Tensor> Weights() const = 0;
  /// Output shape without batch (-1: unknown length).
  virtual Shape OutputShape() const = 0;
  virtual LayerInfo Describe() const = 0;
};

/// Inverted-dropout mask of `shape` with keep probability 1 - rate, scaled by 1/(1 - rate).
at::Tensor DropoutMask(at::IntArrayRef shape, double rate, const ForwardContext& ctx);

}  // namespace tl
