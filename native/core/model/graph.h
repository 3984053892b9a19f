// A model as the engine runs it: layers called in a graph (Keras functional model; a
// Sequential model is a chain), with Keras's mask propagation between calls.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "../layers/layer.h"

namespace tl {

class Graph {
 public:
  explicit Graph(const ModelSpec& spec);

  /// Model outputs for `inputs` (one tensor per model input). Adds the activity penalties of
  /// this call to `*activity_penalty` when given (undefined while there are none).
  std::vector<at::Tensor> Forward(const std::vector<at::Tensor>& inputs, const ForwardContext& ctx,
                                  at::Tensor* activity_penalty = nullptr) const;
  /// Trainable weights of every layer, layer order then Keras order.
  std::vector<at::Tensor> Weights() const;
  /// Detached copies of the weights.
  std::vector<at::Tensor> GetWeights() const;
  /// Copies `weights` in; every shape must match (ERR_SHAPE otherwise, nothing changed).
  void SetWeights(const std::vector<at::Tensor>& weights);
  /// Sum of every layer's weight penalties (undefined: none).
  at::Tensor RegularizationLoss() const;
  std::vector<LayerInfo> Describe() const;
  /// Checks a batch of inputs against the declared input shapes (ERR_SHAPE); all share the batch size.
  void CheckInputs(const std::vector<at::Tensor>& xs) const;
  void ResetStates();
  /// Moves every weight to `device` in place (the layers keep their handles).
  void MoveTo(const at::Device& device);
  const at::Device& device() const { return device_; }
  /// Multiply-adds of an inference call on `xs` when the lean loops can run it (a chain of
  /// layers, a handful of float32 CPU samples); -1 otherwise. Lets a caller run tiny calls
  /// inline rather than pay a thread hop that costs more than the math.
  int64_t LeanCost(const std::vector<at::Tensor>& xs) const;

  const ModelSpec& spec() const { return spec_; }
  const std::vector<std::unique_ptr<Layer>>& layers() const { return layers_; }
  /// Whether a mask reaches the first input of node `n` (call `n` of the spec's nodes).
  bool NodeInputMasked(size_t n) const { return nodes_.at(n).input_masked; }
  size_t num_inputs() const { return spec_.inputs.size(); }
  size_t num_outputs() const { return spec_.outputs.size(); }
  /// Output shapes without batch.
  const std::vector<Shape>& output_shapes() const { return output_shapes_; }

 private:
  struct Node {
    Layer* layer;
    std::vector<TensorRef> inputs;
    std::optional<RegularizerSpec> activity_regularizer;
    /// Whether a mask reaches this call's first input.
    bool input_masked = false;
  };
  /// Whether the lean single-sample loops may run this call.
  bool Lean(const std::vector<at::Tensor>& inputs, const ForwardContext& ctx) const;

  ModelSpec spec_;
  std::vector<std::unique_ptr<Layer>> layers_;
  std::vector<Node> nodes_;
  std::vector<Shape> output_shapes_;
  at::Device device_ = at::kCPU;
  /// Elements of all weights (LeanCost's per-step work).
  int64_t weight_count_ = 0;
  /// One input, each node fed by the previous one's main output, every output from the last node.
  bool chain_ = false;
};

}  // namespace tl
