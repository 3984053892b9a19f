#include <c10/core/GradMode.h>

#include "sequential.h"

#include <c10/core/GradMode.h>

#include "../errors.h"
#include "../layers/factory.h"

namespace tl {

std::string ShapeString(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += shape[i] < 0 ? "null" : std::to_string(shape[i]);
  }
  return s + "]";
}

Sequential::Sequential(const ModelSpec& spec) : input_shape_(spec.input_shape) {
  if (spec.layers.empty()) throw SpecError("A Sequential model needs at least one layer");
  Shape shape = spec.input_shape;
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    layers_.push_back(MakeLayer(spec.layers[i], shape));
    if (i + 1 < spec.layers.size()) {
      if (const auto* lstm = std::get_if<LstmSpec>(&spec.layers[i]); lstm && lstm->return_state) {
        throw SpecError("Layer '" + lstm->name + "': return_state is only allowed on the last layer of a Sequential model");
      }
    }
    shape = layers_.back()->OutputShape();
  }
  output_shape_ = shape;
}

std::vector<at::Tensor> Sequential::Forward(const at::Tensor& x, const ForwardContext& ctx) const {
  CheckInput(x);
  std::vector<at::Tensor> out = {x};
  const bool lean = !ctx.training && !c10::GradMode::is_enabled() && x.size(0) <= kLeanMaxBatch &&
                    x.scalar_type() == at::kFloat && x.device().is_cpu();
  for (const auto& layer : layers_) {
    std::vector<at::Tensor> next;
    if (!(lean && layer->ForwardLean(out[0], &next))) next = layer->Forward(out[0], ctx);
    out = std::move(next);
  }
  return out;
}

std::vector<at::Tensor> Sequential::Weights() const {
  std::vector<at::Tensor> all;
  for (const auto& layer : layers_) {
    for (auto& w : layer->Weights()) all.push_back(w);
  }
  return all;
}

std::vector<at::Tensor> Sequential::GetWeights() const {
  std::vector<at::Tensor> out;
  for (const auto& w : Weights()) out.push_back(w.detach().clone());
  return out;
}

void Sequential::SetWeights(const std::vector<at::Tensor>& weights) {
  auto current = Weights();
  if (weights.size() != current.size()) {
    throw ShapeError("setWeights expects " + std::to_string(current.size()) + " tensors but received " +
                     std::to_string(weights.size()));
  }
  for (size_t i = 0; i < current.size(); ++i) {
    if (weights[i].sizes() != current[i].sizes()) {
      throw ShapeError("setWeights: weight " + std::to_string(i) + " expects shape " +
                       ShapeString(current[i].sizes().vec()) + " but received " +
                       ShapeString(weights[i].sizes().vec()));
    }
  }
  c10::NoGradGuard no_grad;
  for (size_t i = 0; i < current.size(); ++i) current[i].copy_(weights[i]);
}

std::vector<LayerInfo> Sequential::Describe() const {
  std::vector<LayerInfo> out;
  for (const auto& layer : layers_) out.push_back(layer->Describe());
  return out;
}

void Sequential::CheckInput(const at::Tensor& x) const {
  bool ok = x.dim() == static_cast<int64_t>(input_shape_.size()) + 1;
  for (size_t i = 0; ok && i < input_shape_.size(); ++i) {
    ok = input_shape_[i] < 0 || x.size(static_cast<int64_t>(i) + 1) == input_shape_[i];
  }
  if (!ok) {
    Shape expected = {-1};
    expected.insert(expected.end(), input_shape_.begin(), input_shape_.end());
    throw ShapeError("Model expects input of shape " + ShapeString(expected) + " but received " +
                     ShapeString(x.sizes().vec()));
  }
}

}  // namespace tl
