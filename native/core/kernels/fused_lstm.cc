// The fused LSTM's entry point: argument checks, the autograd node and the batch partitions.
// The passes are in fused_lstm_forward.cc and fused_lstm_backward.cc, the element-wise step
// math in lstm_step.cc.
#include "fused_lstm.h"

#include <ATen/Parallel.h>
#include <ATen/ThreadLocalState.h>
#include <c10/core/InferenceMode.h>
#include <torch/csrc/autograd/custom_function.h>

#include <exception>
#include <thread>

#include "../compat.h"
#include "../errors.h"
#include "fused_lstm_internal.h"

namespace tl {
namespace fused_lstm {
namespace {

std::string Sizes(const at::Tensor& t) { return c10::str(t.sizes()); }

void CheckFloatCpu(const at::Tensor& t, const char* name) {
  if (t.device().type() != at::kCPU || t.scalar_type() != at::kFloat) {
    throw SpecError(std::string("FusedLstm: ") + name + " must be a float32 CPU tensor, got " +
                    c10::toString(t.scalar_type()) + " on " + t.device().str());
  }
}

void CheckCpu(const at::Tensor& t, const char* name) {
  if (t.device().type() != at::kCPU) {
    throw SpecError(std::string("FusedLstm: ") + name + " must be a CPU tensor, got one on " + t.device().str());
  }
}

void CheckShape(const at::Tensor& t, at::IntArrayRef expected, const char* name) {
  if (t.sizes() != expected) {
    throw ShapeError(std::string("FusedLstm: expected ") + name + " of shape " + c10::str(expected) + " but got " +
                     Sizes(t));
  }
}

/// A [B, W] or [4, B, W] mask as a contiguous float [groups, B, W]; sets `groups` (0 when absent).
at::Tensor GroupedMask(const at::Tensor& mask, int64_t batch, int64_t width, const char* name, int* groups) {
  *groups = 0;
  if (!mask.defined()) return {};
  CheckCpu(mask, name);
  if (mask.dim() == 2 && mask.size(0) == batch && mask.size(1) == width) {
    *groups = 1;
    return mask.detach().to(at::kFloat).contiguous().unsqueeze(0);
  }
  if (mask.dim() == 3 && mask.size(0) == 4 && mask.size(1) == batch && mask.size(2) == width) {
    *groups = 4;
    return mask.detach().to(at::kFloat).contiguous();
  }
  throw ShapeError(std::string("FusedLstm: expected ") + name + " of shape [" + std::to_string(batch) + ", " +
                   std::to_string(width) + "] or [4, " + std::to_string(batch) + ", " + std::to_string(width) +
                   "] but got " + Sizes(mask));
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
  if (options.partitions < 1) {
    throw SpecError("FusedLstm: partitions must be >= 1, got " + std::to_string(options.partitions));
  }
  p.activation = options.activation;
  p.recurrent_activation = options.recurrent_activation;
  p.go_backwards = options.go_backwards;
  p.bf16 = options.precision == GemmPrecision::kBFloat16;
  p.has_bias = bias.defined();
  p.partitions = static_cast<int>(std::min<int64_t>(options.partitions, b));
  p.gemm = options.gemm;
  Call call;
  call.input_mask = GroupedMask(options.input_mask, b, p.features, "input_mask", &p.input_groups);
  call.recurrent_mask = GroupedMask(options.recurrent_mask, b, h, "recurrent_mask", &p.recurrent_groups);
  if (options.step_mask.defined()) {
    CheckCpu(options.step_mask, "step_mask");
    CheckShape(options.step_mask, {b, p.steps}, "step_mask");
    p.has_step_mask = true;
    call.step_mask = options.step_mask.detach().to(at::kFloat).t().contiguous();  // [T, B]
  }
  call.plan = p;
  call.workspace = options.workspace;
  return call;
}

}  // namespace

void ForEachPartition(const Plan& plan, const std::function<void(int, int64_t, int64_t)>& fn) {
  const int parts = plan.partitions;
  auto first_row = [&](int k) { return plan.batch * k / parts; };
  if (parts == 1) {
    fn(0, 0, plan.batch);
    return;
  }
  std::vector<std::exception_ptr> errors(parts);
  std::vector<std::thread> threads;
  threads.reserve(parts - 1);
  const at::ThreadLocalState state;  // grad mode, inference mode, dispatch keys of the caller
  for (int k = 1; k < parts; ++k) {
    threads.emplace_back([&, k] {
      try {
        at::ThreadLocalStateGuard guard(state);
        at::init_num_threads();
        fn(k, first_row(k), first_row(k + 1) - first_row(k));
      } catch (...) {
        errors[k] = std::current_exception();
      }
    });
  }
  try {
    fn(0, 0, first_row(1));
  } catch (...) {
    errors[0] = std::current_exception();
  }
  for (auto& t : threads) t.join();
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

namespace {

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
                                                const std::shared_ptr<const Call>& call) {
    ForwardResult r = Forward(*call, x, kernel, recurrent_kernel, Value(bias), Value(h0), Value(c0), true);
    auto saved = c10::make_intrusive<Saved>();
    saved->call = call;
    saved->tape = r.tape;
    saved->has_h0 = h0.has_value();
    saved->has_c0 = c0.has_value();
    ctx->saved_data["fused_lstm"] = at::IValue::make_capsule(std::move(saved));
    // Through SavedVariable only for its version check: an in-place change of x or the weights
    // between forward and backward is an error, not a silently wrong gradient.
    ctx->save_for_backward({x, kernel, recurrent_kernel});
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
    Grads g = Backward(*saved->call, *saved->tape, grads[0], grads[1], grads[2], need);
    return {g.x, g.kernel, g.recurrent_kernel, g.bias, g.h0, g.c0, at::Tensor()};
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
                      requires_grad(bias) || requires_grad(h0) || requires_grad(c0));
  if (!track) {
    ForwardResult r = Forward(*call, x, kernel, recurrent_kernel, bias, h0, c0, false);
    return {r.sequence, r.h, r.c};
  }
  return FusedLstmFunction::apply(x, kernel, recurrent_kernel, Optional(bias), Optional(h0), Optional(c0), call);
}

at::Tensor FusedLstmWorkspace::Get(int slot, at::IntArrayRef sizes, at::ScalarType dtype) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (slot >= static_cast<int>(slots_.size())) slots_.resize(slot + 1);
  at::Tensor& kept = slots_[slot];
  // Handles go out as detached aliases, so the kept tensor itself never joins an autograd graph
  // and the storage's reference count tells whether anyone still uses it.
  const bool reusable = kept.defined() && kept.storage().use_count() == 1 && kept.scalar_type() == dtype &&
                        kept.sizes() == sizes && kept.is_inference() == c10::InferenceMode::is_enabled();
  if (!reusable) kept = at::empty(sizes, at::TensorOptions().dtype(dtype));
  return kept.detach();
}

}  // namespace tl
