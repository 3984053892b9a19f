// Int8Linear on LibTorch's quantized engines, through the dispatcher (boxed calls to
// quantized::linear_prepack / quantized::linear_dynamic work on 1.13 and 2.x alike).
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/core/stack.h>
#include <c10/core/GradMode.h>

#include "../errors.h"
#include "int8_linear.h"

namespace tl {
namespace {

struct EngineChoice {
  at::QEngine engine;
  const char* name;
};

// Preference order: x86 (2.x official builds) > fbgemm > onednn. Never QNNPACK on x86.
std::optional<EngineChoice> FindEngine() {
  const auto& supported = at::globalContext().supportedQEngines();
  const EngineChoice order[] = {{at::QEngine::X86, "x86"}, {at::QEngine::FBGEMM, "fbgemm"}, {at::QEngine::ONEDNN, "onednn"}};
  for (const auto& choice : order) {
    for (auto e : supported) {
      if (e == choice.engine) return choice;
    }
  }
  return std::nullopt;
}

c10::OperatorHandle Op(const char* name) { return c10::Dispatcher::singleton().findSchemaOrThrow(name, ""); }

class DynamicLinear : public Int8Linear {
 public:
  DynamicLinear(const at::Tensor& weight, const at::Tensor& bias) {
    c10::NoGradGuard no_grad;
    at::Tensor w = weight.detach().to(at::kFloat).contiguous();
    // Symmetric per-output-channel scales: the largest |w| of a row maps to 127.
    scales_ = (w.abs().amax({1}) / 127.0).clamp_min(1e-12).to(at::kDouble);
    at::Tensor zero_points = at::zeros({w.size(0)}, at::kLong);
    at::Tensor q = at::quantize_per_channel(w, scales_, zero_points, 0, at::kQInt8);
    int8_ = q.int_repr();
    bias_ = bias.defined() ? bias.detach().to(at::kFloat).contiguous() : at::Tensor();
    torch::jit::Stack stack{q, bias_.defined() ? c10::IValue(bias_) : c10::IValue()};
    Op("quantized::linear_prepack").callBoxed(&stack);
    packed_ = stack.at(0);
  }

  at::Tensor Forward(const at::Tensor& x) const override {
    torch::jit::Stack stack{x.contiguous(), packed_, false};
    Op("quantized::linear_dynamic").callBoxed(&stack);
    return stack.at(0).toTensor();
  }

  int64_t bytes() const override {
    return int8_.numel() + scales_.numel() * 4 + (bias_.defined() ? bias_.numel() * 4 : 0);
  }
  at::Tensor int8_weight() const override { return int8_; }
  at::Tensor scales() const override { return scales_.to(at::kFloat); }

 private:
  c10::IValue packed_;
  at::Tensor int8_, scales_, bias_;
};

// A matrix too narrow to gain from int8 (see kMinInt8InputFeatures): plain float32.
class FloatLinear : public Int8Linear {
 public:
  FloatLinear(const at::Tensor& weight, const at::Tensor& bias)
      : weight_(weight.detach().to(at::kFloat).contiguous()),
        bias_(bias.defined() ? bias.detach().to(at::kFloat).contiguous() : at::Tensor()) {}
  at::Tensor Forward(const at::Tensor& x) const override {
    return bias_.defined() ? at::linear(x, weight_, bias_) : at::linear(x, weight_);
  }
  int64_t bytes() const override { return (weight_.numel() + (bias_.defined() ? bias_.numel() : 0)) * 4; }
  at::Tensor int8_weight() const override { return weight_; }
  at::Tensor scales() const override { return at::Tensor(); }

 private:
  at::Tensor weight_, bias_;
};

}  // namespace

std::string SelectInt8Engine() {
  auto choice = FindEngine();
  return choice ? choice->name : "";
}

std::unique_ptr<Int8Linear> MakeInt8Linear(const at::Tensor& weight, const at::Tensor& bias) {
  auto choice = FindEngine();
  if (!choice) {
    throw Error(ErrorCode::kTorch,
                "This LibTorch has no int8 engine usable on this CPU (x86, fbgemm or onednn); QNNPACK is not used on x86 "
                "because it is slower than float32 there");
  }
  if (weight.size(1) < kMinInt8InputFeatures) return std::make_unique<FloatLinear>(weight, bias);
  if (at::globalContext().qEngine() != choice->engine) at::globalContext().setQEngine(choice->engine);
  return std::make_unique<DynamicLinear>(weight, bias);
}

}  // namespace tl
