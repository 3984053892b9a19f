// Keras 3 optimizers (Adam, SGD, RMSprop, Adagrad) with Keras's exact update rules and
// gradient clipping (clipnorm per tensor, global_clipnorm, clipvalue).
#pragma once

#include <ATen/ATen.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../spec.h"

namespace tl {

/// An optimizer's state, for saving and resuming training: the step count and every slot
/// tensor, named "<slot>/<parameter index>" (e.g. "momentums/0").
struct OptimizerState {
  int64_t iterations = 0;
  double learning_rate = 0.0;
  std::vector<std::pair<std::string, at::Tensor>> tensors;
};

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

  /// Copies of the state (slots not yet created are absent).
  OptimizerState ExportState() const;
  /// Replaces the state; each tensor must match the shape of the parameter it belongs to
  /// (ERR_SHAPE otherwise, nothing changed).
  void ImportState(const OptimizerState& state, const std::vector<at::Tensor>& params);

 protected:
  /// One update of `param` with its (clipped) gradient; `slot` indexes per-parameter state.
  virtual void Update(size_t slot, at::Tensor& param, const at::Tensor& grad) = 0;
  /// The per-parameter state tensor `name`/`slot`, created lazily like `param` (filled with `fill`).
  at::Tensor& State(const std::string& name, size_t slot, const at::Tensor& like, double fill = 0.0);

  OptimizerSpec spec_;
  /// Slot tensors by Keras variable family ("momentums", "velocities", ...), indexed by parameter.
  std::map<std::string, std::vector<at::Tensor>> slots_;
  double learning_rate_;
  int64_t iterations_ = 0;
};

/// Builds the optimizer named by `spec.class_name` (throws for unknown names).
std::unique_ptr<Optimizer> MakeOptimizer(const OptimizerSpec& spec);

/// Keras clipping of a set of gradients in place (exposed for tests).
void ClipGradients(const OptimizerSpec& spec, std::vector<at::Tensor>& grads);

}  // namespace tl
