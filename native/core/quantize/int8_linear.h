// One interface for int8 dynamic-quantized matrix products (weights int8 per output
// channel, activations quantized on the fly, float in and out). Upstream is deprecating
// LibTorch's legacy quantized engines: another int8 backend can replace this one behind
// the same interface.
#pragma once

#include <ATen/ATen.h>

#include <memory>
#include <string>

namespace tl {

class Int8Linear {
 public:
  virtual ~Int8Linear() = default;
  /// y = x @ W^T (+ bias) for x [..., in] -> [..., out].
  virtual at::Tensor Forward(const at::Tensor& x) const = 0;
  /// Bytes held by the packed weights (int8 values, scales, bias).
  virtual int64_t bytes() const = 0;
  /// The int8 weight [out, in] and its per-output-channel scales (zero points are 0);
  /// for a matrix kept in float32, the float weight and an undefined scales tensor.
  virtual at::Tensor int8_weight() const = 0;
  virtual at::Tensor scales() const = 0;
};

/// Matrices with fewer input features than this stay float32: their per-channel scales
/// (4 bytes per output) would take more room than the int8 values they describe.
constexpr int64_t kMinInt8InputFeatures = 4;

/// The quantized engine that will run int8 work here ("onednn", "x86", "fbgemm"), or ""
/// when this LibTorch has none worth using (QNNPACK on x86 is slower than float32).
std::string SelectInt8Engine();

/// Packs `weight` [out, in] (float) with optional `bias` [out], symmetric per-channel int8
/// (float32 when `in < kMinInt8InputFeatures`). Throws when no int8 engine is available.
std::unique_ptr<Int8Linear> MakeInt8Linear(const at::Tensor& weight, const at::Tensor& bias);

}  // namespace tl
