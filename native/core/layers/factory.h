// Builds a layer from its spec and the shape it receives.
#pragma once

#include <memory>

#include "layer.h"

namespace tl {

std::unique_ptr<Layer> MakeLayer(const LayerSpec& spec, const Shape& input_shape);

}  // namespace tl
