#include "losses.h"

#include <cmath>

#include "../errors.h"
#include "../layers/layer.h"

namespace tl {
namespace {

/// Keras's backend epsilon: probabilities are clipped to [eps, 1 - eps].
constexpr double kEpsilon = 1e-7;

bool Known(const std::string& c) {
  return c == "MeanSquaredError" || c == "MeanAbsoluteError" || c == "Huber" || c == "LogCosh" ||
         c == "BinaryCrossentropy" || c == "CategoricalCrossentropy" || c == "SparseCategoricalCrossentropy";
}

}  // namespace

bool IsSparseLoss(const LossSpec& spec) { return spec.class_name == "SparseCategoricalCrossentropy"; }

at::Tensor AlignTarget(const at::Tensor& prediction, const at::Tensor& target, bool sparse) {
  if (sparse) {
    auto expected = prediction.sizes().vec();
    expected.pop_back();
    if (target.sizes().vec() == expected) return target;
    if (target.dim() == prediction.dim() && target.size(-1) == 1 && target.squeeze(-1).sizes().vec() == expected) {
      return target.squeeze(-1);
    }
    throw ShapeError("Class-index targets of shape " + ShapeString(target.sizes().vec()) +
                     " do not match the model's output of shape " + ShapeString(prediction.sizes().vec()) +
                     " (expected " + ShapeString(expected) + ": one class index per sample)");
  }
  if (target.sizes() == prediction.sizes()) return target;
  if (target.dim() + 1 == prediction.dim() && prediction.size(-1) == 1) {
    auto expanded = target.unsqueeze(-1);
    if (expanded.sizes() == prediction.sizes()) return expanded;
  }
  if (target.dim() == prediction.dim() + 1 && target.size(-1) == 1) {
    auto squeezed = target.squeeze(-1);
    if (squeezed.sizes() == prediction.sizes()) return squeezed;
  }
  throw ShapeError("Targets of shape " + ShapeString(target.sizes().vec()) +
                   " do not match the model's output of shape " + ShapeString(prediction.sizes().vec()));
}

void CheckLoss(const LossSpec& spec) {
  if (!Known(spec.class_name)) throw SpecError("Unknown loss '" + spec.class_name + "'");
}

at::Tensor LossValues(const LossSpec& spec, const at::Tensor& prediction, const at::Tensor& raw_target) {
  const auto& c = spec.class_name;
  const at::Tensor target = AlignTarget(prediction, raw_target, IsSparseLoss(spec));
  if (c == "MeanSquaredError") return (prediction - target).square().mean(-1);
  if (c == "MeanAbsoluteError") return (prediction - target).abs().mean(-1);
  if (c == "Huber") {
    const double d = spec.delta;
    const at::Tensor abs = (prediction - target).abs();
    return at::where(abs <= d, 0.5 * abs.square(), d * abs - 0.5 * d * d).mean(-1);
  }
  if (c == "LogCosh") {
    // log(cosh(x)) = x + softplus(-2x) - log(2), stable for large |x|.
    const at::Tensor e = prediction - target;
    return (e + at::softplus(-2.0 * e) - std::log(2.0)).mean(-1);
  }
  if (c == "BinaryCrossentropy") {
    at::Tensor y = target.to(prediction.scalar_type());
    if (spec.label_smoothing > 0) y = y * (1.0 - spec.label_smoothing) + 0.5 * spec.label_smoothing;
    if (spec.from_logits) {
      // max(x, 0) - x * y + log(1 + exp(-|x|)), as tf.nn.sigmoid_cross_entropy_with_logits.
      const at::Tensor& x = prediction;
      return (at::clamp_min(x, 0) - x * y + at::log1p(at::exp(-x.abs()))).mean(-1);
    }
    const at::Tensor p = prediction.clamp(kEpsilon, 1.0 - kEpsilon);
    return (-(y * p.log() + (1.0 - y) * (1.0 - p).log())).mean(-1);
  }
  if (c == "CategoricalCrossentropy") {
    at::Tensor y = target.to(prediction.scalar_type());
    if (spec.label_smoothing > 0) {
      y = y * (1.0 - spec.label_smoothing) + spec.label_smoothing / static_cast<double>(prediction.size(-1));
    }
    if (spec.from_logits) return -(y * at::log_softmax(prediction, -1)).sum(-1);
    const at::Tensor p = (prediction / prediction.sum(-1, true)).clamp(kEpsilon, 1.0 - kEpsilon);
    return -(y * p.log()).sum(-1);
  }
  if (c == "SparseCategoricalCrossentropy") {
    const at::Tensor index = target.round().to(at::kLong);
    const int64_t classes = prediction.size(-1);
    if (index.numel() > 0 && (index.min().item<int64_t>() < 0 || index.max().item<int64_t>() >= classes)) {
      throw ShapeError("SparseCategoricalCrossentropy: class indices must be in [0, " + std::to_string(classes) +
                       ") (the model outputs " + std::to_string(classes) + " classes)");
    }
    at::Tensor log_p = spec.from_logits
                           ? at::log_softmax(prediction, -1)
                           : (prediction / prediction.sum(-1, true)).clamp(kEpsilon, 1.0 - kEpsilon).log();
    return -log_p.gather(-1, index.unsqueeze(-1)).squeeze(-1);
  }
  throw SpecError("Unknown loss '" + c + "'");
}

at::Tensor ComputeLoss(const LossSpec& spec, const at::Tensor& prediction, const at::Tensor& target,
                       const at::Tensor& sample_weight) {
  at::Tensor values = LossValues(spec, prediction, target);
  if (!sample_weight.defined()) return values.mean();
  at::Tensor w = sample_weight.to(values.scalar_type());
  while (w.dim() < values.dim()) w = w.unsqueeze(-1);
  return (values * w).mean();
}

}  // namespace tl
