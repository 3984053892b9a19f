// The fused LSTM kernel with peephole connections (FusedLstmOptions::peephole) against a plain
// autograd cell loop written with at:: ops: outputs and the gradients of every input, the
// peephole weights included, across shapes and options.
#include <gtest/gtest.h>

#include <c10/core/GradMode.h>

#include "activations.h"
#include "compat.h"
#include "errors.h"
#include "fused_kernel_test_helpers.h"
#include "kernels/fused_lstm.h"

namespace tl {
namespace {

using fused_test::DropMask;
using fused_test::Grads;
using fused_test::Group;
using fused_test::Leaf;
using fused_test::Loss;

struct Case {
  int64_t batch = 3, steps = 7, features = 5, units = 13;
  bool bias = true, initial_state = true, go_backwards = false;
  std::string activation = "tanh", recurrent_activation = "sigmoid";
  int input_mask_groups = 0;      // 0: none, 1: [B, F], 4: [4, B, F]
  int recurrent_mask_groups = 0;  // 0: none, 1: [B, H], 4: [4, B, H]
  bool step_mask = false;
  int partitions = 1;
  GemmPrecision precision = GemmPrecision::kFloat32;
  GemmBackend gemm = GemmBackend::kAuto;
  double rtol = 1e-5, atol = 1e-5;
  /// > 0: compare as max |got - want| <= scale_tol * max |want| instead (bfloat16 GEMMs).
  double scale_tol = 0;
  /// Scale of the random peephole weights.
  double peephole_scale = 0.7;
};

struct Inputs {
  at::Tensor x, kernel, recurrent_kernel, bias, h0, c0;  // options.peephole: [3, H], a leaf
  FusedLstmOptions options;
  std::vector<at::Tensor> Differentiable() const {
    std::vector<at::Tensor> out = {x, kernel, recurrent_kernel};
    for (const auto& t : {bias, h0, c0}) {
      if (t.defined()) out.push_back(t);
    }
    out.push_back(options.peephole);
    return out;
  }
};

Inputs MakeInputs(const Case& c, uint64_t seed) {
  auto gen = compat::MakeCpuGenerator(seed);
  const int64_t b = c.batch, t = c.steps, f = c.features, h = c.units;
  Inputs in;
  in.x = Leaf(at::randn({b, t, f}, gen));
  in.kernel = Leaf(at::randn({f, 4 * h}, gen).mul_(0.5 / std::sqrt(static_cast<double>(f))));
  in.recurrent_kernel = Leaf(at::randn({h, 4 * h}, gen).mul_(0.5 / std::sqrt(static_cast<double>(h))));
  if (c.bias) in.bias = Leaf(at::randn({4 * h}, gen).mul_(0.3));
  if (c.initial_state) {
    in.h0 = Leaf(at::randn({b, h}, gen).mul_(0.5));
    in.c0 = Leaf(at::randn({b, h}, gen).mul_(0.5));
  }
  FusedLstmOptions& o = in.options;
  // Large enough that every peephole term moves the result well past the tolerance.
  o.peephole = Leaf(at::randn({3, h}, gen).mul_(c.peephole_scale));
  o.activation = *FusedActivation(c.activation);
  o.recurrent_activation = *FusedActivation(c.recurrent_activation);
  o.go_backwards = c.go_backwards;
  o.precision = c.precision;
  o.partitions = c.partitions;
  o.gemm = c.gemm;
  if (c.input_mask_groups == 1) o.input_mask = DropMask({b, f}, gen);
  if (c.input_mask_groups == 4) o.input_mask = DropMask({4, b, f}, gen);
  if (c.recurrent_mask_groups == 1) o.recurrent_mask = DropMask({b, h}, gen);
  if (c.recurrent_mask_groups == 4) o.recurrent_mask = DropMask({4, b, h}, gen);
  if (c.step_mask) {
    o.step_mask = at::empty({b, t}).bernoulli_(0.6, gen).to(at::kBool);
    o.step_mask.select(1, c.go_backwards ? t - 1 : 0).fill_(false);  // a masked first step
  }
  return in;
}

/// Which peephole terms the reference has (all, unless a test drops one to see it caught).
struct Peepholes {
  bool i = true, f = true, o = true;
};

/// The peephole recurrence (layers/peephole_lstm.h) with plain autograd ops, one gate block at
/// a time.
std::vector<at::Tensor> Reference(const Inputs& in, const std::string& activation, const std::string& recurrent,
                                  Peepholes terms = {}) {
  const Activation act = GetActivation(activation);
  const Activation ract = GetActivation(recurrent);
  const FusedLstmOptions& o = in.options;
  const int64_t b = in.x.size(0), t_len = in.x.size(1), h_len = in.recurrent_kernel.size(0);
  const at::Tensor w_i = o.peephole.select(0, 0), w_f = o.peephole.select(0, 1), w_o = o.peephole.select(0, 2);
  at::Tensor h = in.h0.defined() ? in.h0 : at::zeros({b, h_len});
  at::Tensor c = in.c0.defined() ? in.c0 : at::zeros({b, h_len});
  at::Tensor y = at::zeros({b, h_len});
  std::vector<at::Tensor> outputs;
  for (int64_t s = 0; s < t_len; ++s) {
    const int64_t t = o.go_backwards ? t_len - 1 - s : s;
    const at::Tensor xt = in.x.select(1, t);
    std::vector<at::Tensor> z;
    for (int g = 0; g < 4; ++g) {
      at::Tensor xin = o.input_mask.defined() ? xt * Group(o.input_mask, g) : xt;
      at::Tensor hin = o.recurrent_mask.defined() ? h * Group(o.recurrent_mask, g) : h;
      at::Tensor zg = at::matmul(xin, in.kernel.narrow(1, g * h_len, h_len)) +
                      at::matmul(hin, in.recurrent_kernel.narrow(1, g * h_len, h_len));
      if (in.bias.defined()) zg = zg + in.bias.narrow(0, g * h_len, h_len);
      z.push_back(zg);
    }
    const at::Tensor i = ract(terms.i ? z[0] + w_i * c : z[0]);
    const at::Tensor f = ract(terms.f ? z[1] + w_f * c : z[1]);
    const at::Tensor c_new = f * c + i * act(z[2]);
    const at::Tensor h_new = ract(terms.o ? z[3] + w_o * c_new : z[3]) * act(c_new);
    if (o.step_mask.defined()) {
      const at::Tensor m = o.step_mask.select(1, t).to(at::kFloat).unsqueeze(1);
      c = m * c_new + (1 - m) * c;
      h = m * h_new + (1 - m) * h;
      y = m * h_new + (1 - m) * y;
    } else {
      c = c_new;
      h = h_new;
      y = h_new;
    }
    outputs.push_back(y);
  }
  return {at::stack(outputs, 1), h, c};
}

fused_test::Tolerance Tol(const Case& c) { return {c.rtol, c.atol, c.scale_tol, false}; }

void ExpectClose(const at::Tensor& got, const at::Tensor& want, const Case& c, const std::string& what) {
  fused_test::ExpectClose(got, want, Tol(c), what);
}

/// Whether `got` is `want` within the case's tolerance; `why` says by how much it is not.
bool Close(const at::Tensor& got, const at::Tensor& want, const Case& c, std::string* why) {
  *why = fused_test::Mismatch(got, want, Tol(c));
  return why->empty();
}

struct Compared {
  std::vector<at::Tensor> fused, reference, fused_grads, reference_grads;
};

Compared Compare(const Case& c, uint64_t seed, Peepholes terms = {}) {
  Inputs in = MakeInputs(c, seed);
  Compared r;
  r.fused = FusedLstm(in.x, in.kernel, in.recurrent_kernel, in.bias, in.h0, in.c0, in.options);
  r.reference = Reference(in, c.activation, c.recurrent_activation, terms);
  r.fused_grads = Grads(in, Loss(r.fused, seed + 100));
  r.reference_grads = Grads(in, Loss(r.reference, seed + 100));
  return r;
}

void ExpectMatchesReference(const Case& c, uint64_t seed = 1) {
  Compared r = Compare(c, seed);
  const char* names[] = {"sequence", "h", "c"};
  for (int i = 0; i < 3; ++i) ExpectClose(r.fused[i], r.reference[i].detach(), c, names[i]);
  ASSERT_EQ(r.fused_grads.size(), r.reference_grads.size());
  for (size_t i = 0; i < r.fused_grads.size(); ++i) {
    // The last gradient is the peephole weights'; the others as in Inputs::Differentiable.
    const std::string what = i + 1 == r.fused_grads.size() ? "dpeephole" : "gradient " + std::to_string(i);
    ExpectClose(r.fused_grads[i], r.reference_grads[i], c, what);
  }
}

TEST(FusedPeephole, OddSizes) { ExpectMatchesReference(Case{}); }

TEST(FusedPeephole, BatchOne) {
  Case c;
  c.batch = 1;
  ExpectMatchesReference(c);
}

TEST(FusedPeephole, OneStep) {
  Case c;
  c.steps = 1;
  ExpectMatchesReference(c);
  c.initial_state = false;  // c(-1) = 0: i and f get no peephole term at all
  ExpectMatchesReference(c);
}

TEST(FusedPeephole, TinyAndWide) {
  Case c;
  c.batch = 1;
  c.steps = 2;
  c.features = 1;
  c.units = 1;
  ExpectMatchesReference(c);
  c = Case{};
  c.batch = 5;
  c.steps = 11;
  c.features = 9;
  c.units = 37;
  ExpectMatchesReference(c);
}

TEST(FusedPeephole, NoBiasNoInitialState) {
  Case c;
  c.bias = false;
  c.initial_state = false;
  ExpectMatchesReference(c);
}

TEST(FusedPeephole, GoBackwards) {
  Case c;
  c.go_backwards = true;
  ExpectMatchesReference(c);
}

TEST(FusedPeephole, RecurrentDropoutSharedAndPerGate) {
  Case c;
  c.recurrent_mask_groups = 1;
  ExpectMatchesReference(c);
  c.recurrent_mask_groups = 4;
  c.go_backwards = true;
  ExpectMatchesReference(c);
}

TEST(FusedPeephole, InputDropoutSharedAndPerGate) {
  Case c;
  c.input_mask_groups = 1;
  c.recurrent_mask_groups = 1;
  ExpectMatchesReference(c);
  c.input_mask_groups = 4;
  c.recurrent_mask_groups = 4;
  ExpectMatchesReference(c);
}

TEST(FusedPeephole, EveryActivationInEitherRole) {
  const char* names[] = {"tanh", "sigmoid", "hard_sigmoid", "relu", "relu6", "linear", "softsign", "elu"};
  for (const char* name : names) {
    Case c;
    c.activation = name;
    {
      SCOPED_TRACE(std::string("activation ") + name);
      ExpectMatchesReference(c);
    }
    c = Case{};
    c.recurrent_activation = name;
    // Gates outside [0, 1] make c grow like c^2 through the peepholes (to 1e20 within 7 steps
    // at the default scale): smaller peephole weights keep the comparison meaningful.
    const std::string r = name;
    if (r == "relu" || r == "relu6" || r == "linear" || r == "elu") c.peephole_scale = 0.3;
    SCOPED_TRACE(std::string("recurrent_activation ") + name);
    ExpectMatchesReference(c);
  }
}

TEST(FusedPeephole, StepMask) {
  Case c;
  c.step_mask = true;
  ExpectMatchesReference(c);
  c.go_backwards = true;
  c.recurrent_mask_groups = 1;
  ExpectMatchesReference(c, 2);
}

TEST(FusedPeephole, TwoPartitions) {
  Case c;
  c.partitions = 2;
  c.step_mask = true;
  c.recurrent_mask_groups = 4;
  c.input_mask_groups = 1;
  ExpectMatchesReference(c);
  c = Case{};
  c.batch = 8;
  c.partitions = 3;
  c.go_backwards = true;
  ExpectMatchesReference(c);
}

TEST(FusedPeephole, AtenGemmsAgree) {
  Case c;
  c.gemm = GemmBackend::kATen;
  ExpectMatchesReference(c);
  c.input_mask_groups = 4;
  c.recurrent_mask_groups = 4;
  c.step_mask = true;
  c.partitions = 2;
  ExpectMatchesReference(c);
}

TEST(FusedPeephole, BFloat16GemmsStayCloseToFloat32) {
  Case c;
  c.batch = 6;
  c.steps = 9;
  c.units = 32;
  c.precision = GemmPrecision::kBFloat16;
  c.scale_tol = 0.01;  // as FusedLstm's: bfloat16 keeps 8 bits
  ExpectMatchesReference(c);
  c.recurrent_mask_groups = 4;
  c.input_mask_groups = 1;
  c.step_mask = true;
  c.go_backwards = true;
  c.partitions = 2;
  ExpectMatchesReference(c);
  c.gemm = GemmBackend::kATen;
  c.scale_tol = 0.02;  // at::mm also rounds every GEMM result to bfloat16
  ExpectMatchesReference(c);
}

// Each peephole term matters at this tolerance: a reference without it, or a peephole
// gradient off by 0.1% in one entry, is caught.
TEST(FusedPeephole, TheToleranceCatchesAWrongPeephole) {
  Case c;
  c.step_mask = true;
  std::string why;
  {
    Compared r = Compare(c, 1);
    const at::Tensor want = r.reference_grads.back();
    ASSERT_TRUE(Close(r.fused_grads.back(), want, c, &why)) << why;
    for (int gate = 0; gate < 3; ++gate) {
      at::Tensor bad = r.fused_grads.back().clone();
      const int64_t j = bad.select(0, gate).abs().argmax().item<int64_t>();
      bad[gate][j] = bad[gate][j] * 1.001;
      EXPECT_FALSE(Close(bad, want, c, &why)) << "gate " << gate;
    }
  }
  for (int dropped = 0; dropped < 3; ++dropped) {
    Peepholes terms;
    (dropped == 0 ? terms.i : dropped == 1 ? terms.f : terms.o) = false;
    Compared r = Compare(c, 1, terms);
    EXPECT_FALSE(Close(r.fused[0], r.reference[0].detach(), c, &why)) << "without term " << dropped;
    EXPECT_FALSE(Close(r.fused_grads.back(), r.reference_grads.back(), c, &why)) << "without term " << dropped;
  }
}

// Zero peephole weights are the plain LSTM, bit for bit (and the plain LSTM's path is the
// kernel without them).
TEST(FusedPeephole, ZeroWeightsAreThePlainLstm) {
  Case c;
  c.step_mask = true;
  c.recurrent_mask_groups = 1;
  Inputs in = MakeInputs(c, 12);
  {
    c10::NoGradGuard no_grad;
    in.options.peephole.zero_();
  }
  FusedLstmOptions plain = in.options;
  plain.peephole = at::Tensor();
  auto with = FusedLstm(in.x, in.kernel, in.recurrent_kernel, in.bias, in.h0, in.c0, in.options);
  auto gw = Grads(in, Loss(with, 13));
  auto without = FusedLstm(in.x, in.kernel, in.recurrent_kernel, in.bias, in.h0, in.c0, plain);
  auto gp = Grads(in, Loss(without, 13));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(at::equal(with[i], without[i])) << "output " << i;
  for (size_t i = 0; i + 1 < gw.size(); ++i) EXPECT_TRUE(at::equal(gw[i], gp[i])) << "gradient " << i;
  EXPECT_TRUE(gw.back().defined());
  EXPECT_FALSE(gp.back().defined());  // not an input of the plain call
}

TEST(FusedPeephole, WorkspaceReuse) {
  Case c;
  c.recurrent_mask_groups = 4;
  c.input_mask_groups = 1;
  c.partitions = 2;
  for (GemmPrecision precision : {GemmPrecision::kFloat32, GemmPrecision::kBFloat16}) {
    Inputs in = MakeInputs(c, 10);
    in.options.precision = precision;
    in.options.workspace = std::make_shared<FusedLstmWorkspace>();
    FusedLstmOptions plain = in.options;
    plain.workspace = nullptr;
    for (int step = 0; step < 2; ++step) {
      auto with = FusedLstm(in.x, in.kernel, in.recurrent_kernel, in.bias, in.h0, in.c0, in.options);
      auto gw = Grads(in, Loss(with, 11));
      auto without = FusedLstm(in.x, in.kernel, in.recurrent_kernel, in.bias, in.h0, in.c0, plain);
      auto gp = Grads(in, Loss(without, 11));
      for (int i = 0; i < 3; ++i) EXPECT_TRUE(at::equal(with[i], without[i])) << "output " << i;
      for (size_t i = 0; i < gw.size(); ++i) EXPECT_TRUE(at::equal(gw[i], gp[i])) << "gradient " << i;
    }
  }
}

TEST(FusedPeephole, OnlySomeInputsNeedGradients) {
  Case c;
  // Only the peephole weights: the node still runs, and gives them their gradient.
  Inputs in = MakeInputs(c, 3);
  for (auto* t : {&in.x, &in.kernel, &in.recurrent_kernel, &in.bias, &in.h0, &in.c0}) *t = t->detach();
  auto out = FusedLstm(in.x, in.kernel, in.recurrent_kernel, in.bias, in.h0, in.c0, in.options);
  out[1].sum().backward();
  const at::Tensor got = in.options.peephole.grad().clone();
  in.options.peephole.mutable_grad() = at::Tensor();
  Reference(in, c.activation, c.recurrent_activation)[1].sum().backward();
  ExpectClose(got, in.options.peephole.grad(), c, "dpeephole");
  // Everything but the peephole weights.
  in = MakeInputs(c, 4);
  in.options.peephole = in.options.peephole.detach();
  out = FusedLstm(in.x, in.kernel, in.recurrent_kernel, in.bias, in.h0, in.c0, in.options);
  auto ref = Reference(in, c.activation, c.recurrent_activation);
  EXPECT_TRUE(at::allclose(out[0], ref[0], c.rtol, c.atol));
  out[2].sum().backward();
  const at::Tensor dc0 = in.c0.grad().clone(), dr = in.recurrent_kernel.grad().clone();
  in.c0.mutable_grad() = at::Tensor();
  in.recurrent_kernel.mutable_grad() = at::Tensor();
  ref[2].sum().backward();
  ExpectClose(dc0, in.c0.grad(), c, "dc0");
  ExpectClose(dr, in.recurrent_kernel.grad(), c, "drecurrent_kernel");
  EXPECT_FALSE(in.options.peephole.grad().defined());
}

TEST(FusedPeephole, WithoutGradModeNoGraph) {
  Case c;
  c.step_mask = true;
  Inputs in = MakeInputs(c, 4);
  c10::NoGradGuard no_grad;
  auto out = FusedLstm(in.x, in.kernel, in.recurrent_kernel, in.bias, in.h0, in.c0, in.options);
  EXPECT_FALSE(out[0].requires_grad());
  auto ref = Reference(in, c.activation, c.recurrent_activation);
  for (int i = 0; i < 3; ++i) ExpectClose(out[i], ref[i], c, "output " + std::to_string(i));
}

TEST(FusedPeephole, InPlaceChangeOfThePeepholesBeforeBackwardIsAnError) {
  Inputs in = MakeInputs(Case{}, 5);
  auto out = FusedLstm(in.x, in.kernel, in.recurrent_kernel, in.bias, in.h0, in.c0, in.options);
  {
    c10::NoGradGuard no_grad;
    in.options.peephole.mul_(2);
  }
  EXPECT_THROW(out[0].sum().backward(), c10::Error);
}

TEST(FusedPeephole, RejectsBadPeepholes) {
  Inputs in = MakeInputs(Case{}, 6);
  auto run = [&](const at::Tensor& peephole) {
    FusedLstmOptions o = in.options;
    o.peephole = peephole;
    return FusedLstm(in.x, in.kernel, in.recurrent_kernel, in.bias, in.h0, in.c0, o);
  };
  const at::Tensor w = in.options.peephole.detach();
  EXPECT_THROW(run(w.narrow(0, 0, 2)), Error);
  EXPECT_THROW(run(w.narrow(1, 0, 12)), Error);
  EXPECT_THROW(run(w.reshape({39})), Error);
  EXPECT_THROW(run(w.to(at::kDouble)), Error);
  EXPECT_NO_THROW(run(w.t().contiguous().t()));  // any strides
}

}  // namespace
}  // namespace tl
