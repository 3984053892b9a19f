// Keras activations on single floats, for the lean small-batch inference loops (the same
// functions as activations.h, without per-op dispatch).
#pragma once

#include <string>

namespace tl {

using ScalarActivation = float (*)(float);

/// The scalar form of the Keras activation `name`, or nullptr when it has none
/// (softmax is not elementwise): callers then use the general path.
ScalarActivation GetScalarActivation(const std::string& name);

}  // namespace tl
