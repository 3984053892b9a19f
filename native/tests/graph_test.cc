// The layer graph: functional wiring (two inputs, two outputs, shared layers), mask checks,
// regularization penalties and sample weights in the training loss.
#include <gtest/gtest.h>

#include "spec_helpers.h"

#include "compat.h"
#include "errors.h"
#include "model/model.h"
#include "train/losses.h"
#include "train/trainer.h"

namespace tl {
namespace {

using testing::Init;
using testing::L;

DenseSpec Dense(const std::string& name, int64_t units, uint64_t seed) {
  DenseSpec d;
  d.name = name;
  d.units = units;
  d.activation = "linear";
  d.kernel_initializer = Init("GlorotUniform", seed);
  d.bias_initializer = Init("RandomUniform", seed + 100);
  d.bias_initializer.minval = -0.5;
  d.bias_initializer.maxval = 0.5;
  return d;
}

// Inputs a [3] and b [3]; a shared Dense applied to both; outputs (shared(a), head(shared(b))).
ModelSpec TwoByTwo() {
  ModelSpec spec;
  spec.name = "two";
  spec.inputs = {InputSpec{"a", {3}}, InputSpec{"b", {3}}};
  spec.layers = {L(Dense("shared", 4, 1)), L(Dense("head", 2, 2))};
  spec.nodes = {NodeSpec{0, {TensorRef{-1, 0}}}, NodeSpec{0, {TensorRef{-1, 1}}}, NodeSpec{1, {TensorRef{1, 0}}}};
  spec.outputs = {TensorRef{0, 0}, TensorRef{2, 0}};
  return spec;
}

TEST(Graph, SharedLayerTwoInputsTwoOutputs) {
  Graph graph(TwoByTwo());
  ASSERT_EQ(graph.Weights().size(), 4u);  // the shared layer's weights once
  auto a = at::randn({5, 3}, compat::MakeCpuGenerator(1));
  auto b = at::randn({5, 3}, compat::MakeCpuGenerator(2));
  auto out = graph.Forward({a, b}, ForwardContext{});
  ASSERT_EQ(out.size(), 2u);
  auto w = graph.Weights();
  auto shared_b = at::matmul(b, w[0]) + w[1];
  EXPECT_TRUE(at::allclose(out[0], at::matmul(a, w[0]) + w[1], 1e-6, 1e-6));
  EXPECT_TRUE(at::allclose(out[1], at::matmul(shared_b, w[2]) + w[3], 1e-5, 1e-6));
  EXPECT_THROW(graph.Forward({a}, ForwardContext{}), Error);
  EXPECT_THROW(graph.Forward({a, b.narrow(0, 0, 4)}, ForwardContext{}), Error);
}

TEST(Graph, RejectsForwardReferencesAndMissingOutputs) {
  ModelSpec spec = TwoByTwo();
  spec.nodes[0].inputs[0] = TensorRef{2, 0};
  EXPECT_THROW(Graph{spec}, Error);
  spec = TwoByTwo();
  spec.outputs[0] = TensorRef{0, 3};
  EXPECT_THROW(Graph{spec}, Error);
}

CompileSpec TwoOutputCompile(double w0, double w1) {
  CompileSpec c;
  c.optimizer.class_name = "SGD";
  c.optimizer.learning_rate = 0.05;
  LossSpec mse;
  mse.class_name = "MeanSquaredError";
  LossSpec mae;
  mae.class_name = "MeanAbsoluteError";
  c.losses = {mse, mae};
  c.loss_weights = {w0, w1};
  c.metrics = {{MetricSpec{"mae", "MeanAbsoluteError"}}, {}};
  c.output_names = {"shared", "head"};
  return c;
}

TEST(Trainer, TwoOutputLossIsTheWeightedSumWithKerasLogKeys) {
  Model model(TwoByTwo());
  model.Compile(TwoOutputCompile(0.5, 2.0));
  auto a = at::randn({6, 3}, compat::MakeCpuGenerator(3));
  auto b = at::randn({6, 3}, compat::MakeCpuGenerator(4));
  auto y0 = at::randn({6, 4}, compat::MakeCpuGenerator(5));
  auto y1 = at::randn({6, 2}, compat::MakeCpuGenerator(6));
  Logs logs = Evaluate(model, Dataset{{a, b}, {y0, y1}, at::Tensor()}, 6);
  c10::NoGradGuard no_grad;
  auto out = model.graph().Forward({a, b}, ForwardContext{});
  const double l0 = (out[0] - y0).square().mean().item<double>();
  const double l1 = (out[1] - y1).abs().mean().item<double>();
  ASSERT_EQ(logs.size(), 4u);
  EXPECT_EQ(logs[0].first, "loss");
  EXPECT_NEAR(logs[0].second, 0.5 * l0 + 2.0 * l1, 1e-5);
  EXPECT_EQ(logs[1].first, "shared_loss");
  EXPECT_NEAR(logs[1].second, 0.5 * l0, 1e-5);
  EXPECT_EQ(logs[2].first, "head_loss");
  EXPECT_EQ(logs[3].first, "shared_mae");
  EXPECT_NEAR(logs[3].second, (out[0] - y0).abs().mean().item<double>(), 1e-5);
}

TEST(Trainer, RegularizersAddExactlyTheirPenalty) {
  auto dense = Dense("d", 2, 7);
  auto plain = testing::Chain({3}, {L(dense)});
  dense.kernel_regularizer = RegularizerSpec{0.01, 0.02};
  dense.bias_regularizer = RegularizerSpec{0.0, 0.5};
  auto regularized = testing::Chain({3}, {L(dense)});
  LossSpec mse;
  mse.class_name = "MeanSquaredError";
  OptimizerSpec sgd;
  sgd.class_name = "SGD";
  sgd.learning_rate = 0.1;
  Model a(plain), b(regularized);
  a.Compile(testing::Compile(sgd, mse));
  b.Compile(testing::Compile(sgd, mse));
  auto x = at::randn({4, 3}, compat::MakeCpuGenerator(8));
  auto y = at::randn({4, 2}, compat::MakeCpuGenerator(9));
  const Dataset data{{x}, {y}, at::Tensor()};
  const double base = Evaluate(a, data, 4)[0].second;
  const double with = Evaluate(b, data, 4)[0].second;
  auto w = b.graph().Weights();
  const double penalty = 0.01 * w[0].abs().sum().item<double>() + 0.02 * w[0].square().sum().item<double>() +
                         0.5 * w[1].square().sum().item<double>();
  EXPECT_NEAR(with - base, penalty, 1e-5);
  EXPECT_GT(penalty, 0.01);
}

TEST(Trainer, SampleWeightsScaleEachSamplesLoss) {
  LossSpec mse;
  mse.class_name = "MeanSquaredError";
  auto p = at::tensor({1.0f, 2.0f, 3.0f}).reshape({3, 1});
  auto t = at::tensor({0.0f, 0.0f, 0.0f});
  auto w = at::tensor({1.0f, 0.0f, 2.0f});
  // Keras sum_over_batch_size: sum(w_i * l_i) / n.
  EXPECT_NEAR(ComputeLoss(mse, p, t, w).item<double>(), (1.0 + 0.0 + 2.0 * 9.0) / 3.0, 1e-6);
  EXPECT_NEAR(ComputeLoss(mse, p, t).item<double>(), 14.0 / 3.0, 1e-6);
}

TEST(Losses, CrossentropiesMatchClosedForms) {
  LossSpec bce;
  bce.class_name = "BinaryCrossentropy";
  auto logits = at::tensor({-2.0f, 0.5f, 3.0f}).reshape({3, 1});
  auto y = at::tensor({0.0f, 1.0f, 1.0f}).reshape({3, 1});
  auto probs = at::sigmoid(logits);
  auto expected = -(y * probs.log() + (1 - y) * (1 - probs).log()).mean().item<double>();
  EXPECT_NEAR(ComputeLoss(bce, probs, y).item<double>(), expected, 1e-5);
  bce.from_logits = true;
  EXPECT_NEAR(ComputeLoss(bce, logits, y).item<double>(), expected, 1e-5);
  bce.label_smoothing = 0.2;  // targets 0.1 / 0.9
  auto ys = y * 0.8 + 0.1;
  auto smoothed = -(ys * probs.log() + (1 - ys) * (1 - probs).log()).mean().item<double>();
  EXPECT_NEAR(ComputeLoss(bce, logits, y).item<double>(), smoothed, 1e-5);

  LossSpec cce;
  cce.class_name = "CategoricalCrossentropy";
  auto z = at::tensor({1.0f, 2.0f, 0.5f, 0.0f, -1.0f, 2.0f}).reshape({2, 3});
  auto onehot = at::tensor({0.0f, 1.0f, 0.0f, 0.0f, 0.0f, 1.0f}).reshape({2, 3});
  auto p = at::softmax(z, -1);
  const double ce = -(onehot * p.log()).sum(-1).mean().item<double>();
  EXPECT_NEAR(ComputeLoss(cce, p, onehot).item<double>(), ce, 1e-5);
  cce.from_logits = true;
  EXPECT_NEAR(ComputeLoss(cce, z, onehot).item<double>(), ce, 1e-5);
  LossSpec sparse;
  sparse.class_name = "SparseCategoricalCrossentropy";
  EXPECT_NEAR(ComputeLoss(sparse, p, at::tensor({1.0f, 2.0f})).item<double>(), ce, 1e-5);
  sparse.from_logits = true;
  EXPECT_NEAR(ComputeLoss(sparse, z, at::tensor({1.0f, 2.0f}).reshape({2, 1})).item<double>(), ce, 1e-5);
  EXPECT_THROW(ComputeLoss(sparse, z, at::tensor({1.0f, 3.0f})), Error);
}

TEST(Metrics, ClassificationMetricsCountAsKerasDoes) {
  CompileSpec c;
  LossSpec bce;
  bce.class_name = "BinaryCrossentropy";
  c.losses = {bce};
  c.loss_weights = {1.0};
  c.output_names = {"out"};
  c.metrics = {{MetricSpec{"accuracy", "BinaryAccuracy"}, MetricSpec{"precision", "Precision"},
                MetricSpec{"recall", "Recall"}, MetricSpec{"auc", "AUC"}}};
  MetricSet set(c);
  auto p = at::tensor({0.9f, 0.8f, 0.3f, 0.6f, 0.1f, 0.2f}).reshape({6, 1});
  auto y = at::tensor({1.0f, 1.0f, 1.0f, 0.0f, 0.0f, 0.0f}).reshape({6, 1});
  set.Update(at::zeros({}), {at::zeros({})}, {p}, {y}, 6);
  auto r = set.Results();
  EXPECT_NEAR(r[1].second, 4.0 / 6.0, 1e-9);  // right: 0.9, 0.8, 0.1, 0.2
  EXPECT_NEAR(r[2].second, 2.0 / 3.0, 1e-9);  // predicted positive: 0.9, 0.8, 0.6
  EXPECT_NEAR(r[3].second, 2.0 / 3.0, 1e-9);  // positives found: 0.9, 0.8 of 3
  // ROC AUC = P(score of a positive > score of a negative) = 8 of 9 pairs.
  EXPECT_NEAR(r[4].second, 8.0 / 9.0, 2e-3);
}

TEST(Metrics, LossIsTheSampleWeightedMeanOfBatchLosses) {
  CompileSpec c;
  LossSpec mse;
  mse.class_name = "MeanSquaredError";
  c.losses = {mse, mse};
  c.loss_weights = {1.0, 1.0};
  c.output_names = {"a", "b"};
  c.metrics = {{}, {}};
  MetricSet set(c);
  set.Update(at::scalar_tensor(3.0), {at::scalar_tensor(1.0), at::scalar_tensor(2.0)}, {}, {}, 4);
  set.Update(at::scalar_tensor(6.0), {at::scalar_tensor(2.0), at::scalar_tensor(4.0)}, {}, {}, 2);
  auto r = set.Results();
  ASSERT_EQ(r.size(), 3u);
  EXPECT_DOUBLE_EQ(r[0].second, (3.0 * 4 + 6.0 * 2) / 6);  // loss
  EXPECT_DOUBLE_EQ(r[1].second, (1.0 * 4 + 2.0 * 2) / 6);  // a_loss
  EXPECT_DOUBLE_EQ(r[2].second, (2.0 * 4 + 4.0 * 2) / 6);  // b_loss
  set.Reset();
  EXPECT_EQ(set.Results()[0].second, 0.0);
}

}  // namespace
}  // namespace tl
