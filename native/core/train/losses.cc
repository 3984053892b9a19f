#include "losses.h"

#include <cmath>

#include "../errors.h"
#include "../model/sequential.h"

namespace tl {

at::Tensor AlignTarget(const at::Tensor& prediction, const at::Tensor& target) {
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
  const auto& c = spec.class_name;
  if (c != "MeanSquaredError" && c != "MeanAbsoluteError" && c != "Huber" && c != "LogCosh") {
    throw SpecError("Unknown loss '" + c + "'");
  }
}

at::Tensor ComputeLoss(const LossSpec& spec, const at::Tensor& prediction, const at::Tensor& target) {
  const at::Tensor error = prediction - AlignTarget(prediction, target);
  const auto& c = spec.class_name;
  if (c == "MeanSquaredError") return error.square().mean();
  if (c == "MeanAbsoluteError") return error.abs().mean();
  if (c == "Huber") {
    const double d = spec.delta;
    const at::Tensor abs = error.abs();
    return at::where(abs <= d, 0.5 * error.square(), d * abs - 0.5 * d * d).mean();
  }
  if (c == "LogCosh") {
    // log(cosh(x)) = x + softplus(-2x) - log(2), stable for large |x|.
    return (error + at::softplus(-2.0 * error) - std::log(2.0)).mean();
  }
  throw SpecError("Unknown loss '" + c + "'");
}

}  // namespace tl
