#include <c10/core/GradMode.h>

#include "grad_scaler.h"

namespace tl {

GradScaler::GradScaler(double initial_scale, double growth_factor, double backoff_factor, int64_t growth_interval)
    : scale_(initial_scale),
      growth_factor_(growth_factor),
      backoff_factor_(backoff_factor),
      growth_interval_(growth_interval) {}

bool GradScaler::Unscale(const std::vector<at::Tensor>& weights) const {
  c10::NoGradGuard no_grad;
  // One flag per gradient, read back once: on CUDA each read waits for the queue to drain.
  std::vector<at::Tensor> finite;
  for (const auto& w : weights) {
    if (!w.grad().defined()) continue;
    at::Tensor g = w.mutable_grad();
    g.mul_(1.0 / scale_);
    finite.push_back(at::isfinite(g).all());
  }
  return finite.empty() || at::stack(finite).all().item<bool>();
}

void GradScaler::Update(bool finite) {
  if (!finite) {
    scale_ *= backoff_factor_;
    good_steps_ = 0;
    return;
  }
  if (++good_steps_ >= growth_interval_) {
    scale_ *= growth_factor_;
    good_steps_ = 0;
  }
}

}  // namespace tl
