// native/core without Node: the two LSTM kernels against each other, Keras initializers.
#include <gtest/gtest.h>

#include "spec_helpers.h"

#include "compat.h"
#include "errors.h"
#include "layers/lstm.h"
#include "model/graph.h"

namespace tl {
namespace {

using testing::Init;

LstmSpec Spec(int64_t units, UseFused fused) {
  LstmSpec s;
  s.name = "lstm";
  s.units = units;
  s.activation = "tanh";
  s.recurrent_activation = "sigmoid";
  s.kernel_initializer = Init("GlorotUniform", 1);
  s.recurrent_initializer = Init("Orthogonal", 2);
  s.recurrent_initializer.gain = 1.0;
  s.bias_initializer = Init("RandomUniform", 3);
  s.bias_initializer.minval = -0.5;
  s.bias_initializer.maxval = 0.5;
  s.use_cudnn = fused;
  return s;
}

// Same weights (same seeds), one layer forced to the fused kernel, one to the cell loop.
void ExpectKernelsAgree(LstmSpec spec) {
  Lstm fused(spec, {7, 3});
  spec.use_cudnn = UseFused::kNever;
  Lstm loop(spec, {7, 3});
  ASSERT_TRUE(fused.UsesFused(true));
  ASSERT_FALSE(loop.UsesFused(true));
  auto x = at::randn({4, 7, 3}, compat::MakeCpuGenerator(11));
  ForwardContext ctx;
  auto a = fused.Forward(x, ctx);
  auto b = loop.Forward(x, ctx);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(at::allclose(a[i], b[i], 1e-5, 1e-6)) << "output " << i;
  // Gradients of the same scalar through both kernels.
  (a[0].square().sum() + (a.size() > 1 ? a[2].sum() : at::zeros({}))).backward();
  (b[0].square().sum() + (b.size() > 1 ? b[2].sum() : at::zeros({}))).backward();
  auto wa = fused.Weights(), wb = loop.Weights();
  for (size_t i = 0; i < wa.size(); ++i) {
    EXPECT_TRUE(at::allclose(wa[i].grad(), wb[i].grad(), 1e-4, 1e-5)) << "weight " << i;
  }
}

TEST(Lstm, FusedAndLoopAgreeLastOutput) { ExpectKernelsAgree(Spec(5, UseFused::kAlways)); }

TEST(Lstm, FusedAndLoopAgreeSequencesStateBackwards) {
  auto spec = Spec(4, UseFused::kAlways);
  spec.return_sequences = true;
  spec.return_state = true;
  spec.go_backwards = true;
  ExpectKernelsAgree(spec);
}

TEST(Lstm, FusedAndLoopAgreeWithoutBias) {
  auto spec = Spec(3, UseFused::kAlways);
  spec.use_bias = false;
  ExpectKernelsAgree(spec);
}

TEST(Lstm, KerasInitializers) {
  auto spec = Spec(8, UseFused::kAuto);
  spec.bias_initializer = Init("Zeros");
  spec.unit_forget_bias = true;
  Lstm layer(spec, {5, 3});
  auto w = layer.Weights();
  // Orthogonal recurrent kernel [units, 4*units]: orthonormal rows.
  auto gram = at::matmul(w[1], w[1].t());
  EXPECT_TRUE(at::allclose(gram, at::eye(8), 1e-5, 1e-5));
  // Bias: zeros except the forget gate (second quarter) at 1.
  auto expected = at::zeros({32});
  expected.narrow(0, 8, 8).fill_(1.0);
  EXPECT_TRUE(at::equal(w[2], expected));
  // Glorot uniform kernel [3, 32]: within +-sqrt(6 / (3 + 32)).
  EXPECT_LE(w[0].abs().max().item<double>(), std::sqrt(6.0 / 35.0));
}

TEST(Lstm, RecurrentDropoutForcesLoopOnlyInTraining) {
  auto spec = Spec(4, UseFused::kAuto);
  spec.recurrent_dropout = 0.25;
  Lstm layer(spec, {5, 2});
  EXPECT_FALSE(layer.UsesFused(true));
  EXPECT_TRUE(layer.UsesFused(false));
  auto info = layer.Describe();
  ASSERT_TRUE(info.kernel.has_value());
  // Training runs the fused CPU kernel (it computes recurrent dropout), LibTorch's cell loop elsewhere.
  EXPECT_EQ(info.kernel->training, "fused CPU kernel, analytic backward (CPU; cell loop elsewhere)");
  EXPECT_NE(info.kernel->reason.find("recurrentDropout=0.25"), std::string::npos);
}

TEST(Lstm, FusedRequestWithCustomActivationIsAnError) {
  auto spec = Spec(4, UseFused::kAlways);
  spec.activation = "relu";
  EXPECT_THROW(Lstm(spec, {5, 2}), Error);
}

TEST(Graph, RejectsWrongInputShape) {
  Graph model(testing::Chain({5, 2}, {testing::L(Spec(3, UseFused::kAuto))}));
  EXPECT_THROW(model.Forward({at::zeros({1, 5, 3})}, ForwardContext{}), Error);
  EXPECT_EQ(model.Forward({at::zeros({2, 5, 2})}, ForwardContext{})[0].sizes(), at::IntArrayRef({2, 3}));
}

}  // namespace
}  // namespace tl
