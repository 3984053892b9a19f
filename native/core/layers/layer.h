// The interface every layer of a model implements.
#pragma once

#include <ATen/ATen.h>

#include <algorithm>

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
  /// Inference on a handful of float32 CPU samples with plain loops over the weights (no
  /// per-op dispatch: at batch 1 that overhead is most of the cost). Returns false when
  /// this layer's math has no lean form; the caller then uses Forward.
  virtual bool ForwardLean(const at::Tensor& x, std::vector<at::Tensor>* out) const { return false; }
  /// Trainable weights in Keras order and layout.
  virtual std::vector<at::Tensor> Weights() const = 0;
  /// Output shape without batch (-1: unknown length).
  virtual Shape OutputShape() const = 0;
  virtual LayerInfo Describe() const = 0;
};

/// Largest batch that takes the lean inference loops (larger batches amortize dispatch).
constexpr int64_t kLeanMaxBatch = 4;

/// y[0..n) += a * x[0..n): the inner loop of the lean paths (contiguous, vectorizable).
inline void Axpy(int64_t n, float a, const float* x, float* y) {
  for (int64_t j = 0; j < n; ++j) y[j] += a * x[j];
}

/// Inverted-dropout mask of `shape` with keep probability 1 - rate, scaled by 1/(1 - rate).
at::Tensor DropoutMask(at::IntArrayRef shape, double rate, const ForwardContext& ctx);

}  // namespace tl
