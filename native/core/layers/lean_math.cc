#include "lean_math.h"

#include <ATen/EmptyTensor.h>

#include <algorithm>
#include <cstring>

namespace tl::lean {
namespace {

using gate_math::ActivateRow;

#if defined(__GNUC__) || defined(__clang__)
#define TL_LEAN_VECTORS 1
// 16 floats; loads and stores at any float alignment. Lowered per ISA level of the clone that
// uses it: one zmm (x86-64-v4), two ymm (v3) or four xmm (baseline).
typedef float V16 __attribute__((vector_size(64), aligned(4), may_alias));
constexpr int64_t kLanes = 16;
#endif

#if TL_LEAN_VECTORS
/// c[R rows, 16*V columns] += a[R rows, k] @ b[k, 16*V columns], accumulators in registers.
template <int R, int V>
TL_ALWAYS_INLINE void Tile(int64_t k, const float* __restrict a, int64_t lda, const float* __restrict b, int64_t ldb,
                           float* __restrict c, int64_t ldc) {
  V16 acc[R][V];
  for (int r = 0; r < R; ++r) {
    for (int v = 0; v < V; ++v) acc[r][v] = *reinterpret_cast<const V16*>(c + r * ldc + v * kLanes);
  }
  for (int64_t p = 0; p < k; ++p) {
    const float* bp = b + p * ldb;
    V16 bv[V];
    for (int v = 0; v < V; ++v) bv[v] = *reinterpret_cast<const V16*>(bp + v * kLanes);
    for (int r = 0; r < R; ++r) {
      const float s = a[r * lda + p];
      for (int v = 0; v < V; ++v) acc[r][v] += s * bv[v];
    }
  }
  for (int r = 0; r < R; ++r) {
    for (int v = 0; v < V; ++v) *reinterpret_cast<V16*>(c + r * ldc + v * kLanes) = acc[r][v];
  }
}

/// R rows over all n columns: wide tiles, then 16-column tiles, then a scalar tail.
template <int R>
TL_ALWAYS_INLINE void RowBlock(int64_t n, int64_t k, const float* a, int64_t lda, const float* b, int64_t ldb, float* c,
                               int64_t ldc) {
  constexpr int kWide = R <= 2 ? 4 : 2;  // R * kWide accumulators (<= 8 vectors)
  int64_t j = 0;
  for (; j + kWide * kLanes <= n; j += kWide * kLanes) Tile<R, kWide>(k, a, lda, b + j, ldb, c + j, ldc);
  for (; j + kLanes <= n; j += kLanes) Tile<R, 1>(k, a, lda, b + j, ldb, c + j, ldc);
  for (; j < n; ++j) {
    for (int r = 0; r < R; ++r) {
      float s = c[r * ldc + j];
      for (int64_t p = 0; p < k; ++p) s += a[r * lda + p] * b[p * ldb + j];
      c[r * ldc + j] = s;
    }
  }
}
#endif

TL_TARGET_CLONES void MatMulAddImpl(int64_t rows, int64_t n, int64_t k, const float* a, int64_t lda, const float* b,
                                    int64_t ldb, float* c, int64_t ldc) {
#if TL_LEAN_VECTORS
  int64_t r = 0;
  for (; r + 4 <= rows; r += 4) RowBlock<4>(n, k, a + r * lda, lda, b, ldb, c + r * ldc, ldc);
  switch (rows - r) {
    case 3: RowBlock<3>(n, k, a + r * lda, lda, b, ldb, c + r * ldc, ldc); break;
    case 2: RowBlock<2>(n, k, a + r * lda, lda, b, ldb, c + r * ldc, ldc); break;
    case 1: RowBlock<1>(n, k, a + r * lda, lda, b, ldb, c + r * ldc, ldc); break;
    default: break;
  }
#else
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t p = 0; p < k; ++p) {
      const float s = a[r * lda + p];
      const float* bp = b + p * ldb;
      float* cr = c + r * ldc;
      for (int64_t j = 0; j < n; ++j) cr[j] += s * bp[j];
    }
  }
#endif
}

TL_TARGET_CLONES void ActivateFused(GateActivation a, const float* in, float* out, int64_t n) {
  ActivateRow(a, in, out, n);
}

TL_ALWAYS_INLINE void CellUpdate(int64_t n, const float* __restrict i, const float* __restrict f,
                                 const float* __restrict g, float* __restrict c) {
  for (int64_t j = 0; j < n; ++j) c[j] = f[j] * c[j] + i[j] * g[j];
}

