#include <c10/core/GradMode.h>

#include "metrics.h"

#include <cmath>

#include "../errors.h"
#include "losses.h"

namespace tl {
namespace {

// Regression metrics: means over every element.
class ElementMean : public Metric {
 public:
  enum Kind { kAbs, kSquare, kRoot, kPercent };
  explicit ElementMean(Kind kind) : kind_(kind) {}
  void Update(const at::Tensor& prediction, const at::Tensor& target) override {
    const at::Tensor p = prediction.to(at::kDouble);
    const at::Tensor t = AlignTarget(p, target).to(at::kDouble);
    const at::Tensor e = p - t;
    count_ += static_cast<double>(e.numel());
    if (kind_ == kAbs) {
      sum_ += e.abs().sum().item<double>();
    } else if (kind_ == kPercent) {  // Keras clamps |y| at epsilon 1e-7
      sum_ += (e.abs() / t.abs().clamp_min(1e-7)).sum().item<double>() * 100.0;
    } else {
      sum_ += e.square().sum().item<double>();
    }
  }
  double Result() const override {
    const double mean = count_ > 0 ? sum_ / count_ : 0.0;
    return kind_ == kRoot ? std::sqrt(mean) : mean;
  }
  void Reset() override { sum_ = count_ = 0; }

 private:
  Kind kind_;
  double sum_ = 0, count_ = 0;
};

// Accuracies: the fraction of samples (timesteps) predicted right.
class Accuracy : public Metric {
 public:
  enum Kind { kBinary, kCategorical, kSparse };
  explicit Accuracy(Kind kind) : kind_(kind) {}
  void Update(const at::Tensor& prediction, const at::Tensor& target) override {
    at::Tensor right;
    if (kind_ == kBinary) {
      const at::Tensor t = AlignTarget(prediction, target);
      right = ((prediction > 0.5).to(at::kFloat) == t.to(at::kFloat));
    } else if (kind_ == kCategorical) {
      right = prediction.argmax(-1) == AlignTarget(prediction, target).argmax(-1);
    } else {
      right = prediction.argmax(-1) == AlignTarget(prediction, target, true).round().to(at::kLong);
    }
    sum_ += right.to(at::kDouble).sum().item<double>();
    count_ += static_cast<double>(right.numel());
  }
  double Result() const override { return count_ > 0 ? sum_ / count_ : 0.0; }
  void Reset() override { sum_ = count_ = 0; }

 private:
  Kind kind_;
  double sum_ = 0, count_ = 0;
};

// Precision and recall at threshold 0.5 over every element.
class Confusion : public Metric {
 public:
  explicit Confusion(bool precision) : precision_(precision) {}
  void Update(const at::Tensor& prediction, const at::Tensor& target) override {
    const at::Tensor p = prediction > 0.5;
    const at::Tensor t = AlignTarget(prediction, target) > 0.5;
    tp_ += (p & t).sum().item<double>();
    fp_ += (p & ~t).sum().item<double>();
    fn_ += (~p & t).sum().item<double>();
  }
  double Result() const override {
    const double d = precision_ ? tp_ + fp_ : tp_ + fn_;
    return d > 0 ? tp_ / d : 0.0;
  }
  void Reset() override { tp_ = fp_ = fn_ = 0; }

 private:
  bool precision_;
  double tp_ = 0, fp_ = 0, fn_ = 0;
};

// Keras AUC (curve ROC, 200 thresholds, summation by interpolation): confusion counts at
// thresholds {-eps, 1/199, ..., 198/199, 1+eps}, then the trapezoid rule over (fpr, tpr).
class Auc : public Metric {
 public:
  static constexpr int64_t kThresholds = 200;
  Auc() {
    std::vector<double> t(kThresholds);
    t[0] = -1e-7;
    for (int64_t i = 1; i < kThresholds - 1; ++i) t[i] = static_cast<double>(i) / (kThresholds - 1);
    t[kThresholds - 1] = 1.0 + 1e-7;
    thresholds_ = at::tensor(t, at::kDouble);
    Reset();
  }
  void Update(const at::Tensor& prediction, const at::Tensor& target) override {
    const at::Tensor p = prediction.to(at::kDouble).reshape({-1, 1});
    const at::Tensor t = (AlignTarget(prediction, target).to(at::kDouble).reshape({-1, 1}) > 0.5).to(at::kDouble);
    const at::Tensor above = (p > thresholds_.unsqueeze(0)).to(at::kDouble);  // [n, 200]
    tp_ += (above * t).sum(0);
    fp_ += (above * (1 - t)).sum(0);
    fn_ += ((1 - above) * t).sum(0);
    tn_ += ((1 - above) * (1 - t)).sum(0);
  }
  double Result() const override {
    const auto nan_free = [](const at::Tensor& a, const at::Tensor& b) { return at::where(b > 0, a / b, at::zeros_like(a)); };
    const at::Tensor tpr = nan_free(tp_, tp_ + fn_);
    const at::Tensor fpr = nan_free(fp_, fp_ + tn_);
    const int64_t n = kThresholds;
    const at::Tensor dx = fpr.narrow(0, 0, n - 1) - fpr.narrow(0, 1, n - 1);
    const at::Tensor mean_y = (tpr.narrow(0, 0, n - 1) + tpr.narrow(0, 1, n - 1)) / 2;
    return (dx * mean_y).sum().item<double>();
  }
  void Reset() override {
    tp_ = at::zeros({kThresholds}, at::kDouble);
    fp_ = at::zeros({kThresholds}, at::kDouble);
    fn_ = at::zeros({kThresholds}, at::kDouble);
    tn_ = at::zeros({kThresholds}, at::kDouble);
  }

