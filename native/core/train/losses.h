// Keras losses, reduced as Keras's "sum_over_batch_size": the mean over every per-sample
// (per-timestep) loss value, each multiplied by its sample's weight when weights are given.
#pragma once

#include <ATen/ATen.h>

#include "../spec.h"

namespace tl {

/// Whether the loss takes class indices as targets (SparseCategoricalCrossentropy).
bool IsSparseLoss(const LossSpec& spec);

/// Brings `target` to the prediction's shape the way Keras does ([n] vs [n, 1]); with `sparse`
/// the target holds class indices: the prediction's shape without its last axis. Any other
/// mismatch is ERR_SHAPE.
at::Tensor AlignTarget(const at::Tensor& prediction, const at::Tensor& target, bool sparse = false);

/// Keras's loss values before reduction: one per sample (and per timestep for sequence outputs),
/// i.e. the prediction's shape without its last axis.
at::Tensor LossValues(const LossSpec& spec, const at::Tensor& prediction, const at::Tensor& target);

/// The reduced loss (a 0-dim tensor that can be back-propagated). `sample_weight` [batch]
/// (undefined: all ones) multiplies each sample's values before the mean.
at::Tensor ComputeLoss(const LossSpec& spec, const at::Tensor& prediction, const at::Tensor& target,
                       const at::Tensor& sample_weight = at::Tensor());

/// Throws when `spec` names no known loss.
void CheckLoss(const LossSpec& spec);

}  // namespace tl
