#include "lstm.h"

#include <thread>

#include <c10/core/GradMode.h>

#include "../compat.h"
#include "../threads.h"

#include "../activations.h"
#include "../errors.h"
#include "../initializers.h"
#include "../scalar_activations.h"

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
      act_(GetActivation(spec.activation)), ract_(GetActivation(spec.recurrent_activation)) {
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
  if (class_name == "LSTM" && spec.use_cudnn != UseFused::kNever && a && r) fused_activations_ = std::make_pair(*a, *r);
}

Recurrent::FusedResult Lstm::RunFused(const at::Tensor& input, const at::Tensor& batch_sizes,
                                      const std::vector<at::Tensor>& states) const {
  // Keras's gate order i, f, c, o is LibTorch's i, f, g, o: the weights go in transposed.
  std::vector<at::Tensor> params = {kernel_.t(), recurrent_kernel_.t()};
  if (spec_.use_bias) {
    params.push_back(bias_);
    params.push_back(at::zeros({4 * spec_.units}, input.options()));
  }
  const std::vector<at::Tensor> hx = {states[0].unsqueeze(0), states[1].unsqueeze(0)};
  auto result = batch_sizes.defined()
                    ? at::lstm(input, batch_sizes, hx, params, spec_.use_bias, /*num_layers=*/1, /*dropout=*/0.0,
                               /*train=*/false, /*bidirectional=*/false)
                    : at::lstm(input, hx, params, spec_.use_bias, /*num_layers=*/1, /*dropout=*/0.0,
                               /*train=*/false, /*bidirectional=*/false, /*batch_first=*/true);
  return {std::get<0>(result), {std::get<1>(result).squeeze(0), std::get<2>(result).squeeze(0)}};
}

int TrainingPartitions(int64_t batch, int64_t features, int64_t units) {
  // Measured on 2 vCPUs (README "Threads"): splitting the batch into one recurrence per core
  // pays once the per-step GEMMs are large (W2-128: 1.85x) and costs on small ones (W1: 1.25x
  // slower), so the split is the default only above ~1M multiply-adds per step. A thread count
  // set with setNumThreads is the user's choice of parallelism: then no split.
  if (RequestedIntraOpThreads() > 0) return 1;
  const int64_t per_step = batch * 4 * units * (features + units);
  const int64_t cores = std::max<int64_t>(1, std::thread::hardware_concurrency());
  if (per_step < (int64_t{1} << 20) || batch < 16) return 1;
  return static_cast<int>(std::min<int64_t>(2, cores));
}

std::string Lstm::TrainingKernelName() const {
  return fused_activations_ ? "fused CPU kernel, analytic backward" : "";
}

bool Lstm::RunTrainingKernel(const at::Tensor& input, const at::Tensor& mask, const std::vector<at::Tensor>& states,
                             const ForwardContext& ctx, Run* run) const {
  // Training with gradients, float32 on the CPU (bf16 GEMMs under a mixed_bfloat16 autocast).
  if (!ctx.training || !c10::GradMode::is_enabled() || !fused_activations_) return false;
  if (!input.device().is_cpu() || input.scalar_type() != at::kFloat || kernel_.scalar_type() != at::kFloat) return false;
  FusedLstmOptions o;
  o.activation = fused_activations_->first;
  o.recurrent_activation = fused_activations_->second;
  o.go_backwards = spec_.go_backwards;
  o.precision = compat::AutocastEnabled(at::kCPU) ? GemmPrecision::kBFloat16 : GemmPrecision::kFloat32;
  o.workspace = workspace_;
  o.partitions = TrainingPartitions(input.size(0), input_dim(), spec_.units);
  const DropoutMasks drop = DrawDropoutMasks(input.size(0), ctx);
  // The loop's layouts [batch, 1 or 4, n] -> the kernel's [batch, n] or [4, batch, n].
  if (drop.input.defined()) {
    o.input_mask = drop.input.size(1) == 1 ? drop.input.squeeze(1) : drop.input.permute({1, 0, 2}).contiguous();
  }
  if (drop.recurrent.defined()) o.recurrent_mask = drop.recurrent.permute({1, 0, 2}).contiguous();
  if (mask.defined()) o.step_mask = mask;
  std::vector<at::Tensor> r;
  {
    // The kernel's own GEMMs decide the precision; autocast must not re-cast its operands.
    const bool autocast = compat::AutocastEnabled(at::kCPU);
    if (autocast) compat::SetAutocast(at::kCPU, false, at::kBFloat16);
    try {
      r = FusedLstm(input, kernel_, recurrent_kernel_, spec_.use_bias ? bias_ : at::Tensor(), states[0], states[1], o);
    } catch (...) {
      if (autocast) compat::SetAutocast(at::kCPU, true, at::kBFloat16);
      throw;
    }
    if (autocast) compat::SetAutocast(at::kCPU, true, at::kBFloat16);
  }
  run->sequence = r[0];
  run->last = mask.defined() ? r[0].select(1, r[0].size(1) - 1) : r[1];
  run->states = {r[1], r[2]};
  return true;
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
  const ScalarActivation act = GetScalarActivation(spec_.activation);
  const ScalarActivation ract = GetScalarActivation(spec_.recurrent_activation);
  if (!act || !ract || !kernel_.is_contiguous() || !recurrent_kernel_.is_contiguous()) return false;
  if (input.dim() != 3 || input.size(2) != input_dim() || input.size(1) == 0) return false;  // Call reports it
  const at::Tensor x = input.contiguous();
  const int64_t batch = x.size(0), steps = x.size(1), features = x.size(2), units = spec_.units, width = 4 * units;
  const float* kernel = kernel_.data_ptr<float>();
  const float* recurrent = recurrent_kernel_.data_ptr<float>();
  const float* bias = spec_.use_bias ? bias_.data_ptr<float>() : nullptr;
  at::Tensor sequence = spec_.return_sequences ? at::empty({batch, steps, units}, at::kFloat) : at::Tensor();
  at::Tensor h_last = at::empty({batch, units}, at::kFloat), c_last = at::empty({batch, units}, at::kFloat);
  std::vector<float> z(width), h(units), c(units);
  for (int64_t b = 0; b < batch; ++b) {
    std::fill(h.begin(), h.end(), 0.0f);
    std::fill(c.begin(), c.end(), 0.0f);
    for (int64_t s = 0; s < steps; ++s) {
      const int64_t t = spec_.go_backwards ? steps - 1 - s : s;
      const float* xt = x.data_ptr<float>() + (b * steps + t) * features;
      if (bias) {
        std::copy(bias, bias + width, z.begin());
      } else {
        std::fill(z.begin(), z.end(), 0.0f);
      }
      for (int64_t i = 0; i < features; ++i) Axpy(width, xt[i], kernel + i * width, z.data());
      for (int64_t k = 0; k < units; ++k) Axpy(width, h[k], recurrent + k * width, z.data());
      for (int64_t j = 0; j < units; ++j) {
        c[j] = ract(z[units + j]) * c[j] + ract(z[j]) * act(z[2 * units + j]);
        h[j] = ract(z[3 * units + j]) * act(c[j]);
      }
      if (sequence.defined()) std::copy(h.begin(), h.end(), sequence.data_ptr<float>() + (b * steps + s) * units);
    }
    std::copy(h.begin(), h.end(), h_last.data_ptr<float>() + b * units);
    std::copy(c.begin(), c.end(), c_last.data_ptr<float>() + b * units);
  }
  *out = {spec_.return_sequences ? sequence : h_last};
  if (spec_.return_state) {
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
