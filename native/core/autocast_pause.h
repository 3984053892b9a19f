// A scope that turns the calling thread's CPU autocast off and back on: the fused CPU kernels'
// own GEMMs decide their precision (kernels/gemm.h), so autocast must not re-cast their operands.
#pragma once

#include "compat.h"

namespace tl {

class CpuAutocastPause {
 public:
  CpuAutocastPause() : was_on_(compat::AutocastEnabled(at::kCPU)) {
    if (was_on_) compat::SetAutocast(at::kCPU, false, at::kBFloat16);
  }
  ~CpuAutocastPause() {
    if (was_on_) compat::SetAutocast(at::kCPU, true, at::kBFloat16);
  }
  CpuAutocastPause(const CpuAutocastPause&) = delete;
  CpuAutocastPause& operator=(const CpuAutocastPause&) = delete;

 private:
  bool was_on_;
};

}  // namespace tl
