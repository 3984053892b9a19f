#include "dropout.h"

#include "../errors.h"

namespace tl {

std::unique_ptr<Layer> MakeDropout(const ConfigReader& c, const std::vector<Shape>& input_shapes) {
  DropoutSpec spec;
  spec.name = c.String("name");
  spec.rate = c.Number("rate");
  if (input_shapes.size() != 1) {
    throw ShapeError(c.where() + " takes one input but was called on " + std::to_string(input_shapes.size()));
  }
  return std::make_unique<Dropout>(spec, input_shapes[0]);
}

Dropout::Dropout(const DropoutSpec& spec, const Shape& input_shape)
    : Layer(spec.name, "Dropout"), spec_(spec), input_shape_(input_shape) {}

LayerOutput Dropout::Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                          const ForwardContext& ctx) {
  const at::Tensor& x = SingleInput(inputs);
  const at::Tensor mask = masks.empty() ? at::Tensor() : masks[0];
  if (!ctx.training || spec_.rate <= 0) return {{x}, mask};
  return {{x * DropoutMask(x.sizes(), spec_.rate, ctx)}, mask};
}

}  // namespace tl
