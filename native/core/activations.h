// Keras activations by name, as tensor functions.
#pragma once

#include <ATen/ATen.h>

#include <string>

namespace tl {

using Activation = at::Tensor (*)(const at::Tensor&);

/// The Keras activation `name` (snake_case, e.g. "hard_sigmoid"); throws on an unknown name.
/// `hard_sigmoid` is Keras 3's relu6(x + 3) / 6.
Activation GetActivation(const std::string& name);

}  // namespace tl
