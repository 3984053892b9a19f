// The GRU layer trains through the fused CPU kernel; LibTorch's cell loop (useCudnn=false) is
// its reference.
#include <gtest/gtest.h>

#include "recurrent_helpers.h"

#include "compat.h"
#include "layers/gru.h"

namespace tl {
namespace {

// The GRU layer in training runs the fused kernel; the same layer forced to LibTorch's cell
// loop (useCudnn=false) is the reference: same outputs and gradients (weights, x, h0) with
// masks, dropout masks (same seed: the same draws), go_backwards and initial state.
TEST(FusedGruLayer, TrainingMatchesTheCellLoopReference) {
  for (int variant = 0; variant < 8; ++variant) {
    SCOPED_TRACE("variant " + std::to_string(variant));
    GruSpec s = testing::GruS(6, /*reset_after=*/variant % 2 == 0);
    s.activation = variant / 2 == 2 ? "relu" : "tanh";
    s.recurrent_activation = variant / 2 == 2 ? "hard_sigmoid" : "sigmoid";
    s.return_sequences = variant / 2 != 1;
    s.go_backwards = variant / 2 == 1;
    s.dropout = variant / 2 == 3 ? 0.2 : 0.0;
    s.recurrent_dropout = variant / 2 == 3 ? 0.3 : 0.0;
    GruSpec loop_spec = s;
    loop_spec.use_cudnn = UseFused::kNever;
    Gru fused(s, {7, 4}), loop(loop_spec, {7, 4});
    const at::Tensor x = at::randn({5, 7, 4}, compat::MakeCpuGenerator(9));
    const at::Tensor h0 = at::randn({5, 6}, compat::MakeCpuGenerator(10));
    at::Tensor mask = at::ones({5, 7}, at::kBool);
    mask.index_put_({1, at::indexing::Slice(4, 7)}, false);  // right-padded
    mask.index_put_({3, 0}, false);                           // a hole at the start
    std::vector<at::Tensor> grads[2];
    std::vector<at::Tensor> outputs[2];
    Gru* layers[2] = {&fused, &loop};
    for (int k = 0; k < 2; ++k) {
      auto gen = compat::MakeCpuGenerator(5);
      std::vector<at::Tensor> in = {x.clone().set_requires_grad(true), h0.clone().set_requires_grad(true)};
      if (variant < 2) in.pop_back();
      auto out = layers[k]->Call(in, {variant < 2 ? at::Tensor() : mask}, ForwardContext{true, &gen}).tensors;
      out[0].square().sum().backward();
      outputs[k] = out;
      for (auto& w : layers[k]->Weights()) grads[k].push_back(w.grad());
      for (auto& t : in) grads[k].push_back(t.grad());
    }
    EXPECT_EQ(fused.last_kernel(), "fused CPU kernel, analytic backward");
    EXPECT_EQ(loop.last_kernel(), "cell loop");
    ASSERT_TRUE(at::allclose(outputs[0][0], outputs[1][0], 1e-5, 1e-6));
    ASSERT_EQ(grads[0].size(), grads[1].size());
    for (size_t i = 0; i < grads[0].size(); ++i) {
      EXPECT_TRUE(at::allclose(grads[0][i], grads[1][i], 1e-4, 1e-5))
          << "gradient " << i << " max diff " << (grads[0][i] - grads[1][i]).abs().max().item<double>();
    }
  }
}

// Under a mixed_bfloat16 autocast the layer's kernel runs bfloat16 GEMMs: close to float32,
// not equal, and the thread's autocast state is back on afterwards.
TEST(FusedGruLayer, AutocastRunsBFloat16Gemms) {
  GruSpec s = testing::GruS(32);
  s.return_sequences = true;
  Gru layer(s, {9, 8});
  const at::Tensor x = at::randn({6, 9, 8}, compat::MakeCpuGenerator(3));
  const at::Tensor fp32 = layer.Call({x}, {at::Tensor()}, ForwardContext{true}).tensors[0];
  compat::SetAutocast(at::kCPU, true, at::kBFloat16);
  const at::Tensor bf16 = layer.Call({x}, {at::Tensor()}, ForwardContext{true}).tensors[0];
  EXPECT_TRUE(compat::AutocastEnabled(at::kCPU));
  compat::SetAutocast(at::kCPU, false, at::kBFloat16);
  EXPECT_EQ(layer.last_kernel(), "fused CPU kernel, analytic backward");
  EXPECT_EQ(bf16.scalar_type(), at::kFloat);
  const double diff = (bf16 - fp32).abs().max().item<double>();
  EXPECT_GT(diff, 0.0);
  EXPECT_LT(diff, 0.01 * fp32.abs().max().item<double>());
}

}  // namespace
}  // namespace tl
