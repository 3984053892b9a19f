#include "dropout.h"

namespace tl {

Dropout::Dropout(const DropoutSpec& spec, const Shape& input_shape) : spec_(spec), input_shape_(input_shape) {}

std::vector<at::Tensor> Dropout::Forward(const at::Tensor& x, const ForwardContext& ctx) {
  if (!ctx.training || spec_.rate <= 0) return {x};
  return {x * DropoutMask(x.sizes(), spec_.rate, ctx)};
}

LayerInfo Dropout::Describe() const {
  LayerInfo info;
  info.name = spec_.name;
  info.class_name = "Dropout";
  info.output_shape = {-1};
  for (int64_t d : input_shape_) info.output_shape.push_back(d);
  return info;
}

}  // namespace tl
