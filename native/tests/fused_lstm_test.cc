// The fused LSTM kernel (kernels/fused_lstm.h) against a plain autograd cell loop written with
// at:: ops: outputs and the gradients of every input, across shapes and options.
#include <gtest/gtest.h>

#include <c10/core/GradMode.h>

#include "activations.h"
#include "compat.h"
#include "errors.h"
#include "fused_kernel_test_helpers.h"
#include "kernels/fused_lstm.h"
#include "kernels/gemm.h"
#include "layers/lstm_loop.h"

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
};

struct Inputs {
  at::Tensor x, kernel, recurrent_kernel, bias, h0, c0;
  FusedLstmOptions options;
  std::vector<at::Tensor> Differentiable() const {
    std::vector<at::Tensor> out = {x, kernel, recurrent_kernel};
    for (const auto& t : {bias, h0, c0}) {
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
  in.kernel = Leaf(at::randn({f, 4 * h}, gen).mul_(0.5 / std::sqrt(static_cast<double>(f))));
  in.recurrent_kernel = Leaf(at::randn({h, 4 * h}, gen).mul_(0.5 / std::sqrt(static_cast<double>(h))));
  if (c.bias) in.bias = Leaf(at::randn({4 * h}, gen).mul_(0.3));
  if (c.initial_state) {
    in.h0 = Leaf(at::randn({b, h}, gen).mul_(0.5));
    in.c0 = Leaf(at::randn({b, h}, gen).mul_(0.5));
  }
  FusedLstmOptions& o = in.options;
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

/// The Keras recurrence with plain autograd ops, one gate block at a time.
std::vector<at::Tensor> Reference(const Inputs& in, const std::string& activation, const std::string& recurrent) {
  const Activation act = GetActivation(activation);
  const Activation ract = GetActivation(recurrent);
  const FusedLstmOptions& o = in.options;
  const int64_t b = in.x.size(0), t_len = in.x.size(1), h_len = in.recurrent_kernel.size(0);
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
    const at::Tensor c_new = ract(z[1]) * c + ract(z[0]) * act(z[2]);
    const at::Tensor h_new = ract(z[3]) * act(c_new);
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

void ExpectMatchesReference(const Case& c, uint64_t seed = 1) {
  Inputs in = MakeInputs(c, seed);
  auto fused = FusedLstm(in.x, in.kernel, in.recurrent_kernel, in.bias, in.h0, in.c0, in.options);
  auto reference = Reference(in, c.activation, c.recurrent_activation);
  const char* names[] = {"sequence", "h", "c"};
  for (int i = 0; i < 3; ++i) ExpectClose(fused[i], reference[i].detach(), c, names[i]);
  auto gf = Grads(in, Loss(fused, seed + 100));
  auto gr = Grads(in, Loss(reference, seed + 100));
  const char* grad_names[] = {"dx", "dkernel", "drecurrent_kernel", "dbias/dh0", "dh0/dc0", "dc0"};
  for (size_t i = 0; i < gf.size(); ++i) ExpectClose(gf[i], gr[i], c, grad_names[i]);
}

TEST(FusedLstm, OddSizes) { ExpectMatchesReference(Case{}); }

TEST(FusedLstm, BatchOne) {
  Case c;
  c.batch = 1;
  ExpectMatchesReference(c);
}

TEST(FusedLstm, OneStep) {
  Case c;
  c.steps = 1;
  ExpectMatchesReference(c);
}

TEST(FusedLstm, TinyAndWide) {
  Case c;
  c.batch = 1;
  c.steps = 2;
  c.features = 1;
  c.units = 1;
  ExpectMatchesReference(c);
  c = Case{};
  c.batch = 5;
  c.steps = 4;
  c.features = 9;
  c.units = 37;
  ExpectMatchesReference(c);
}

TEST(FusedLstm, NoBiasNoInitialState) {
  Case c;
  c.bias = false;
  c.initial_state = false;
  ExpectMatchesReference(c);
}

TEST(FusedLstm, GoBackwards) {
  Case c;
  c.go_backwards = true;
  ExpectMatchesReference(c);
}

TEST(FusedLstm, RecurrentDropoutSharedMask) {
  Case c;
  c.recurrent_mask_groups = 1;
  ExpectMatchesReference(c);
}

TEST(FusedLstm, RecurrentDropoutMaskPerGate) {
  Case c;
  c.recurrent_mask_groups = 4;
  c.go_backwards = true;
  ExpectMatchesReference(c);
}

TEST(FusedLstm, InputDropoutSharedAndPerGate) {
  Case c;
  c.input_mask_groups = 1;
  c.recurrent_mask_groups = 1;
  ExpectMatchesReference(c);
  c.input_mask_groups = 4;
  c.recurrent_mask_groups = 4;
  ExpectMatchesReference(c);
}

TEST(FusedLstm, EveryActivationInEitherRole) {
  const char* names[] = {"tanh", "sigmoid", "hard_sigmoid", "relu", "relu6", "linear", "softsign", "elu"};
  for (const char* name : names) {
    Case c;
    c.activation = name;
    ExpectMatchesReference(c);
    c = Case{};
    c.recurrent_activation = name;
    ExpectMatchesReference(c);
  }
}

TEST(FusedLstm, StepMask) {
  Case c;
  c.step_mask = true;
  ExpectMatchesReference(c);
  c.go_backwards = true;
  c.recurrent_mask_groups = 1;
  ExpectMatchesReference(c, 2);
}

TEST(FusedLstm, TwoPartitions) {
  Case c;
  c.partitions = 2;
  c.step_mask = true;
  c.recurrent_mask_groups = 4;
  ExpectMatchesReference(c);
  c = Case{};
  c.batch = 8;
  c.partitions = 3;
  ExpectMatchesReference(c);
}

TEST(FusedLstm, BFloat16GemmsStayCloseToFloat32) {
  Case c;
  c.batch = 6;
  c.steps = 9;
  c.units = 32;
  c.precision = GemmPrecision::kBFloat16;
  c.scale_tol = 0.01;  // bfloat16 keeps 8 bits: ~0.4% per rounding, observed <= 0.5% of scale
  ExpectMatchesReference(c);
  c.recurrent_mask_groups = 4;
  c.input_mask_groups = 1;
  c.step_mask = true;
  c.go_backwards = true;
  c.partitions = 2;
  ExpectMatchesReference(c);
}

TEST(FusedLstm, BFloat16WithAtenGemms) {
  Case c;
  c.batch = 6;
  c.steps = 9;
  c.units = 32;
  c.precision = GemmPrecision::kBFloat16;
  c.gemm = GemmBackend::kATen;
  c.scale_tol = 0.02;  // at::mm also rounds every GEMM result to bfloat16
  c.recurrent_mask_groups = 1;
  c.partitions = 2;
  ExpectMatchesReference(c);
}

TEST(FusedLstm, AtenGemmsAgree) {
  Case c;
  c.gemm = GemmBackend::kATen;
  ExpectMatchesReference(c);
  c.input_mask_groups = 4;
  c.recurrent_mask_groups = 4;
  c.step_mask = true;
  c.partitions = 2;
  ExpectMatchesReference(c);
}

TEST(FusedLstmGemm, TransposedAndStridedOperandsBothBackends) {
  auto gen = compat::MakeCpuGenerator(9);
  const at::Tensor a = at::randn({7, 5}, gen), b = at::randn({5, 11}, gen);
  const at::Tensor at_ = a.t().contiguous().t(), bt = b.t().contiguous().t();  // column-major views
  const at::Tensor big = at::randn({7, 20}, gen);
  for (GemmBackend backend : {GemmBackend::kAuto, GemmBackend::kATen}) {
    for (at::ScalarType dtype : {at::kFloat, at::kBFloat16}) {
      const at::Tensor a1 = a.to(dtype), b1 = b.to(dtype), a2 = at_.to(dtype).t().contiguous().t(),
                       b2 = bt.to(dtype).t().contiguous().t();
      const at::Tensor want = at::mm(a1.to(at::kFloat), b1.to(at::kFloat));
      // bfloat16 inputs; at::mm also rounds its result to bfloat16 (and may accumulate in it).
      const double tol = dtype == at::kFloat ? 1e-5 : backend == GemmBackend::kAuto ? 1e-2 : 5e-2;
      for (const auto& [x, y] : {std::pair{a1, b1}, std::pair{a2, b2}, std::pair{a1, b2}}) {
        at::Tensor out = big.clone();
        at::Tensor view = out.narrow(1, 3, 11);  // rows of a wider buffer
        gemm::MatMul(x, y, view, false, backend);
        EXPECT_TRUE(at::allclose(view, want, tol, tol))
            << gemm::AutoBackendName(dtype) << " backend " << static_cast<int>(backend) << " max diff "
            << (view - want).abs().max().item<double>() << " strides " << x.strides() << " " << y.strides();
        EXPECT_TRUE(at::equal(out.narrow(1, 0, 3), big.narrow(1, 0, 3)));  // untouched around it
        gemm::MatMul(x, y, view, true, backend);
        EXPECT_TRUE(at::allclose(view, 2 * want, tol, 2 * tol));
      }
    }
  }
}

// The layer's own cell loop (layers/lstm_loop.h, zero initial state, one recurrent mask).
TEST(FusedLstm, MatchesTheLayersCellLoop) {
  Case c;
  c.initial_state = false;
  c.recurrent_mask_groups = 1;
  c.activation = "relu";
  Inputs in = MakeInputs(c, 7);
  auto fused = FusedLstm(in.x, in.kernel, in.recurrent_kernel, in.bias, {}, {}, in.options);
  const at::Tensor projected = at::matmul(in.x, in.kernel) + in.bias;
  const at::Tensor mask = in.options.recurrent_mask;
  auto loop = RunLstmLoop(projected.unbind(1), c.batch, c.units, /*return_sequences=*/true, /*return_state=*/true,
                          GetActivation(c.activation), GetActivation(c.recurrent_activation),
                          [&](const at::Tensor& step, const at::Tensor& h) {
                            return at::addmm(step, h * mask, in.recurrent_kernel);
                          },
                          in.x.options());
  for (int i = 0; i < 3; ++i) ExpectClose(fused[i], loop[i].detach(), c, "output " + std::to_string(i));
  auto gf = Grads(in, Loss(fused, 8));
  auto gl = Grads(in, Loss(loop, 8));
  for (size_t i = 0; i < gf.size(); ++i) ExpectClose(gf[i], gl[i], c, "gradient " + std::to_string(i));
}

TEST(FusedLstm, WorkspaceReusesOnlyFreeBuffers) {
  Case c;
  c.recurrent_mask_groups = 4;
  c.input_mask_groups = 1;
  for (GemmPrecision precision : {GemmPrecision::kFloat32, GemmPrecision::kBFloat16}) {
    Inputs in = MakeInputs(c, 10);
    in.options.precision = precision;
    in.options.workspace = std::make_shared<FusedLstmWorkspace>();
    FusedLstmOptions plain = in.options;
    plain.workspace = nullptr;
    // Two training steps through the workspace give what fresh buffers give.
    for (int step = 0; step < 2; ++step) {
      auto with = FusedLstm(in.x, in.kernel, in.recurrent_kernel, in.bias, in.h0, in.c0, in.options);
      auto gw = Grads(in, Loss(with, 11));
      auto without = FusedLstm(in.x, in.kernel, in.recurrent_kernel, in.bias, in.h0, in.c0, plain);
      auto gp = Grads(in, Loss(without, 11));
      for (int i = 0; i < 3; ++i) EXPECT_TRUE(at::equal(with[i], without[i])) << "output " << i;
      for (size_t i = 0; i < gw.size(); ++i) EXPECT_TRUE(at::equal(gw[i], gp[i])) << "gradient " << i;
    }
    // An output still held is not overwritten by the next call; a dropped one is reused.
    auto first = FusedLstm(in.x, in.kernel, in.recurrent_kernel, in.bias, in.h0, in.c0, in.options)[0];
    const at::Tensor expected = first.clone();
    auto second = FusedLstm(in.x * 2, in.kernel, in.recurrent_kernel, in.bias, in.h0, in.c0, in.options)[0];
    EXPECT_TRUE(at::equal(first, expected));
    EXPECT_NE(first.data_ptr(), second.data_ptr());
    void* reused = second.data_ptr();
    second = at::Tensor();
    auto third = FusedLstm(in.x, in.kernel, in.recurrent_kernel, in.bias, in.h0, in.c0, in.options)[0];
    EXPECT_EQ(third.data_ptr(), reused);
    EXPECT_TRUE(at::allclose(third, expected, 1e-6, 1e-6));
  }
}

TEST(FusedLstm, OnlySomeInputsNeedGradients) {
  Case c;
  Inputs in = MakeInputs(c, 3);
  in.x = in.x.detach();
  in.h0 = in.h0.detach();
  auto out = FusedLstm(in.x, in.kernel, in.recurrent_kernel, in.bias, in.h0, in.c0, in.options);
  auto ref = Reference(in, c.activation, c.recurrent_activation);
  // Only the last state reaches the loss: the sequence gets no gradient at all.
  out[1].sum().backward();
  auto grads = std::vector<at::Tensor>{in.kernel.grad().clone(), in.recurrent_kernel.grad().clone(),
                                       in.bias.grad().clone(), in.c0.grad().clone()};
  for (auto* t : {&in.kernel, &in.recurrent_kernel, &in.bias, &in.c0}) t->mutable_grad() = at::Tensor();
  ref[1].sum().backward();
  ExpectClose(grads[0], in.kernel.grad(), c, "dkernel");
  ExpectClose(grads[1], in.recurrent_kernel.grad(), c, "drecurrent_kernel");
  ExpectClose(grads[2], in.bias.grad(), c, "dbias");
  ExpectClose(grads[3], in.c0.grad(), c, "dc0");
}

TEST(FusedLstm, WithoutGradModeNoGraph) {
  Case c;
  Inputs in = MakeInputs(c, 4);
  c10::NoGradGuard no_grad;
  auto out = FusedLstm(in.x, in.kernel, in.recurrent_kernel, in.bias, in.h0, in.c0, in.options);
  EXPECT_FALSE(out[0].requires_grad());
  auto ref = Reference(in, c.activation, c.recurrent_activation);
  ExpectClose(out[0], ref[0], c, "sequence");
}

TEST(FusedLstm, InPlaceChangeBeforeBackwardIsAnError) {
  Inputs in = MakeInputs(Case{}, 5);
  auto out = FusedLstm(in.x, in.kernel, in.recurrent_kernel, in.bias, in.h0, in.c0, in.options);
  {
    c10::NoGradGuard no_grad;
    in.recurrent_kernel.mul_(2);
  }
  EXPECT_THROW(out[0].sum().backward(), c10::Error);
}

TEST(FusedLstm, RejectsMismatchedShapes) {
  Inputs in = MakeInputs(Case{}, 6);
  auto run = [&](const at::Tensor& x, const at::Tensor& k, const FusedLstmOptions& o) {
    return FusedLstm(x, k, in.recurrent_kernel, in.bias, in.h0, in.c0, o);
  };
  EXPECT_THROW(run(in.x.select(1, 0), in.kernel, in.options), Error);
  EXPECT_THROW(run(in.x, in.kernel.narrow(0, 0, 2), in.options), Error);
  EXPECT_THROW(run(in.x.to(at::kDouble), in.kernel, in.options), Error);
  FusedLstmOptions o = in.options;
  o.recurrent_mask = at::ones({2, 3, 13});
  EXPECT_THROW(run(in.x, in.kernel, o), Error);
  o = in.options;
  o.step_mask = at::ones({3, 6});
  EXPECT_THROW(run(in.x, in.kernel, o), Error);
}

TEST(FusedLstm, ActivationNames) {
  EXPECT_EQ(FusedActivation("hard_sigmoid"), GateActivation::kHardSigmoid);
  EXPECT_FALSE(FusedActivation("swish").has_value());
  EXPECT_STREQ(ActivationName(GateActivation::kRelu6), "relu6");
}

}  // namespace
}  // namespace tl

