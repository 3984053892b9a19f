#include "global_pooling_1d.h"

#include "../errors.h"

namespace tl {
namespace {

GlobalPooling1DSpec ParseSpec(const ConfigReader& c, const std::vector<Shape>& input_shapes) {
  GlobalPooling1DSpec s;
  s.name = c.String("name");
  s.data_format = c.String("data_format");
  if (s.data_format != "channels_last" && s.data_format != "channels_first") {
    c.Fail("data_format", "expected 'channels_last' or 'channels_first' but received '" + s.data_format + "'");
  }
  s.keepdims = c.Bool("keepdims");
  if (input_shapes.size() != 1) {
    throw ShapeError(c.where() + " takes one input but was called on " + std::to_string(input_shapes.size()));
  }
  return s;
}

}  // namespace

std::unique_ptr<Layer> MakeGlobalAveragePooling1D(const ConfigReader& c, const std::vector<Shape>& input_shapes) {
  return std::make_unique<GlobalAveragePooling1D>(ParseSpec(c, input_shapes), input_shapes[0]);
}

std::unique_ptr<Layer> MakeGlobalMaxPooling1D(const ConfigReader& c, const std::vector<Shape>& input_shapes) {
  return std::make_unique<GlobalMaxPooling1D>(ParseSpec(c, input_shapes), input_shapes[0]);
}

GlobalPooling1D::GlobalPooling1D(const GlobalPooling1DSpec& spec, const Shape& input_shape, const std::string& class_name)
    : Layer(spec.name, class_name), spec_(spec), input_shape_(input_shape) {
  if (input_shape.size() != 2) {
    throw ShapeError(Label() + " expects 3-D inputs [batch, " +
                     (spec.data_format == "channels_last" ? "steps, features" : "features, steps") +
                     "] but received " + ShapeString(WithBatch(input_shape)));
  }
}

std::vector<Shape> GlobalPooling1D::OutputShapes() const {
  const int64_t features = input_shape_[spec_.data_format == "channels_last" ? 1 : 0];
  if (!spec_.keepdims) return {{features}};
  return {spec_.data_format == "channels_last" ? Shape{1, features} : Shape{features, 1}};
}

const at::Tensor& GlobalPooling1D::Checked(const at::Tensor& x) const {
  const int64_t features_axis = spec_.data_format == "channels_last" ? 2 : 1;
  if (x.dim() != 3 || (input_shape_[features_axis - 1] > 0 && x.size(features_axis) != input_shape_[features_axis - 1])) {
    throw ShapeError(Label() + " expects inputs of shape " + ShapeString(WithBatch(input_shape_)) + " but received " +
                     ShapeString(x.sizes().vec()));
  }
  return x;
}

LayerOutput GlobalAveragePooling1D::Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                                         const ForwardContext&) {
  const at::Tensor& x = Checked(SingleInput(inputs));
  const at::Tensor mask = masks.empty() ? at::Tensor() : masks[0];
  if (!mask.defined()) return {{x.mean(steps_axis(), spec_.keepdims)}, at::Tensor()};
  // Keras: sum over the kept steps / number of kept steps (masked steps replaced by 0, not multiplied).
  const at::Tensor keep = mask.to(at::kBool).unsqueeze(spec_.data_format == "channels_last" ? 2 : 1);
  const at::Tensor sum = at::where(keep, x, at::zeros({}, x.options())).sum(steps_axis(), spec_.keepdims);
  return {{sum / keep.to(x.scalar_type()).sum(steps_axis(), spec_.keepdims)}, at::Tensor()};
}

LayerOutput GlobalMaxPooling1D::Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>&,
                                     const ForwardContext&) {
  const at::Tensor& x = Checked(SingleInput(inputs));
  return {{std::get<0>(x.max(steps_axis(), spec_.keepdims))}, at::Tensor()};
}

}  // namespace tl
