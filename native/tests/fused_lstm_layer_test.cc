// The LSTM layer trains through the fused CPU kernel; LibTorch's cell loop (useCudnn=false)
// is its reference.
#include <gtest/gtest.h>

#include "spec_helpers.h"

#include "compat.h"
#include "layers/lstm.h"

// The LSTM layer in training runs the fused kernel; the same layer forced to LibTorch's cell
// loop (useCudnn=false) is the reference: same outputs and weight gradients, masks, dropout
// masks (same seed: the same draws), go_backwards and initial state included.
namespace tl {
namespace {

TEST(FusedLstmLayer, TrainingMatchesTheCellLoopReference) {
  for (int variant = 0; variant < 4; ++variant) {
    LstmSpec s;
    s.name = "lstm";
    s.units = 6;
    s.activation = variant == 2 ? "relu" : "tanh";
    s.recurrent_activation = variant == 2 ? "hard_sigmoid" : "sigmoid";
    s.kernel_initializer = testing::Init("GlorotUniform", 1);
    s.recurrent_initializer = testing::Init("Orthogonal", 2);
    s.bias_initializer = testing::Init("RandomUniform", 3);
    s.bias_initializer.minval = -0.3;
    s.bias_initializer.maxval = 0.3;
    s.return_sequences = variant != 1;
    s.go_backwards = variant == 1;
    s.dropout = variant == 3 ? 0.2 : 0.0;
    s.recurrent_dropout = variant == 3 ? 0.3 : 0.0;
    LstmSpec loop_spec = s;
    loop_spec.use_cudnn = UseFused::kNever;
    Lstm fused(s, {7, 4}), loop(loop_spec, {7, 4});
    auto x = at::randn({5, 7, 4}, compat::MakeCpuGenerator(9));
    auto mask = at::ones({5, 7}, at::kBool);
    mask.index_put_({1, at::indexing::Slice(4, 7)}, false);  // right-padded
    mask.index_put_({3, 0}, false);                           // a hole at the start
    auto g1 = compat::MakeCpuGenerator(5), g2 = compat::MakeCpuGenerator(5);
    auto a = fused.Call({x}, {variant == 0 ? at::Tensor() : mask}, ForwardContext{true, &g1});
    auto b = loop.Call({x}, {variant == 0 ? at::Tensor() : mask}, ForwardContext{true, &g2});
    EXPECT_EQ(fused.last_kernel(), "fused CPU kernel, analytic backward");
    EXPECT_EQ(loop.last_kernel(), "cell loop");
    ASSERT_TRUE(at::allclose(a.tensors[0], b.tensors[0], 1e-5, 1e-6)) << "variant " << variant;
    (a.tensors[0].square().sum()).backward();
    (b.tensors[0].square().sum()).backward();
    auto wa = fused.Weights(), wb = loop.Weights();
    for (size_t i = 0; i < wa.size(); ++i) {
      EXPECT_TRUE(at::allclose(wa[i].grad(), wb[i].grad(), 1e-4, 1e-5)) << "variant " << variant << " weight " << i;
    }
  }
}

}  // namespace
}  // namespace tl
