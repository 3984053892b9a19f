#include <c10/core/GradMode.h>

#include "optimizer.h"

#include <cmath>

#include "../errors.h"

namespace tl {
namespace {

class Adam : public Optimizer {
 public:
  using Optimizer::Optimizer;

 protected:
  void Update(size_t slot, at::Tensor& param, const at::Tensor& grad) override {
    at::Tensor& m = State("momentums", slot, param);
    at::Tensor& v = State("velocities", slot, param);
    const double step = static_cast<double>(iterations_ + 1);
    const double alpha =
        learning_rate_ * std::sqrt(1.0 - std::pow(spec_.beta_2, step)) / (1.0 - std::pow(spec_.beta_1, step));
    m.add_((grad - m) * (1.0 - spec_.beta_1));
    v.add_((grad.square() - v) * (1.0 - spec_.beta_2));
    at::Tensor denom_source = v;
    if (spec_.amsgrad) {
      at::Tensor& v_hat = State("velocity_hats", slot, param);
      at::maximum_out(v_hat, v_hat, v);
      denom_source = v_hat;
    }
    param.sub_(m * alpha / (denom_source.sqrt() + spec_.epsilon));
  }
};

class Sgd : public Optimizer {
 public:
  using Optimizer::Optimizer;

 protected:
  void Update(size_t slot, at::Tensor& param, const at::Tensor& grad) override {
    if (spec_.momentum == 0) {
      param.sub_(grad * learning_rate_);
      return;
    }
    at::Tensor& m = State("momentums", slot, param);
    m.mul_(spec_.momentum).sub_(grad * learning_rate_);
    if (spec_.nesterov) {
      param.add_(m * spec_.momentum - grad * learning_rate_);
    } else {
      param.add_(m);
    }
  }
};

class RmsProp : public Optimizer {
 public:
  using Optimizer::Optimizer;

 protected:
  void Update(size_t slot, at::Tensor& param, const at::Tensor& grad) override {
    const double rho = spec_.rho;
    at::Tensor& velocity = State("velocities", slot, param);
    velocity.mul_(rho).add_(grad.square() * (1.0 - rho));
    at::Tensor denominator;
    if (spec_.centered) {
      at::Tensor& average = State("average_gradients", slot, param);
      average.mul_(rho).add_(grad * (1.0 - rho));
      denominator = velocity - average.square() + spec_.epsilon;
    } else {
      denominator = velocity + spec_.epsilon;
    }
    at::Tensor increment = grad * learning_rate_ / denominator.sqrt();
    if (spec_.momentum > 0) {
      at::Tensor& m = State("momentums", slot, param);
      m.mul_(spec_.momentum).add_(increment);
      param.sub_(m);
    } else {
      param.sub_(increment);
    }
  }
};

class Adagrad : public Optimizer {
 public:
  using Optimizer::Optimizer;

 protected:
  void Update(size_t slot, at::Tensor& param, const at::Tensor& grad) override {
    at::Tensor& acc = State("accumulators", slot, param, spec_.initial_accumulator_value);
    acc.add_(grad.square());
    param.sub_(grad * learning_rate_ / (acc + spec_.epsilon).sqrt());
  }
};

}  // namespace

Optimizer::Optimizer(const OptimizerSpec& spec) : spec_(spec), learning_rate_(spec.learning_rate) {}

at::Tensor& Optimizer::State(const std::string& name, size_t slot, const at::Tensor& like, double fill) {
  std::vector<at::Tensor>& states = slots_[name];
  if (states.size() <= slot) states.resize(slot + 1);
  if (!states[slot].defined()) states[slot] = at::full_like(like, fill, at::MemoryFormat::Contiguous);
  return states[slot];
}

OptimizerState Optimizer::ExportState() const {
  OptimizerState state;
  state.iterations = iterations_;
  state.learning_rate = learning_rate_;
  for (const auto& [name, tensors] : slots_) {
    for (size_t i = 0; i < tensors.size(); ++i) {
      if (tensors[i].defined()) state.tensors.emplace_back(name + "/" + std::to_string(i), tensors[i].clone());
    }
  }
  return state;
}

void Optimizer::ImportState(const OptimizerState& state, const std::vector<at::Tensor>& params) {
  std::map<std::string, std::vector<at::Tensor>> slots;
  for (const auto& [key, tensor] : state.tensors) {
    const auto slash = key.rfind('/');
    size_t index = 0;
    try {
      if (slash == std::string::npos) throw std::invalid_argument(key);
      index = std::stoul(key.substr(slash + 1));
    } catch (const std::exception&) {
      throw ShapeError("Optimizer state entry '" + key + "' is not named <slot>/<index>");
    }
    if (index >= params.size()) {
      throw ShapeError("Optimizer state entry '" + key + "' refers to weight " + std::to_string(index) +
                       " but the model has " + std::to_string(params.size()));
    }
    if (tensor.sizes() != params[index].sizes()) {
      throw ShapeError("Optimizer state entry '" + key + "' has shape " + c10::str(tensor.sizes()) +
                       " but weight " + std::to_string(index) + " has " + c10::str(params[index].sizes()));
    }
    auto& family = slots[key.substr(0, slash)];
    if (family.size() <= index) family.resize(index + 1);
    family[index] = tensor.to(params[index].options()).clone();
  }
  slots_ = std::move(slots);
  iterations_ = state.iterations;
  learning_rate_ = state.learning_rate;
}

void ClipGradients(const OptimizerSpec& spec, std::vector<at::Tensor>& grads) {
  c10::NoGradGuard no_grad;
  if (spec.clipnorm) {
    const double limit = *spec.clipnorm;
    for (auto& g : grads) {
      if (!g.defined()) continue;
      const double norm = g.norm().item<double>();
      if (norm > limit) g = g * (limit / norm);
    }
  } else if (spec.global_clipnorm) {
    const double limit = *spec.global_clipnorm;
    double total = 0;
    for (auto& g : grads) {
      if (g.defined()) total += g.square().sum().item<double>();
    }
    const double norm = std::sqrt(total);
    if (norm > limit) {
      for (auto& g : grads) {
        if (g.defined()) g = g * (limit / norm);
      }
    }
  } else if (spec.clipvalue) {
    const double v = *spec.clipvalue;
    for (auto& g : grads) {
      if (g.defined()) g = g.clamp(-v, v);
    }
  }
}

void Optimizer::Step(const std::vector<at::Tensor>& params) {
  c10::NoGradGuard no_grad;
  std::vector<at::Tensor> grads;
  grads.reserve(params.size());
  for (const auto& p : params) grads.push_back(p.grad());
  ClipGradients(spec_, grads);
  for (size_t i = 0; i < params.size(); ++i) {
    if (!grads[i].defined()) continue;
    at::Tensor param = params[i];
    Update(i, param, grads[i]);
  }
  ++iterations_;
}

std::unique_ptr<Optimizer> MakeOptimizer(const OptimizerSpec& spec) {
  const auto& c = spec.class_name;
  if (c == "Adam") return std::make_unique<Adam>(spec);
  if (c == "SGD") return std::make_unique<Sgd>(spec);
  if (c == "RMSprop") return std::make_unique<RmsProp>(spec);
  if (c == "Adagrad") return std::make_unique<Adagrad>(spec);
  throw SpecError("Unknown optimizer '" + c + "'");
}

}  // namespace tl
