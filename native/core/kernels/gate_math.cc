#include "gate_math.h"

#include <utility>

namespace tl {
namespace {

const std::pair<const char*, GateActivation> kFused[] = {
    {"tanh", GateActivation::kTanh},         {"sigmoid", GateActivation::kSigmoid},
    {"hard_sigmoid", GateActivation::kHardSigmoid}, {"relu", GateActivation::kRelu},
    {"relu6", GateActivation::kRelu6},       {"linear", GateActivation::kLinear},
    {"softsign", GateActivation::kSoftsign}, {"elu", GateActivation::kElu},
};

}  // namespace

std::optional<GateActivation> FusedActivation(const std::string& name) {
  for (const auto& [key, a] : kFused) {
    if (name == key) return a;
  }
  return std::nullopt;
}

const char* ActivationName(GateActivation a) {
  for (const auto& [key, value] : kFused) {
    if (value == a) return key;
  }
  return "?";
}

}  // namespace tl