/// h = o * h (h holds act(c) on entry).
TL_ALWAYS_INLINE void OutputUpdate(int64_t n, const float* __restrict o, float* __restrict h) {
  for (int64_t j = 0; j < n; ++j) h[j] *= o[j];
}

/// The plain LSTM's element-wise step with both activations vectorized, in one pass per row.
// Peephole terms (when `peephole` [3, n] = w_i, w_f, w_o is given): before the gates are
// activated, i and f see c(t-1); after the cell update, o sees c(t).
TL_TARGET_CLONES void AddPeephole(int64_t n, const float* w, const float* c, float* z) {
  for (int64_t j = 0; j < n; ++j) z[j] += w[j] * c[j];
}

TL_TARGET_CLONES void LstmCellFused(int64_t rows, int64_t n, GateActivation act, GateActivation ract, float* z,
                                    int64_t ldz, float* c, int64_t ldc, float* h, int64_t ldh, const float* peephole) {
  for (int64_t r = 0; r < rows; ++r) {
    float* zr = z + r * ldz;
    float* cr = c + r * ldc;
    float* hr = h + r * ldh;
    if (peephole) {
      AddPeephole(n, peephole, cr, zr);
      AddPeephole(n, peephole + n, cr, zr + n);
    }
    ActivateRow(ract, zr, zr, 2 * n);  // i, f
    ActivateRow(act, zr + 2 * n, zr + 2 * n, n);
    CellUpdate(n, zr, zr + n, zr + 2 * n, cr);
    if (peephole) AddPeephole(n, peephole + 2 * n, cr, zr + 3 * n);
    ActivateRow(ract, zr + 3 * n, zr + 3 * n, n);
    ActivateRow(act, cr, hr, n);  // h = act(c), then h *= o
    OutputUpdate(n, zr + 3 * n, hr);
  }
}

}  // namespace

RowActivation::RowActivation(const std::string& name)
    : fused_(FusedActivation(name)), scalar_(GetScalarActivation(name)) {}

void RowActivation::Apply(const float* in, float* out, int64_t n) const {
  if (fused_) {
    ActivateFused(*fused_, in, out, n);
  } else {
    for (int64_t j = 0; j < n; ++j) out[j] = scalar_(in[j]);
  }
}

void MatMulAdd(int64_t rows, int64_t n, int64_t k, const float* a, int64_t lda, const float* b, int64_t ldb, float* c,
               int64_t ldc) {
  if (rows <= 0 || n <= 0 || k <= 0) return;
  MatMulAddImpl(rows, n, k, a, lda, b, ldb, c, ldc);
}

void FillRows(int64_t rows, int64_t n, const float* bias, float* c, int64_t ldc) {
  for (int64_t r = 0; r < rows; ++r) {
    if (bias) {
      std::memcpy(c + r * ldc, bias, sizeof(float) * n);
    } else {
      std::fill(c + r * ldc, c + r * ldc + n, 0.0f);
    }
  }
}

void LstmCell(int64_t rows, int64_t units, const RowActivation& activation, const RowActivation& recurrent_activation,
              float* z, int64_t ldz, float* c, int64_t ldc, float* h, int64_t ldh, const float* peephole) {
  const int64_t n = units;
  if (activation.fused() && recurrent_activation.fused()) {
    LstmCellFused(rows, n, *activation.fused(), *recurrent_activation.fused(), z, ldz, c, ldc, h, ldh, peephole);
    return;
  }
  for (int64_t r = 0; r < rows; ++r) {
    float* zr = z + r * ldz;
    float* cr = c + r * ldc;
    float* hr = h + r * ldh;
    if (peephole) {
      AddPeephole(n, peephole, cr, zr);
      AddPeephole(n, peephole + n, cr, zr + n);
    }
    recurrent_activation.Apply(zr, zr, 2 * n);  // i, f
    activation.Apply(zr + 2 * n, zr + 2 * n, n);
    CellUpdate(n, zr, zr + n, zr + 2 * n, cr);
    if (peephole) AddPeephole(n, peephole + 2 * n, cr, zr + 3 * n);
    recurrent_activation.Apply(zr + 3 * n, zr + 3 * n, n);
    activation.Apply(cr, hr, n);
    OutputUpdate(n, zr + 3 * n, hr);
  }
}

at::Tensor EmptyFloat(at::IntArrayRef shape) { return at::Tensor(at::detail::empty_cpu(shape, at::kFloat)); }

}  // namespace tl::lean
