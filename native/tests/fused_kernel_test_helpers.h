// Shared by the fused-kernel tests (fused_lstm_test.cc, fused_peephole_test.cc,
// fused_gru_test.cc): differentiable leaves, dropout masks, one gate block of a mask, a loss that
// reaches every output, the gradients of a test's inputs, and the float32-rounding comparison.
#pragma once

#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <algorithm>
#include <string>
#include <vector>

#include "compat.h"

namespace tl::fused_test {

inline at::Tensor Leaf(at::Tensor t) { return t.set_requires_grad(true); }

/// Scaled inverted-dropout mask (0 or 1/keep), keep probability 0.7.
inline at::Tensor DropMask(at::IntArrayRef shape, at::Generator& gen) {
  return at::empty(shape).bernoulli_(0.7, gen).div_(0.7);
}

/// Gate block g of a [B, W] (shared) / [gates, B, W] (per gate) mask; undefined stays undefined.
inline at::Tensor Group(const at::Tensor& mask, int g) {
  if (!mask.defined()) return {};
  return mask.dim() == 2 ? mask : mask.select(0, g);
}

/// A scalar that reaches every output with its own weights.
inline at::Tensor Loss(const std::vector<at::Tensor>& out, uint64_t seed) {
  auto gen = compat::MakeCpuGenerator(seed);
  at::Tensor loss = at::zeros({});
  for (const auto& o : out) loss = loss + (o * at::randn(o.sizes(), gen)).sum();
  return loss;
}

/// The gradients of `loss` with respect to `in.Differentiable()`, in that order (undefined for
/// an input the loss does not reach).
template <typename Inputs>
std::vector<at::Tensor> Grads(const Inputs& in, const at::Tensor& loss) {
  const auto leaves = in.Differentiable();
  for (const auto& t : leaves) t.mutable_grad() = at::Tensor();
  loss.backward();
  std::vector<at::Tensor> grads;
  for (const auto& t : leaves) grads.push_back(t.grad().defined() ? t.grad().clone() : at::Tensor());
  return grads;
}

struct Tolerance {
  double rtol = 1e-5, atol = 1e-5;
  /// > 0: compare as max |got - want| <= scale_tol * max |want| instead (bfloat16 GEMMs).
  double scale_tol = 0;
  /// atol times max(1, max |want|): for unbounded activations ("linear" reaches |values| ~100,
  /// where sums that cancel to ~0 keep absolute errors ~1e-5 of float32 rounding).
  bool atol_grows_with_scale = false;
};

/// "" when `got` is `want` within `tol`, else by how much it is not.
inline std::string Mismatch(const at::Tensor& got, const at::Tensor& want, const Tolerance& tol) {
  if (!got.defined()) return "undefined";
  if (got.sizes() != want.sizes()) return "shape " + c10::str(got.sizes()) + " vs " + c10::str(want.sizes());
  const double diff = (got - want).abs().max().item<double>(), scale = want.abs().max().item<double>();
  const bool close = tol.scale_tol > 0
                         ? diff <= tol.scale_tol * scale
                         : at::allclose(got, want, tol.rtol, tol.atol * (tol.atol_grows_with_scale ? std::max(1.0, scale) : 1.0));
  return close ? "" : "max |diff| " + std::to_string(diff) + " vs max |want| " + std::to_string(scale);
}

inline void ExpectClose(const at::Tensor& got, const at::Tensor& want, const Tolerance& tol, const std::string& what) {
  const std::string why = Mismatch(got, want, tol);
  EXPECT_TRUE(why.empty()) << what << ": " << why;
}

}  // namespace tl::fused_test
