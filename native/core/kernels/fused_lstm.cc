// The fused LSTM's entry point: argument checks, the autograd node and the batch partitions.
// The passes are in fused_lstm_forward.cc and fused_lstm_backward.cc, the element-wise step
// math in lstm_step.cc.
#include "fused_lstm.h"

#include <torch/csrc/autograd/custom_function.h>

#include "../compat.h"
#include "../errors.h"
#include "fused_lstm_internal.h"

namespace tl {
namespace fused_lstm {
namespace {

constexpr const char* kName = "FusedLstm";

std::string Sizes(const at::Tensor& t) { return c10::str(t.sizes()); }

void CheckFloatCpu(const at::Tensor& t, const char* name) { fused::CheckFloatCpu(kName, t, name); }

void CheckShape(const at::Tensor& t, at::IntArrayRef expected, const char* name) {
  fused::CheckShape(kName, t, expected, name);
}

/// A [B, W] or [4, B, W] mask as a contiguous float [groups, B, W]; sets `groups` (0 when absent).
at::Tensor GroupedMask(const at::Tensor& mask, int64_t batch, int64_t width, const char* name, int* groups) {
  return fused::GroupedMask(kName, mask, 4, batch, width, name, groups);
}

Call MakeCall(const at::Tensor& x, const at::Tensor& kernel, const at::Tensor& recurrent_kernel, const at::Tensor& bias,
              const at::Tensor& h0, const at::Tensor& c0, const FusedLstmOptions& options) {
  if (x.dim() != 3) throw ShapeError("FusedLstm: expected x of shape [batch, timesteps, features] but got " + Sizes(x));
  CheckFloatCpu(x, "x");
  CheckFloatCpu(kernel, "kernel");
  CheckFloatCpu(recurrent_kernel, "recurrent_kernel");
  Plan p;
  p.batch = x.size(0);
  p.steps = x.size(1);
  p.features = x.size(2);
  if (p.batch < 1 || p.steps < 1 || p.features < 1) throw ShapeError("FusedLstm: empty x " + Sizes(x));
  if (recurrent_kernel.dim() != 2 || recurrent_kernel.size(0) < 1) {
    throw ShapeError("FusedLstm: expected recurrent_kernel of shape [units, 4 * units] but got " +
                     Sizes(recurrent_kernel));
  }
  p.units = recurrent_kernel.size(0);
  const int64_t b = p.batch, h = p.units;
  CheckShape(recurrent_kernel, {h, 4 * h}, "recurrent_kernel");
  CheckShape(kernel, {p.features, 4 * h}, "kernel");
  if (bias.defined()) {
    CheckFloatCpu(bias, "bias");
    CheckShape(bias, {4 * h}, "bias");
  }
  if (h0.defined()) {
    CheckFloatCpu(h0, "h0");
    CheckShape(h0, {b, h}, "h0");
  }
  if (c0.defined()) {
    CheckFloatCpu(c0, "c0");
    CheckShape(c0, {b, h}, "c0");
  }
  if (options.peephole.defined()) {
    CheckFloatCpu(options.peephole, "peephole");
    CheckShape(options.peephole, {3, h}, "peephole");
  }
  if (options.partitions < 1) {
    throw SpecError("FusedLstm: partitions must be >= 1, got " + std::to_string(options.partitions));
  }
  p.activation = options.activation;
  p.recurrent_activation = options.recurrent_activation;
  p.go_backwards = options.go_backwards;
  p.bf16 = options.precision == GemmPrecision::kBFloat16;
  p.has_bias = bias.defined();
  p.has_peephole = options.peephole.defined();
  p.partitions = static_cast<int>(std::min<int64_t>(options.partitions, b));
  p.gemm = options.gemm;
  Call call;
  call.input_mask = GroupedMask(options.input_mask, b, p.features, "input_mask", &p.input_groups);
  call.recurrent_mask = GroupedMask(options.recurrent_mask, b, h, "recurrent_mask", &p.recurrent_groups);
  if (options.step_mask.defined()) {
    p.has_step_mask = true;
    call.step_mask = fused::TimeMajorStepMask(kName, options.step_mask, b, p.steps);  // [T, B]
  }
  call.plan = p;
  call.workspace = options.workspace;
  return call;
}

/// What the autograd node keeps: the call and the forward's tape.
struct Saved : torch::CustomClassHolder {
  std::shared_ptr<const Call> call;
  c10::intrusive_ptr<Tape> tape;
  bool has_h0 = false, has_c0 = false;
};

compat::OptionalTensor Optional(const at::Tensor& t) {
  if (!t.defined()) return c10::nullopt;
  return t;
}

at::Tensor Value(const compat::OptionalTensor& t) { return t.has_value() ? *t : at::Tensor(); }

struct FusedLstmFunction : public torch::autograd::Function<FusedLstmFunction> {
  static torch::autograd::variable_list forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x,
                                                const at::Tensor& kernel, const at::Tensor& recurrent_kernel,
                                                const compat::OptionalTensor& bias, const compat::OptionalTensor& h0,
                                                const compat::OptionalTensor& c0,
                                                const compat::OptionalTensor& peephole,
                                                const std::shared_ptr<const Call>& call) {
    ForwardResult r =
        Forward(*call, x, kernel, recurrent_kernel, Value(bias), Value(h0), Value(c0), Value(peephole), true);
    auto saved = c10::make_intrusive<Saved>();
    saved->call = call;
    saved->tape = r.tape;
    saved->has_h0 = h0.has_value();
    saved->has_c0 = c0.has_value();
    ctx->saved_data["fused_lstm"] = at::IValue::make_capsule(std::move(saved));
    // Through SavedVariable only for its version check: an in-place change of x or the weights
    // between forward and backward is an error, not a silently wrong gradient.
    ctx->save_for_backward({x, kernel, recurrent_kernel, Value(peephole)});
    ctx->set_materialize_grads(false);
    return {r.sequence, r.h, r.c};
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    (void)ctx->get_saved_variables();
    auto saved = c10::static_intrusive_pointer_cast<Saved>(ctx->saved_data["fused_lstm"].toCapsule());
    const Plan& p = saved->call->plan;
    // needs_input_grad counts tensor inputs only: absent optionals have no edge.
    size_t edge = 0;
    NeedGrads need;
    need.x = ctx->needs_input_grad(edge++);
    need.kernel = ctx->needs_input_grad(edge++);
    need.recurrent_kernel = ctx->needs_input_grad(edge++);
    need.bias = p.has_bias && ctx->needs_input_grad(edge++);
    need.h0 = saved->has_h0 && ctx->needs_input_grad(edge++);
    need.c0 = saved->has_c0 && ctx->needs_input_grad(edge++);
    need.peephole = p.has_peephole && ctx->needs_input_grad(edge++);
    Grads g = Backward(*saved->call, *saved->tape, grads[0], grads[1], grads[2], need);
    return {g.x, g.kernel, g.recurrent_kernel, g.bias, g.h0, g.c0, g.peephole, at::Tensor()};
  }
};

}  // namespace
}  // namespace fused_lstm

std::vector<at::Tensor> FusedLstm(const at::Tensor& x, const at::Tensor& kernel, const at::Tensor& recurrent_kernel,
                                  const at::Tensor& bias, const at::Tensor& h0, const at::Tensor& c0,
                                  const FusedLstmOptions& options) {
  using namespace fused_lstm;
  auto call = std::make_shared<const Call>(MakeCall(x, kernel, recurrent_kernel, bias, h0, c0, options));
  auto requires_grad = [](const at::Tensor& t) { return t.defined() && t.requires_grad(); };
  const bool track = at::GradMode::is_enabled() &&
                     (requires_grad(x) || requires_grad(kernel) || requires_grad(recurrent_kernel) ||
                      requires_grad(bias) || requires_grad(h0) || requires_grad(c0) ||
                      requires_grad(options.peephole));
  if (!track) {
    ForwardResult r = Forward(*call, x, kernel, recurrent_kernel, bias, h0, c0, options.peephole, false);
    return {r.sequence, r.h, r.c};
  }
  return FusedLstmFunction::apply(x, kernel, recurrent_kernel, Optional(bias), Optional(h0), Optional(c0),
                                  Optional(options.peephole), call);
}

}  // namespace tl
