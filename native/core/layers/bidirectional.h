// Keras Bidirectional: a recurrent layer run forward and a copy with go_backwards flipped (its
// own weights), their outputs merged (concat, sum, mul, ave) or returned side by side (null).
#pragma once

#include <memory>

#include "layer.h"

namespace tl {

/// How the forward and backward outputs combine (Keras merge_mode; kNone: two outputs).
enum class MergeMode { kConcat, kSum, kMul, kAve, kNone };

class Bidirectional : public Layer {
 public:
  /// `forward` and `backward` are the built inner layers (names forward_<x> / backward_<x>).
  Bidirectional(std::string name, MergeMode merge_mode, std::unique_ptr<Layer> forward,
                std::unique_ptr<Layer> backward, bool return_sequences, bool return_state);

  /// Outputs: the merged output (two with merge_mode null), then the forward states, then the
  /// backward states. With return_sequences the backward output is put back in forward time
  /// and, under a mask, masked timesteps of both directions are zero (Keras forces
  /// zero_output_for_mask); the output mask is the input mask.
  LayerOutput Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                   const ForwardContext& ctx) override;
  bool CallLean(const at::Tensor& x, std::vector<at::Tensor>* out) const override;
  /// Forward weights then backward weights, each in Keras order.
  std::vector<at::Tensor> Weights() const override;
  std::vector<Shape> OutputShapes() const override;
  bool OutputMasked(const std::vector<bool>& input_masked) const override;
  LayerInfo Describe() const override;
  void ResetStates() override;
  /// The two directions' weight penalties (each inner layer reads its own regularizers).
  at::Tensor RegularizationLoss() const override;

  Layer& forward_layer() { return *forward_; }
  Layer& backward_layer() { return *backward_; }

 private:
  /// Merges the two directions' outputs (backward already in forward time).
  std::vector<at::Tensor> Merge(std::vector<at::Tensor> y, std::vector<at::Tensor> y_rev, const at::Tensor& mask) const;

  MergeMode merge_mode_;
  std::unique_ptr<Layer> forward_, backward_;
  bool return_sequences_, return_state_;
};

std::unique_ptr<Layer> MakeBidirectional(const ConfigReader& config, const std::vector<Shape>& input_shapes);

}  // namespace tl
