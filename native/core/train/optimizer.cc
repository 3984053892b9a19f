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
    at::Tensor& m = State(m_, slot, param);
    at::Tensor& v = State(v_, slot, param);
    const double step = static_cast<double>(iterations_ + 1);
    const double alpha =
        learning_rate_ * std::sqrt(1.0 - std::pow(spec_.beta_2, step)) / (1.0 - std::pow(spec_.beta_1, step));
    m.add_((grad - m) * (1.0 - spec_.beta_1));
    v.add_((grad.square() - v) * (1.0 - spec_.beta_2));
    at::Tensor denom_source = v;
    if (spec_.amsgrad) {
      at::Tensor& v_hat = State(v_hat_, slot, param);
      at::maximum_out(v_hat, v_hat, v);
      denom_source = v_hat;
    }
    param.sub_(m * alpha / (denom_source.sqrt() + spec_.epsilon));
  }

 private:
  std::vector<at::Tensor> m_, v_, v_hat_;
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
    at::Tensor& m = State(m_, slot, param);
    m.mul_(spec_.momentum).sub_(grad * learning_rate_);
    if (spec_.nesterov) {
      param.add_(m * spec_.momentum - grad * learning_rate_);
    } else {
      param.add_(m);
    }
  }

 private:
  std::vector<at::Tensor> m_;
};

class RmsProp : public Optimizer {
 public:
  using Optimizer::Optimizer;

 protected:
  void Update(size_t slot, at::Tensor& param, const at::Tensor& grad) override {
    const double rho = spec_.rho;
    at::Tensor& velocity = State(velocity_, slot, param);
    velocity.mul_(rho).add_(grad.square() * (1.0 - rho));
    at::Tensor denominator;
    if (spec_.centered) {
      at::Tensor& average = State(average_, slot, param);
      average.mul_(rho).add_(grad * (1.0 - rho));
      denominator = velocity - average.square() + spec_.epsilon;
    } else {
      denominator = velocity + spec_.epsilon;
    }
    at::Tensor increment = grad * learning_rate_ / denominator.sqrt();
    if (spec_.momentum > 0) {
      at::Tensor& m = State(momentum_, slot, param);
      m.mul_(spec_.momentum).add_(increment);
      param.sub_(m);
    } else {
      param.sub_(increment);
    }
  }

 private:
  std::vector<at::Tensor> velocity_, average_, momentum_;
};

class Adagrad : public Optimizer {
 public:
  using Optimizer::Optimizer;

 protected:
  void Update(size_t slot, at::Tensor& param, const at::Tensor& grad) override {
    at::Tensor& acc = State(accumulator_, slot, param, spec_.initial_accumulator_value);
    acc.add_(grad.square());
    param.sub_(grad * learning_rate_ / (acc + spec_.epsilon).sqrt());
  }

 private:
  std::vector<at::Tensor> accumulator_;
};

}  // namespace

Optimizer::Optimizer(const OptimizerSpec& spec) : spec_(spec), learning_rate_(spec.learning_rate) {}

at::Tensor& Optimizer::State(std::vector<at::Tensor>& states, size_t slot, const at::Tensor& like, double fill) {
  if (states.size() <= slot) states.resize(slot + 1);
  if (!states[slot].defined()) states[slot] = at::full_like(like, fill, at::MemoryFormat::Contiguous);
  return states[slot];
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
