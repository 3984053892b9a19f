#include "gemm.h"

#include <dlfcn.h>

#include <cstdint>

namespace tl::gemm {
namespace {

// oneDNN's C API (dnnl.h, stable since oneDNN 1.0): row-major, dnnl_dim_t = int64_t, returns
// dnnl_status_t (0 = dnnl_success).
using SgemmFn = int (*)(char transa, char transb, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                        int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc);
using Bf16GemmFn = int (*)(char transa, char transb, int64_t m, int64_t n, int64_t k, float alpha, const uint16_t* a,
                           int64_t lda, const uint16_t* b, int64_t ldb, float beta, float* c, int64_t ldc);

SgemmFn Sgemm() {
  static const auto fn = reinterpret_cast<SgemmFn>(dlsym(RTLD_DEFAULT, "dnnl_sgemm"));
  return fn;
}

Bf16GemmFn Bf16Gemm() {
  static const auto fn = reinterpret_cast<Bf16GemmFn>(dlsym(RTLD_DEFAULT, "dnnl_gemm_bf16bf16f32"));
  return fn;
}

/// How a 2-D view reads as a row-major matrix: 'N' with leading dimension ld, or 'T' (it is the
/// transpose of a row-major [cols, rows] matrix). False when neither stride is 1.
bool RowMajor(const at::Tensor& t, char* trans, int64_t* ld) {
  const int64_t rows = t.size(0), cols = t.size(1);
  if (t.stride(1) == 1 || cols == 1) {
    const int64_t l = rows == 1 ? cols : t.stride(0);
    if (l >= cols && l >= 1) {
      *trans = 'N';
      *ld = l;
      return true;
    }
  }
  if (t.stride(0) == 1 || rows == 1) {
    const int64_t l = cols == 1 ? rows : t.stride(1);
    if (l >= rows && l >= 1) {
      *trans = 'T';
      *ld = l;
      return true;
    }
  }
  return false;
}

bool TryDnnl(const at::Tensor& a, const at::Tensor& b, const at::Tensor& out, bool accumulate) {
  const bool bf16 = a.scalar_type() == at::kBFloat16;
  if (bf16 ? !Bf16Gemm() : !Sgemm()) return false;
  char ta, tb, tc;
  int64_t lda, ldb, ldc;
  if (!RowMajor(a, &ta, &lda) || !RowMajor(b, &tb, &ldb) || !RowMajor(out, &tc, &ldc) || tc != 'N') return false;
  const int64_t m = a.size(0), k = a.size(1), n = b.size(1);
  const float beta = accumulate ? 1.0f : 0.0f;
  float* c = out.data_ptr<float>();
  if (bf16) {
    return Bf16Gemm()(ta, tb, m, n, k, 1.0f, reinterpret_cast<const uint16_t*>(a.data_ptr<at::BFloat16>()), lda,
                      reinterpret_cast<const uint16_t*>(b.data_ptr<at::BFloat16>()), ldb, beta, c, ldc) == 0;
  }
  return Sgemm()(ta, tb, m, n, k, 1.0f, a.data_ptr<float>(), lda, b.data_ptr<float>(), ldb, beta, c, ldc) == 0;
}

at::Tensor Wrap(const MatrixRef& m) {
  const at::Tensor t = at::from_blob(const_cast<void*>(m.data), {m.rows, m.cols}, {m.ld, 1},
                                     at::TensorOptions().dtype(m.bf16 ? at::kBFloat16 : at::kFloat));
  return m.transposed ? t.t() : t;
}

}  // namespace

void MatMul(const MatrixRef& a, const MatrixRef& b, float* out, int64_t ldo, bool accumulate, GemmBackend backend) {
  const int64_t m = a.OpRows(), k = a.OpCols(), n = b.OpCols();
  if (backend == GemmBackend::kAuto && k > 0 && (a.bf16 ? Bf16Gemm() != nullptr : Sgemm() != nullptr)) {
    const char ta = a.transposed ? 'T' : 'N', tb = b.transposed ? 'T' : 'N';
    const float beta = accumulate ? 1.0f : 0.0f;
    const int status =
        a.bf16 ? Bf16Gemm()(ta, tb, m, n, k, 1.0f, static_cast<const uint16_t*>(a.data), a.ld,
                            static_cast<const uint16_t*>(b.data), b.ld, beta, out, ldo)
               : Sgemm()(ta, tb, m, n, k, 1.0f, static_cast<const float*>(a.data), a.ld,
                         static_cast<const float*>(b.data), b.ld, beta, out, ldo);
    if (status == 0) return;
  }
  MatMul(Wrap(a), Wrap(b), at::from_blob(out, {m, n}, {ldo, 1}, at::TensorOptions().dtype(at::kFloat)), accumulate,
         GemmBackend::kATen);
}

void MatMul(const at::Tensor& a, const at::Tensor& b, const at::Tensor& out, bool accumulate, GemmBackend backend) {
  if (a.size(1) == 0) {  // K = 0: the product is zero
    if (!accumulate) out.zero_();
    return;
  }
  if (backend == GemmBackend::kAuto && TryDnnl(a, b, out, accumulate)) return;
  at::Tensor result = out;  // a handle: the *_out calls below write into out's memory
  if (a.scalar_type() == at::kFloat) {
    if (accumulate) {
      at::addmm_out(result, out, a, b);
    } else {
      at::mm_out(result, a, b);
    }
  } else if (accumulate) {
    result.add_(at::mm(a, b));
  } else {
    result.copy_(at::mm(a, b));
  }
}

bool ReadsStridedInPlace(at::ScalarType dtype, GemmBackend backend) {
  if (dtype == at::kFloat) return true;  // BLAS takes a leading dimension
  return backend == GemmBackend::kAuto && Bf16Gemm() != nullptr;
}

std::string AutoBackendName(at::ScalarType dtype) {
  if (dtype == at::kBFloat16) return Bf16Gemm() ? "oneDNN dnnl_gemm_bf16bf16f32" : "at::mm (bfloat16 result)";
  return Sgemm() ? "oneDNN dnnl_sgemm" : "at::mm";
}

}  // namespace tl::gemm
