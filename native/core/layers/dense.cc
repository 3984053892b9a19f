#include "dense.h"

#include "../activations.h"
#include "../errors.h"
#include "../initializers.h"
#include "lean_math.h"

namespace tl {

DenseSpec ParseDenseSpec(const ConfigReader& c) {
  DenseSpec s;
  s.name = c.String("name");
  s.units = c.Int("units");
  s.activation = c.String("activation");
  s.use_bias = c.Bool("use_bias");
  s.kernel_initializer = c.Initializer("kernel_initializer");
  s.bias_initializer = c.Initializer("bias_initializer");
  s.kernel_regularizer = c.Regularizer("kernel_regularizer");
  s.bias_regularizer = c.Regularizer("bias_regularizer");
  return s;
}

std::unique_ptr<Layer> MakeDense(const ConfigReader& config, const std::vector<Shape>& input_shapes) {
  DenseSpec spec = ParseDenseSpec(config);
  if (input_shapes.size() != 1) {
    throw ShapeError(config.where() + " takes one input but was called on " + std::to_string(input_shapes.size()));
  }
  return std::make_unique<Dense>(spec, input_shapes[0]);
}

Dense::Dense(const DenseSpec& spec, const Shape& input_shape)
    : Layer(spec.name, "Dense"), spec_(spec), input_shape_(input_shape), lean_act_(spec.activation) {
  if (input_shape.empty() || input_shape.back() <= 0) {
    throw ShapeError("Layer '" + spec.name + "' (Dense) needs a known last input dimension");
  }
  kernel_ = Initialize(spec.kernel_initializer, {input_shape.back(), spec.units}).set_requires_grad(true);
  if (spec.use_bias) bias_ = Initialize(spec.bias_initializer, {spec.units}).set_requires_grad(true);
  GetActivation(spec.activation);
  Regularize(kernel_, spec.kernel_regularizer);
  Regularize(bias_, spec.bias_regularizer);
}

LayerOutput Dense::Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                        const ForwardContext&) {
  return {{Forward(SingleInput(inputs))}, masks.empty() ? at::Tensor() : masks[0]};
}

at::Tensor Dense::Forward(const at::Tensor& x) const {
  if (x.dim() < 2 || x.size(-1) != input_shape_.back()) {
    throw ShapeError("Layer '" + spec_.name + "' (Dense) expects a last dimension of " +
                     std::to_string(input_shape_.back()) + " but received " + c10::str(x.sizes()));
  }
  at::Tensor y = spec_.use_bias ? at::matmul(x, kernel_) + bias_ : at::matmul(x, kernel_);
  return GetActivation(spec_.activation)(y);
}

bool Dense::CallLean(const at::Tensor& input, std::vector<at::Tensor>* out) const {
  if (!lean_act_.valid() || !kernel_.is_contiguous() || kernel_.scalar_type() != at::kFloat) return false;
  if (input.dim() < 2 || input.size(-1) != input_shape_.back()) return false;  // Call reports it
  const at::Tensor x = input.contiguous();
  const int64_t in = x.size(-1), units = spec_.units, rows = x.numel() / in;
  std::vector<int64_t> shape = x.sizes().vec();
  shape.back() = units;
  at::Tensor y = lean::EmptyFloat(shape);
  float* yp = y.data_ptr<float>();
  lean::FillRows(rows, units, spec_.use_bias ? bias_.data_ptr<float>() : nullptr, yp, units);
  lean::MatMulAdd(rows, units, in, x.data_ptr<float>(), in, kernel_.data_ptr<float>(), units, yp, units);
  lean_act_.Apply(yp, yp, rows * units);
  *out = {y};
  return true;
}

std::vector<at::Tensor> Dense::Weights() const {
  if (spec_.use_bias) return {kernel_, bias_};
  return {kernel_};
}

std::vector<Shape> Dense::OutputShapes() const {
  Shape out = input_shape_;
  out.back() = spec_.units;
  return {out};
}

}  // namespace tl
