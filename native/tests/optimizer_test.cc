// Keras 3 update rules and clipping, against closed forms computed by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "errors.h"
#include "train/optimizer.h"

namespace tl {
namespace {

OptimizerSpec Adam(double lr) {
  OptimizerSpec s;
  s.class_name = "Adam";
  s.learning_rate = lr;
  s.beta_1 = 0.9;
  s.beta_2 = 0.999;
  s.epsilon = 1e-7;
  return s;
}

at::Tensor Param(std::vector<double> values, std::vector<double> grad) {
  auto p = at::tensor(values, at::kDouble).set_requires_grad(true);
  p.mutable_grad() = at::tensor(grad, at::kDouble);
  return p;
}

TEST(Optimizer, AdamFirstStepMovesByLearningRate) {
  // Step 1: m = 0.1 g, v = 0.001 g^2, alpha = lr * sqrt(0.001) / 0.1, update = alpha * m / (sqrt(v) + eps) ~ lr * sign(g).
  auto opt = MakeOptimizer(Adam(0.01));
  auto p = Param({1.0, -2.0}, {0.5, -3.0});
  opt->Step({p});
  EXPECT_NEAR(p[0].item<double>(), 1.0 - 0.01, 1e-6);
  EXPECT_NEAR(p[1].item<double>(), -2.0 + 0.01, 1e-6);
}

TEST(Optimizer, SgdNesterovMomentum) {
  OptimizerSpec s;
  s.class_name = "SGD";
  s.learning_rate = 0.1;
  s.momentum = 0.9;
  s.nesterov = true;
  auto opt = MakeOptimizer(s);
  auto p = Param({1.0}, {2.0});
  opt->Step({p});  // m = -0.2; p += 0.9 * -0.2 - 0.2 = -0.38
  EXPECT_NEAR(p.item<double>(), 0.62, 1e-12);
  p.mutable_grad() = at::tensor({2.0}, at::kDouble);
  opt->Step({p});  // m = 0.9 * -0.2 - 0.2 = -0.38; p += 0.9 * -0.38 - 0.2 = -0.542
  EXPECT_NEAR(p.item<double>(), 0.62 - 0.542, 1e-12);
}

TEST(Optimizer, RmspropAndAdagrad) {
  OptimizerSpec r;
  r.class_name = "RMSprop";
  r.learning_rate = 0.01;
  r.rho = 0.9;
  r.epsilon = 1e-7;
  auto rms = MakeOptimizer(r);
  auto p = Param({0.0}, {2.0});
  rms->Step({p});  // v = 0.1 * 4 = 0.4; p -= 0.01 * 2 / sqrt(0.4 + 1e-7)
  EXPECT_NEAR(p.item<double>(), -0.02 / std::sqrt(0.4 + 1e-7), 1e-12);

  OptimizerSpec a;
  a.class_name = "Adagrad";
  a.learning_rate = 0.1;
  a.initial_accumulator_value = 0.1;
  a.epsilon = 1e-7;
  auto ada = MakeOptimizer(a);
  auto q = Param({0.0}, {3.0});
  ada->Step({q});  // acc = 0.1 + 9; q -= 0.1 * 3 / sqrt(9.1 + 1e-7)
  EXPECT_NEAR(q.item<double>(), -0.3 / std::sqrt(9.1 + 1e-7), 1e-12);
}

TEST(Optimizer, ClippingBoundsTheGradient) {
  OptimizerSpec s = Adam(0.1);
  s.clipnorm = 1.0;
  std::vector<at::Tensor> g = {at::tensor({3.0, 4.0}, at::kDouble), at::tensor({0.3}, at::kDouble)};
  ClipGradients(s, g);
  EXPECT_NEAR(g[0].norm().item<double>(), 1.0, 1e-12);
  EXPECT_NEAR(g[1].item<double>(), 0.3, 1e-12);  // below the limit: untouched

  s.clipnorm.reset();
  s.global_clipnorm = 1.0;
  g = {at::tensor({3.0}, at::kDouble), at::tensor({4.0}, at::kDouble)};
  ClipGradients(s, g);
  EXPECT_NEAR(g[0].item<double>(), 0.6, 1e-12);
  EXPECT_NEAR(g[1].item<double>(), 0.8, 1e-12);

  s.global_clipnorm.reset();
  s.clipvalue = 0.5;
  g = {at::tensor({-3.0, 0.2, 9.0}, at::kDouble)};
  ClipGradients(s, g);
  EXPECT_TRUE(at::equal(g[0], at::tensor({-0.5, 0.2, 0.5}, at::kDouble)));
}

TEST(Optimizer, StateRoundTripResumesIdentically) {
  auto a = MakeOptimizer(Adam(0.01));
  auto pa = Param({1.0, -2.0}, {0.5, -3.0});
  a->Step({pa});
  OptimizerState saved = a->ExportState();
  EXPECT_EQ(saved.iterations, 1);
  ASSERT_EQ(saved.tensors.size(), 2u);  // momentums/0, velocities/0

  auto b = MakeOptimizer(Adam(0.5));
  auto pb = Param({1.0, -2.0}, {0.0, 0.0});
  pb.detach().copy_(pa.detach());
  b->ImportState(saved, {pb});
  EXPECT_DOUBLE_EQ(b->learning_rate(), 0.01);
  pa.mutable_grad() = at::tensor({0.25, 1.0}, at::kDouble);
  pb.mutable_grad() = at::tensor({0.25, 1.0}, at::kDouble);
  a->Step({pa});
  b->Step({pb});
  EXPECT_TRUE(at::equal(pa, pb));

  OptimizerState wrong = saved;
  wrong.tensors[0].second = at::zeros({3}, at::kDouble);
  EXPECT_THROW(b->ImportState(wrong, {pb}), Error);
}

}  // namespace
}  // namespace tl
