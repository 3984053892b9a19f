#include "simple_rnn.h"

#include "../errors.h"
#include "../initializers.h"
#include "../scalar_activations.h"

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
      act_(GetActivation(spec.activation)) {
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
  std::vector<at::Tensor> params = {kernel_.t(), recurrent_kernel_.t()};
  if (spec_.use_bias) {
    params.push_back(bias_);
    params.push_back(at::zeros({spec_.units}, input.options()));
  }
  const at::Tensor hx = states[0].unsqueeze(0);
  const bool relu = spec_.activation == "relu";
  std::tuple<at::Tensor, at::Tensor> result;
  if (batch_sizes.defined()) {
    result = relu ? at::rnn_relu(input, batch_sizes, hx, params, spec_.use_bias, 1, 0.0, false, false)
                  : at::rnn_tanh(input, batch_sizes, hx, params, spec_.use_bias, 1, 0.0, false, false);
  } else {
    result = relu ? at::rnn_relu(input, hx, params, spec_.use_bias, 1, 0.0, false, false, /*batch_first=*/true)
                  : at::rnn_tanh(input, hx, params, spec_.use_bias, 1, 0.0, false, false, /*batch_first=*/true);
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
  const ScalarActivation act = GetScalarActivation(spec_.activation);
  if (!act || !kernel_.is_contiguous() || !recurrent_kernel_.is_contiguous()) return false;
  if (input.dim() != 3 || input.size(2) != input_dim() || input.size(1) == 0) return false;  // Call reports it
  const at::Tensor x = input.contiguous();
  const int64_t batch = x.size(0), steps = x.size(1), features = x.size(2), units = spec_.units;
  const float* kernel = kernel_.data_ptr<float>();
  const float* recurrent = recurrent_kernel_.data_ptr<float>();
  const float* bias = spec_.use_bias ? bias_.data_ptr<float>() : nullptr;
  at::Tensor sequence = spec_.return_sequences ? at::empty({batch, steps, units}, at::kFloat) : at::Tensor();
  at::Tensor h_last = at::empty({batch, units}, at::kFloat);
  std::vector<float> z(units), h(units);
  for (int64_t b = 0; b < batch; ++b) {
    std::fill(h.begin(), h.end(), 0.0f);
    for (int64_t s = 0; s < steps; ++s) {
      const int64_t t = spec_.go_backwards ? steps - 1 - s : s;
      const float* xt = x.data_ptr<float>() + (b * steps + t) * features;
      if (bias) {
        std::copy(bias, bias + units, z.begin());
      } else {
        std::fill(z.begin(), z.end(), 0.0f);
      }
      for (int64_t i = 0; i < features; ++i) Axpy(units, xt[i], kernel + i * units, z.data());
      for (int64_t k = 0; k < units; ++k) Axpy(units, h[k], recurrent + k * units, z.data());
      for (int64_t j = 0; j < units; ++j) h[j] = act(z[j]);
      if (sequence.defined()) std::copy(h.begin(), h.end(), sequence.data_ptr<float>() + (b * steps + s) * units);
    }
    std::copy(h.begin(), h.end(), h_last.data_ptr<float>() + b * units);
  }
  *out = {spec_.return_sequences ? sequence : h_last};
  if (spec_.return_state) out->push_back(h_last);
  return true;
}

std::vector<at::Tensor> SimpleRnn::Weights() const {
  if (spec_.use_bias) return {kernel_, recurrent_kernel_, bias_};
  return {kernel_, recurrent_kernel_};
}

}  // namespace tl