 private:
  at::Tensor thresholds_, tp_, fp_, fn_, tn_;
};

}  // namespace

std::unique_ptr<Metric> MakeMetric(const MetricSpec& spec) {
  const auto& c = spec.class_name;
  if (c == "MeanAbsoluteError") return std::make_unique<ElementMean>(ElementMean::kAbs);
  if (c == "MeanSquaredError") return std::make_unique<ElementMean>(ElementMean::kSquare);
  if (c == "RootMeanSquaredError") return std::make_unique<ElementMean>(ElementMean::kRoot);
  if (c == "MeanAbsolutePercentageError") return std::make_unique<ElementMean>(ElementMean::kPercent);
  if (c == "BinaryAccuracy") return std::make_unique<Accuracy>(Accuracy::kBinary);
  if (c == "CategoricalAccuracy") return std::make_unique<Accuracy>(Accuracy::kCategorical);
  if (c == "SparseCategoricalAccuracy") return std::make_unique<Accuracy>(Accuracy::kSparse);
  if (c == "Precision") return std::make_unique<Confusion>(true);
  if (c == "Recall") return std::make_unique<Confusion>(false);
  if (c == "AUC") return std::make_unique<Auc>();
  throw SpecError("Unknown metric '" + c + "'");
}

void CheckMetric(const MetricSpec& spec) { MakeMetric(spec); }

void RunningSum::Add(const at::Tensor& scalar, double weight) {
  if (scalar.is_cpu()) {
    host_ += scalar.item<double>() * weight;
    return;
  }
  const at::Tensor term = scalar.detach().to(at::kDouble) * weight;
  device_ = device_.defined() ? device_ + term : term;
}

double RunningSum::Value() const { return host_ + (device_.defined() ? device_.item<double>() : 0.0); }

void RunningSum::Reset() {
  host_ = 0;
  device_ = at::Tensor();
}

MetricSet::MetricSet(const CompileSpec& spec)
    : output_names_(spec.output_names), metrics_(spec.metrics.size()), output_loss_sums_(spec.losses.size()) {
  for (size_t o = 0; o < spec.metrics.size(); ++o) {
    for (const auto& m : spec.metrics[o]) metrics_[o].emplace_back(m.name, MakeMetric(m));
  }
}

void MetricSet::Reset() {
  loss_sum_.Reset();
  samples_ = 0;
  for (auto& sum : output_loss_sums_) sum.Reset();
  for (auto& list : metrics_) {
    for (auto& [name, metric] : list) metric->Reset();
  }
}

void MetricSet::Update(const at::Tensor& loss, const std::vector<at::Tensor>& output_losses,
                       const std::vector<at::Tensor>& predictions, const std::vector<at::Tensor>& targets,
                       int64_t samples) {
  c10::NoGradGuard no_grad;
  const double n = static_cast<double>(samples);
  loss_sum_.Add(loss, n);
  samples_ += n;
  for (size_t o = 0; o < output_losses.size() && o < output_loss_sums_.size(); ++o) output_loss_sums_[o].Add(output_losses[o], n);
  for (size_t o = 0; o < metrics_.size(); ++o) {
    if (metrics_[o].empty()) continue;
    const at::Tensor p = predictions[o].detach().to(at::kCPU, at::kFloat), t = targets[o].cpu();
    for (auto& [name, metric] : metrics_[o]) metric->Update(p, t);
  }
}

std::vector<std::pair<std::string, double>> MetricSet::Results(const std::string& prefix) const {
  std::vector<std::pair<std::string, double>> out;
  out.emplace_back(prefix + "loss", samples_ > 0 ? loss_sum_.Value() / samples_ : 0.0);
  const bool several = metrics_.size() > 1;
  if (several) {
    for (size_t o = 0; o < output_loss_sums_.size(); ++o) {
      out.emplace_back(prefix + output_names_[o] + "_loss", samples_ > 0 ? output_loss_sums_[o].Value() / samples_ : 0.0);
    }
  }
  for (size_t o = 0; o < metrics_.size(); ++o) {
    for (const auto& [name, metric] : metrics_[o]) {
      out.emplace_back(prefix + (several ? output_names_[o] + "_" : std::string()) + name, metric->Result());
    }
  }
  return out;
}

}  // namespace tl
