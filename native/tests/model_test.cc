// Model-level behaviour without Node: training with pruning masks, stop modes.
#include <gtest/gtest.h>

#include "spec_helpers.h"

#include "compat.h"
#include "errors.h"
#include "model/model.h"
#include "train/trainer.h"

namespace tl {
namespace {

using testing::Chain;
using testing::Init;
using testing::L;

ModelSpec DenseModel() {
  DenseSpec d;
  d.name = "dense";
  d.units = 3;
  d.activation = "linear";
  d.kernel_initializer = Init("GlorotUniform", 1);
  d.bias_initializer = Init("Zeros", 2);
  return Chain({4}, {L(d)});
}

CompileSpec Sgd() {
  OptimizerSpec o;
  o.class_name = "SGD";
  o.learning_rate = 0.1;
  LossSpec loss;
  loss.class_name = "MeanSquaredError";
  return testing::Compile(o, loss);
}

TEST(Model, MasksKeepPrunedWeightsAtZeroThroughTraining) {
  Model model(DenseModel());
  model.Compile(Sgd());
  auto mask = at::ones({4, 3});
  mask[0][0] = 0;
  mask[2][1] = 0;
  model.SetWeightMasks({mask, at::Tensor()});
  auto kernel = model.graph().Weights()[0];
  EXPECT_EQ(kernel[0][0].item<float>(), 0.0f);
  auto x = at::randn({16, 4}, compat::MakeCpuGenerator(3));
  auto y = at::randn({16, 3}, compat::MakeCpuGenerator(4));
  FitOptions options;
  options.epochs = 3;
  options.batch_size = 4;
  options.seed = 5;
  Fit(model, Dataset{{x}, {y}, at::Tensor()}, std::nullopt, options, FitHooks{});
  EXPECT_EQ(kernel[0][0].item<float>(), 0.0f);
  EXPECT_EQ(kernel[2][1].item<float>(), 0.0f);
  EXPECT_NE(kernel[1][1].item<float>(), 0.0f);  // unmasked weights train
  EXPECT_THROW(model.SetWeightMasks({at::ones({2, 2})}), Error);
}

TEST(Model, StopAfterEpochStillReportsTheEpoch) {
  Model model(DenseModel());
  model.Compile(Sgd());
  auto x = at::randn({16, 4}, compat::MakeCpuGenerator(3));
  auto y = at::randn({16, 3}, compat::MakeCpuGenerator(4));
  FitOptions options;
  options.epochs = 5;
  options.batch_size = 4;
  int batches = 0, epochs = 0;
  FitHooks hooks;
  hooks.stop_requested = [&] { return batches >= 2 ? StopMode::kAfterEpoch : StopMode::kContinue; };
  hooks.on_batch = [&](const BatchReport&) { ++batches; };
  hooks.on_epoch = [&](const EpochReport&) {
    ++epochs;
    return EpochAnswer{};
  };
  options.report_batches = true;
  Fit(model, Dataset{{x}, {y}, at::Tensor()}, std::nullopt, options, hooks);
  EXPECT_EQ(epochs, 1);
  EXPECT_EQ(batches, 3);  // the request is seen after the batch in flight, which still reports

  batches = epochs = 0;
  hooks.stop_requested = [&] { return batches >= 1 ? StopMode::kNow : StopMode::kContinue; };
  Fit(model, Dataset{{x}, {y}, at::Tensor()}, std::nullopt, options, hooks);
  EXPECT_EQ(epochs, 0);
}

}  // namespace
}  // namespace tl
