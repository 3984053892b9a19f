// A built model as the engine keeps it: the layer graph, its training setup once
// compiled, and the lock that serializes compute on it (a training epoch, a predict).
#pragma once

#include <memory>
#include <mutex>

#include "../errors.h"
#include "../train/metrics.h"
#include "../train/optimizer.h"
#include "graph.h"

namespace tl {

/// What `compile` sets: optimizer (with its state), loss and metrics.
struct TrainingSetup {
  CompileSpec spec;
  std::unique_ptr<Optimizer> optimizer;
};

class Model {
 public:
  explicit Model(const ModelSpec& spec) : graph_(spec) {}

  Graph& graph() { return graph_; }
  const Graph& graph() const { return graph_; }

  /// Sets optimizer, loss and metrics; resets the optimizer state.
  void Compile(const CompileSpec& spec);
  bool compiled() const { return setup_ != nullptr; }
  /// The training setup; ERR_NOT_COMPILED before `Compile`.
  TrainingSetup& setup();

  /// Held while computing (a training epoch, predict, evaluate); released at epoch ends.
  std::mutex& mutex() { return mutex_; }

  /// Pruning masks, one per weight (undefined: not masked). Masked entries are zeroed now and
  /// after every optimizer step, so pruned weights stay pruned through fine-tuning.
  void SetWeightMasks(std::vector<at::Tensor> masks);
  /// Re-applies the masks (after an optimizer step or a weight change).
  void ApplyWeightMasks();
  const std::vector<at::Tensor>& weight_masks() const { return masks_; }

 private:
  Graph graph_;
  std::unique_ptr<TrainingSetup> setup_;
  std::vector<at::Tensor> masks_;
  std::mutex mutex_;
};

}  // namespace tl
