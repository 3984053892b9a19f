// LSTM and GRU inference without autograd (predict, evaluate) runs the fused CPU kernel's forward, with
// the thread policy's batch partitions; the same layer forced to LibTorch's cell loop
// (useCudnn=false) is its reference: outputs and states, masks, go_backwards, initial states,
// Keras activations and Monte-Carlo dropout (same seed: the same draws) included.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "recurrent_helpers.h"

#include "compat.h"
#include "layers/lstm.h"
#include "threads.h"

namespace tl {
namespace {

LstmSpec Spec(int64_t units, const std::string& act, const std::string& ract) {
  LstmSpec s;
  s.name = "lstm";
  s.units = units;
  s.activation = act;
  s.recurrent_activation = ract;
  s.kernel_initializer = testing::Init("GlorotUniform", 1);
  s.recurrent_initializer = testing::Init("Orthogonal", 2);
  s.bias_initializer = testing::Init("RandomUniform", 3);
  s.bias_initializer.minval = -0.3;
  s.bias_initializer.maxval = 0.3;
  return s;
}

void ExpectSame(const std::vector<at::Tensor>& a, const std::vector<at::Tensor>& b, const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(at::allclose(a[i], b[i], 1e-5, 1e-6))
        << what << " output " << i << " max diff " << (a[i] - b[i]).abs().max().item<float>();
  }
}

TEST(InferenceKernel, MatchesTheCellLoopReference) {
  // Batches of 8 (one partition) and 64 x 40 steps, H = 128 (two when a core is free: a step
  // is 64 * 4H * (F + H) >= 2^20 multiply-adds, the call >= 2^27).
  for (int64_t batch : {8, 64}) {
    for (int variant = 0; variant < 5; ++variant) {
      const int64_t units = batch == 64 ? 128 : 6, steps = batch == 64 ? 40 : 7;
      LstmSpec s = Spec(units, variant == 2 ? "relu" : "tanh", variant == 2 ? "hard_sigmoid" : "sigmoid");
      s.return_sequences = variant != 1;
      s.return_state = variant == 1 || variant == 4;
      s.go_backwards = variant == 1 || variant == 3;
      LstmSpec loop_spec = s;
      loop_spec.use_cudnn = UseFused::kNever;
      Lstm fused(s, {steps, 4}), loop(loop_spec, {steps, 4});
      auto x = at::randn({batch, steps, 4}, compat::MakeCpuGenerator(9));
      std::vector<at::Tensor> in = {x};
      if (variant == 4) {
        in.push_back(at::randn({batch, units}, compat::MakeCpuGenerator(10)));
        in.push_back(at::randn({batch, units}, compat::MakeCpuGenerator(11)));
      }
      at::Tensor mask;
      if (variant == 3) {
        mask = at::ones({batch, steps}, at::kBool);
        mask.index_put_({1, at::indexing::Slice(4, steps)}, false);  // right-padded
        mask.index_put_({3, 0}, false);                           // a hole at the start
      }
      c10::NoGradGuard no_grad;
      auto a = fused.Call(in, {mask}, ForwardContext{});
      auto b = loop.Call(in, {mask}, ForwardContext{});
      EXPECT_EQ(fused.last_kernel(), "fused CPU kernel");
      EXPECT_EQ(loop.last_kernel(), "cell loop");
      ExpectSame(a.tensors, b.tensors, "batch " + std::to_string(batch) + " variant " + std::to_string(variant));
    }
  }
}

TEST(InferenceKernel, GruMatchesTheCellLoopReference) {
  for (bool reset_after : {true, false}) {
    for (int64_t batch : {8, 64}) {
      for (int variant = 0; variant < 5; ++variant) {
        const int64_t units = batch == 64 ? 128 : 6, steps = batch == 64 ? 40 : 7;
        GruSpec s = testing::GruS(units, reset_after);
        if (variant == 2) {
          s.activation = "relu";
          s.recurrent_activation = "hard_sigmoid";
        }
        s.return_sequences = variant != 1;
        s.return_state = variant == 1 || variant == 4;
        s.go_backwards = variant == 1 || variant == 3;
        GruSpec loop_spec = s;
        loop_spec.use_cudnn = UseFused::kNever;
        Gru fused(s, {steps, 4}), loop(loop_spec, {steps, 4});
        auto x = at::randn({batch, steps, 4}, compat::MakeCpuGenerator(19));
        std::vector<at::Tensor> in = {x};
        if (variant == 4) in.push_back(at::randn({batch, units}, compat::MakeCpuGenerator(20)));
        at::Tensor mask;
        if (variant == 3) {
          mask = at::ones({batch, steps}, at::kBool);
          mask.index_put_({1, at::indexing::Slice(4, steps)}, false);  // right-padded
          mask.index_put_({3, 0}, false);                           // a hole at the start
        }
        c10::NoGradGuard no_grad;
        auto a = fused.Call(in, {mask}, ForwardContext{});
        auto b = loop.Call(in, {mask}, ForwardContext{});
        EXPECT_EQ(fused.last_kernel(), "fused CPU kernel");
        EXPECT_EQ(loop.last_kernel(), "cell loop");
        ExpectSame(a.tensors, b.tensors,
                   "GRU resetAfter " + std::to_string(reset_after) + " batch " + std::to_string(batch) + " variant " +
                       std::to_string(variant));
      }
    }
  }
}

TEST(InferenceKernel, MonteCarloDropoutDrawsTheSameMasks) {
  LstmSpec s = Spec(5, "tanh", "sigmoid");
  s.return_sequences = true;
  s.dropout = 0.2;
  s.recurrent_dropout = 0.3;
  LstmSpec loop_spec = s;
  loop_spec.use_cudnn = UseFused::kNever;
  Lstm fused(s, {6, 3}), loop(loop_spec, {6, 3});
  auto x = at::randn({9, 6, 3}, compat::MakeCpuGenerator(12));
  auto g1 = compat::MakeCpuGenerator(5), g2 = compat::MakeCpuGenerator(5);
  c10::NoGradGuard no_grad;
  auto a = fused.Call({x}, {at::Tensor()}, ForwardContext{true, &g1});
  auto b = loop.Call({x}, {at::Tensor()}, ForwardContext{true, &g2});
  EXPECT_EQ(fused.last_kernel(), "fused CPU kernel");
  ExpectSame(a.tensors, b.tensors, "training=true without autograd");
}

TEST(InferenceKernel, GradientsStillTakeLibTorchsKernel) {
  // With autograd on and training off (gradients(training=false)), nothing changes.
  Lstm layer(Spec(4, "tanh", "sigmoid"), {5, 2});
  layer.Forward(at::randn({6, 5, 2}, compat::MakeCpuGenerator(13)), ForwardContext{});
  EXPECT_EQ(layer.last_kernel(), "fused");
}

TEST(InferenceKernel, PolicySplitsLargeStepsWhenACoreIsFree) {
  EXPECT_EQ(PartitionsFor(32, 32 * 4 * 64 * (1 + 64), 1), 1);      // W1 training: 0.5 M per step
  EXPECT_EQ(PartitionsFor(256, 256 * 4 * 64 * (1 + 64), 1), 2);    // W1 predict at batch 256
  EXPECT_EQ(PartitionsFor(64, 64 * 4 * 128 * (8 + 128), 1), 2);    // W2-128 training
  EXPECT_EQ(PartitionsFor(256, 256 * 4 * 64 * (1 + 64), 0), 1);    // no free core
  EXPECT_EQ(PartitionsFor(8, int64_t{1} << 30, 3), 1);             // too few rows to split
  EXPECT_GE(FreeCores(), 0);
  EXPECT_LT(FreeCores(), std::max(1, static_cast<int>(std::thread::hardware_concurrency())));
  if (RequestedIntraOpThreads() == 0) {
    const int free = std::thread::hardware_concurrency() >= 2 ? 1 : 0;
    EXPECT_EQ(BatchPartitions(64, 64 * 4 * 128 * (8 + 128)), PartitionsFor(64, 64 * 4 * 128 * (8 + 128), free));
    EXPECT_EQ(InferencePartitions(4, 100, int64_t{1} << 30), 1);           // too few rows
    EXPECT_EQ(InferencePartitions(256, 10, 256 * 4 * 64 * (1 + 64)), 1);  // W1 at batch 256: too little work
  }
}

}  // namespace
}  // namespace tl
