// Dynamic loss scaling for float16 training (Keras LossScaleOptimizer, PyTorch GradScaler):
// the loss is multiplied by a scale before backward so small float16 gradients do not flush
// to zero; gradients are divided by it before clipping and the optimizer step; a step whose
// gradients hold inf/NaN is skipped and the scale halves; after `growth_interval` good steps
// in a row it doubles.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <vector>

namespace tl {

class GradScaler {
 public:
  /// Keras's defaults: initial scale 2^15, growth every 2000 finite steps.
  explicit GradScaler(double initial_scale = 32768.0, double growth_factor = 2.0, double backoff_factor = 0.5,
                      int64_t growth_interval = 2000);

  at::Tensor Scale(const at::Tensor& loss) const { return loss * scale_; }
  /// Divides every gradient by the scale. Returns false when one holds inf or NaN (skip the step).
  bool Unscale(const std::vector<at::Tensor>& weights) const;
  /// Backs off after a non-finite step, grows after `growth_interval` finite ones.
  void Update(bool finite);
  double scale() const { return scale_; }

 private:
  double scale_, growth_factor_, backoff_factor_;
  int64_t growth_interval_, good_steps_ = 0;
};

}  // namespace tl
