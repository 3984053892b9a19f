#include "masking.h"

#include "../errors.h"

namespace tl {

std::unique_ptr<Layer> MakeMasking(const ConfigReader& c, const std::vector<Shape>& input_shapes) {
  MaskingSpec spec;
  spec.name = c.String("name");
  spec.mask_value = c.Number("mask_value");
  if (input_shapes.size() != 1) {
    throw ShapeError(c.where() + " takes one input but was called on " + std::to_string(input_shapes.size()));
  }
  return std::make_unique<Masking>(spec, input_shapes[0]);
}

Masking::Masking(const MaskingSpec& spec, const Shape& input_shape)
    : Layer(spec.name, "Masking"), spec_(spec), input_shape_(input_shape) {
  if (input_shape.size() != 2) {
    throw ShapeError(Label() + " expects inputs [batch, timesteps, features] but received " +
                     ShapeString(WithBatch(input_shape)));
  }
}

LayerOutput Masking::Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>&,
                          const ForwardContext&) {
  const at::Tensor& x = SingleInput(inputs);
  if (x.dim() != 3) {
    throw ShapeError(Label() + " expects input [batch, timesteps, features] but received " +
                     ShapeString(x.sizes().vec()));
  }
  const at::Tensor keep = x.ne(spec_.mask_value).any(-1);
  return {{x * keep.unsqueeze(-1).to(x.scalar_type())}, keep};
}

}  // namespace tl
