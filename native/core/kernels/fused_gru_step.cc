#include "fused_gru_step.h"

#include <algorithm>
#include <cstring>

namespace tl {
namespace {

using gate_math::ActivateRow;
using gate_math::MultiplyByDerivativeRow;
using namespace row_ops;

/// h~ += r * hr (reset_after).
TL_ALWAYS_INLINE void ResetAfter(int64_t n, float* __restrict cand, const float* __restrict r,
                                 const float* __restrict hr) {
  for (int64_t j = 0; j < n; ++j) cand[j] += r[j] * hr[j];
}

TL_ALWAYS_INLINE void Update(int64_t n, const float* __restrict z, const float* __restrict cand, float* __restrict h,
                             float* __restrict state, float* __restrict y) {
  for (int64_t j = 0; j < n; ++j) {
    const float v = z[j] * h[j] + (1.0f - z[j]) * cand[j];
    h[j] = v;
    state[j] = v;
    y[j] = v;
  }
}

TL_ALWAYS_INLINE void Multiply(int64_t n, const float* __restrict a, const float* __restrict b, float* __restrict out) {
  for (int64_t j = 0; j < n; ++j) out[j] = a[j] * b[j];
}

/// With d = dh_total + gy_total (the gradient of h(s)): z's and h~'s gradients before their
/// activations' derivatives, and h(s-1)'s direct share d * z.
TL_ALWAYS_INLINE void UpdateBackward(int64_t n, const float* __restrict dh_total, const float* __restrict gy_total,
                                     const float* __restrict cand, const float* __restrict z,
                                     const float* __restrict h_prev, float* __restrict d_cand,
                                     float* __restrict d_z, float* __restrict dh) {
  for (int64_t j = 0; j < n; ++j) {
    const float d = dh_total[j] + gy_total[j];
    d_z[j] = d * (h_prev[j] - cand[j]);
    d_cand[j] = d * (1.0f - z[j]);
    dh[j] = d * z[j];
  }
}

/// reset_after: d_r = d_cand * hr (before r's derivative), d_hr = d_cand * r.
TL_ALWAYS_INLINE void ResetAfterBackward(int64_t n, const float* __restrict d_cand, const float* __restrict r,
                                         const float* __restrict hr, float* __restrict d_r, float* __restrict d_hr) {
  for (int64_t j = 0; j < n; ++j) {
    d_r[j] = d_cand[j] * hr[j];
    d_hr[j] = d_cand[j] * r[j];
  }
}

/// reset_after=false: d_r = dq * (h_prev * m) (before r's derivative); dh += dq * r * m.
TL_ALWAYS_INLINE void ResetBeforeBackward(int64_t n, const float* __restrict dq, const float* __restrict r,
                                          const float* __restrict h_prev, const float* __restrict m,
                                          float* __restrict d_r, float* __restrict dh) {
  if (m) {
    for (int64_t j = 0; j < n; ++j) {
      const float dqm = dq[j] * m[j];
      d_r[j] = dqm * h_prev[j];
      dh[j] += dqm * r[j];
    }
  } else {
    for (int64_t j = 0; j < n; ++j) {
      d_r[j] = dq[j] * h_prev[j];
      dh[j] += dq[j] * r[j];
    }
  }
}

/// Writes `src` (width floats) to the gradient row (float or bfloat16) at element `offset` of
/// row b, and to the stage's row (contiguous rows of `stage_width`).
TL_ALWAYS_INLINE void StoreGradRow(const float* src, int64_t width, int64_t b, int64_t offset, void* grad_gates,
                                   bool bf16, int64_t stride, uint16_t* stage, int64_t stage_width) {
  if (!bf16) return;  // float rows are written in place
  uint16_t* out = static_cast<uint16_t*>(grad_gates) + b * stride + offset;
  StoreBf16Row(width, src, out);
  if (stage) std::memcpy(stage + b * stage_width + offset, out, sizeof(uint16_t) * width);
}

}  // namespace

TL_TARGET_CLONES void GruForwardStep(const GruForwardStepArgs& a) {
  const int64_t n = a.units, width = (a.reset_after ? 4 : 3) * n;
  for (int64_t b = 0; b < a.rows; ++b) {
    if (b + 1 < a.rows) {
      Prefetch(a.gates + (b + 1) * a.gates_stride, width * 4, false);
      Prefetch(a.state + (b + 1) * a.state_stride, n * 4, true);
      Prefetch(a.y + (b + 1) * a.y_stride, n * 4, true);
    }
    float* g = a.gates + b * a.gates_stride;  // h~, z, r (, hr)
    if (a.bias) {
      if (a.reset_done) {
        AddRow(n, g, a.bias);
      } else {
        AddRow(width, g, a.bias);
      }
    }
    if (!a.reset_done) ActivateRow(a.recurrent_activation, g + n, g + n, 2 * n);
    if (a.reset_after) ResetAfter(n, g, g + 2 * n, g + 3 * n);
    ActivateRow(a.activation, g, g, n);
    float* h = a.h + b * a.h_stride;
    float* state = a.state + b * a.state_stride;
    float* y = a.y + b * a.y_stride;
    if (a.step_mask && a.step_mask[b] == 0.0f) {
      // Keras masking: state carried through, output repeated (zeros before any real step).
      std::memcpy(state, h, sizeof(float) * n);
      if (a.y_prev) {
        std::memcpy(y, a.y_prev + b * a.y_prev_stride, sizeof(float) * n);
      } else {
        std::fill(y, y + n, 0.0f);
      }
    } else {
      Update(n, g + n, g, h, state, y);
    }
    if (a.next.data) StoreRecurrentRow(b, n, h, a.next);
  }
}

TL_TARGET_CLONES void GruResetStep(const GruResetStepArgs& a) {
  const int64_t n = a.units;
  for (int64_t b = 0; b < a.rows; ++b) {
    float* g = a.gates + b * a.gates_stride;
    if (a.bias) AddRow(2 * n, g + n, a.bias + n);
    ActivateRow(a.recurrent_activation, g + n, g + n, 2 * n);
    Multiply(n, g + 2 * n, a.h + b * a.h_stride, a.scratch);
    StoreRecurrentRow(b, n, a.scratch, a.reset_h);
  }
}

TL_TARGET_CLONES void GruBackwardStep(const GruBackwardStepArgs& a) {
  const int64_t n = a.units, width = (a.reset_after ? 4 : 3) * n;
  float* dh_total = a.scratch;
  float* gy_total = a.scratch + n;
  float* dz_float = a.scratch + 2 * n;  // up to 4n
  for (int64_t b = 0; b < a.rows; ++b) {
    if (b + 1 < a.rows) {
      const int64_t nb = b + 1;
      Prefetch(a.gates + nb * a.gates_stride, width * 4, false);
      Prefetch(a.h_prev + nb * a.h_prev_stride, n * 4, false);
      if (a.grad_y) Prefetch(a.grad_y + nb * a.grad_y_stride, n * 4, false);
      Prefetch(static_cast<char*>(a.grad_gates) + nb * a.grad_gates_stride * (a.grad_gates_bf16 ? 2 : 4),
               width * (a.grad_gates_bf16 ? 2 : 4), true);
    }
    float* dh = a.grad_h + b * n;
    float* dy = a.grad_y_carry ? a.grad_y_carry + b * n : nullptr;
    std::memcpy(dh_total, dh, sizeof(float) * n);
    if (a.pending.data) AddPendingRow(b, n, a.pending, dh_total);
    OutputGradRow(n, a.grad_y ? a.grad_y + b * a.grad_y_stride : nullptr, dy, gy_total);
    float* dz = a.grad_gates_bf16 ? dz_float : static_cast<float*>(a.grad_gates) + b * a.grad_gates_stride;
    if (a.step_mask && a.step_mask[b] == 0.0f) {
      // A masked step passed h and the previous output through unchanged.
      std::memcpy(dh, dh_total, sizeof(float) * n);
      if (dy) std::memcpy(dy, gy_total, sizeof(float) * n);
      std::fill(dz, dz + width, 0.0f);
    } else {
      const float* g = a.gates + b * a.gates_stride;  // h~, z, r (, hr)
      UpdateBackward(n, dh_total, gy_total, g, g + n, a.h_prev + b * a.h_prev_stride, dz, dz + n, dh);
      MultiplyByDerivativeRow(a.recurrent_activation, g + n, dz + n, n);
      MultiplyByDerivativeRow(a.activation, g, dz, n);
      if (a.reset_after) {
        ResetAfterBackward(n, dz, g + 2 * n, g + 3 * n, dz + 2 * n, dz + 3 * n);
        MultiplyByDerivativeRow(a.recurrent_activation, g + 2 * n, dz + 2 * n, n);
      } else {
        std::fill(dz + 2 * n, dz + 3 * n, 0.0f);  // GruResetBackwardStep's
      }
      if (dy) std::fill(dy, dy + n, 0.0f);
    }
    if (a.grad_bias) {
      AddRow(2 * n, a.grad_bias, dz);
      if (a.reset_after) AddRow(2 * n, a.grad_bias + 2 * n, dz + 2 * n);
    }
    StoreGradRow(dz, width, b, 0, a.grad_gates, a.grad_gates_bf16, a.grad_gates_stride, a.grad_gates_stage, width);
  }
}

TL_TARGET_CLONES void GruResetBackwardStep(const GruResetBackwardStepArgs& a) {
  const int64_t n = a.units, width = 3 * n;
  for (int64_t b = 0; b < a.rows; ++b) {
    const float* g = a.gates + b * a.gates_stride;
    float* dr = a.grad_gates_bf16 ? a.scratch : static_cast<float*>(a.grad_gates) + b * a.grad_gates_stride + 2 * n;
    ResetBeforeBackward(n, a.dq + b * n, g + 2 * n, a.h_prev + b * a.h_prev_stride,
                        a.mask ? a.mask + b * a.mask_stride : nullptr, dr, a.grad_h + b * n);
    MultiplyByDerivativeRow(a.recurrent_activation, g + 2 * n, dr, n);
    if (a.grad_bias) AddRow(n, a.grad_bias + 2 * n, dr);
    StoreGradRow(dr, n, b, 2 * n, a.grad_gates, a.grad_gates_bf16, a.grad_gates_stride, a.grad_gates_stage, width);
  }
}

}  // namespace tl
