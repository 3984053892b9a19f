// PeepholeLSTM: the LSTM with peephole connections of Gers & Schmidhuber (2000), as in
// tf.keras.experimental.PeepholeLSTMCell wrapped in an RNN (Keras has no layer class for it;
// "PeepholeLSTM" is this library's class name, with the LSTM's config keys). Weights: the
// LSTM's kernel, recurrent_kernel, bias, then input_gate_peephole_weights,
// forget_gate_peephole_weights, output_gate_peephole_weights (each [units], initialized with
// kernel_initializer):
//   i = rσ(x W_i + h U_i + b_i + w_i ⊙ c_{t-1})    f = rσ(x W_f + h U_f + b_f + w_f ⊙ c_{t-1})
//   c_t = f ⊙ c_{t-1} + i ⊙ σ(x W_c + h U_c + b_c)  o = rσ(x W_o + h U_o + b_o + w_o ⊙ c_t)
//   h_t = o ⊙ σ(c_t)
// LibTorch's fused at::lstm has no peepholes; on the CPU the fused kernel (kernels/fused_lstm.h,
// FusedLstmOptions::peephole) trains and predicts it as it does the LSTM, elsewhere (or with
// useCudnn=false) the cell loop runs. Predicts of a few samples take the LSTM's lean loops
// (Lstm::LeanForward with the peephole terms).
#pragma once

#include "lstm.h"

namespace tl {

class PeepholeLstm : public Lstm {
 public:
  PeepholeLstm(const LstmSpec& spec, const Shape& input_shape);

  std::vector<at::Tensor> Weights() const override;

 protected:
  std::vector<at::Tensor> Step(const at::Tensor& projected, const std::vector<at::Tensor>& states,
                               const at::Tensor& recurrent_mask) const override;
  at::Tensor Peepholes() const override;

 private:
  at::Tensor input_peephole_, forget_peephole_, output_peephole_;
};

std::unique_ptr<Layer> MakePeepholeLstm(const ConfigReader& config, const std::vector<Shape>& input_shapes);

}  // namespace tl
