#include "precision.h"

#include "../compat.h"
#include "../errors.h"

namespace tl {

Precision ParsePrecision(const std::string& name, const at::Device& device) {
  if (name == "float32") return Precision::kFloat32;
  if (name == "mixed_bfloat16") return Precision::kMixedBFloat16;
  if (name == "mixed_float16") {
    if (!device.is_cuda()) {
      throw SpecError("precision 'mixed_float16' needs a CUDA device (LibTorch's CPU autocast computes in bfloat16); "
                      "on CPU use 'mixed_bfloat16'");
    }
    return Precision::kMixedFloat16;
  }
  throw SpecError("precision '" + name + "' is not 'float32', 'mixed_bfloat16' or 'mixed_float16'");
}

AutocastScope::AutocastScope(Precision precision, const at::Device& device) {
  if (precision == Precision::kFloat32) return;
  device_ = device.is_cuda() ? at::kCUDA : at::kCPU;
  previous_ = compat::AutocastEnabled(device_);
  compat::SetAutocast(device_, true, precision == Precision::kMixedFloat16 ? at::kHalf : at::kBFloat16);
  at::autocast::increment_nesting();
  active_ = true;
}

AutocastScope::~AutocastScope() {
  if (!active_) return;
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  compat::SetAutocast(device_, previous_, device_ == at::kCUDA ? at::kHalf : at::kBFloat16);
}

}  // namespace tl
