// Keras SimpleRNN: h_t = activation(x_t W + h_{t-1} U + b); kernel [input_dim, units],
// recurrent kernel [units, units], bias [units]. tanh and relu run LibTorch's fused
// at::rnn_tanh / at::rnn_relu; other activations and recurrent dropout the cell loop.
#pragma once

#include "../activations.h"
#include "lean_math.h"
#include "rnn_base.h"

namespace tl {

/// Keras SimpleRNN layer.
struct SimpleRnnSpec {
  std::string name;
  int64_t units = 0;
  std::string activation;
  bool use_bias = true;
  InitializerSpec kernel_initializer, recurrent_initializer, bias_initializer;
  double dropout = 0.0;
  double recurrent_dropout = 0.0;
  bool return_sequences = false;
  bool return_state = false;
  bool go_backwards = false;
  bool stateful = false;
  /// Keras's SimpleRNN has no use_cudnn; TS may still pass one (auto when absent).
  UseFused use_cudnn = UseFused::kAuto;
  std::optional<RegularizerSpec> kernel_regularizer, recurrent_regularizer, bias_regularizer;
};

/// Reads a Keras SimpleRNN config.
SimpleRnnSpec ParseSimpleRnnSpec(const ConfigReader& config);

class SimpleRnn : public Recurrent {
 public:
  SimpleRnn(const SimpleRnnSpec& spec, const Shape& input_shape);

  std::vector<at::Tensor> Weights() const override;
  const SimpleRnnSpec& spec() const { return spec_; }

 protected:
  std::string FusedName() const override { return "fused at::rnn_" + spec_.activation; }
  std::string FusedConditions() const override { return "activation='" + spec_.activation + "'"; }
  FusedResult RunFused(const at::Tensor& input, const at::Tensor& batch_sizes,
                       const std::vector<at::Tensor>& states) const override;
  at::Tensor Project(const at::Tensor& x, const at::Tensor& dropout_mask) const override;
  std::vector<at::Tensor> Step(const at::Tensor& projected, const std::vector<at::Tensor>& states,
                               const at::Tensor& recurrent_mask) const override;
  bool LeanForward(const at::Tensor& x, std::vector<at::Tensor>* out) const override;

 private:
  SimpleRnnSpec spec_;
  Activation act_;
  /// The same activation over float rows, for LeanForward.
  lean::RowActivation lean_act_;
  at::Tensor kernel_, recurrent_kernel_, bias_;
};

std::unique_ptr<Layer> MakeSimpleRnn(const ConfigReader& config, const std::vector<Shape>& input_shapes);

}  // namespace tl
