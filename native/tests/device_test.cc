// Devices and precision: device names, the CUDA-absent error, loss scaling, bf16 training on
// CPU. The CUDA runs themselves are in cuda_test.cc.
#include <gtest/gtest.h>

#include "training_helpers.h"

#include "compat.h"
#include "device.h"
#include "errors.h"
#include "model/model.h"
#include "train/grad_scaler.h"
#include "train/trainer.h"

namespace tl {
namespace {

using testing::Adam;
using testing::SmallLstm;
using testing::TrainedLoss;

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

}  // namespace
}  // namespace tl
