#include "recurrent_rows.h"

namespace tl {

TL_TARGET_CLONES void StoreRecurrentInput(int64_t rows, int64_t units, const float* h, int64_t h_stride,
                                          const RecurrentInputRef& dst) {
  for (int64_t b = 0; b < rows; ++b) row_ops::StoreRecurrentRow(b, units, h + b * h_stride, dst);
}

TL_TARGET_CLONES void FinishRecurrentGrad(int64_t rows, int64_t units, const float* grad_h,
                                          const RecurrentGradRef& pending, float* out) {
  for (int64_t b = 0; b < rows; ++b) {
    std::memcpy(out + b * units, grad_h + b * units, sizeof(float) * units);
    if (pending.data) row_ops::AddPendingRow(b, units, pending, out + b * units);
  }
}

}  // namespace tl
