#include "gru.h"

#include "../errors.h"
#include "../initializers.h"
#include "../scalar_activations.h"

namespace tl {
namespace {

// Keras's gate blocks z, r, h along `dim` in LibTorch's order r, z, n.
at::Tensor ToTorchGateOrder(const at::Tensor& w, int64_t units, int64_t dim) {
  return at::cat({w.narrow(dim, units, units), w.narrow(dim, 0, units), w.narrow(dim, 2 * units, units)}, dim);
}


}  // namespace

GruSpec ParseGruSpec(const ConfigReader& c) {
  GruSpec s;
  ReadRecurrentKeys(c, &s);
  s.activation = c.String("activation");
  s.recurrent_activation = c.String("recurrent_activation");
  s.reset_after = c.Bool("reset_after");
  // Keras 2 GRU configs have no use_cudnn: the automatic choice.
  s.use_cudnn = c.Has("use_cudnn") ? c.Fused("use_cudnn") : UseFused::kAuto;
  return s;
}

std::unique_ptr<Layer> MakeGru(const ConfigReader& config, const std::vector<Shape>& input_shapes) {
  GruSpec spec = ParseGruSpec(config);
  return std::make_unique<Gru>(spec, RecurrentInputShape(config, input_shapes, 1, spec.units));
}

Gru::Gru(const GruSpec& spec, const Shape& input_shape)
    : Recurrent("GRU", RecurrentOptionsOf(spec), input_shape, /*gates=*/3, /*num_states=*/1), spec_(spec),
      act_(GetActivation(spec.activation)), ract_(GetActivation(spec.recurrent_activation)) {
  const int64_t units = spec.units;
  kernel_ = Initialize(spec.kernel_initializer, {input_dim(), 3 * units}).set_requires_grad(true);
  recurrent_kernel_ = Initialize(spec.recurrent_initializer, {units, 3 * units}).set_requires_grad(true);
  if (spec.use_bias) {
    bias_ = Initialize(spec.bias_initializer, spec.reset_after ? std::vector<int64_t>{2, 3 * units}
                                                               : std::vector<int64_t>{3 * units})
                .set_requires_grad(true);
  }
  Regularize(kernel_, spec.kernel_regularizer);
  Regularize(recurrent_kernel_, spec.recurrent_regularizer);
  Regularize(bias_, spec.bias_regularizer);
  if (spec.activation != "tanh") {
    SetFusedBlocker("activation='" + spec.activation + "'");
  } else if (spec.recurrent_activation != "sigmoid") {
    SetFusedBlocker("recurrentActivation='" + spec.recurrent_activation + "'");
  } else if (!spec.reset_after) {
    SetFusedBlocker("resetAfter=false");
  } else {
    SetFusedBlocker("");
  }
  const auto a = FusedActivation(spec.activation), r = FusedActivation(spec.recurrent_activation);
  if (spec.use_cudnn != UseFused::kNever && a && r) fused_activations_ = std::make_pair(*a, *r);
}

std::vector<at::Tensor> Gru::RunCpuKernel(const CpuKernelCall& call) const {
  FusedGruOptions o;
  o.activation = fused_activations_->first;
  o.recurrent_activation = fused_activations_->second;
  o.reset_after = spec_.reset_after;
  o.go_backwards = spec_.go_backwards;
  o.precision = call.precision;
  o.input_mask = call.input_mask;
  o.recurrent_mask = call.recurrent_mask;
  o.step_mask = call.mask;
  o.workspace = workspace_;
  o.partitions = call.partitions;
  return FusedGru(call.input, kernel_, recurrent_kernel_, spec_.use_bias ? bias_ : at::Tensor(), call.states[0], o);
}

at::Tensor Gru::InputBias() const {
  if (!spec_.use_bias) return at::Tensor();
  return spec_.reset_after ? bias_.select(0, 0) : bias_;
}

at::Tensor Gru::RecurrentBias() const {
  return spec_.use_bias && spec_.reset_after ? bias_.select(0, 1) : at::Tensor();
}

Recurrent::FusedResult Gru::RunFused(const at::Tensor& input, const at::Tensor& batch_sizes,
                                     const std::vector<at::Tensor>& states) const {
  const int64_t units = spec_.units;
  std::vector<at::Tensor> params = {FusedWeight(ToTorchGateOrder(kernel_, units, 1).t()),
                                    FusedWeight(ToTorchGateOrder(recurrent_kernel_, units, 1).t())};
  if (spec_.use_bias) {
    params.push_back(ToTorchGateOrder(InputBias(), units, 0));
    params.push_back(ToTorchGateOrder(RecurrentBias(), units, 0));
  }
  const at::Tensor hx = states[0].unsqueeze(0);
  auto result = batch_sizes.defined()
                    ? at::gru(input, batch_sizes, hx, params, spec_.use_bias, /*num_layers=*/1, /*dropout=*/0.0,
                              /*train=*/FusedTrainMode(), /*bidirectional=*/false)
                    : at::gru(input, hx, params, spec_.use_bias, /*num_layers=*/1, /*dropout=*/0.0,
                              /*train=*/FusedTrainMode(), /*bidirectional=*/false, /*batch_first=*/true);
  return {std::get<0>(result), {std::get<1>(result).squeeze(0)}};
}

at::Tensor Gru::Project(const at::Tensor& x, const at::Tensor& dropout_mask) const {
  return ProjectGates(x, kernel_, InputBias(), dropout_mask, 3);
}

std::vector<at::Tensor> Gru::Step(const at::Tensor& projected, const std::vector<at::Tensor>& states,
                                  const at::Tensor& recurrent_mask) const {
  const int64_t units = spec_.units;
  const at::Tensor& h = states[0];
  auto x = projected.chunk(3, 1);
  at::Tensor z, hh;
  if (spec_.reset_after) {
    at::Tensor inner = RecurrentGates(h, recurrent_kernel_, recurrent_mask, 3);
    if (spec_.use_bias) inner = inner + RecurrentBias();
    auto rec = inner.chunk(3, 1);
    z = ract_(x[0] + rec[0]);
    const at::Tensor r = ract_(x[1] + rec[1]);
    hh = act_(x[2] + r * rec[2]);
  } else {
    const at::Tensor zr_kernel = recurrent_kernel_.narrow(1, 0, 2 * units);
    const at::Tensor h_kernel = recurrent_kernel_.narrow(1, 2 * units, units);
    auto rec = RecurrentGates(h, zr_kernel, recurrent_mask.defined() ? recurrent_mask.narrow(1, 0, 2) : at::Tensor(), 2)
                   .chunk(2, 1);
    z = ract_(x[0] + rec[0]);
    const at::Tensor r = ract_(x[1] + rec[1]);
    const at::Tensor h_h = recurrent_mask.defined() ? h * recurrent_mask.select(1, 2) : h;
    hh = act_(x[2] + at::matmul(r * h_h, h_kernel));
  }
  // The update gate mixes the undropped previous state with the candidate.
  return {z * h + (1 - z) * hh};
}

bool Gru::LeanForward(const at::Tensor& input, std::vector<at::Tensor>* out) const {
  const ScalarActivation act = GetScalarActivation(spec_.activation);
  const ScalarActivation ract = GetScalarActivation(spec_.recurrent_activation);
  if (!act || !ract || !kernel_.is_contiguous() || !recurrent_kernel_.is_contiguous()) return false;
  if (spec_.use_bias && !bias_.is_contiguous()) return false;
  if (input.dim() != 3 || input.size(2) != input_dim() || input.size(1) == 0) return false;  // Call reports it
  const at::Tensor x = input.contiguous();
  const int64_t batch = x.size(0), steps = x.size(1), features = x.size(2), units = spec_.units, width = 3 * units;
  const float* kernel = kernel_.data_ptr<float>();
  const float* recurrent = recurrent_kernel_.data_ptr<float>();
  const float* in_bias = spec_.use_bias ? bias_.data_ptr<float>() : nullptr;
  const float* rec_bias = spec_.use_bias && spec_.reset_after ? in_bias + width : nullptr;
  at::Tensor sequence = spec_.return_sequences ? at::empty({batch, steps, units}, at::kFloat) : at::Tensor();
  at::Tensor h_last = at::empty({batch, units}, at::kFloat);
  std::vector<float> zx(width), zh(width), h(units), rh(units), r(units);
  for (int64_t b = 0; b < batch; ++b) {
    std::fill(h.begin(), h.end(), 0.0f);
    for (int64_t s = 0; s < steps; ++s) {
      const int64_t t = spec_.go_backwards ? steps - 1 - s : s;
      const float* xt = x.data_ptr<float>() + (b * steps + t) * features;
      if (in_bias) {
        std::copy(in_bias, in_bias + width, zx.begin());
      } else {
        std::fill(zx.begin(), zx.end(), 0.0f);
      }
      for (int64_t i = 0; i < features; ++i) Axpy(width, xt[i], kernel + i * width, zx.data());
      if (rec_bias) {
        std::copy(rec_bias, rec_bias + width, zh.begin());
      } else {
        std::fill(zh.begin(), zh.end(), 0.0f);
      }
      if (spec_.reset_after) {
        for (int64_t k = 0; k < units; ++k) Axpy(width, h[k], recurrent + k * width, zh.data());
        for (int64_t j = 0; j < units; ++j) r[j] = ract(zx[units + j] + zh[units + j]);
      } else {
        // z and r from h; the candidate's product uses r * h.
        for (int64_t k = 0; k < units; ++k) Axpy(2 * units, h[k], recurrent + k * width, zh.data());
        for (int64_t j = 0; j < units; ++j) {
          r[j] = ract(zx[units + j] + zh[units + j]);
          rh[j] = r[j] * h[j];
        }
        for (int64_t k = 0; k < units; ++k) Axpy(units, rh[k], recurrent + k * width + 2 * units, zh.data() + 2 * units);
      }
      for (int64_t j = 0; j < units; ++j) {
        const float z = ract(zx[j] + zh[j]);
        const float cand = spec_.reset_after ? act(zx[2 * units + j] + r[j] * zh[2 * units + j])
                                             : act(zx[2 * units + j] + zh[2 * units + j]);
        h[j] = z * h[j] + (1.0f - z) * cand;
      }
      if (sequence.defined()) std::copy(h.begin(), h.end(), sequence.data_ptr<float>() + (b * steps + s) * units);
    }
    std::copy(h.begin(), h.end(), h_last.data_ptr<float>() + b * units);
  }
  *out = {spec_.return_sequences ? sequence : h_last};
  if (spec_.return_state) out->push_back(h_last);
  return true;
}

std::vector<at::Tensor> Gru::Weights() const {
  if (spec_.use_bias) return {kernel_, recurrent_kernel_, bias_};
  return {kernel_, recurrent_kernel_};
}

}  // namespace tl
