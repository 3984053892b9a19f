#include "simple_rnn.h"

#include <cstring>
#include <memory>

#include "../errors.h"
#include "../initializers.h"

namespace tl {

SimpleRnnSpec ParseSimpleRnnSpec(const ConfigReader& c) {
  SimpleRnnSpec s;
  ReadRecurrentKeys(c, &s);
  s.activation = c.String("activation");
  s.use_cudnn = c.Has("use_cudnn") ? c.Fused("use_cudnn") : UseFused::kAuto;
  return s;
}

std::unique_ptr<Layer> MakeSimpleRnn(const ConfigReader& config, const std::vector<Shape>& input_shapes) {
  SimpleRnnSpec spec = ParseSimpleRnnSpec(config);
  return std::make_unique<SimpleRnn>(spec, RecurrentInputShape(config, input_shapes, 1, spec.units));
}

SimpleRnn::SimpleRnn(const SimpleRnnSpec& spec, const Shape& input_shape)
    : Recurrent("SimpleRNN", RecurrentOptionsOf(spec), input_shape, /*gates=*/1, /*num_states=*/1), spec_(spec),
      act_(GetActivation(spec.activation)), lean_act_(spec.activation) {
  const int64_t units = spec.units;
  kernel_ = Initialize(spec.kernel_initializer, {input_dim(), units}).set_requires_grad(true);
  recurrent_kernel_ = Initialize(spec.recurrent_initializer, {units, units}).set_requires_grad(true);
  if (spec.use_bias) bias_ = Initialize(spec.bias_initializer, {units}).set_requires_grad(true);
  Regularize(kernel_, spec.kernel_regularizer);
  Regularize(recurrent_kernel_, spec.recurrent_regularizer);
  Regularize(bias_, spec.bias_regularizer);
  SetFusedBlocker(spec.activation == "tanh" || spec.activation == "relu" ? ""
                                                                           : "activation='" + spec.activation + "'");
}

Recurrent::FusedResult SimpleRnn::RunFused(const at::Tensor& input, const at::Tensor& batch_sizes,
                                           const std::vector<at::Tensor>& states) const {
  std::vector<at::Tensor> params = {FusedWeight(kernel_.t()), FusedWeight(recurrent_kernel_.t())};
  if (spec_.use_bias) {
    params.push_back(bias_);
    params.push_back(at::zeros({spec_.units}, input.options()));
  }
  const at::Tensor hx = states[0].unsqueeze(0);
  const bool relu = spec_.activation == "relu";
  std::tuple<at::Tensor, at::Tensor> result;
  if (batch_sizes.defined()) {
    result = relu ? at::rnn_relu(input, batch_sizes, hx, params, spec_.use_bias, 1, 0.0, /*train=*/FusedTrainMode(), false)
                  : at::rnn_tanh(input, batch_sizes, hx, params, spec_.use_bias, 1, 0.0, /*train=*/FusedTrainMode(), false);
  } else {
    result = relu ? at::rnn_relu(input, hx, params, spec_.use_bias, 1, 0.0, /*train=*/FusedTrainMode(), false, /*batch_first=*/true)
                  : at::rnn_tanh(input, hx, params, spec_.use_bias, 1, 0.0, /*train=*/FusedTrainMode(), false, /*batch_first=*/true);
  }
  return {std::get<0>(result), {std::get<1>(result).squeeze(0)}};
}

at::Tensor SimpleRnn::Project(const at::Tensor& x, const at::Tensor& dropout_mask) const {
  return ProjectGates(x, kernel_, spec_.use_bias ? bias_ : at::Tensor(), dropout_mask, 1);
}

std::vector<at::Tensor> SimpleRnn::Step(const at::Tensor& projected, const std::vector<at::Tensor>& states,
                                        const at::Tensor& recurrent_mask) const {
  return {act_(projected + RecurrentGates(states[0], recurrent_kernel_, recurrent_mask, 1))};
}

bool SimpleRnn::LeanForward(const at::Tensor& input, std::vector<at::Tensor>* out) const {
  if (!lean_act_.valid()) return false;
  if (!kernel_.is_contiguous() || !recurrent_kernel_.is_contiguous() || kernel_.scalar_type() != at::kFloat) return false;
  if (input.dim() != 3 || input.size(2) != input_dim() || input.size(1) == 0) return false;  // Call reports it
  const at::Tensor x = input.contiguous();
  const int64_t batch = x.size(0), steps = x.size(1), features = x.size(2), units = spec_.units;
  const float* recurrent = recurrent_kernel_.data_ptr<float>();
  // z [batch, steps, H]: the input projections of every step in one pass (bias included); h [batch, H].
  const int64_t z_size = batch * steps * units;
  std::unique_ptr<float[]> buffer(new float[z_size + batch * units]);
  float* z = buffer.get();
  float* h = z + z_size;
  lean::FillRows(batch * steps, units, spec_.use_bias ? bias_.data_ptr<float>() : nullptr, z, units);
  lean::MatMulAdd(batch * steps, units, features, x.data_ptr<float>(), features, kernel_.data_ptr<float>(), units, z,
                  units);
  at::Tensor sequence = spec_.return_sequences ? lean::EmptyFloat({batch, steps, units}) : at::Tensor();
  float* seq = sequence.defined() ? sequence.data_ptr<float>() : nullptr;
  const int64_t ldz = steps * units;
  for (int64_t s = 0; s < steps; ++s) {
    const int64_t t = spec_.go_backwards ? steps - 1 - s : s;
    float* zt = z + t * units;
    if (s > 0) lean::MatMulAdd(batch, units, units, h, units, recurrent, units, zt, ldz);
    for (int64_t b = 0; b < batch; ++b) {
      lean_act_.Apply(zt + b * ldz, h + b * units, units);
      if (seq) std::memcpy(seq + (b * steps + s) * units, h + b * units, sizeof(float) * units);
    }
  }
  at::Tensor h_last;
  if (!seq || spec_.return_state) {
    h_last = lean::EmptyFloat({batch, units});
    std::memcpy(h_last.data_ptr<float>(), h, sizeof(float) * batch * units);
  }
  *out = {seq ? sequence : h_last};
  if (spec_.return_state) out->push_back(h_last);
  return true;
}

std::vector<at::Tensor> SimpleRnn::Weights() const {
  if (spec_.use_bias) return {kernel_, recurrent_kernel_, bias_};
  return {kernel_, recurrent_kernel_};
}

}  // namespace tl
