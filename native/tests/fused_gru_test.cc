// The fused GRU kernel (kernels/fused_gru.h) against a plain autograd cell loop written with
// at:: ops: outputs and the gradients of every input, across shapes and options, in both
// reset_after forms. The layer trained through it: fused_gru_layer_test.cc.
#include <gtest/gtest.h>

#include <c10/core/GradMode.h>

#include <algorithm>
#include <cmath>

#include "activations.h"
#include "compat.h"
#include "errors.h"
#include "fused_kernel_test_helpers.h"
#include "kernels/fused_gru.h"

namespace tl {
namespace {

using fused_test::DropMask;
using fused_test::Grads;
using fused_test::Group;
using fused_test::Leaf;
using fused_test::Loss;

struct Case {
  int64_t batch = 3, steps = 7, features = 5, units = 7;
  bool reset_after = true;
  bool bias = true, initial_state = true, go_backwards = false;
  std::string activation = "tanh", recurrent_activation = "sigmoid";
  int input_mask_groups = 0;      // 0: none, 1: [B, F], 3: [3, B, F]
  int recurrent_mask_groups = 0;  // 0: none, 1: [B, H], 3: [3, B, H]
  bool step_mask = false;
  int partitions = 1;
  GemmPrecision precision = GemmPrecision::kFloat32;
  GemmBackend gemm = GemmBackend::kAuto;
  double rtol = 1e-5, atol = 1e-5;
  /// > 0: compare as max |got - want| <= scale_tol * max |want| instead (bfloat16 GEMMs).
  double scale_tol = 0;
};

struct Inputs {
  at::Tensor x, kernel, recurrent_kernel, bias, h0;
  FusedGruOptions options;
  std::vector<at::Tensor> Differentiable() const {
    std::vector<at::Tensor> out = {x, kernel, recurrent_kernel};
    for (const auto& t : {bias, h0}) {
      if (t.defined()) out.push_back(t);
    }
    return out;
  }
};

Inputs MakeInputs(const Case& c, uint64_t seed) {
  auto gen = compat::MakeCpuGenerator(seed);
  const int64_t b = c.batch, t = c.steps, f = c.features, h = c.units;
  Inputs in;
  in.x = Leaf(at::randn({b, t, f}, gen));
  in.kernel = Leaf(at::randn({f, 3 * h}, gen).mul_(0.6 / std::sqrt(static_cast<double>(f))));
  in.recurrent_kernel = Leaf(at::randn({h, 3 * h}, gen).mul_(0.6 / std::sqrt(static_cast<double>(h))));
  if (c.bias) {
    in.bias = Leaf((c.reset_after ? at::randn({2, 3 * h}, gen) : at::randn({3 * h}, gen)).mul_(0.3));
  }
  if (c.initial_state) in.h0 = Leaf(at::randn({b, h}, gen).mul_(0.5));
  FusedGruOptions& o = in.options;
  o.activation = *FusedActivation(c.activation);
  o.recurrent_activation = *FusedActivation(c.recurrent_activation);
  o.reset_after = c.reset_after;
  o.go_backwards = c.go_backwards;
  o.precision = c.precision;
  o.partitions = c.partitions;
  o.gemm = c.gemm;
  if (c.input_mask_groups == 1) o.input_mask = DropMask({b, f}, gen);
  if (c.input_mask_groups == 3) o.input_mask = DropMask({3, b, f}, gen);
  if (c.recurrent_mask_groups == 1) o.recurrent_mask = DropMask({b, h}, gen);
  if (c.recurrent_mask_groups == 3) o.recurrent_mask = DropMask({3, b, h}, gen);
  if (c.step_mask) {
    o.step_mask = at::empty({b, t}).bernoulli_(0.6, gen).to(at::kBool);
    o.step_mask.select(1, c.go_backwards ? t - 1 : 0).fill_(false);  // a masked first step
  }
  return in;
}

/// The Keras recurrence with plain autograd ops, one gate block (z, r, h) at a time.
std::vector<at::Tensor> Reference(const Inputs& in, const std::string& activation, const std::string& recurrent) {
  const Activation act = GetActivation(activation);
  const Activation ract = GetActivation(recurrent);
  const FusedGruOptions& o = in.options;
  const int64_t b = in.x.size(0), t_len = in.x.size(1), n = in.recurrent_kernel.size(0);
  const at::Tensor bx = !in.bias.defined() ? at::Tensor() : o.reset_after ? in.bias.select(0, 0) : in.bias;
  const at::Tensor br = in.bias.defined() && o.reset_after ? in.bias.select(0, 1) : at::Tensor();
  at::Tensor h = in.h0.defined() ? in.h0 : at::zeros({b, n});
  at::Tensor y = at::zeros({b, n});
  std::vector<at::Tensor> outputs;
  for (int64_t s = 0; s < t_len; ++s) {
    const int64_t t = o.go_backwards ? t_len - 1 - s : s;
    const at::Tensor xt = in.x.select(1, t);
    std::vector<at::Tensor> xg, hg, rg;
    for (int g = 0; g < 3; ++g) {
      const at::Tensor xin = o.input_mask.defined() ? xt * Group(o.input_mask, g) : xt;
      at::Tensor v = at::matmul(xin, in.kernel.narrow(1, g * n, n));
      if (bx.defined()) v = v + bx.narrow(0, g * n, n);
      xg.push_back(v);
      hg.push_back(o.recurrent_mask.defined() ? h * Group(o.recurrent_mask, g) : h);
      rg.push_back(in.recurrent_kernel.narrow(1, g * n, n));
    }
    at::Tensor z, r, cand;
    if (o.reset_after) {
      std::vector<at::Tensor> rec;
      for (int g = 0; g < 3; ++g) {
        at::Tensor v = at::matmul(hg[g], rg[g]);
        if (br.defined()) v = v + br.narrow(0, g * n, n);
        rec.push_back(v);
      }
      z = ract(xg[0] + rec[0]);
      r = ract(xg[1] + rec[1]);
      cand = act(xg[2] + r * rec[2]);
    } else {
      z = ract(xg[0] + at::matmul(hg[0], rg[0]));
      r = ract(xg[1] + at::matmul(hg[1], rg[1]));
      cand = act(xg[2] + at::matmul(r * hg[2], rg[2]));
    }
    const at::Tensor h_new = z * h + (1 - z) * cand;
    if (o.step_mask.defined()) {
      const at::Tensor m = o.step_mask.select(1, t).to(at::kFloat).unsqueeze(1);
      h = m * h_new + (1 - m) * h;
      y = m * h_new + (1 - m) * y;
    } else {
      h = h_new;
      y = h_new;
    }
    outputs.push_back(y);
  }
  return {at::stack(outputs, 1), h};
}

fused_test::Tolerance Tol(const Case& c) { return {c.rtol, c.atol, c.scale_tol, true}; }

/// "" when `got` matches `want` within the case's tolerance, else why not.
std::string Mismatch(const at::Tensor& got, const at::Tensor& want, const Case& c) {
  return fused_test::Mismatch(got, want, Tol(c));
}

void ExpectClose(const at::Tensor& got, const at::Tensor& want, const Case& c, const std::string& what) {
  fused_test::ExpectClose(got, want, Tol(c), what);
}

void ExpectMatchesReference(const Case& c, uint64_t seed = 1) {
  SCOPED_TRACE("reset_after=" + std::to_string(c.reset_after));
  Inputs in = MakeInputs(c, seed);
  auto fused = FusedGru(in.x, in.kernel, in.recurrent_kernel, in.bias, in.h0, in.options);
  auto reference = Reference(in, c.activation, c.recurrent_activation);
  ExpectClose(fused[0], reference[0].detach(), c, "sequence");
  ExpectClose(fused[1], reference[1].detach(), c, "h");
  auto gf = Grads(in, Loss(fused, seed + 100));
  auto gr = Grads(in, Loss(reference, seed + 100));
  const char* names[] = {"dx", "dkernel", "drecurrent_kernel", "dbias/dh0", "dh0"};
  for (size_t i = 0; i < gf.size(); ++i) ExpectClose(gf[i], gr[i], c, names[i]);
}

/// Runs `c` with reset_after true and false.
void ExpectBothFormsMatch(Case c, uint64_t seed = 1) {
  for (bool reset_after : {true, false}) {
    c.reset_after = reset_after;
    ExpectMatchesReference(c, seed);
  }
}

TEST(FusedGru, OddSizes) { ExpectBothFormsMatch(Case{}); }

TEST(FusedGru, BatchOneOneStepTinyAndWide) {
  Case c;
  c.batch = 1;
  ExpectBothFormsMatch(c);
  c = Case{};
  c.steps = 1;
  ExpectBothFormsMatch(c);
  c = Case{};
  c.batch = 1;
  c.steps = 2;
  c.features = 1;
  c.units = 1;
  ExpectBothFormsMatch(c);
  c = Case{};
  c.batch = 5;
  c.steps = 4;
  c.features = 9;
  c.units = 37;
  ExpectBothFormsMatch(c);
}

TEST(FusedGru, NoBiasNoInitialStateGoBackwards) {
  Case c;
  c.bias = false;
  c.initial_state = false;
  ExpectBothFormsMatch(c);
  c = Case{};
  c.go_backwards = true;
  ExpectBothFormsMatch(c);
}

TEST(FusedGru, RecurrentAndInputDropout) {
  for (int groups : {1, 3}) {
    Case c;
    c.recurrent_mask_groups = groups;
    ExpectBothFormsMatch(c);
    c.input_mask_groups = groups;
    c.go_backwards = true;
    ExpectBothFormsMatch(c, 2);
  }
}

TEST(FusedGru, EveryActivationInEitherRole) {
  const char* names[] = {"tanh", "sigmoid", "hard_sigmoid", "relu", "relu6", "linear", "softsign", "elu"};
  for (const char* name : names) {
    SCOPED_TRACE(name);
    Case c;
    c.activation = name;
    ExpectBothFormsMatch(c);
    c = Case{};
    c.recurrent_activation = name;
    ExpectBothFormsMatch(c);
  }
}

TEST(FusedGru, StepMask) {
  Case c;
  c.step_mask = true;
  ExpectBothFormsMatch(c);
  c.go_backwards = true;
  c.recurrent_mask_groups = 3;
  c.input_mask_groups = 1;
  ExpectBothFormsMatch(c, 2);
}

TEST(FusedGru, Partitions) {
  Case c;
  c.partitions = 2;
  c.step_mask = true;
  c.recurrent_mask_groups = 3;
  ExpectBothFormsMatch(c);
  c = Case{};
  c.batch = 8;
  c.partitions = 3;
  c.input_mask_groups = 3;
  c.recurrent_mask_groups = 1;
  ExpectBothFormsMatch(c);
}

TEST(FusedGru, AtenGemmsAgree) {
  Case c;
  c.gemm = GemmBackend::kATen;
  ExpectBothFormsMatch(c);
  c.input_mask_groups = 3;
  c.recurrent_mask_groups = 3;
  c.step_mask = true;
  c.partitions = 2;
  ExpectBothFormsMatch(c);
}

TEST(FusedGru, BFloat16GemmsStayCloseToFloat32) {
  for (GemmBackend backend : {GemmBackend::kAuto, GemmBackend::kATen}) {
    Case c;
    c.batch = 6;
    c.steps = 9;
    c.units = 32;
    c.precision = GemmPrecision::kBFloat16;
    c.gemm = backend;
    // bfloat16 keeps 8 bits (~0.4% per rounding); at::mm also rounds every GEMM result.
    c.scale_tol = backend == GemmBackend::kAuto ? 0.01 : 0.02;
    ExpectBothFormsMatch(c);
    c.recurrent_mask_groups = 3;
    c.input_mask_groups = 1;
    c.step_mask = true;
    c.go_backwards = true;
    c.partitions = 2;
    ExpectBothFormsMatch(c);
  }
}

// The tolerance is tight enough to see a plausible bug: one gradient entry of typical size with
// its sign flipped, or the reset gate's derivative dropped from the candidate.
TEST(FusedGru, ToleranceCatchesAWrongSign) {
  Case c;
  Inputs in = MakeInputs(c, 1);
  auto fused = FusedGru(in.x, in.kernel, in.recurrent_kernel, in.bias, in.h0, in.options);
  auto gf = Grads(in, Loss(fused, 101));
  for (size_t i = 0; i < gf.size(); ++i) {
    at::Tensor wrong = gf[i].clone();
    const at::Tensor flat = wrong.view({-1});
    const int64_t median = std::get<1>(flat.abs().sort()).select(0, flat.numel() / 2).item<int64_t>();
    flat.select(0, median).neg_();
    EXPECT_FALSE(Mismatch(wrong, gf[i], c).empty()) << "gradient " << i;
  }
  // A reference whose r gets no gradient through the candidate differs from the kernel.
  auto reference = Reference(in, c.activation, c.recurrent_activation);
  auto gr = Grads(in, Loss(reference, 101));
  EXPECT_TRUE(Mismatch(gf[2], gr[2], c).empty());
  EXPECT_FALSE(Mismatch(gf[2] * (1 + 1e-3), gr[2], c).empty());
}

TEST(FusedGru, WorkspaceReusesOnlyFreeBuffers) {
  for (bool reset_after : {true, false}) {
    Case c;
    c.reset_after = reset_after;
    c.recurrent_mask_groups = 3;
    c.input_mask_groups = 1;
    for (GemmPrecision precision : {GemmPrecision::kFloat32, GemmPrecision::kBFloat16}) {
      Inputs in = MakeInputs(c, 10);
      in.options.precision = precision;
      in.options.workspace = std::make_shared<FusedWorkspace>();
      FusedGruOptions plain = in.options;
      plain.workspace = nullptr;
      for (int step = 0; step < 2; ++step) {
        auto with = FusedGru(in.x, in.kernel, in.recurrent_kernel, in.bias, in.h0, in.options);
        auto gw = Grads(in, Loss(with, 11));
        auto without = FusedGru(in.x, in.kernel, in.recurrent_kernel, in.bias, in.h0, plain);
        auto gp = Grads(in, Loss(without, 11));
        for (int i = 0; i < 2; ++i) EXPECT_TRUE(at::equal(with[i], without[i])) << "output " << i;
        for (size_t i = 0; i < gw.size(); ++i) EXPECT_TRUE(at::equal(gw[i], gp[i])) << "gradient " << i;
      }
      // An output still held is not overwritten by the next call; a dropped one is reused.
      auto first = FusedGru(in.x, in.kernel, in.recurrent_kernel, in.bias, in.h0, in.options)[0];
      const at::Tensor expected = first.clone();
      auto second = FusedGru(in.x * 2, in.kernel, in.recurrent_kernel, in.bias, in.h0, in.options)[0];
      EXPECT_TRUE(at::equal(first, expected));
      EXPECT_NE(first.data_ptr(), second.data_ptr());
      void* reused = second.data_ptr();
      second = at::Tensor();
      auto third = FusedGru(in.x, in.kernel, in.recurrent_kernel, in.bias, in.h0, in.options)[0];
      EXPECT_EQ(third.data_ptr(), reused);
      EXPECT_TRUE(at::equal(third, expected));
    }
  }
}

TEST(FusedGru, OnlySomeInputsNeedGradients) {
  for (bool reset_after : {true, false}) {
    Case c;
    c.reset_after = reset_after;
    Inputs in = MakeInputs(c, 3);
    in.x = in.x.detach();
    in.h0 = in.h0.detach();
    auto out = FusedGru(in.x, in.kernel, in.recurrent_kernel, in.bias, in.h0, in.options);
    auto ref = Reference(in, c.activation, c.recurrent_activation);
    out[1].sum().backward();  // the sequence gets no gradient at all
    std::vector<at::Tensor> got = {in.kernel.grad().clone(), in.recurrent_kernel.grad().clone(), in.bias.grad().clone()};
    for (auto* t : {&in.kernel, &in.recurrent_kernel, &in.bias}) t->mutable_grad() = at::Tensor();
    ref[1].sum().backward();
    ExpectClose(got[0], in.kernel.grad(), c, "dkernel");
    ExpectClose(got[1], in.recurrent_kernel.grad(), c, "drecurrent_kernel");
    ExpectClose(got[2], in.bias.grad(), c, "dbias");
  }
}

TEST(FusedGru, WithoutGradModeNoGraph) {
  Case c;
  Inputs in = MakeInputs(c, 4);
  c10::NoGradGuard no_grad;
  auto out = FusedGru(in.x, in.kernel, in.recurrent_kernel, in.bias, in.h0, in.options);
  EXPECT_FALSE(out[0].requires_grad());
  ExpectClose(out[0], Reference(in, c.activation, c.recurrent_activation)[0], c, "sequence");
}

TEST(FusedGru, InPlaceChangeBeforeBackwardIsAnError) {
  Inputs in = MakeInputs(Case{}, 5);
  auto out = FusedGru(in.x, in.kernel, in.recurrent_kernel, in.bias, in.h0, in.options);
  {
    c10::NoGradGuard no_grad;
    in.recurrent_kernel.mul_(2);
  }
  EXPECT_THROW(out[0].sum().backward(), c10::Error);
}

TEST(FusedGru, RejectsBadInputs) {
  Inputs in = MakeInputs(Case{}, 6);
  auto code_of = [&](const at::Tensor& x, const at::Tensor& k, const at::Tensor& bias, const FusedGruOptions& o) {
    try {
      FusedGru(x, k, in.recurrent_kernel, bias, in.h0, o);
    } catch (const Error& e) {
      return std::string(ErrorCodeName(e.code()));
    }
    return std::string("no error");
  };
  const FusedGruOptions& o = in.options;
  EXPECT_EQ(code_of(in.x.select(1, 0), in.kernel, in.bias, o), "ERR_SHAPE");
  EXPECT_EQ(code_of(in.x, in.kernel.narrow(0, 0, 2), in.bias, o), "ERR_SHAPE");
  EXPECT_EQ(code_of(in.x, in.kernel, in.bias.select(0, 0), o), "ERR_SHAPE");  // [3H] needs reset_after=false
  EXPECT_EQ(code_of(in.x.to(at::kDouble), in.kernel, in.bias, o), "ERR_TORCH");
  FusedGruOptions bad = o;
  bad.recurrent_mask = at::ones({4, 3, 7});
  EXPECT_EQ(code_of(in.x, in.kernel, in.bias, bad), "ERR_SHAPE");
  bad = o;
  bad.step_mask = at::ones({3, 6});
  EXPECT_EQ(code_of(in.x, in.kernel, in.bias, bad), "ERR_SHAPE");
  bad = o;
  bad.partitions = 0;
  EXPECT_EQ(code_of(in.x, in.kernel, in.bias, bad), "ERR_TORCH");
}

}  // namespace
}  // namespace tl
