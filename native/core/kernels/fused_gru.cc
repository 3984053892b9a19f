// The fused GRU's entry point: argument checks and the autograd node. The passes are in
// fused_gru_forward.cc and fused_gru_backward.cc, the element-wise step math in fused_gru_step.cc.
#include "fused_gru.h"

#include <torch/csrc/autograd/custom_function.h>

#include "../compat.h"
#include "../errors.h"
#include "fused_gru_internal.h"

namespace tl {
namespace fused_gru {
namespace {

constexpr const char* kName = "FusedGru";

std::string Sizes(const at::Tensor& t) { return c10::str(t.sizes()); }

Call MakeCall(const at::Tensor& x, const at::Tensor& kernel, const at::Tensor& recurrent_kernel, const at::Tensor& bias,
              const at::Tensor& h0, const FusedGruOptions& options) {
  if (x.dim() != 3) throw ShapeError("FusedGru: expected x of shape [batch, timesteps, features] but got " + Sizes(x));
  fused::CheckFloatCpu(kName, x, "x");
  fused::CheckFloatCpu(kName, kernel, "kernel");
  fused::CheckFloatCpu(kName, recurrent_kernel, "recurrent_kernel");
  Plan p;
  p.batch = x.size(0);
  p.steps = x.size(1);
  p.features = x.size(2);
  if (p.batch < 1 || p.steps < 1 || p.features < 1) throw ShapeError("FusedGru: empty x " + Sizes(x));
  if (recurrent_kernel.dim() != 2 || recurrent_kernel.size(0) < 1) {
    throw ShapeError("FusedGru: expected recurrent_kernel of shape [units, 3 * units] but got " +
                     Sizes(recurrent_kernel));
  }
  p.units = recurrent_kernel.size(0);
  const int64_t b = p.batch, h = p.units;
  fused::CheckShape(kName, recurrent_kernel, {h, 3 * h}, "recurrent_kernel");
  fused::CheckShape(kName, kernel, {p.features, 3 * h}, "kernel");
  p.reset_after = options.reset_after;
  if (bias.defined()) {
    fused::CheckFloatCpu(kName, bias, "bias");
    if (p.reset_after) {
      fused::CheckShape(kName, bias, {2, 3 * h}, "bias (reset_after=true)");
    } else {
      fused::CheckShape(kName, bias, {3 * h}, "bias (reset_after=false)");
    }
  }
  if (h0.defined()) {
    fused::CheckFloatCpu(kName, h0, "h0");
    fused::CheckShape(kName, h0, {b, h}, "h0");
  }
  if (options.partitions < 1) {
    throw SpecError("FusedGru: partitions must be >= 1, got " + std::to_string(options.partitions));
  }
  p.activation = options.activation;
  p.recurrent_activation = options.recurrent_activation;
  p.go_backwards = options.go_backwards;
  p.bf16 = options.precision == GemmPrecision::kBFloat16;
  p.has_bias = bias.defined();
  p.partitions = static_cast<int>(std::min<int64_t>(options.partitions, b));
  p.gemm = options.gemm;
  Call call;
  call.input_mask = fused::GroupedMask(kName, options.input_mask, 3, b, p.features, "input_mask", &p.input_groups);
  call.recurrent_mask = fused::GroupedMask(kName, options.recurrent_mask, 3, b, h, "recurrent_mask", &p.recurrent_groups);
  if (options.step_mask.defined()) {
    p.has_step_mask = true;
    call.step_mask = fused::TimeMajorStepMask(kName, options.step_mask, b, p.steps);
  }
  call.plan = p;
  call.workspace = options.workspace;
  return call;
}

/// What the autograd node keeps: the call and the forward's tape.
struct Saved : torch::CustomClassHolder {
  std::shared_ptr<const Call> call;
  c10::intrusive_ptr<Tape> tape;
  bool has_h0 = false;
};

compat::OptionalTensor Optional(const at::Tensor& t) {
  if (!t.defined()) return c10::nullopt;
  return t;
}

at::Tensor Value(const compat::OptionalTensor& t) { return t.has_value() ? *t : at::Tensor(); }

struct FusedGruFunction : public torch::autograd::Function<FusedGruFunction> {
  static torch::autograd::variable_list forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x,
                                                const at::Tensor& kernel, const at::Tensor& recurrent_kernel,
                                                const compat::OptionalTensor& bias, const compat::OptionalTensor& h0,
                                                const std::shared_ptr<const Call>& call) {
    ForwardResult r = Forward(*call, x, kernel, recurrent_kernel, Value(bias), Value(h0), true);
    auto saved = c10::make_intrusive<Saved>();
    saved->call = call;
    saved->tape = r.tape;
    saved->has_h0 = h0.has_value();
    ctx->saved_data["fused_gru"] = at::IValue::make_capsule(std::move(saved));
    // Through SavedVariable only for its version check: an in-place change of x or the weights
    // between forward and backward is an error, not a silently wrong gradient.
    ctx->save_for_backward({x, kernel, recurrent_kernel});
    ctx->set_materialize_grads(false);
    return {r.sequence, r.h};
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    (void)ctx->get_saved_variables();
    auto saved = c10::static_intrusive_pointer_cast<Saved>(ctx->saved_data["fused_gru"].toCapsule());
    const Plan& p = saved->call->plan;
    // needs_input_grad counts tensor inputs only: absent optionals have no edge.
    size_t edge = 0;
    NeedGrads need;
    need.x = ctx->needs_input_grad(edge++);
    need.kernel = ctx->needs_input_grad(edge++);
    need.recurrent_kernel = ctx->needs_input_grad(edge++);
    need.bias = p.has_bias && ctx->needs_input_grad(edge++);
    need.h0 = saved->has_h0 && ctx->needs_input_grad(edge++);
    Grads g = Backward(*saved->call, *saved->tape, grads[0], grads[1], need);
    return {g.x, g.kernel, g.recurrent_kernel, g.bias, g.h0, at::Tensor()};
  }
};

}  // namespace
}  // namespace fused_gru

std::vector<at::Tensor> FusedGru(const at::Tensor& x, const at::Tensor& kernel, const at::Tensor& recurrent_kernel,
                                 const at::Tensor& bias, const at::Tensor& h0, const FusedGruOptions& options) {
  using namespace fused_gru;
  auto call = std::make_shared<const Call>(MakeCall(x, kernel, recurrent_kernel, bias, h0, options));
  auto requires_grad = [](const at::Tensor& t) { return t.defined() && t.requires_grad(); };
  const bool track = at::GradMode::is_enabled() && (requires_grad(x) || requires_grad(kernel) ||
                                                    requires_grad(recurrent_kernel) || requires_grad(bias) ||
                                                    requires_grad(h0));
  if (!track) {
    ForwardResult r = Forward(*call, x, kernel, recurrent_kernel, bias, h0, false);
    return {r.sequence, r.h};
  }
  return FusedGruFunction::apply(x, kernel, recurrent_kernel, Optional(bias), Optional(h0), call);
}

}  // namespace tl
