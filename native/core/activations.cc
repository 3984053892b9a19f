#include "activations.h"

#include <cmath>
#include <utility>

#include "errors.h"

namespace tl {
namespace {

at::Tensor Linear(const at::Tensor& x) { return x; }
at::Tensor Tanh(const at::Tensor& x) { return at::tanh(x); }
at::Tensor Sigmoid(const at::Tensor& x) { return at::sigmoid(x); }
at::Tensor HardSigmoid(const at::Tensor& x) { return at::clamp(x / 6.0 + 0.5, 0.0, 1.0); }
at::Tensor Relu(const at::Tensor& x) { return at::relu(x); }
at::Tensor Relu6(const at::Tensor& x) { return at::clamp(x, 0.0, 6.0); }
at::Tensor Softsign(const at::Tensor& x) { return x / (at::abs(x) + 1.0); }
at::Tensor Softplus(const at::Tensor& x) { return at::softplus(x); }
at::Tensor Elu(const at::Tensor& x) { return at::elu(x); }
at::Tensor Selu(const at::Tensor& x) { return at::selu(x); }
at::Tensor Swish(const at::Tensor& x) { return x * at::sigmoid(x); }
at::Tensor Gelu(const at::Tensor& x) { return at::gelu(x); }
at::Tensor Exponential(const at::Tensor& x) { return at::exp(x); }
at::Tensor Softmax(const at::Tensor& x) { return at::softmax(x, -1); }

const std::pair<const char*, Activation> kActivations[] = {
    {"linear", Linear},   {"tanh", Tanh},         {"sigmoid", Sigmoid}, {"hard_sigmoid", HardSigmoid},
    {"relu", Relu},       {"relu6", Relu6},       {"softsign", Softsign}, {"softplus", Softplus},
    {"elu", Elu},         {"selu", Selu},         {"swish", Swish},     {"silu", Swish},
    {"gelu", Gelu},       {"exponential", Exponential}, {"softmax", Softmax},
};

}  // namespace

Activation GetActivation(const std::string& name) {
  for (const auto& [key, fn] : kActivations) {
    if (name == key) return fn;
  }
  throw SpecError("Unknown activation '" + name + "'");
}

}  // namespace tl
