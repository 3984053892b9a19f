// Keras GRU: gates z (update), r (reset), h (candidate); kernel [input_dim, 3*units],
// recurrent kernel [units, 3*units]; bias [3*units] (reset_after=false) or [2, 3*units]
// (reset_after=true, Keras's default: one input and one recurrent bias). With reset_after,
// tanh/sigmoid and no recurrent dropout the math is LibTorch's GRU (gates reordered r, z, n)
// and the fused at::gru runs; otherwise the cell loop. Training on the CPU runs the fused
// kernel with an analytic backward (kernels/fused_gru.h) whenever its activations allow.
#pragma once

#include "../activations.h"
#include "../kernels/fused_gru.h"
#include "rnn_base.h"

namespace tl {

/// Keras GRU layer.
struct GruSpec {
  std::string name;
  int64_t units = 0;
  std::string activation;
  std::string recurrent_activation;
  bool use_bias = true;
  InitializerSpec kernel_initializer, recurrent_initializer, bias_initializer;
  double dropout = 0.0;
  double recurrent_dropout = 0.0;
  /// Reset gate applied after the recurrent product (Keras default, cuDNN/LibTorch convention).
  bool reset_after = true;
  bool return_sequences = false;
  bool return_state = false;
  bool go_backwards = false;
  bool stateful = false;
  UseFused use_cudnn = UseFused::kAuto;
  std::optional<RegularizerSpec> kernel_regularizer, recurrent_regularizer, bias_regularizer;
};

/// Reads a Keras GRU config.
GruSpec ParseGruSpec(const ConfigReader& config);

class Gru : public Recurrent {
 public:
  Gru(const GruSpec& spec, const Shape& input_shape);

  std::vector<at::Tensor> Weights() const override;
  const GruSpec& spec() const { return spec_; }

 protected:
  std::string FusedName() const override { return "fused at::gru"; }
  std::string FusedConditions() const override { return "tanh/sigmoid with resetAfter=true"; }
  FusedResult RunFused(const at::Tensor& input, const at::Tensor& batch_sizes,
                       const std::vector<at::Tensor>& states) const override;
  at::Tensor Project(const at::Tensor& x, const at::Tensor& dropout_mask) const override;
  std::vector<at::Tensor> Step(const at::Tensor& projected, const std::vector<at::Tensor>& states,
                               const at::Tensor& recurrent_mask) const override;
  bool LeanForward(const at::Tensor& x, std::vector<at::Tensor>* out) const override;
  /// On the CPU (training and inference): the fused kernel (kernels/fused_gru.h) for every
  /// activation it knows, either reset_after, with dropout, recurrent dropout and any mask.
  bool HasCpuKernel() const override { return fused_activations_.has_value(); }
  std::vector<at::Tensor> RunCpuKernel(const CpuKernelCall& call) const override;

 private:
  at::Tensor InputBias() const;
  at::Tensor RecurrentBias() const;

  GruSpec spec_;
  Activation act_, ract_;
  at::Tensor kernel_, recurrent_kernel_, bias_;
  /// The fused CPU kernel's activations (activation, recurrent_activation), when it can compute
  /// this layer (not forced to LibTorch's loop, activations the kernel knows).
  std::optional<std::pair<GateActivation, GateActivation>> fused_activations_;
  /// Buffers the fused CPU kernel reuses from call to call.
  std::shared_ptr<FusedWorkspace> workspace_ = std::make_shared<FusedWorkspace>();
};

std::unique_ptr<Layer> MakeGru(const ConfigReader& config, const std::vector<Shape>& input_shapes);

}  // namespace tl
