// Element-wise math of the fused recurrent kernels (LSTM now, GRU next): the Keras gate
// activations on float buffers, their derivatives from the activation's output, and
// float <-> bfloat16 conversion. Everything here is inline and branch-free so that loops over
// contiguous floats vectorize; callers compile those loops once per ISA with TL_TARGET_CLONES.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

// One copy of a function per x86-64 ISA level, chosen at load time (GCC/Clang ifunc, glibc).
// Elsewhere (macOS, ARM, TL_NO_TARGET_CLONES) the baseline build alone.
#if defined(__x86_64__) && defined(__linux__) && (defined(__GNUC__) || defined(__clang__)) && \
    !defined(TL_NO_TARGET_CLONES)
#define TL_TARGET_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define TL_TARGET_CLONES
#endif

#if defined(__GNUC__) || defined(__clang__)
#define TL_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define TL_ALWAYS_INLINE inline
#endif

namespace tl {

/// The Keras activations a fused kernel computes, with derivatives taken from their outputs.
/// `kHardSigmoid` is Keras 3's relu6(x + 3) / 6; `kElu` uses alpha = 1.
enum class GateActivation { kTanh, kSigmoid, kHardSigmoid, kRelu, kRelu6, kLinear, kSoftsign, kElu };

/// The fused form of the Keras activation `name` ("tanh", "hard_sigmoid", ...), or nullopt when
/// the fused kernels have none (the caller then runs the general cell loop).
std::optional<GateActivation> FusedActivation(const std::string& name);

/// The Keras name of `a`.
const char* ActivationName(GateActivation a);

namespace gate_math {

TL_ALWAYS_INLINE float BitsToFloat(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

TL_ALWAYS_INLINE uint32_t FloatToBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

/// e^x to ~1 ulp (Cephes expf: range reduction by ln 2, degree-6 polynomial), with the argument
/// clamped to [-87.3, 88.3] so the result stays finite and normal.
TL_ALWAYS_INLINE float Exp(float x) {
  x = x < -87.3f ? -87.3f : (x > 88.3f ? 88.3f : x);
  // Round x / ln 2 to the nearest integer without a rounding instruction (strict IEEE).
  const float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  float r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const uint32_t scale = static_cast<uint32_t>(static_cast<int32_t>(n) + 127) << 23;
  return p * BitsToFloat(scale);
}

TL_ALWAYS_INLINE float Sigmoid(float x) { return 1.0f / (1.0f + Exp(-x)); }

/// tanh: an odd Taylor polynomial below |x| = 0.4 (where 1 - 2/(e^2x + 1) would cancel), the
/// exponential form above.
TL_ALWAYS_INLINE float Tanh(float x) {
  const float a = x < 0 ? -x : x;
  const float x2 = x * x;
  float p = 21844.0f / 6081075.0f;
  p = p * x2 - 1382.0f / 155925.0f;
  p = p * x2 + 62.0f / 2835.0f;
  p = p * x2 - 17.0f / 315.0f;
  p = p * x2 + 2.0f / 15.0f;
  p = p * x2 - 1.0f / 3.0f;
  const float small = x + x * x2 * p;
  const float large = 1.0f - 2.0f / (Exp(2.0f * a) + 1.0f);
  return a < 0.4f ? small : (x < 0 ? -large : large);
}

TL_ALWAYS_INLINE float Activate(GateActivation a, float x) {
  switch (a) {
    case GateActivation::kTanh: return Tanh(x);
    case GateActivation::kSigmoid: return Sigmoid(x);
    case GateActivation::kHardSigmoid: {
      const float y = x * (1.0f / 6.0f) + 0.5f;
      return y < 0.0f ? 0.0f : (y > 1.0f ? 1.0f : y);
    }
    case GateActivation::kRelu: return x > 0.0f ? x : 0.0f;
    case GateActivation::kRelu6: return x < 0.0f ? 0.0f : (x > 6.0f ? 6.0f : x);
    case GateActivation::kLinear: return x;
    case GateActivation::kSoftsign: return x / (1.0f + (x < 0 ? -x : x));
    case GateActivation::kElu: return x > 0.0f ? x : Exp(x) - 1.0f;
  }
  return x;
}

/// d activation / dx at the point where the activation's output is `y`.
TL_ALWAYS_INLINE float DerivativeFromOutput(GateActivation a, float y) {
  switch (a) {
    case GateActivation::kTanh: return 1.0f - y * y;
    case GateActivation::kSigmoid: return y * (1.0f - y);
    case GateActivation::kHardSigmoid: return (y > 0.0f && y < 1.0f) ? 1.0f / 6.0f : 0.0f;
    case GateActivation::kRelu: return y > 0.0f ? 1.0f : 0.0f;
    case GateActivation::kRelu6: return (y > 0.0f && y < 6.0f) ? 1.0f : 0.0f;
    case GateActivation::kLinear: return 1.0f;
    case GateActivation::kSoftsign: {
      const float s = 1.0f - (y < 0 ? -y : y);
      return s * s;
    }
    case GateActivation::kElu: return y > 0.0f ? 1.0f : y + 1.0f;
  }
  return 1.0f;
}

// The loops below switch once per call, outside the loop, so each case vectorizes on its own.

/// out[j] = a(in[j]) for j < n (in == out allowed).
TL_ALWAYS_INLINE void ActivateRow(GateActivation a, const float* in, float* out, int64_t n) {
  switch (a) {
    case GateActivation::kTanh:
      for (int64_t j = 0; j < n; ++j) out[j] = Tanh(in[j]);
      return;
    case GateActivation::kSigmoid:
      for (int64_t j = 0; j < n; ++j) out[j] = Sigmoid(in[j]);
      return;
    case GateActivation::kHardSigmoid:
      for (int64_t j = 0; j < n; ++j) out[j] = Activate(GateActivation::kHardSigmoid, in[j]);
      return;
    case GateActivation::kRelu:
      for (int64_t j = 0; j < n; ++j) out[j] = Activate(GateActivation::kRelu, in[j]);
      return;
    case GateActivation::kRelu6:
      for (int64_t j = 0; j < n; ++j) out[j] = Activate(GateActivation::kRelu6, in[j]);
      return;
    case GateActivation::kLinear:
      if (in != out) std::memcpy(out, in, sizeof(float) * n);
      return;
    case GateActivation::kSoftsign:
      for (int64_t j = 0; j < n; ++j) out[j] = Activate(GateActivation::kSoftsign, in[j]);
      return;
    case GateActivation::kElu:
      for (int64_t j = 0; j < n; ++j) out[j] = Activate(GateActivation::kElu, in[j]);
      return;
  }
}

/// g[j] *= a'(x_j) where y[j] = a(x_j), for j < n.
TL_ALWAYS_INLINE void MultiplyByDerivativeRow(GateActivation a, const float* __restrict y, float* __restrict g,
                                              int64_t n) {
  switch (a) {
    case GateActivation::kTanh:
      for (int64_t j = 0; j < n; ++j) g[j] *= DerivativeFromOutput(GateActivation::kTanh, y[j]);
      return;
    case GateActivation::kSigmoid:
      for (int64_t j = 0; j < n; ++j) g[j] *= DerivativeFromOutput(GateActivation::kSigmoid, y[j]);
      return;
    case GateActivation::kHardSigmoid:
      for (int64_t j = 0; j < n; ++j) g[j] *= DerivativeFromOutput(GateActivation::kHardSigmoid, y[j]);
      return;
    case GateActivation::kRelu:
      for (int64_t j = 0; j < n; ++j) g[j] *= DerivativeFromOutput(GateActivation::kRelu, y[j]);
      return;
    case GateActivation::kRelu6:
      for (int64_t j = 0; j < n; ++j) g[j] *= DerivativeFromOutput(GateActivation::kRelu6, y[j]);
      return;
    case GateActivation::kLinear:
      return;
    case GateActivation::kSoftsign:
      for (int64_t j = 0; j < n; ++j) g[j] *= DerivativeFromOutput(GateActivation::kSoftsign, y[j]);
      return;
    case GateActivation::kElu:
      for (int64_t j = 0; j < n; ++j) g[j] *= DerivativeFromOutput(GateActivation::kElu, y[j]);
      return;
  }
}

/// float -> bfloat16 bits, round to nearest even (NaN stays a quiet NaN), as c10::BFloat16.
TL_ALWAYS_INLINE uint16_t ToBf16(float f) {
  const uint32_t u = FloatToBits(f);
  const uint32_t rounded = (u + 0x7fffu + ((u >> 16) & 1u)) >> 16;
  return static_cast<uint16_t>(f != f ? 0x7fc0u : rounded);
}

TL_ALWAYS_INLINE float FromBf16(uint16_t b) { return BitsToFloat(static_cast<uint32_t>(b) << 16); }

}  // namespace gate_math
}  // namespace tl
