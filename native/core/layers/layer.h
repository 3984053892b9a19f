// The interface every layer of a model implements: one call takes a list of inputs (and
// their masks) and gives a list of outputs (and the mask of the main output).
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
  /// Generator for dropout masks (a CPU generator; masks move to `device`); null: the default one.
  at::Generator* generator = nullptr;
  /// Where the model computes: tensors a layer creates go there.
  at::Device device = at::kCPU;
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

/// What one call of a layer gives.
struct LayerOutput {
  /// The main output first; a recurrent layer with return_state adds its states.
  std::vector<at::Tensor> tensors;
  /// Mask [batch, timesteps] (bool) of the main output; undefined: none.
  at::Tensor mask;
};

class Layer {
 public:
  Layer(std::string name, std::string class_name) : name_(std::move(name)), class_name_(std::move(class_name)) {}
  virtual ~Layer() = default;

  const std::string& name() const { return name_; }
  const std::string& class_name() const { return class_name_; }
  /// "Layer 'lstm_1' (LSTM)": how messages name this layer.
  std::string Label() const { return "Layer '" + name_ + "' (" + class_name_ + ")"; }

  /// One call. `masks` holds one entry per input (undefined: that input has no mask).
  virtual LayerOutput Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                           const ForwardContext& ctx) = 0;
  /// Inference on a handful of float32 CPU samples of a single-input call with plain loops over
  /// the weights (no per-op dispatch: at batch 1 that overhead is most of the cost). Returns
  /// false when this layer's math has no lean form; the caller then uses Call.
  virtual bool CallLean(const at::Tensor& x, std::vector<at::Tensor>* out) const { return false; }
  /// Trainable weights in Keras order and layout.
  virtual std::vector<at::Tensor> Weights() const = 0;
  /// Shapes of the outputs (main first), without batch (-1: unknown length).
  virtual std::vector<Shape> OutputShapes() const = 0;
  /// Whether the main output carries a mask, given which inputs carry one. The default is a
  /// layer that cannot take a mask: ERR_SHAPE naming it when one arrives.
  virtual bool OutputMasked(const std::vector<bool>& input_masked) const;
  virtual LayerInfo Describe() const;
  /// Stateful layers forget their carried state (Keras reset_states).
  virtual void ResetStates() {}

  /// The sum of this layer's weight penalties (kernel/recurrent/bias regularizers); undefined: none.
  virtual at::Tensor RegularizationLoss() const;

 protected:
  /// Adds `spec`'s penalty on `weight` to RegularizationLoss (no-op for none).
  void Regularize(const at::Tensor& weight, const std::optional<RegularizerSpec>& spec);
  /// The one input of a single-input layer (ERR_SHAPE otherwise).
  const at::Tensor& SingleInput(const std::vector<at::Tensor>& inputs) const;
  /// For layers that pass their input's mask through unchanged (Keras supports_masking).
  static bool PassMask(const std::vector<bool>& input_masked) { return !input_masked.empty() && input_masked[0]; }

 private:
  std::string name_, class_name_;
  std::vector<std::pair<at::Tensor, RegularizerSpec>> regularized_;
};

/// Largest batch that takes the lean inference loops (larger batches amortize dispatch).
constexpr int64_t kLeanMaxBatch = 4;

/// y[0..n) += a * x[0..n): the inner loop of the lean paths (contiguous, vectorizable).
inline void Axpy(int64_t n, float a, const float* x, float* y) {
  for (int64_t j = 0; j < n; ++j) y[j] += a * x[j];
}

/// Inverted-dropout mask of `shape` with keep probability 1 - rate, scaled by 1/(1 - rate).
at::Tensor DropoutMask(at::IntArrayRef shape, double rate, const ForwardContext& ctx);

/// Keras's L1L2 penalty of one tensor.
at::Tensor Penalty(const at::Tensor& x, const RegularizerSpec& spec);

/// "[-1, 10, 1]" style rendering for messages.
std::string ShapeString(const std::vector<int64_t>& shape);

/// `shape` with the batch dimension (-1) in front.
std::vector<int64_t> WithBatch(const Shape& shape);

}  // namespace tl
