#include "lstm_step.h"

#include <algorithm>
#include <cstring>

namespace tl {
namespace {

using gate_math::ActivateRow;
using gate_math::MultiplyByDerivativeRow;
using namespace row_ops;

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

/// With dcell = dc + t (t: the output's share, already through activation', plus o's peephole
/// share): the i, f, c~ gradients before their activations' derivatives, and dc for c(s-1)
/// (without i's and f's peephole shares).
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

/// out += a * b: a peephole term (w * c into a pre-activation, or back into dc), or a peephole
/// weight's gradient (dz * c).
TL_ALWAYS_INLINE void AddProductRow(int64_t n, float* __restrict out, const float* __restrict a,
                                    const float* __restrict b) {
  for (int64_t j = 0; j < n; ++j) out[j] += a[j] * b[j];
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
    const float* c_prev = a.c_prev + b * a.c_prev_stride;
    float* c = a.c + b * a.c_stride;
    float* tc = a.scratch;
    float* h = a.h + b * a.h_stride;
    float* y = a.y + b * a.y_stride;
    const float* w = a.peephole;
    if (a.bias) AddRow(4 * n, z, a.bias);
    if (w) {
      AddProductRow(n, z, w, c_prev);          // i sees c(s-1)
      AddProductRow(n, z + n, w + n, c_prev);  // f sees c(s-1)
    }
    ActivateRow(a.recurrent_activation, z, z, 2 * n);  // i, f
    ActivateRow(a.activation, z + 2 * n, z + 2 * n, n);
    if (!w) ActivateRow(a.recurrent_activation, z + 3 * n, z + 3 * n, n);
    const bool masked = a.step_mask && a.step_mask[b] == 0.0f;
    if (masked) {
      // Keras masking: state carried through, output repeated (zeros before any real step).
      std::memcpy(c, c_prev, sizeof(float) * n);
      if (a.y_prev) {
        std::memcpy(y, a.y_prev + b * a.y_prev_stride, sizeof(float) * n);
      } else {
        std::fill(y, y + n, 0.0f);
      }
    } else {
      CellForward(n, z, z + n, z + 2 * n, c_prev, c);
    }
    if (w) {
      AddProductRow(n, z + 3 * n, w + 2 * n, c);  // o sees c(s)
      ActivateRow(a.recurrent_activation, z + 3 * n, z + 3 * n, n);
    }
    if (!masked) {
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
    OutputGradRow(n, a.grad_y ? a.grad_y + b * a.grad_y_stride : nullptr, dy, gy_total);
    float* dz = a.grad_gates_bf16 ? dz_float : static_cast<float*>(a.grad_gates) + b * a.grad_gates_stride;
    if (a.step_mask && a.step_mask[b] == 0.0f) {
      // A masked step passed h, c and the previous output through unchanged.
      std::memcpy(dh, dh_total, sizeof(float) * n);
      if (dy) std::memcpy(dy, gy_total, sizeof(float) * n);
      std::fill(dz, dz + 4 * n, 0.0f);
    } else {
      const float* z = a.gates + b * a.gates_stride;  // i, f, c~, o
      ActivateRow(a.activation, a.c + b * a.c_stride, tc, n);
      const float* c_prev = a.c_prev + b * a.c_prev_stride;
      const float* w = a.peephole;
      OutputBackward(n, dh_total, gy_total, tc, z + 3 * n, dz + 3 * n, t);
      MultiplyByDerivativeRow(a.recurrent_activation, z + 3 * n, dz + 3 * n, n);
      MultiplyByDerivativeRow(a.activation, tc, t, n);
      if (w) AddProductRow(n, t, w + 2 * n, dz + 3 * n);  // c(s) also reached o
      CellBackward(n, t, z, z + n, z + 2 * n, c_prev, dc, dz, dz + n, dz + 2 * n);
      MultiplyByDerivativeRow(a.recurrent_activation, z, dz, 2 * n);  // i, f
      MultiplyByDerivativeRow(a.activation, z + 2 * n, dz + 2 * n, n);
      if (w) {
        // c(s-1) also reached i and f.
        AddProductRow(n, dc, w, dz);
        AddProductRow(n, dc, w + n, dz + n);
        if (a.grad_peephole) {
          AddProductRow(n, a.grad_peephole, dz, c_prev);
          AddProductRow(n, a.grad_peephole + n, dz + n, c_prev);
          AddProductRow(n, a.grad_peephole + 2 * n, dz + 3 * n, a.c + b * a.c_stride);
        }
      }
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

}  // namespace tl
