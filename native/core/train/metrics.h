// Keras metrics accumulated over an epoch, per model output, with the loss means:
// regression (mae, mse, rmse, mape), accuracies, precision, recall and ROC AUC.
#pragma once

#include <ATen/ATen.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../spec.h"

namespace tl {

/// One metric's running state.
class Metric {
 public:
  virtual ~Metric() = default;
  /// Adds one batch of (detached) predictions and targets as the model output gives them.
  virtual void Update(const at::Tensor& prediction, const at::Tensor& target) = 0;
  virtual double Result() const = 0;
  virtual void Reset() = 0;
};

/// Builds the metric `spec` names; ERR_TORCH for an unknown class.
std::unique_ptr<Metric> MakeMetric(const MetricSpec& spec);

/// Throws when a metric class is unknown.
void CheckMetric(const MetricSpec& spec);

/// A sum of per-batch scalars that stays on the scalars' device until read: on the CPU it adds
/// doubles; on CUDA it adds on the GPU, so a training step never waits for the queue to drain.
class RunningSum {
 public:
  void Add(const at::Tensor& scalar, double weight);
  double Value() const;
  void Reset();

 private:
  double host_ = 0;
  at::Tensor device_;
};

/// The logs of an epoch: the total loss, each output's loss (several outputs) and metrics.
class MetricSet {
 public:
  explicit MetricSet(const CompileSpec& spec);

  /// Adds one batch of `samples`: the total loss, each output's loss (scalar tensors),
  /// predictions and targets.
  void Update(const at::Tensor& loss, const std::vector<at::Tensor>& output_losses,
              const std::vector<at::Tensor>& predictions, const std::vector<at::Tensor>& targets, int64_t samples);
  void Reset();
  /// Keras log keys with `prefix` ("val_"): loss, [<output>_loss,] [<output>_]<metric>.
  std::vector<std::pair<std::string, double>> Results(const std::string& prefix = "") const;

 private:
  std::vector<std::string> output_names_;
  std::vector<std::vector<std::pair<std::string, std::unique_ptr<Metric>>>> metrics_;
  RunningSum loss_sum_;
  double samples_ = 0;
  std::vector<RunningSum> output_loss_sums_;
};

}  // namespace tl
