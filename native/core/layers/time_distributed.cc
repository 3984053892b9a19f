#include "time_distributed.h"

#include "../errors.h"
#include "factory.h"

namespace tl {

std::unique_ptr<Layer> MakeTimeDistributed(const ConfigReader& c, const std::vector<Shape>& input_shapes) {
  const std::string name = c.String("name");
  const ConfigReader outer = c.Child("layer");
  LayerSpec inner;
  inner.class_name = outer.String("class_name");
  const ConfigReader config = outer.Child("config");
  inner.config = outer.Get("config");
  inner.name = config.String("name");
  if (config.Has("activity_regularizer")) {
    config.Fail("activity_regularizer", "an activity regularizer on the wrapped layer is not supported; set "
                                        "activity_regularizer on the TimeDistributed layer instead");
  }
  if (input_shapes.size() != 1) {
    throw ShapeError(c.where() + " takes one input but was called on " + std::to_string(input_shapes.size()));
  }
  const Shape& shape = input_shapes[0];
  if (shape.size() < 2) {
    throw ShapeError(c.where() + " expects inputs of at least 3 dimensions [batch, timesteps, ...] but received " +
                     ShapeString(WithBatch(shape)));
  }
  std::unique_ptr<Layer> layer = MakeLayer(inner, {Shape(shape.begin() + 1, shape.end())});
  layer->OutputMasked({false});
  return std::make_unique<TimeDistributed>(name, std::move(layer), shape);
}

TimeDistributed::TimeDistributed(std::string name, std::unique_ptr<Layer> inner, const Shape& input_shape)
    : Layer(std::move(name), "TimeDistributed"), inner_(std::move(inner)), input_shape_(input_shape) {}

LayerOutput TimeDistributed::Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                                  const ForwardContext& ctx) {
  const at::Tensor& x = SingleInput(inputs);
  if (x.dim() != static_cast<int64_t>(input_shape_.size()) + 1) {
    throw ShapeError(Label() + " expects inputs of shape " + ShapeString(WithBatch(input_shape_)) + " but received " +
                     ShapeString(x.sizes().vec()));
  }
  const int64_t batch = x.size(0), steps = x.size(1);
  std::vector<int64_t> folded = {batch * steps};
  for (int64_t d = 2; d < x.dim(); ++d) folded.push_back(x.size(d));
  LayerOutput inner = inner_->Call({x.reshape(folded)}, {at::Tensor()}, ctx);
  LayerOutput out;
  for (const at::Tensor& y : inner.tensors) {
    std::vector<int64_t> shape = {batch, steps};
    for (int64_t d = 1; d < y.dim(); ++d) shape.push_back(y.size(d));
    out.tensors.push_back(y.reshape(shape));
  }
  out.mask = masks.empty() ? at::Tensor() : masks[0];
  return out;
}

std::vector<Shape> TimeDistributed::OutputShapes() const {
  std::vector<Shape> out;
  for (const Shape& s : inner_->OutputShapes()) {
    Shape shape = {input_shape_[0]};
    shape.insert(shape.end(), s.begin(), s.end());
    out.push_back(shape);
  }
  return out;
}

LayerInfo TimeDistributed::Describe() const {
  LayerInfo info = Layer::Describe();
  info.kernel = inner_->Describe().kernel;
  return info;
}

}  // namespace tl
