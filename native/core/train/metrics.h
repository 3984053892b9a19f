// Keras regression metrics, accumulated over an epoch (weighted by elements, as Keras's
// Mean metrics weight by samples with equal elements per sample).
#pragma once

#include <ATen/ATen.h>

#include <string>
#include <utility>
#include <vector>

#include "../spec.h"

namespace tl {

class MetricSet {
 public:
  /// `loss_name` is the key of the loss mean ("loss").
  explicit MetricSet(std::vector<MetricSpec> metrics);

  /// Adds one batch: its mean loss and its (aligned) predictions and targets.
  void Update(double batch_loss, const at::Tensor& prediction, const at::Tensor& target);
  void Reset();
  /// {"loss", ...metrics} with `prefix` ("val_") on every key.
  std::vector<std::pair<std::string, double>> Results(const std::string& prefix = "") const;

 private:
  std::vector<MetricSpec> metrics_;
  double loss_sum_ = 0, samples_ = 0;
  std::vector<double> sums_;
  double elements_ = 0;
};

/// Throws when a metric class is unknown.
void CheckMetric(const MetricSpec& spec);

}  // namespace tl
