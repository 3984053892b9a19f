// Keras 3 optimizers (Adam, SGD, RMSprop, Adagrad) with Keras's exact update rules and
// gradient clipping (clipnorm per tensor, global_clipnorm, clipvalue).
#pragma once

#include <ATen/ATen.h>

#include <memory>
#include <vector>

#include "../spec.h"

namespace tl {

class Optimizer {
 public:
  explicit Optimizer(const OptimizerSpec& spec);
  virtual ~Optimizer() = default;

  /// Clips the gradients of `params` as the spec says, then applies one update.
  /// Parameters without a gradient are skipped.
  void Step(const std::vector<at::Tensor>& params);

  double learning_rate() const { return learning_rate_; }
  void set_learning_rate(double lr) { learning_rate_ = lr; }
  int64_t iterations() const { return iterations_; }

 protected:
  /// One update of `param` with its (clipped) gradient; `slot` indexes per-parameter state.
  virtual void Update(size_t slot, at::Tensor& param, const at::Tensor& grad) = 0;
  /// Per-parameter state tensors, created lazily like `param`.
  at::Tensor& State(std::vector<at::Tensor>& states, size_t slot, const at::Tensor& like, double fill = 0.0);

  OptimizerSpec spec_;
  double learning_rate_;
  int64_t iterations_ = 0;
};

/// Builds the optimizer named by `spec.class_name` (throws for unknown names).
std::unique_ptr<Optimizer> MakeOptimizer(const OptimizerSpec& spec);

/// Keras clipping of a set of gradients in place (exposed for tests).
void ClipGradients(const OptimizerSpec& spec, std::vector<at::Tensor>& grads);

}  // namespace tl
