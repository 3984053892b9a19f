#include "lstm_step.h"

#include <algorithm>
#include <cstring>

namespace tl {
namespace {

using gate_math::ActivateRow;
using gate_math::MultiplyByDerivativeRow;
using gate_math::ToBf16;

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

// The row loops take their arrays as __restrict parameters: that (not restrict locals) is what
// lets the compiler vectorize loops with many streams without runtime alias checks.

TL_ALWAYS_INLINE void CellForward(int64_t n, const float* __restrict i, const float* __restrict f,
                                  const float* __restrict g, const float* __restrict c_prev, float* __restrict c) {
  for (int64_t j = 0; j < n; ++j) c[j] = f[j] * c_prev[j] + i[j] * g[j];
}

TL_ALWAYS_INLINE void OutputForward(int64_t n, const float* __restrict o, const float* __restrict tc,
                                    float* __restrict h, float* __restrict y) {
  for (int64_t j = 0; j < n; ++j) {
    const float v = o[j] * tc[j];
    h[j] = v;
    y[j] = v;
  }
}

/// d = dh + gy (the gradient of h(s)); dz_o = d * tc (before o's derivative); t = d * o.
TL_ALWAYS_INLINE void OutputBackward(int64_t n, const float* __restrict dh, const float* __restrict gy,
                                     const float* __restrict tc, const float* __restrict o, float* __restrict dz_o,
                                     float* __restrict t) {
  for (int64_t j = 0; j < n; ++j) {
    const float d = dh[j] + gy[j];
    dz_o[j] = d * tc[j];
    t[j] = d * o[j];
  }
}

/// With dcell = dc + t (t: the output's share, already through activation'): the i, f, c~
/// gradients before their activations' derivatives, and dc for c(s-1).
TL_ALWAYS_INLINE void CellBackward(int64_t n, const float* __restrict t, const float* __restrict i,
                                   const float* __restrict f, const float* __restrict g,
                                   const float* __restrict c_prev, float* __restrict dc, float* __restrict dz_i,
                                   float* __restrict dz_f, float* __restrict dz_g) {
  for (int64_t j = 0; j < n; ++j) {
    const float dcell = dc[j] + t[j];
    dz_i[j] = dcell * g[j];
    dz_f[j] = dcell * c_prev[j];
    dz_g[j] = dcell * i[j];
    dc[j] = dcell * f[j];
  }
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

}  // namespace

TL_TARGET_CLONES void LstmForwardStep(const LstmForwardStepArgs& a) {
  const int64_t n = a.units;
  for (int64_t b = 0; b < a.rows; ++b) {
    if (b + 1 < a.rows) {
      const int64_t nb = b + 1;
      Prefetch(a.c_prev + nb * a.c_prev_stride, n * 4, false);
      Prefetch(a.c + nb * a.c_stride, n * 4, true);
      Prefetch(a.y + nb * a.y_stride, n * 4, true);
    }
    float* z = a.gates + b * a.gates_stride;
    if (a.bias) AddRow(4 * n, z, a.bias);
    ActivateRow(a.recurrent_activation, z, z, 2 * n);  // i, f
    ActivateRow(a.activation, z + 2 * n, z + 2 * n, n);
    ActivateRow(a.recurrent_activation, z + 3 * n, z + 3 * n, n);
    const float* c_prev = a.c_prev + b * a.c_prev_stride;
    float* c = a.c + b * a.c_stride;
    float* tc = a.scratch;
    float* h = a.h + b * a.h_stride;
    float* y = a.y + b * a.y_stride;
    if (a.step_mask && a.step_mask[b] == 0.0f) {
      // Keras masking: state carried through, output repeated (zeros before any real step).
      std::memcpy(c, c_prev, sizeof(float) * n);
      if (a.y_prev) {
        std::memcpy(y, a.y_prev + b * a.y_prev_stride, sizeof(float) * n);
      } else {
        std::fill(y, y + n, 0.0f);
      }
    } else {
      CellForward(n, z, z + n, z + 2 * n, c_prev, c);
      ActivateRow(a.activation, c, tc, n);
      OutputForward(n, z + 3 * n, tc, h, y);
    }
    if (a.next.data) StoreRecurrentRow(b, n, h, a.next);
  }
}

TL_TARGET_CLONES void LstmBackwardStep(const LstmBackwardStepArgs& a) {
  const int64_t n = a.units;
  float* dh_total = a.scratch;
  float* gy_total = a.scratch + n;
  float* t = a.scratch + 2 * n;
  float* dz_float = a.scratch + 3 * n;  // 4n
  float* tc = a.scratch + 7 * n;
  for (int64_t b = 0; b < a.rows; ++b) {
    if (b + 1 < a.rows) {
      const int64_t nb = b + 1;
      Prefetch(a.gates + nb * a.gates_stride, n * 16, false);
      Prefetch(a.c + nb * a.c_stride, n * 4, false);
      Prefetch(a.c_prev + nb * a.c_prev_stride, n * 4, false);
      if (a.grad_y) Prefetch(a.grad_y + nb * a.grad_y_stride, n * 4, false);
      Prefetch(static_cast<char*>(a.grad_gates) + nb * a.grad_gates_stride * (a.grad_gates_bf16 ? 2 : 4),
               n * (a.grad_gates_bf16 ? 8 : 16), true);
    }
    float* dh = a.grad_h + b * n;
    float* dc = a.grad_c + b * n;
    float* dy = a.grad_y_carry ? a.grad_y_carry + b * n : nullptr;
    std::memcpy(dh_total, dh, sizeof(float) * n);
    if (a.pending.data) AddPendingRow(b, n, a.pending, dh_total);
    const float* gy = a.grad_y ? a.grad_y + b * a.grad_y_stride : nullptr;
    if (gy && dy) {
      SumRows(n, gy, dy, gy_total);
    } else if (gy || dy) {
      std::memcpy(gy_total, gy ? gy : dy, sizeof(float) * n);
    } else {
      std::fill(gy_total, gy_total + n, 0.0f);
    }
    float* dz = a.grad_gates_bf16 ? dz_float : static_cast<float*>(a.grad_gates) + b * a.grad_gates_stride;
    if (a.step_mask && a.step_mask[b] == 0.0f) {
      // A masked step passed h, c and the previous output through unchanged.
      std::memcpy(dh, dh_total, sizeof(float) * n);
      if (dy) std::memcpy(dy, gy_total, sizeof(float) * n);
      std::fill(dz, dz + 4 * n, 0.0f);
    } else {
      const float* z = a.gates + b * a.gates_stride;  // i, f, c~, o
      ActivateRow(a.activation, a.c + b * a.c_stride, tc, n);
      OutputBackward(n, dh_total, gy_total, tc, z + 3 * n, dz + 3 * n, t);
      MultiplyByDerivativeRow(a.recurrent_activation, z + 3 * n, dz + 3 * n, n);
      MultiplyByDerivativeRow(a.activation, tc, t, n);
      CellBackward(n, t, z, z + n, z + 2 * n, a.c_prev + b * a.c_prev_stride, dc, dz, dz + n, dz + 2 * n);
      MultiplyByDerivativeRow(a.recurrent_activation, z, dz, 2 * n);  // i, f
      MultiplyByDerivativeRow(a.activation, z + 2 * n, dz + 2 * n, n);
      std::fill(dh, dh + n, 0.0f);  // h(s-1) gets its gradient through the GEMM with dz
      if (dy) std::fill(dy, dy + n, 0.0f);
    }
    if (a.grad_bias) AddRow(4 * n, a.grad_bias, dz);
    if (a.grad_gates_bf16) {
      uint16_t* out = static_cast<uint16_t*>(a.grad_gates) + b * a.grad_gates_stride;
      StoreBf16Row(4 * n, dz, out);
      if (a.grad_gates_stage) std::memcpy(a.grad_gates_stage + b * 4 * n, out, sizeof(uint16_t) * 4 * n);
    }
  }
}

TL_TARGET_CLONES void StoreRecurrentInput(int64_t rows, int64_t units, const float* h, int64_t h_stride,
                                          const RecurrentInputRef& dst) {
  for (int64_t b = 0; b < rows; ++b) StoreRecurrentRow(b, units, h + b * h_stride, dst);
}

TL_TARGET_CLONES void FinishRecurrentGrad(int64_t rows, int64_t units, const float* grad_h,
                                          const RecurrentGradRef& pending, float* out) {
  for (int64_t b = 0; b < rows; ++b) {
    std::memcpy(out + b * units, grad_h + b * units, sizeof(float) * units);
    if (pending.data) AddPendingRow(b, units, pending, out + b * units);
  }
}

}  // namespace tl
