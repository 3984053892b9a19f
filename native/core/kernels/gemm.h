// The GEMMs of the fused recurrent kernels, behind one call: oneDNN's C GEMMs (dnnl_sgemm,
// dnnl_gemm_bf16bf16f32) when the process has them, at::mm otherwise.
//
// Why: LibTorch 1.13 routes float32 at::mm to OpenBLAS, whose kernels are about half as fast as
// oneDNN's AVX-512 ones here, and bfloat16 at::mm returns bfloat16 (the result rounded to 8 bits).
// Debian's LibTorch links libdnnl.so.2 and so exports oneDNN's C API into the process; pip
// LibTorch 2.x links oneDNN privately, so there the fallback runs (found at run time, by dlsym).
#pragma once

#include <ATen/ATen.h>

#include <string>

namespace tl {

/// Precision of a fused kernel's GEMMs. The gate math, the states, the outputs and every
/// gradient stay float32 either way; kBFloat16 rounds the GEMM operands to bfloat16 (oneDNN
/// accumulates and returns float32; the at::mm fallback also rounds the GEMM results).
enum class GemmPrecision { kFloat32, kBFloat16 };

enum class GemmBackend {
  /// oneDNN's C GEMM when the process exports it, else at::mm.
  kAuto,
  /// Always at::mm (the reference; bfloat16 results rounded to bfloat16 before use).
  kATen,
};

namespace gemm {

/// A row-major matrix in memory: element (i, j) at data + i * ld + j, float32 or bfloat16 (by
/// `bf16`); used as itself or, with `transposed`, as its transpose.
struct MatrixRef {
  const void* data = nullptr;
  int64_t rows = 0, cols = 0, ld = 0;
  bool bf16 = false;
  bool transposed = false;
  int64_t OpRows() const { return transposed ? cols : rows; }
  int64_t OpCols() const { return transposed ? rows : cols; }
};

/// The same product on raw memory (the per-step GEMMs: no tensor views to build):
/// out[OpRows(a), OpCols(b)] (row stride ldo) = op(a) @ op(b), or += when `accumulate`.
void MatMul(const MatrixRef& a, const MatrixRef& b, float* out, int64_t ldo, bool accumulate, GemmBackend backend);

/// out = a @ b, or out += a @ b when `accumulate`. a [M, K] and b [K, N] are both float32 or both
/// bfloat16, any 2-D views with a unit stride in one dimension (transposed views included);
/// out [M, N] is float32 and may be a strided view (rows of a larger buffer).
void MatMul(const at::Tensor& a, const at::Tensor& b, const at::Tensor& out, bool accumulate, GemmBackend backend);

/// Whether MatMul reads strided (row-stride) operands of `dtype` in place with `backend`; the
/// at::mm fallback copies them (callers may then prefer to keep contiguous copies themselves).
bool ReadsStridedInPlace(at::ScalarType dtype, GemmBackend backend);

/// What kAuto uses in this process for `dtype` (e.g. "oneDNN dnnl_sgemm", "at::mm").
std::string AutoBackendName(at::ScalarType dtype);

}  // namespace gemm
}  // namespace tl
