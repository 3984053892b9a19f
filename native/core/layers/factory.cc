#include "factory.h"

#include "dense.h"
#include "dropout.h"
#include "lstm.h"

namespace tl {

std::unique_ptr<Layer> MakeLayer(const LayerSpec& spec, const Shape& input_shape) {
  if (const auto* lstm = std::get_if<LstmSpec>(&spec)) return std::make_unique<Lstm>(*lstm, input_shape);
  if (const auto* dense = std::get_if<DenseSpec>(&spec)) return std::make_unique<Dense>(*dense, input_shape);
  return std::make_unique<Dropout>(std::get<DropoutSpec>(spec), input_shape);
}

}  // namespace tl
