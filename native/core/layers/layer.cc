#include <c10/core/GradMode.h>

#include "layer.h"

#include "../compat.h"
#include "../errors.h"

namespace tl {

at::Tensor DropoutMask(at::IntArrayRef shape, double rate, const ForwardContext& ctx) {
  c10::NoGradGuard no_grad;
  auto gen = ctx.generator ? *ctx.generator : compat::DefaultCpuGenerator();
  auto mask = at::empty(shape, at::kFloat).bernoulli_(1.0 - rate, gen);
  mask.div_(1.0 - rate);
  return ctx.device.is_cpu() ? mask : mask.to(ctx.device);
}

at::Tensor Penalty(const at::Tensor& x, const RegularizerSpec& spec) {
  at::Tensor total;
  if (spec.l1 != 0) total = spec.l1 * x.abs().sum();
  if (spec.l2 != 0) {
    at::Tensor l2 = spec.l2 * x.square().sum();
    total = total.defined() ? total + l2 : l2;
  }
  return total;
}

std::string ShapeString(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += shape[i] < 0 ? "null" : std::to_string(shape[i]);
  }
  return s + "]";
}

std::vector<int64_t> WithBatch(const Shape& shape) {
  std::vector<int64_t> out = {-1};
  out.insert(out.end(), shape.begin(), shape.end());
  return out;
}

bool Layer::OutputMasked(const std::vector<bool>& input_masked) const {
  if (std::any_of(input_masked.begin(), input_masked.end(), [](bool m) { return m; })) {
    throw ShapeError(Label() + " cannot take a mask, but its input carries one (from an Embedding with mask_zero or a "
                     "Masking layer); put the layer after one that consumes the mask (an RNN without return_sequences, "
                     "a pooling layer) or remove the mask");
  }
  return false;
}

LayerInfo Layer::Describe() const {
  LayerInfo info;
  info.name = name_;
  info.class_name = class_name_;
  info.output_shape = WithBatch(OutputShapes().at(0));
  for (const auto& w : Weights()) info.params += w.numel();
  return info;
}

at::Tensor Layer::RegularizationLoss() const {
  at::Tensor total;
  for (const auto& [weight, spec] : regularized_) {
    at::Tensor p = Penalty(weight, spec);
    if (p.defined()) total = total.defined() ? total + p : p;
  }
  return total;
}

void Layer::Regularize(const at::Tensor& weight, const std::optional<RegularizerSpec>& spec) {
  if (spec && weight.defined()) regularized_.emplace_back(weight, *spec);
}

const at::Tensor& Layer::SingleInput(const std::vector<at::Tensor>& inputs) const {
  if (inputs.size() != 1) {
    throw ShapeError(Label() + " takes one input but was called on " + std::to_string(inputs.size()));
  }
  return inputs[0];
}

}  // namespace tl
