#include <c10/core/GradMode.h>

#include "metrics.h"

#include <cmath>

#include "../errors.h"
#include "losses.h"

namespace tl {

void CheckMetric(const MetricSpec& spec) {
  const auto& c = spec.class_name;
  if (c != "MeanAbsoluteError" && c != "MeanSquaredError" && c != "RootMeanSquaredError" &&
      c != "MeanAbsolutePercentageError") {
    throw SpecError("Unknown metric '" + c + "'");
  }
}

MetricSet::MetricSet(std::vector<MetricSpec> metrics) : metrics_(std::move(metrics)), sums_(metrics_.size(), 0.0) {
  for (const auto& m : metrics_) CheckMetric(m);
}

void MetricSet::Reset() {
  loss_sum_ = samples_ = elements_ = 0;
  std::fill(sums_.begin(), sums_.end(), 0.0);
}

void MetricSet::Update(double batch_loss, const at::Tensor& prediction, const at::Tensor& target) {
  c10::NoGradGuard no_grad;
  const double n = static_cast<double>(prediction.size(0));
  loss_sum_ += batch_loss * n;
  samples_ += n;
  if (metrics_.empty()) return;
  const at::Tensor p = prediction.detach().to(at::kDouble);
  const at::Tensor t = AlignTarget(p, target).to(at::kDouble);
  const at::Tensor e = p - t;
  elements_ += static_cast<double>(e.numel());
  for (size_t i = 0; i < metrics_.size(); ++i) {
    const auto& c = metrics_[i].class_name;
    if (c == "MeanAbsoluteError") {
      sums_[i] += e.abs().sum().item<double>();
    } else if (c == "MeanSquaredError" || c == "RootMeanSquaredError") {
      sums_[i] += e.square().sum().item<double>();
    } else {  // MeanAbsolutePercentageError: Keras clamps |y| at epsilon 1e-7
      sums_[i] += (e.abs() / t.abs().clamp_min(1e-7)).sum().item<double>() * 100.0;
    }
  }
}

std::vector<std::pair<std::string, double>> MetricSet::Results(const std::string& prefix) const {
  std::vector<std::pair<std::string, double>> out;
  out.emplace_back(prefix + "loss", samples_ > 0 ? loss_sum_ / samples_ : 0.0);
  for (size_t i = 0; i < metrics_.size(); ++i) {
    double v = elements_ > 0 ? sums_[i] / elements_ : 0.0;
    if (metrics_[i].class_name == "RootMeanSquaredError") v = std::sqrt(v);
    out.emplace_back(prefix + metrics_[i].name, v);
  }
  return out;
}

}  // namespace tl
