// Builds a layer from its spec: the one table of layer classes the engine knows.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "layer.h"

namespace tl {

/// Builds `spec` for a first call on inputs of `input_shapes` (without batch).
/// Unknown class names and malformed configs are spec errors naming the layer.
std::unique_ptr<Layer> MakeLayer(const LayerSpec& spec, const std::vector<Shape>& input_shapes);

/// The class names MakeLayer accepts.
std::vector<std::string> LayerClassNames();

}  // namespace tl
