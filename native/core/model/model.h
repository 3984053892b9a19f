// A built model as the engine keeps it: the layer graph, its training setup once
// compiled, and the lock that serializes compute on it (a training epoch, a predict).
#pragma once

#include <memory>
#include <mutex>

#include "../errors.h"
#include "../train/metrics.h"
#include "../train/grad_scaler.h"
#include "../train/optimizer.h"
#include "../train/precision.h"
#include "graph.h"

namespace tl {

/// What `compile` sets: optimizer (with its state), loss and metrics.
struct TrainingSetup {
  CompileSpec spec;
  std::unique_ptr<Optimizer> optimizer;
  Precision precision = Precision::kFloat32;
  /// Loss scaling, for mixed_float16 only.
  std::unique_ptr<GradScaler> scaler;
};

class Model {
 public:
  /// Builds the graph on the CPU (seeded initializers draw the same values everywhere), then
  /// moves the weights to `options.device`.
  explicit Model(const ModelSpec& spec, const ModelOptions& options = ModelOptions());

  const at::Device& device() const { return device_; }
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
  at::Device device_ = at::kCPU;
  std::unique_ptr<TrainingSetup> setup_;
  std::vector<at::Tensor> masks_;
  std::mutex mutex_;
};

}  // namespace tl
