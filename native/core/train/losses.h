// Keras regression losses, reduced as Keras's "sum_over_batch_size" (a plain mean).
#pragma once

#include <ATen/ATen.h>

#include "../spec.h"

namespace tl {

/// Brings `target` to the prediction's shape the way Keras does ([n] vs [n, 1]);
/// any other mismatch is ERR_SHAPE.
at::Tensor AlignTarget(const at::Tensor& prediction, const at::Tensor& target);

/// The mean loss over the batch (a 0-dim tensor that can be back-propagated).
at::Tensor ComputeLoss(const LossSpec& spec, const at::Tensor& prediction, const at::Tensor& target);

/// Throws when `spec` names no known loss.
void CheckLoss(const LossSpec& spec);

}  // namespace tl
