#include <c10/core/GradMode.h>

#include "graph.h"

#include "../errors.h"
#include "../layers/factory.h"

namespace tl {
namespace {

at::Tensor Add(const at::Tensor& total, const at::Tensor& term) {
  if (!term.defined()) return total;
  return total.defined() ? total + term : term;
}

}  // namespace

Graph::Graph(const ModelSpec& spec) : spec_(spec) {
  if (spec.inputs.empty()) throw SpecError("The model has no inputs");
  if (spec.nodes.empty()) throw SpecError("The model has no layers");
  if (spec.outputs.empty()) throw SpecError("The model has no outputs");
  // Shapes and mask flags of every tensor produced so far, by node.
  std::vector<std::vector<Shape>> shapes(spec.nodes.size());
  std::vector<bool> masked(spec.nodes.size(), false);
  // Layers in the spec's order (Keras's weight order), built at their first call.
  layers_.resize(spec.layers.size());
  const auto resolve = [&](const TensorRef& ref, size_t at, const std::string& what) -> std::pair<Shape, bool> {
    if (ref.node < 0) {
      if (ref.index < 0 || ref.index >= static_cast<int64_t>(spec.inputs.size()) ) {
        throw SpecError(what + " refers to model input " + std::to_string(ref.index) + ", which does not exist");
      }
      return {spec.inputs[ref.index].shape, false};
    }
    if (ref.node >= static_cast<int64_t>(at)) {
      throw SpecError(what + " refers to node " + std::to_string(ref.node) + ", which is not computed before it");
    }
    const auto& outs = shapes[ref.node];
    if (ref.index < 0 || ref.index >= static_cast<int64_t>(outs.size())) {
      throw SpecError(what + " refers to output " + std::to_string(ref.index) + " of layer '" +
                      nodes_[ref.node].layer->name() + "', which has " + std::to_string(outs.size()));
    }
    return {outs[ref.index], ref.index == 0 && masked[ref.node]};
  };
  for (size_t n = 0; n < spec.nodes.size(); ++n) {
    const NodeSpec& node = spec.nodes[n];
    if (node.layer < 0 || node.layer >= static_cast<int64_t>(spec.layers.size())) {
      throw SpecError("Node " + std::to_string(n) + " refers to layer " + std::to_string(node.layer) + ", which does not exist");
    }
    const LayerSpec& layer_spec = spec.layers[node.layer];
    const std::string what = "Layer '" + layer_spec.name + "' (" + layer_spec.class_name + ")";
    if (node.inputs.empty()) throw SpecError(what + " is called without inputs");
    std::vector<Shape> in_shapes;
    std::vector<bool> in_masked;
    for (const TensorRef& ref : node.inputs) {
      auto [shape, m] = resolve(ref, n, what);
      in_shapes.push_back(shape);
      in_masked.push_back(m);
    }
    if (layers_[node.layer] == nullptr) layers_[node.layer] = MakeLayer(layer_spec, in_shapes);
    Layer* layer = layers_[node.layer].get();
    masked[n] = layer->OutputMasked(in_masked);
    shapes[n] = layer->OutputShapes();
    Node built_node{layer, node.inputs, std::nullopt, in_masked[0]};
    if (const Value* activity = layer_spec.config.Find("activity_regularizer"); activity && !activity->is_null()) {
      built_node.activity_regularizer = ConfigReader(layer_spec.config, what).Regularizer("activity_regularizer");
    }
    nodes_.push_back(std::move(built_node));
  }
  for (const TensorRef& ref : spec.outputs) output_shapes_.push_back(resolve(ref, spec.nodes.size(), "A model output").first);
  for (size_t i = 0; i < layers_.size(); ++i) {
    if (layers_[i] == nullptr) {
      throw SpecError("Layer '" + spec.layers[i].name + "' (" + spec.layers[i].class_name + ") is never called in the model");
    }
  }
  for (const auto& w : Weights()) weight_count_ += w.numel();  // fixed from here on (SetWeights keeps shapes)
  chain_ = spec.inputs.size() == 1;
  for (const TensorRef& ref : spec.outputs) chain_ = chain_ && ref.node == static_cast<int64_t>(nodes_.size()) - 1;
  for (size_t n = 0; chain_ && n < nodes_.size(); ++n) {
    const auto& in = nodes_[n].inputs;
    chain_ = in.size() == 1 && in[0].index == 0 && in[0].node == static_cast<int64_t>(n) - 1 &&
             !nodes_[n].activity_regularizer && !masked[n];
  }
}

bool Graph::Lean(const std::vector<at::Tensor>& inputs, const ForwardContext& ctx) const {
  return chain_ && device_.is_cpu() && !ctx.training && !c10::GradMode::is_enabled() && inputs[0].size(0) <= kLeanMaxBatch &&
         inputs[0].scalar_type() == at::kFloat && inputs[0].device().is_cpu();
}

std::vector<at::Tensor> Graph::Forward(const std::vector<at::Tensor>& inputs, const ForwardContext& ctx,
                                       at::Tensor* activity_penalty) const {
  CheckInputs(inputs);
  if (Lean(inputs, ctx)) {
    // The chain computed layer by layer; a layer without a lean form uses its general call.
    std::vector<at::Tensor> out = {inputs[0]};
    for (const Node& node : nodes_) {
      std::vector<at::Tensor> next;
      if (!node.layer->CallLean(out[0], &next)) next = node.layer->Call({out[0]}, {at::Tensor()}, ctx).tensors;
      out = std::move(next);
    }
    std::vector<at::Tensor> outputs;
    for (const TensorRef& ref : spec_.outputs) outputs.push_back(out.at(ref.index));
    return outputs;
  }
  std::vector<LayerOutput> results(nodes_.size());
  const auto tensor = [&](const TensorRef& ref) -> const at::Tensor& {
    return ref.node < 0 ? inputs[ref.index] : results[ref.node].tensors.at(ref.index);
  };
  const auto mask = [&](const TensorRef& ref) -> at::Tensor {
    return ref.node >= 0 && ref.index == 0 ? results[ref.node].mask : at::Tensor();
  };
  for (size_t n = 0; n < nodes_.size(); ++n) {
    const Node& node = nodes_[n];
    std::vector<at::Tensor> in, masks;
    for (const TensorRef& ref : node.inputs) {
      in.push_back(tensor(ref));
      masks.push_back(mask(ref));
    }
    results[n] = node.layer->Call(in, masks, ctx);
    if (node.activity_regularizer && activity_penalty != nullptr) {
      for (const at::Tensor& out : results[n].tensors) {
        *activity_penalty = Add(*activity_penalty, Penalty(out, *node.activity_regularizer));
      }
    }
  }
  std::vector<at::Tensor> outputs;
  for (const TensorRef& ref : spec_.outputs) outputs.push_back(tensor(ref));
  return outputs;
}

std::vector<at::Tensor> Graph::Weights() const {
  std::vector<at::Tensor> all;
  for (const auto& layer : layers_) {
    for (auto& w : layer->Weights()) all.push_back(w);
  }
  return all;
}

std::vector<at::Tensor> Graph::GetWeights() const {
  std::vector<at::Tensor> out;
  for (const auto& w : Weights()) out.push_back(w.detach().clone());
  return out;
}

void Graph::SetWeights(const std::vector<at::Tensor>& weights) {
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

at::Tensor Graph::RegularizationLoss() const {
  at::Tensor total;
  for (const auto& layer : layers_) total = Add(total, layer->RegularizationLoss());
  return total;
}

std::vector<LayerInfo> Graph::Describe() const {
  std::vector<LayerInfo> out;
  for (const auto& layer : layers_) out.push_back(layer->Describe());
  return out;
}

void Graph::CheckInputs(const std::vector<at::Tensor>& xs) const {
  if (xs.size() != spec_.inputs.size()) {
    throw ShapeError("The model takes " + std::to_string(spec_.inputs.size()) + " input(s) but received " +
                     std::to_string(xs.size()));
  }
  for (size_t k = 0; k < xs.size(); ++k) {
    const Shape& shape = spec_.inputs[k].shape;
    const at::Tensor& x = xs[k];
    bool ok = x.dim() == static_cast<int64_t>(shape.size()) + 1;
    for (size_t i = 0; ok && i < shape.size(); ++i) ok = shape[i] < 0 || x.size(static_cast<int64_t>(i) + 1) == shape[i];
    if (!ok) {
      throw ShapeError("Model expects input" + (xs.size() > 1 ? " '" + spec_.inputs[k].name + "'" : std::string()) +
                       " of shape " + ShapeString(WithBatch(shape)) + " but received " + ShapeString(x.sizes().vec()));
    }
    if (x.size(0) != xs[0].size(0)) {
      throw ShapeError("Model inputs must have the same number of samples: '" + spec_.inputs[0].name + "' has " +
                       std::to_string(xs[0].size(0)) + " but '" + spec_.inputs[k].name + "' has " +
                       std::to_string(x.size(0)));
    }
  }
}

int64_t Graph::LeanCost(const std::vector<at::Tensor>& xs) const {
  if (xs.size() != 1 || !Lean(xs, ForwardContext{})) return -1;
  const at::Tensor& x = xs[0];
  const int64_t steps = x.dim() >= 3 ? x.size(1) : 1;
  return x.size(0) * steps * weight_count_;
}

void Graph::MoveTo(const at::Device& device) {
  c10::NoGradGuard no_grad;
  for (auto w : Weights()) w.set_data(w.data().to(device));
  device_ = device;
}

void Graph::ResetStates() {
  for (auto& layer : layers_) layer->ResetStates();
}

}  // namespace tl
