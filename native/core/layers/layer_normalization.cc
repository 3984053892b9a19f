#include "layer_normalization.h"

#include <algorithm>

#include "../errors.h"
#include "../initializers.h"

namespace tl {

LayerNormalizationSpec ParseLayerNormalizationSpec(const ConfigReader& c) {
  LayerNormalizationSpec s;
  s.name = c.String("name");
  const Value& axis = c.Get("axis");
  if (axis.is_number()) {
    s.axis = {c.Int("axis")};
  } else {
    s.axis = c.IntList("axis");
    if (s.axis.empty()) c.Fail("axis", "expected at least one axis");
  }
  s.epsilon = c.Number("epsilon");
  if (!(s.epsilon > 0)) c.Fail("epsilon", "expected a positive number but received " + std::to_string(s.epsilon));
  s.center = c.Bool("center");
  s.scale = c.Bool("scale");
  if (c.Has("rms_scaling") && c.Bool("rms_scaling")) c.Fail("rms_scaling", "rms_scaling is not supported");
  s.beta_initializer = c.Initializer("beta_initializer");
  s.gamma_initializer = c.Initializer("gamma_initializer");
  s.beta_regularizer = c.Regularizer("beta_regularizer");
  s.gamma_regularizer = c.Regularizer("gamma_regularizer");
  return s;
}

std::unique_ptr<Layer> MakeLayerNormalization(const ConfigReader& config, const std::vector<Shape>& input_shapes) {
  LayerNormalizationSpec spec = ParseLayerNormalizationSpec(config);
  if (input_shapes.size() != 1) {
    throw ShapeError(config.where() + " takes one input but was called on " + std::to_string(input_shapes.size()));
  }
  return std::make_unique<LayerNormalization>(spec, input_shapes[0]);
}

LayerNormalization::LayerNormalization(const LayerNormalizationSpec& spec, const Shape& input_shape)
    : Layer(spec.name, "LayerNormalization"), spec_(spec), input_shape_(input_shape) {
  const int64_t rank = static_cast<int64_t>(input_shape.size()) + 1;
  std::vector<int64_t> param_shape;
  for (int64_t a : spec.axis) {
    const int64_t axis = a < 0 ? a + rank : a;
    if (axis < 1 || axis >= rank) {
      throw ShapeError(Label() + ": axis " + std::to_string(a) + " is out of range for inputs of shape " +
                       ShapeString(WithBatch(input_shape)) + " (the batch axis 0 cannot be normalized)");
    }
    if (std::find(axes_.begin(), axes_.end(), axis) != axes_.end()) {
      throw ShapeError(Label() + ": axis " + std::to_string(a) + " is listed twice");
    }
    const int64_t dim = input_shape[axis - 1];
    if (dim <= 0) {
      throw ShapeError(Label() + ": the normalized axis " + std::to_string(a) + " of inputs of shape " +
                       ShapeString(WithBatch(input_shape)) + " must have a known size");
    }
    axes_.push_back(axis);
    param_shape.push_back(dim);
  }
  std::sort(axes_.begin(), axes_.end());
  if (!(axes_.size() == 1 && axes_[0] == rank - 1)) {
    // Keras reshapes gamma/beta (shaped as the axes are listed) to the input rank.
    broadcast_.assign(rank, 1);
    for (int64_t axis : axes_) broadcast_[axis] = input_shape[axis - 1];
  }
  if (spec.scale) gamma_ = Initialize(spec.gamma_initializer, param_shape).set_requires_grad(true);
  if (spec.center) beta_ = Initialize(spec.beta_initializer, param_shape).set_requires_grad(true);
  Regularize(gamma_, spec.gamma_regularizer);
  Regularize(beta_, spec.beta_regularizer);
}

LayerOutput LayerNormalization::Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                                     const ForwardContext&) {
  return {{Forward(SingleInput(inputs))}, masks.empty() ? at::Tensor() : masks[0]};
}

at::Tensor LayerNormalization::Forward(const at::Tensor& x) const {
  const int64_t rank = static_cast<int64_t>(input_shape_.size()) + 1;
  if (x.dim() != rank) {
    throw ShapeError(Label() + " expects inputs of shape " + ShapeString(WithBatch(input_shape_)) +
                     " but received " + ShapeString(x.sizes().vec()));
  }
  for (int64_t axis : axes_) {
    if (x.size(axis) != input_shape_[axis - 1]) {
      throw ShapeError(Label() + " expects inputs of shape " + ShapeString(WithBatch(input_shape_)) +
                       " but received " + ShapeString(x.sizes().vec()));
    }
  }
  const auto broadcast = [&](const at::Tensor& w) { return broadcast_.empty() ? w : w.reshape(broadcast_); };
  // Keras's arithmetic: inv = rsqrt(var + eps) * gamma; y = x * inv + (beta - mean * inv).
  const at::Tensor mean = x.mean(axes_, /*keepdim=*/true);
  const at::Tensor var = (x - mean).square().mean(axes_, /*keepdim=*/true);
  at::Tensor inv = at::rsqrt(var + spec_.epsilon);
  if (gamma_.defined()) inv = inv * broadcast(gamma_);
  at::Tensor res = -mean * inv;
  if (beta_.defined()) res = res + broadcast(beta_);
  return x * inv + res;
}

std::vector<at::Tensor> LayerNormalization::Weights() const {
  std::vector<at::Tensor> out;
  if (gamma_.defined()) out.push_back(gamma_);
  if (beta_.defined()) out.push_back(beta_);
  return out;
}

}  // namespace tl
