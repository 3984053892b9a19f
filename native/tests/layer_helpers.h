// Helpers for the layer tests: Keras-format configs by hand, layers built through the
// factory, float64 copies of a layer's weights, finite-difference gradient checks.
#pragma once

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "spec_helpers.h"

#include "compat.h"
#include "layers/factory.h"

namespace tl::testing {

/// A config object from key/value pairs (in order).
inline Value Config(const std::vector<std::pair<std::string, Value>>& entries) {
  Value v = Value(Value::Object{});
  for (const auto& [key, value] : entries) v.Set(key, value);
  return v;
}

/// Builds `class_name` named `name` from `config` (the name is added) on `shapes`.
inline std::unique_ptr<Layer> Build(const std::string& class_name, const std::string& name, Value config,
                                    const std::vector<Shape>& shapes) {
  config.Set("name", name);
  return MakeLayer(LayerSpec{class_name, name, config}, shapes);
}

/// Turns every weight of `layer` into float64 in place (the layer keeps its handles).
inline void ToFloat64(const Layer& layer) {
  c10::NoGradGuard no_grad;
  for (auto w : layer.Weights()) w.set_data(w.data().to(at::kDouble));
}

/// Overwrites every weight with draws from N(0, 0.5^2) (seeded), so tests do not depend on initializers.
inline void Randomize(const Layer& layer, uint64_t seed) {
  c10::NoGradGuard no_grad;
  auto gen = compat::MakeCpuGenerator(seed);
  for (auto w : layer.Weights()) w.copy_(at::randn(w.sizes(), gen, at::kDouble).mul(0.5).to(w.scalar_type()));
}

/// A bool mask [rows, cols] from 0/1 entries.
inline at::Tensor BoolMask(const std::vector<int64_t>& values, int64_t rows, int64_t cols) {
  return at::tensor(values, at::kLong).reshape({rows, cols}).to(at::kBool);
}

inline at::Tensor RandnD(at::IntArrayRef shape, uint64_t seed) {
  return at::randn(shape, compat::MakeCpuGenerator(seed), at::kDouble);
}

/// Checks d f / d x (autograd) against central differences at up to `samples` entries of `x`
/// (a float64 leaf that requires grad); `f` returns a scalar.
inline void ExpectGradientMatches(const std::function<at::Tensor()>& f, const at::Tensor& x, int64_t samples,
                                  const std::string& what, double tol = 1e-6) {
  if (x.grad().defined()) x.mutable_grad().zero_();
  f().backward();
  const at::Tensor grad = x.grad().clone();
  const int64_t n = x.numel();
  const int64_t step = std::max<int64_t>(1, n / samples);
  c10::NoGradGuard no_grad;
  at::Tensor flat = x.view({-1});
  for (int64_t i = 0; i < n; i += step) {
    const double orig = flat[i].item<double>();
    const double eps = 1e-6;
    flat[i].fill_(orig + eps);
    const double up = f().item<double>();
    flat[i].fill_(orig - eps);
    const double down = f().item<double>();
    flat[i].fill_(orig);
    const double numeric = (up - down) / (2 * eps);
    const double analytic = grad.view({-1})[i].item<double>();
    EXPECT_NEAR(analytic, numeric, tol * std::max(1.0, std::abs(numeric))) << what << " entry " << i;
  }
}

}  // namespace tl::testing
