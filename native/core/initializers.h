// Keras initializers (Keras 3 formulas: fans, truncation, orthogonal via QR).
#pragma once

#include <ATen/ATen.h>

#include "spec.h"

namespace tl {

/// A fresh float32 tensor of `shape` drawn as `spec` says. For 2-D shapes fan_in is
/// shape[0] and fan_out shape[1] (Keras's layout: kernel [input_dim, units]).
at::Tensor Initialize(const InitializerSpec& spec, at::IntArrayRef shape);

}  // namespace tl
