// Keras mixed-precision policies: "float32", "mixed_bfloat16", "mixed_float16". Weights,
// losses and optimizer state stay float32; under a mixed policy the forward pass runs with
// LibTorch's autocast (bf16 on CPU, fp16 or bf16 on CUDA).
#pragma once

#include <ATen/ATen.h>

#include <string>

namespace tl {

enum class Precision { kFloat32, kMixedBFloat16, kMixedFloat16 };

/// The policy a Keras name gives; ERR_TORCH for an unknown name, and for mixed_float16 on a
/// CPU device (LibTorch's CPU autocast computes in bfloat16 only).
Precision ParsePrecision(const std::string& name, const at::Device& device);

/// Autocast on the calling thread for one forward pass (nothing for float32); restores the
/// previous state and drops autocast's weight-cast cache when it ends.
class AutocastScope {
 public:
  AutocastScope(Precision precision, const at::Device& device);
  ~AutocastScope();
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  bool active_ = false;
  bool previous_ = false;
  at::DeviceType device_ = at::kCPU;
};

}  // namespace tl
