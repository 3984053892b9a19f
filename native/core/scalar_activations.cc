#include "scalar_activations.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace tl {
namespace {

float Linear(float x) { return x; }
float Tanh(float x) { return std::tanh(x); }
float Sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }
float HardSigmoid(float x) { return std::clamp(x / 6.0f + 0.5f, 0.0f, 1.0f); }
float Relu(float x) { return x > 0.0f ? x : 0.0f; }
float Relu6(float x) { return std::clamp(x, 0.0f, 6.0f); }
float Softsign(float x) { return x / (std::fabs(x) + 1.0f); }
// Same threshold as LibTorch's softplus (beta 1, threshold 20).
float Softplus(float x) { return x > 20.0f ? x : std::log1p(std::exp(x)); }
float Elu(float x) { return x > 0.0f ? x : std::expm1(x); }
float Selu(float x) {
  constexpr float kAlpha = 1.6732632423543772f, kScale = 1.0507009873554805f;
  return kScale * (x > 0.0f ? x : kAlpha * std::expm1(x));
}
float Swish(float x) { return x * Sigmoid(x); }
float Gelu(float x) { return 0.5f * x * (1.0f + std::erf(x * 0.70710678118654752f)); }
float Exponential(float x) { return std::exp(x); }

const std::pair<const char*, ScalarActivation> kScalar[] = {
    {"linear", Linear}, {"tanh", Tanh},   {"sigmoid", Sigmoid}, {"hard_sigmoid", HardSigmoid}, {"relu", Relu},
    {"relu6", Relu6},   {"softsign", Softsign}, {"softplus", Softplus}, {"elu", Elu}, {"selu", Selu},
    {"swish", Swish},   {"silu", Swish},  {"gelu", Gelu},       {"exponential", Exponential},
};

}  // namespace

ScalarActivation GetScalarActivation(const std::string& name) {
  for (const auto& [key, fn] : kScalar) {
    if (name == key) return fn;
  }
  return nullptr;
}

}  // namespace tl
