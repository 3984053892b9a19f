// Keras LSTM: gates i, f, c, o; kernel [input_dim, 4*units], recurrent kernel
// [units, 4*units], one bias [4*units]. Two kernels compute the same function:
// LibTorch's fused at::lstm (cuDNN on CUDA) when the math allows it, and an explicit
// cell loop for the Keras-only variants (other activations, recurrent dropout, masks that
// are not right-padded). Masks, states and go_backwards live in the recurrent base.
#pragma once

#include "../activations.h"
#include "../kernels/fused_lstm.h"
#include "lean_math.h"
#include "rnn_base.h"

namespace tl {

/// Reads a Keras LSTM config.
LstmSpec ParseLstmSpec(const ConfigReader& config);

class Lstm : public Recurrent {
 public:
  Lstm(const LstmSpec& spec, const Shape& input_shape) : Lstm(spec, input_shape, "LSTM") {}

  std::vector<at::Tensor> Weights() const override;
  const LstmSpec& spec() const { return spec_; }

 protected:
  /// For variants of the LSTM cell (PeepholeLSTM).
  Lstm(const LstmSpec& spec, const Shape& input_shape, const std::string& class_name);

  std::string FusedName() const override { return "fused at::lstm"; }
  std::string FusedConditions() const override { return "tanh/sigmoid"; }
  FusedResult RunFused(const at::Tensor& input, const at::Tensor& batch_sizes,
                       const std::vector<at::Tensor>& states) const override;
  at::Tensor Project(const at::Tensor& x, const at::Tensor& dropout_mask) const override;
  std::vector<at::Tensor> Step(const at::Tensor& projected, const std::vector<at::Tensor>& states,
                               const at::Tensor& recurrent_mask) const override;
  bool LeanForward(const at::Tensor& x, std::vector<at::Tensor>* out) const override;
  /// On the CPU (training and inference): the fused kernel (kernels/fused_lstm.h) for every
  /// activation it knows, with dropout, recurrent dropout, any mask and peepholes.
  bool HasCpuKernel() const override { return fused_activations_.has_value(); }
  std::vector<at::Tensor> RunCpuKernel(const CpuKernelCall& call) const override;

  /// The peephole weights [3, units] (w_i, w_f, w_o) the fused CPU kernel adds (PeepholeLSTM);
  /// undefined: none (the plain LSTM).
  virtual at::Tensor Peepholes() const { return {}; }

  LstmSpec spec_;
  Activation act_, ract_;
  /// The same activations over float rows, for LeanForward.
  lean::RowActivation lean_act_, lean_ract_;
  at::Tensor kernel_, recurrent_kernel_, bias_;
  /// The fused CPU kernel's activations, when it can compute this layer (an LSTM or a
  /// PeepholeLSTM, not forced to LibTorch's loop, with activations the kernel knows); decided
  /// once at build.
  std::optional<std::pair<GateActivation, GateActivation>> fused_activations_;
  /// Buffers the fused CPU kernel reuses from call to call.
  std::shared_ptr<FusedLstmWorkspace> workspace_ = std::make_shared<FusedLstmWorkspace>();
};

std::unique_ptr<Layer> MakeLstm(const ConfigReader& config, const std::vector<Shape>& input_shapes);

}  // namespace tl
