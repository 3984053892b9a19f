// Devices and precision: device names, the CUDA-absent error, loss scaling, bf16 training on
// CPU; and, where a GPU is present (scripts/gpu-check.sh), cuDNN vs CPU parity and fp16 AMP.
#include <gtest/gtest.h>

#include "spec_helpers.h"

#include "compat.h"
#include "device.h"
#include "errors.h"
#include "model/model.h"
#include "train/grad_scaler.h"
#include "train/trainer.h"

namespace tl {
namespace {

using testing::Init;
using testing::L;

ModelSpec SmallLstm() {
  LstmSpec l;
  l.name = "lstm";
  l.units = 16;
  l.activation = "tanh";
  l.recurrent_activation = "sigmoid";
  l.kernel_initializer = Init("GlorotUniform", 1);
  l.recurrent_initializer = Init("Orthogonal", 2);
  l.bias_initializer = Init("Zeros", 3);
  DenseSpec d;
  d.name = "dense";
  d.units = 1;
  d.activation = "linear";
  d.kernel_initializer = Init("GlorotUniform", 4);
  d.bias_initializer = Init("Zeros", 5);
  return testing::Chain({12, 3}, {L(l), L(d)});
}

CompileSpec Adam(const std::string& precision) {
  OptimizerSpec o;
  o.class_name = "Adam";
  o.learning_rate = 0.01;
  o.beta_1 = 0.9;
  o.beta_2 = 0.999;
  o.epsilon = 1e-7;
  LossSpec mse;
  mse.class_name = "MeanSquaredError";
  CompileSpec c = testing::Compile(o, mse);
  c.precision = precision;
  return c;
}

// y = mean of the last step's features: a task an LSTM learns in a few epochs.
Dataset Task() {
  auto x = at::randn({128, 12, 3}, compat::MakeCpuGenerator(21));
  auto y = x.select(1, 11).mean(1, true);
  return Dataset{{x}, {y}, at::Tensor()};
}

double TrainedLoss(const std::string& device, const std::string& precision) {
  Model model(SmallLstm(), ModelOptions{device, false});
  model.Compile(Adam(precision));
  FitOptions options;
  options.epochs = 15;
  options.batch_size = 32;
  options.seed = 3;
  Fit(model, Task(), std::nullopt, options, FitHooks{});
  return Evaluate(model, Task(), 128)[0].second;
}

TEST(Device, NamesAndTheCudaAbsentError) {
  EXPECT_TRUE(ResolveDevice("cpu").is_cpu());
  EXPECT_THROW(ResolveDevice("gpu"), Error);
  EXPECT_THROW(ResolveDevice("cuda:x"), Error);
  if (CudaAvailable()) {
    EXPECT_TRUE(ResolveDevice("auto").is_cuda());
    EXPECT_TRUE(ResolveDevice("cuda:0").is_cuda());
    return;
  }
  EXPECT_TRUE(ResolveDevice("auto").is_cpu());
  try {
    ResolveDevice("cuda");
    FAIL() << "no error without CUDA";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kCudaUnavailable);
    EXPECT_NE(std::string(e.what()).find("device 'cuda'"), std::string::npos);
  }
}

TEST(Precision, Float16NeedsCudaAndUnknownNamesAreErrors) {
  Model model(SmallLstm());
  EXPECT_THROW(model.Compile(Adam("mixed_float16")), Error);
  EXPECT_THROW(model.Compile(Adam("float16")), Error);
  EXPECT_NO_THROW(model.Compile(Adam("mixed_bfloat16")));
}

TEST(GradScaler, SkipsNonFiniteStepsBacksOffAndGrows) {
  GradScaler scaler(1024.0, 2.0, 0.5, 2);
  auto w = at::ones({2}).set_requires_grad(true);
  scaler.Scale((w * 3).sum()).backward();
  EXPECT_TRUE(scaler.Unscale({w}));
  EXPECT_TRUE(at::allclose(w.grad(), at::full({2}, 3.0)));  // unscaled back to the true gradient
  scaler.Update(true);
  EXPECT_EQ(scaler.scale(), 1024.0);
  scaler.Update(true);
  EXPECT_EQ(scaler.scale(), 2048.0);  // grows after growth_interval finite steps
  w.mutable_grad().fill_(std::numeric_limits<float>::infinity());
  EXPECT_FALSE(scaler.Unscale({w}));
  scaler.Update(false);
  EXPECT_EQ(scaler.scale(), 1024.0);
}

TEST(Precision, MixedBfloat16TrainsWithinTwoPercentOfFloat32OnCpu) {
  const double fp32 = TrainedLoss("cpu", "float32");
  const double bf16 = TrainedLoss("cpu", "mixed_bfloat16");
  EXPECT_LT(fp32, 0.05);  // the task is learned
  // bf16 GEMMs (8-bit mantissa) with fp32 weights, loss and optimizer: close to fp32.
  EXPECT_LT(std::abs(bf16 - fp32), 0.02 + 0.25 * fp32) << "fp32 " << fp32 << " bf16 " << bf16;
}

TEST(Cuda, CudnnLstmMatchesCpuAndAmpTrains) {
  if (!CudaAvailable()) GTEST_SKIP() << "no CUDA device";
  c10::NoGradGuard no_grad;
  Model cpu(SmallLstm()), gpu(SmallLstm(), ModelOptions{"cuda", true});
  auto x = at::randn({8, 12, 3}, compat::MakeCpuGenerator(5));
  auto a = cpu.graph().Forward({x}, ForwardContext{})[0];
  auto b = gpu.graph().Forward({x.cuda()}, ForwardContext{false, nullptr, gpu.device()})[0].cpu();
  EXPECT_TRUE(at::allclose(a, b, 1e-4, 1e-4)) << (a - b).abs().max().item<float>();
  c10::GradMode::set_enabled(true);
  const double fp32 = TrainedLoss("cuda", "float32");
  const double fp16 = TrainedLoss("cuda", "mixed_float16");
  EXPECT_LT(std::abs(fp16 - fp32), 0.02 + 0.25 * fp32) << "fp32 " << fp32 << " fp16 " << fp16;
}

}  // namespace
}  // namespace tl
