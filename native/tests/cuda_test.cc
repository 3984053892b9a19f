// CUDA, run by scripts/gpu-check.sh on a GPU machine and skipped where there is none: cuDNN's
// LSTM and GRU against the CPU engine (forward, and the weights after a trained epoch), fp16
// autocast with loss scaling and bf16 training against fp32, the loss scaler on CUDA
// gradients, and deterministic mode repeating a run exactly.
#include <gtest/gtest.h>

#include <limits>

#include "recurrent_helpers.h"
#include "training_helpers.h"

#include "device.h"
#include "train/grad_scaler.h"

namespace tl {
namespace {

using testing::Chain;
using testing::Init;
using testing::L;

#define TL_REQUIRE_CUDA() \
  if (!CudaAvailable()) GTEST_SKIP() << "no CUDA device"

DenseSpec Head() {
  DenseSpec d;
  d.name = "dense";
  d.units = 1;
  d.activation = "linear";
  d.kernel_initializer = Init("GlorotUniform", 4);
  d.bias_initializer = Init("Zeros", 5);
  return d;
}

// The recurrent models the parity tests run on both devices (seeded: the same weights).
std::vector<std::pair<std::string, ModelSpec>> ParityModels() {
  auto stacked_first = testing::LstmS(16);
  stacked_first.name = "lstm_1";
  stacked_first.return_sequences = true;
  auto stacked_second = testing::LstmS(8);
  stacked_second.name = "lstm_2";
  return {
      {"LSTM", Chain({12, 3}, {L(testing::LstmS(16)), L(Head())})},
      {"GRU", Chain({12, 3}, {L(testing::GruS(16, true)), L(Head())})},
      {"stacked LSTM", Chain({12, 3}, {L(stacked_first), L(stacked_second), L(Head())})},
  };
}

CompileSpec Sgd() {
  OptimizerSpec o;
  o.class_name = "SGD";
  o.learning_rate = 0.05;
  LossSpec mse;
  mse.class_name = "MeanSquaredError";
  return testing::Compile(o, mse);
}

std::vector<at::Tensor> WeightsAfterOneEpoch(const ModelSpec& spec, const std::string& device, bool deterministic) {
  Model model(spec, ModelOptions{device, deterministic});
  model.Compile(Sgd());
  FitOptions options;
  options.epochs = 1;
  options.batch_size = 16;
  options.seed = 3;
  Fit(model, testing::Task(), std::nullopt, options, FitHooks{});
  std::vector<at::Tensor> weights;
  for (const auto& w : model.graph().GetWeights()) weights.push_back(w.cpu());
  return weights;
}

TEST(Cuda, CudnnForwardMatchesCpu) {
  TL_REQUIRE_CUDA();
  c10::NoGradGuard no_grad;
  const auto x = at::randn({8, 12, 3}, compat::MakeCpuGenerator(5));
  for (const auto& [name, spec] : ParityModels()) {
    Model cpu(spec), gpu(spec, ModelOptions{"cuda", true});
    const auto a = cpu.graph().Forward({x}, ForwardContext{})[0];
    const auto b = gpu.graph().Forward({x.cuda()}, ForwardContext{false, nullptr, gpu.device()})[0];
    ASSERT_TRUE(b.is_cuda()) << name;
    EXPECT_TRUE(at::allclose(a, b.cpu(), 1e-4, 1e-4)) << name << ": " << (a - b.cpu()).abs().max().item<float>();
  }
}

TEST(Cuda, CudnnTrainingMatchesCpu) {
  TL_REQUIRE_CUDA();
  for (const auto& [name, spec] : ParityModels()) {
    const auto before = Model(spec).graph().GetWeights();
    const auto cpu = WeightsAfterOneEpoch(spec, "cpu", false);
    const auto gpu = WeightsAfterOneEpoch(spec, "cuda", true);
    ASSERT_EQ(cpu.size(), gpu.size()) << name;
    for (size_t i = 0; i < cpu.size(); ++i) {
      EXPECT_FALSE(at::equal(before[i], cpu[i])) << name << " weight " << i << " did not train";
      EXPECT_TRUE(at::allclose(cpu[i], gpu[i], 1e-4, 1e-4))
          << name << " weight " << i << ": " << (cpu[i] - gpu[i]).abs().max().item<float>();
    }
  }
}

TEST(Cuda, DeterministicModeRepeatsARunExactly) {
  TL_REQUIRE_CUDA();
  const auto spec = ParityModels()[0].second;
  const auto a = WeightsAfterOneEpoch(spec, "cuda", true);
  const auto b = WeightsAfterOneEpoch(spec, "cuda", true);
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(at::equal(a[i], b[i])) << "weight " << i;
}

TEST(Cuda, MixedPrecisionTrainsLikeFloat32) {
  TL_REQUIRE_CUDA();
  const double fp32 = testing::TrainedLoss("cuda", "float32");
  const double fp16 = testing::TrainedLoss("cuda", "mixed_float16");
  const double bf16 = testing::TrainedLoss("cuda", "mixed_bfloat16");
  EXPECT_LT(fp32, 0.05);  // the task is learned
  EXPECT_LT(std::abs(fp16 - fp32), 0.02 + 0.25 * fp32) << "fp32 " << fp32 << " fp16 " << fp16;
  EXPECT_LT(std::abs(bf16 - fp32), 0.02 + 0.25 * fp32) << "fp32 " << fp32 << " bf16 " << bf16;
}

TEST(Cuda, LossScalerUnscalesAndSkipsNonFiniteCudaGradients) {
  TL_REQUIRE_CUDA();
  GradScaler scaler(1024.0, 2.0, 0.5, 2);
  auto w = at::ones({3}, at::TensorOptions().device(at::kCUDA)).set_requires_grad(true);
  scaler.Scale((w.to(at::kHalf) * 3).sum().to(at::kFloat)).backward();
  EXPECT_TRUE(scaler.Unscale({w}));
  EXPECT_TRUE(at::allclose(w.grad().cpu(), at::full({3}, 3.0)));
  w.mutable_grad().fill_(std::numeric_limits<float>::quiet_NaN());
  EXPECT_FALSE(scaler.Unscale({w}));
  scaler.Update(false);
  EXPECT_EQ(scaler.scale(), 512.0);
}

}  // namespace
}  // namespace tl
