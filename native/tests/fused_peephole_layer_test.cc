// The PeepholeLSTM layer trains (and predicts) through the fused CPU kernel with peepholes;
// LibTorch's cell loop (useCudnn=false) is its reference.
#include <gtest/gtest.h>

#include <c10/core/GradMode.h>

#include "recurrent_helpers.h"

#include "compat.h"
#include "layers/peephole_lstm.h"

namespace tl {
namespace {

LstmSpec PeepholeS(int64_t units) {
  LstmSpec s = testing::LstmS(units);
  s.name = "peephole";
  return s;
}

/// Gives the three peephole weights distinct values (one seeded initializer makes them equal),
/// large enough to matter; the same in every layer.
void SetPeepholes(PeepholeLstm& layer) {
  c10::NoGradGuard no_grad;
  const auto w = layer.Weights();
  for (int i = 3; i < 6; ++i) w[i].copy_(at::randn(w[i].sizes(), compat::MakeCpuGenerator(30 + i)) * 0.6);
}

// The layer in training runs the fused kernel; the same layer forced to LibTorch's cell loop
// (useCudnn=false) is the reference: same outputs and gradients (the six weights, x, h0, c0)
// with masks, dropout masks (same seed: the same draws), go_backwards, initial states and
// non-default activations.
TEST(FusedPeepholeLayer, TrainingMatchesTheCellLoopReference) {
  for (int variant = 0; variant < 6; ++variant) {
    SCOPED_TRACE("variant " + std::to_string(variant));
    LstmSpec s = PeepholeS(6);
    s.activation = variant == 2 ? "relu" : "tanh";
    s.recurrent_activation = variant == 2 ? "hard_sigmoid" : "sigmoid";
    s.return_sequences = variant != 1;
    s.return_state = variant == 5;
    s.go_backwards = variant == 1 || variant == 4;
    s.dropout = variant >= 3 ? 0.2 : 0.0;
    s.recurrent_dropout = variant >= 3 ? 0.3 : 0.0;
    s.unit_forget_bias = variant == 4;
    LstmSpec loop_spec = s;
    loop_spec.use_cudnn = UseFused::kNever;
    PeepholeLstm fused(s, {7, 4}), loop(loop_spec, {7, 4});
    SetPeepholes(fused);
    SetPeepholes(loop);
    const at::Tensor x = at::randn({5, 7, 4}, compat::MakeCpuGenerator(9));
    const at::Tensor h0 = at::randn({5, 6}, compat::MakeCpuGenerator(10)) * 0.5;
    const at::Tensor c0 = at::randn({5, 6}, compat::MakeCpuGenerator(11)) * 0.5;
    at::Tensor mask = at::ones({5, 7}, at::kBool);
    mask.index_put_({1, at::indexing::Slice(4, 7)}, false);  // right-padded
    mask.index_put_({3, 0}, false);                           // a hole at the start
    mask.index_put_({4, 3}, false);                           // and one in the middle
    const bool masked = variant >= 2, initial = variant >= 3;
    std::vector<at::Tensor> grads[2], outputs[2];
    PeepholeLstm* layers[2] = {&fused, &loop};
    for (int k = 0; k < 2; ++k) {
      auto gen = compat::MakeCpuGenerator(5);
      std::vector<at::Tensor> in = {x.clone().set_requires_grad(true)};
      if (initial) {
        in.push_back(h0.clone().set_requires_grad(true));
        in.push_back(c0.clone().set_requires_grad(true));
      }
      outputs[k] = layers[k]->Call(in, {masked ? mask : at::Tensor()}, ForwardContext{true, &gen}).tensors;
      at::Tensor loss = at::zeros({});
      for (size_t j = 0; j < outputs[k].size(); ++j) loss = loss + (j + 1.0) * outputs[k][j].square().sum();
      loss.backward();
      for (auto& w : layers[k]->Weights()) grads[k].push_back(w.grad());
      for (auto& t : in) grads[k].push_back(t.grad());
    }
    EXPECT_EQ(fused.last_kernel(), "fused CPU kernel, analytic backward");
    EXPECT_EQ(loop.last_kernel(), "cell loop");
    ASSERT_EQ(outputs[0].size(), outputs[1].size());
    for (size_t j = 0; j < outputs[0].size(); ++j) {
      EXPECT_TRUE(at::allclose(outputs[0][j], outputs[1][j], 1e-5, 1e-6))
          << "output " << j << " max diff " << (outputs[0][j] - outputs[1][j]).abs().max().item<double>();
    }
    ASSERT_EQ(grads[0].size(), grads[1].size());
    ASSERT_EQ(grads[0].size(), 6u + (initial ? 3 : 1));
    for (size_t i = 0; i < grads[0].size(); ++i) {
      ASSERT_TRUE(grads[0][i].defined() && grads[1][i].defined()) << "gradient " << i;
      EXPECT_TRUE(at::allclose(grads[0][i], grads[1][i], 1e-4, 1e-5))
          << "gradient " << i << " max diff " << (grads[0][i] - grads[1][i]).abs().max().item<double>();
    }
    // The peephole weights (3, 4, 5) do get a gradient.
    for (int i = 3; i < 6; ++i) EXPECT_GT(grads[0][i].abs().sum().item<double>(), 0.0) << "weight " << i;
  }
}

// Without autograd (predict) the kernel's forward runs, and matches the cell loop.
TEST(FusedPeepholeLayer, InferenceMatchesTheCellLoop) {
  LstmSpec s = PeepholeS(5);
  s.return_sequences = true;
  s.return_state = true;
  LstmSpec loop_spec = s;
  loop_spec.use_cudnn = UseFused::kNever;
  PeepholeLstm fused(s, {6, 3}), loop(loop_spec, {6, 3});
  SetPeepholes(fused);
  SetPeepholes(loop);
  const at::Tensor x = at::randn({4, 6, 3}, compat::MakeCpuGenerator(21));
  at::Tensor mask = at::ones({4, 6}, at::kBool);
  mask.index_put_({2, 1}, false);
  c10::NoGradGuard no_grad;
  for (const at::Tensor& m : {at::Tensor(), mask}) {
    auto a = fused.Call({x}, {m}, ForwardContext{}).tensors;
    auto b = loop.Call({x}, {m}, ForwardContext{}).tensors;
    EXPECT_EQ(fused.last_kernel(), "fused CPU kernel");
    EXPECT_EQ(loop.last_kernel(), "cell loop");
    ASSERT_EQ(a.size(), 3u);
    for (size_t j = 0; j < a.size(); ++j) EXPECT_TRUE(at::allclose(a[j], b[j], 1e-5, 1e-6)) << "output " << j;
  }
}

// Under a mixed_bfloat16 autocast the kernel runs bfloat16 GEMMs (the peepholes stay float32):
// close to float32, not equal.
TEST(FusedPeepholeLayer, AutocastRunsBFloat16Gemms) {
  LstmSpec s = PeepholeS(32);
  s.return_sequences = true;
  PeepholeLstm layer(s, {9, 8});
  const at::Tensor x = at::randn({6, 9, 8}, compat::MakeCpuGenerator(3));
  const at::Tensor fp32 = layer.Call({x}, {at::Tensor()}, ForwardContext{true}).tensors[0];
  compat::SetAutocast(at::kCPU, true, at::kBFloat16);
  const at::Tensor bf16 = layer.Call({x}, {at::Tensor()}, ForwardContext{true}).tensors[0];
  EXPECT_TRUE(compat::AutocastEnabled(at::kCPU));
  compat::SetAutocast(at::kCPU, false, at::kBFloat16);
  EXPECT_EQ(layer.last_kernel(), "fused CPU kernel, analytic backward");
  const double diff = (bf16 - fp32).abs().max().item<double>();
  EXPECT_GT(diff, 0.0);
  EXPECT_LT(diff, 0.01 * fp32.abs().max().item<double>());
}

TEST(FusedPeepholeLayer, SummaryNamesTheKernel) {
  const LayerInfo info = PeepholeLstm(PeepholeS(3), {4, 2}).Describe();
  EXPECT_EQ(info.kernel->training, "fused CPU kernel, analytic backward (CPU; cell loop elsewhere)");
  EXPECT_EQ(info.kernel->inference, "fused CPU kernel (CPU; cell loop elsewhere)");
  LstmSpec never = PeepholeS(3);
  never.use_cudnn = UseFused::kNever;
  const LayerInfo loop = PeepholeLstm(never, {4, 2}).Describe();
  EXPECT_EQ(loop.kernel->training, "cell loop");
  EXPECT_EQ(loop.kernel->reason, "useCudnn=false");
}

}  // namespace
}  // namespace tl
