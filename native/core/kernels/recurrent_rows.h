// Row-level pieces the fused recurrent kernels' element-wise steps share (lstm_step, gru_step):
// where a step's h goes as the next recurrent GEMM operand (masked per dropout group, float or
// bfloat16, with an optional contiguous staging copy), where the recurrent gradient waits for
// h, and small inline row loops. A "group" is one recurrent-dropout mask: one shared by every
// gate (1 group) or one per gate block, as Keras versions differ.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "gate_math.h"

namespace tl {

/// The recurrent GEMM input of the next step: row b of group g = h(b) * mask(g, b), in float
/// or bfloat16. `mask` null: h itself (then `groups` is 1). `stage` (optional) receives a second
/// copy with its own strides: a contiguous per-step operand for the GEMM when `data` is strided.
struct RecurrentInputRef {
  void* data = nullptr;
  bool bf16 = false;
  int64_t row_stride = 0, group_stride = 0;
  int groups = 1;
  const float* mask = nullptr;
  int64_t mask_row_stride = 0, mask_group_stride = 0;
  void* stage = nullptr;
  int64_t stage_row_stride = 0, stage_group_stride = 0;
};

/// The recurrent gradient waiting for h(s): group g row b = (dz(s+1) @ R_g^T)(b); it reaches
/// h(s) multiplied by the same masks as RecurrentInputRef.
struct RecurrentGradRef {
  const float* data = nullptr;
  int64_t row_stride = 0, group_stride = 0;
  int groups = 1;
  const float* mask = nullptr;
  int64_t mask_row_stride = 0, mask_group_stride = 0;
};

/// Writes h * mask into `dst` for each group (the recurrent input of the first step).
void StoreRecurrentInput(int64_t rows, int64_t units, const float* h, int64_t h_stride, const RecurrentInputRef& dst);

/// out = grad_h + pending (the gradient of h0 once every step is done); [rows, units] contiguous.
void FinishRecurrentGrad(int64_t rows, int64_t units, const float* grad_h, const RecurrentGradRef& pending, float* out);

namespace row_ops {

using gate_math::ToBf16;

// The row loops take their arrays as __restrict parameters: that (not restrict locals) is what
// lets the compiler vectorize loops with many streams without runtime alias checks.

TL_ALWAYS_INLINE void MaskedBf16Row(int64_t n, const float* __restrict h, const float* __restrict m,
                                    uint16_t* __restrict out) {
  if (m) {
    for (int64_t j = 0; j < n; ++j) out[j] = ToBf16(h[j] * m[j]);
  } else {
    for (int64_t j = 0; j < n; ++j) out[j] = ToBf16(h[j]);
  }
}

TL_ALWAYS_INLINE void MaskedFloatRow(int64_t n, const float* __restrict h, const float* __restrict m,
                                     float* __restrict out) {
  if (m) {
    for (int64_t j = 0; j < n; ++j) out[j] = h[j] * m[j];
  } else {
    std::memcpy(out, h, sizeof(float) * n);
  }
}

/// Row b of every group of `dst` (and of its stage) = h * mask(g, b).
TL_ALWAYS_INLINE void StoreRecurrentRow(int64_t b, int64_t n, const float* h, const RecurrentInputRef& dst) {
  for (int g = 0; g < dst.groups; ++g) {
    const int64_t offset = g * dst.group_stride + b * dst.row_stride;
    const float* m = dst.mask ? dst.mask + g * dst.mask_group_stride + b * dst.mask_row_stride : nullptr;
    if (dst.bf16) {
      uint16_t* out = static_cast<uint16_t*>(dst.data) + offset;
      MaskedBf16Row(n, h, m, out);
      if (dst.stage) {
        std::memcpy(static_cast<uint16_t*>(dst.stage) + g * dst.stage_group_stride + b * dst.stage_row_stride, out,
                    sizeof(uint16_t) * n);
      }
    } else {
      float* out = static_cast<float*>(dst.data) + offset;
      MaskedFloatRow(n, h, m, out);
      if (dst.stage) {
        std::memcpy(static_cast<float*>(dst.stage) + g * dst.stage_group_stride + b * dst.stage_row_stride, out,
                    sizeof(float) * n);
      }
    }
  }
}

TL_ALWAYS_INLINE void AddMaskedRow(int64_t n, const float* __restrict src, const float* __restrict m,
                                   float* __restrict out) {
  if (m) {
    for (int64_t j = 0; j < n; ++j) out[j] += src[j] * m[j];
  } else {
    for (int64_t j = 0; j < n; ++j) out[j] += src[j];
  }
}

/// out += sum over groups of pending(g, b) * mask(g, b).
TL_ALWAYS_INLINE void AddPendingRow(int64_t b, int64_t n, const RecurrentGradRef& p, float* out) {
  for (int g = 0; g < p.groups; ++g) {
    const float* m = p.mask ? p.mask + g * p.mask_group_stride + b * p.mask_row_stride : nullptr;
    AddMaskedRow(n, p.data + g * p.group_stride + b * p.row_stride, m, out);
  }
}

/// Asks for `bytes` at p in cache ahead of use (rows of batch-major buffers lie far apart, where
/// the hardware prefetchers do not follow).
TL_ALWAYS_INLINE void Prefetch(const void* p, int64_t bytes, bool for_write) {
#if defined(__GNUC__) || defined(__clang__)
  const char* c = static_cast<const char*>(p);
  for (int64_t off = 0; off < bytes; off += 64) {
    if (for_write) {
      __builtin_prefetch(c + off, 1, 3);
    } else {
      __builtin_prefetch(c + off, 0, 3);
    }
  }
#endif
}

TL_ALWAYS_INLINE void AddRow(int64_t n, float* __restrict dst, const float* __restrict src) {
  for (int64_t j = 0; j < n; ++j) dst[j] += src[j];
}

TL_ALWAYS_INLINE void SumRows(int64_t n, const float* __restrict a, const float* __restrict b, float* __restrict out) {
  for (int64_t j = 0; j < n; ++j) out[j] = a[j] + b[j];
}

TL_ALWAYS_INLINE void StoreBf16Row(int64_t n, const float* __restrict src, uint16_t* __restrict out) {
  for (int64_t j = 0; j < n; ++j) out[j] = ToBf16(src[j]);
}

/// The output-side gradient of step s: gy(s) plus what masked steps carried back from later
/// outputs (`carry`); either may be null (zeros).
TL_ALWAYS_INLINE void OutputGradRow(int64_t n, const float* gy, const float* carry, float* out) {
  if (gy && carry) {
    SumRows(n, gy, carry, out);
  } else if (gy || carry) {
    std::memcpy(out, gy ? gy : carry, sizeof(float) * n);
  } else {
    std::fill(out, out + n, 0.0f);
  }
}

}  // namespace row_ops
}  // namespace tl
