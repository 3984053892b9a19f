#include "lstm.h"

#include <cstring>
#include <memory>

#include <c10/core/GradMode.h>

#include "../activations.h"
#include "../errors.h"
#include "../initializers.h"

namespace tl {

LstmSpec ParseLstmSpec(const ConfigReader& c) {
  LstmSpec s;
  ReadRecurrentKeys(c, &s);
  s.activation = c.String("activation");
  s.recurrent_activation = c.String("recurrent_activation");
  s.unit_forget_bias = c.Bool("unit_forget_bias");
  s.use_cudnn = c.Fused("use_cudnn");
  return s;
}

std::unique_ptr<Layer> MakeLstm(const ConfigReader& config, const std::vector<Shape>& input_shapes) {
  LstmSpec spec = ParseLstmSpec(config);
  return std::make_unique<Lstm>(spec, RecurrentInputShape(config, input_shapes, 2, spec.units));
}

Lstm::Lstm(const LstmSpec& spec, const Shape& input_shape, const std::string& class_name)
    : Recurrent(class_name, RecurrentOptionsOf(spec), input_shape, /*gates=*/4, /*num_states=*/2), spec_(spec),
      // Validate the activation names now, so a bad spec fails at build, not at the first batch.
      act_(GetActivation(spec.activation)), ract_(GetActivation(spec.recurrent_activation)),
      lean_act_(spec.activation), lean_ract_(spec.recurrent_activation) {
  const int64_t units = spec.units;
  kernel_ = Initialize(spec.kernel_initializer, {input_dim(), 4 * units}).set_requires_grad(true);
  recurrent_kernel_ = Initialize(spec.recurrent_initializer, {units, 4 * units}).set_requires_grad(true);
  if (spec.use_bias) {
    auto bias = Initialize(spec.bias_initializer, {4 * units});
    if (spec.unit_forget_bias) {
      // Keras: bias_initializer for i, ones for f, bias_initializer for c and o.
      bias.narrow(0, units, units).fill_(1.0);
    }
    bias_ = bias.set_requires_grad(true);
  }
  Regularize(kernel_, spec.kernel_regularizer);
  Regularize(recurrent_kernel_, spec.recurrent_regularizer);
  Regularize(bias_, spec.bias_regularizer);
  if (spec.activation != "tanh") {
    SetFusedBlocker("activation='" + spec.activation + "'");
  } else if (spec.recurrent_activation != "sigmoid") {
    SetFusedBlocker("recurrentActivation='" + spec.recurrent_activation + "'");
  } else {
    SetFusedBlocker("");
  }
  const auto a = FusedActivation(spec.activation), r = FusedActivation(spec.recurrent_activation);
  const bool cell_known = class_name == "LSTM" || class_name == "PeepholeLSTM";  // the kernel's math
  if (cell_known && spec.use_cudnn != UseFused::kNever && a && r) fused_activations_ = std::make_pair(*a, *r);
}

Recurrent::FusedResult Lstm::RunFused(const at::Tensor& input, const at::Tensor& batch_sizes,
                                      const std::vector<at::Tensor>& states) const {
  // Keras's gate order i, f, c, o is LibTorch's i, f, g, o: the weights go in transposed.
  std::vector<at::Tensor> params = {FusedWeight(kernel_.t()), FusedWeight(recurrent_kernel_.t())};
  if (spec_.use_bias) {
    params.push_back(bias_);
    params.push_back(at::zeros({4 * spec_.units}, input.options()));
  }
  const std::vector<at::Tensor> hx = {states[0].unsqueeze(0), states[1].unsqueeze(0)};
  auto result = batch_sizes.defined()
                    ? at::lstm(input, batch_sizes, hx, params, spec_.use_bias, /*num_layers=*/1, /*dropout=*/0.0,
                               /*train=*/FusedTrainMode(), /*bidirectional=*/false)
                    : at::lstm(input, hx, params, spec_.use_bias, /*num_layers=*/1, /*dropout=*/0.0,
                               /*train=*/FusedTrainMode(), /*bidirectional=*/false, /*batch_first=*/true);
  return {std::get<0>(result), {std::get<1>(result).squeeze(0), std::get<2>(result).squeeze(0)}};
}

std::vector<at::Tensor> Lstm::RunCpuKernel(const CpuKernelCall& call) const {
  FusedLstmOptions o;
  o.activation = fused_activations_->first;
  o.recurrent_activation = fused_activations_->second;
  o.go_backwards = spec_.go_backwards;
  o.precision = call.precision;
  o.input_mask = call.input_mask;
  o.recurrent_mask = call.recurrent_mask;
  o.step_mask = call.mask;
  o.workspace = workspace_;
  o.partitions = call.partitions;
  o.peephole = Peepholes();
  return FusedLstm(call.input, kernel_, recurrent_kernel_, spec_.use_bias ? bias_ : at::Tensor(), call.states[0],
                   call.states[1], o);
}

at::Tensor Lstm::Project(const at::Tensor& x, const at::Tensor& dropout_mask) const {
  return ProjectGates(x, kernel_, spec_.use_bias ? bias_ : at::Tensor(), dropout_mask, 4);
}

std::vector<at::Tensor> Lstm::Step(const at::Tensor& projected, const std::vector<at::Tensor>& states,
                                   const at::Tensor& recurrent_mask) const {
  const at::Tensor& h = states[0];
  const at::Tensor& c = states[1];
  const at::Tensor z = recurrent_mask.defined()
                           ? projected + RecurrentGates(h, recurrent_kernel_, recurrent_mask, 4)
                           : at::addmm(projected, h, recurrent_kernel_);
  auto gates = z.chunk(4, 1);
  at::Tensor c_next = ract_(gates[1]) * c + ract_(gates[0]) * act_(gates[2]);
  at::Tensor h_next = ract_(gates[3]) * act_(c_next);
  return {h_next, c_next};
}

bool Lstm::LeanForward(const at::Tensor& input, std::vector<at::Tensor>* out) const {
  if (!lean_act_.valid() || !lean_ract_.valid()) return false;
  if (!kernel_.is_contiguous() || !recurrent_kernel_.is_contiguous() || kernel_.scalar_type() != at::kFloat) return false;
  if (input.dim() != 3 || input.size(2) != input_dim() || input.size(1) == 0) return false;  // Call reports it
  const at::Tensor x = input.contiguous();
  const int64_t batch = x.size(0), steps = x.size(1), features = x.size(2), units = spec_.units, width = 4 * units;
  const float* recurrent = recurrent_kernel_.data_ptr<float>();
  // PeepholeLSTM: its three peephole weights as one [3, H] block (null for a plain LSTM).
  at::Tensor peepholes;
  {
    c10::NoGradGuard no_grad;
    peepholes = Peepholes();
    if (peepholes.defined()) peepholes = peepholes.contiguous();
  }
  if (peepholes.defined() && peepholes.scalar_type() != at::kFloat) return false;
  const float* peephole = peepholes.defined() ? peepholes.data_ptr<float>() : nullptr;
  // z [batch, steps, 4H]: the input projections of every step in one pass (bias included),
  // then each step adds h(t-1) @ recurrent_kernel to its slice; c and h [batch, H].
  const int64_t z_size = batch * steps * width;
  std::unique_ptr<float[]> buffer(new float[z_size + 2 * batch * units]);
  float* z = buffer.get();
  float* c = z + z_size;
  float* h = c + batch * units;
  lean::FillRows(batch * steps, width, spec_.use_bias ? bias_.data_ptr<float>() : nullptr, z, width);
  lean::MatMulAdd(batch * steps, width, features, x.data_ptr<float>(), features, kernel_.data_ptr<float>(), width, z,
                  width);
  std::fill(c, c + 2 * batch * units, 0.0f);
  at::Tensor sequence = spec_.return_sequences ? lean::EmptyFloat({batch, steps, units}) : at::Tensor();
  float* seq = sequence.defined() ? sequence.data_ptr<float>() : nullptr;
  const int64_t ldz = steps * width;
  for (int64_t s = 0; s < steps; ++s) {
    const int64_t t = spec_.go_backwards ? steps - 1 - s : s;
    float* zt = z + t * width;
    if (s > 0) lean::MatMulAdd(batch, width, units, h, units, recurrent, width, zt, ldz);
    lean::LstmCell(batch, units, lean_act_, lean_ract_, zt, ldz, c, units, h, units, peephole);
    if (seq) {
      for (int64_t b = 0; b < batch; ++b) std::memcpy(seq + (b * steps + s) * units, h + b * units, sizeof(float) * units);
    }
  }
  at::Tensor h_last, c_last;
  if (!seq || spec_.return_state) {
    h_last = lean::EmptyFloat({batch, units});
    std::memcpy(h_last.data_ptr<float>(), h, sizeof(float) * batch * units);
  }
  *out = {seq ? sequence : h_last};
  if (spec_.return_state) {
    c_last = lean::EmptyFloat({batch, units});
    std::memcpy(c_last.data_ptr<float>(), c, sizeof(float) * batch * units);
    out->push_back(h_last);
    out->push_back(c_last);
  }
  return true;
}

std::vector<at::Tensor> Lstm::Weights() const {
  if (spec_.use_bias) return {kernel_, recurrent_kernel_, bias_};
  return {kernel_, recurrent_kernel_};
}

}  // namespace tl
