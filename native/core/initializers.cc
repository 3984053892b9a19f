#include <c10/core/GradMode.h>

#include "initializers.h"

#include <cmath>
#include <numeric>

#include "compat.h"
#include "errors.h"

namespace tl {
namespace {

struct Fans {
  double in, out;
};

Fans ComputeFans(at::IntArrayRef shape) {
  if (shape.size() == 1) return {static_cast<double>(shape[0]), static_cast<double>(shape[0])};
  if (shape.size() == 2) return {static_cast<double>(shape[0]), static_cast<double>(shape[1])};
  // Convolution-style kernels: receptive field times the last two dims.
  double receptive = 1;
  for (size_t i = 0; i + 2 < shape.size(); ++i) receptive *= static_cast<double>(shape[i]);
  return {static_cast<double>(shape[shape.size() - 2]) * receptive,
          static_cast<double>(shape[shape.size() - 1]) * receptive};
}

at::Generator GeneratorFor(const InitializerSpec& spec) {
  return spec.seed ? compat::MakeCpuGenerator(*spec.seed) : compat::DefaultCpuGenerator();
}

at::Tensor Uniform(at::IntArrayRef shape, double lo, double hi, at::Generator gen) {
  return at::empty(shape, at::kFloat).uniform_(lo, hi, gen);
}

// Normal truncated at two standard deviations, by inverting the CDF on the kept interval.
at::Tensor TruncatedNormal(at::IntArrayRef shape, double mean, double stddev, at::Generator gen) {
  const double lo = 0.5 * std::erfc(2.0 / std::sqrt(2.0));  // Phi(-2)
  const double hi = 1.0 - lo;                               // Phi(2)
  auto u = at::empty(shape, at::kDouble).uniform_(lo, hi, gen);
  auto z = at::erfinv(u * 2.0 - 1.0) * std::sqrt(2.0);
  return (z * stddev + mean).to(at::kFloat);
}

// Keras VarianceScaling: scale / fan, distribution uniform or truncated normal.
at::Tensor VarianceScaling(at::IntArrayRef shape, double scale, const char* mode, bool uniform,
                           at::Generator gen) {
  const Fans fans = ComputeFans(shape);
  double n = fans.in;
  if (std::string(mode) == "fan_avg") n = (fans.in + fans.out) / 2.0;
  const double variance = scale / std::max(1.0, n);
  if (uniform) {
    const double limit = std::sqrt(3.0 * variance);
    return Uniform(shape, -limit, limit, gen);
  }
  // 0.879... is the stddev of a unit normal truncated at +-2.
  const double stddev = std::sqrt(variance) / 0.87962566103423978;
  return TruncatedNormal(shape, 0.0, stddev, gen);
}

at::Tensor Orthogonal(at::IntArrayRef shape, double gain, at::Generator gen) {
  if (shape.size() < 2) throw SpecError("Orthogonal initializer needs a 2-D or larger shape");
  const int64_t cols = shape.back();
  int64_t rows = 1;
  for (size_t i = 0; i + 1 < shape.size(); ++i) rows *= shape[i];
  const int64_t big = std::max(rows, cols), small = std::min(rows, cols);
  auto a = at::empty({big, small}, at::kDouble).normal_(0.0, 1.0, gen);
  auto qr = at::linalg_qr(a);
  auto q = std::get<0>(qr);
  auto d = at::diagonal(std::get<1>(qr));
  q = q * at::sign(d);
  if (rows < cols) q = q.t();
  return (q * gain).to(at::kFloat).reshape(shape).contiguous();
}

}  // namespace

at::Tensor Initialize(const InitializerSpec& spec, at::IntArrayRef shape) {
  c10::NoGradGuard no_grad;
  const std::string& cls = spec.class_name;
  if (cls == "Zeros") return at::zeros(shape, at::kFloat);
  if (cls == "Ones") return at::ones(shape, at::kFloat);
  if (cls == "Constant") return at::full(shape, spec.value, at::kFloat);
  auto gen = GeneratorFor(spec);
  if (cls == "GlorotUniform") return VarianceScaling(shape, 1.0, "fan_avg", true, gen);
  if (cls == "GlorotNormal") return VarianceScaling(shape, 1.0, "fan_avg", false, gen);
  if (cls == "HeUniform") return VarianceScaling(shape, 2.0, "fan_in", true, gen);
  if (cls == "HeNormal") return VarianceScaling(shape, 2.0, "fan_in", false, gen);
  if (cls == "LecunUniform") return VarianceScaling(shape, 1.0, "fan_in", true, gen);
  if (cls == "LecunNormal") return VarianceScaling(shape, 1.0, "fan_in", false, gen);
  if (cls == "Orthogonal") return Orthogonal(shape, spec.gain, gen);
  if (cls == "RandomUniform") return Uniform(shape, spec.minval, spec.maxval, gen);
  if (cls == "RandomNormal") return at::empty(shape, at::kFloat).normal_(spec.mean, spec.stddev, gen);
  if (cls == "TruncatedNormal") return TruncatedNormal(shape, spec.mean, spec.stddev, gen);
  throw SpecError("Unknown initializer '" + cls + "'");
}

}  // namespace tl
