// The math of the lean small-batch inference loops (Layer::CallLean): a few rows times a weight
// matrix in its Keras layout, Keras activations over float rows, and the LSTM cell update.
// Plain loops over raw float pointers (no per-op dispatch), compiled once per x86-64 ISA level
// like the fused kernels (kernels/gate_math.h supplies the activations, so lean inference and
// the fused training kernel compute the same functions).
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <optional>
#include <string>

#include "../kernels/gate_math.h"
#include "../scalar_activations.h"

namespace tl::lean {

/// A Keras activation over float rows: the vectorized form when the fused kernels know it
/// (tanh, sigmoid, hard_sigmoid, relu, relu6, linear, softsign, elu), else the scalar form;
/// invalid when neither exists (softmax is not elementwise): the caller then takes the general path.
class RowActivation {
 public:
  RowActivation() = default;
  explicit RowActivation(const std::string& name);
  bool valid() const { return fused_.has_value() || scalar_ != nullptr; }
  /// out[j] = activation(in[j]) for j < n (in == out allowed).
  void Apply(const float* in, float* out, int64_t n) const;
  const std::optional<GateActivation>& fused() const { return fused_; }

 private:
  std::optional<GateActivation> fused_;
  ScalarActivation scalar_ = nullptr;
};

/// c[r, 0..n) += sum over p < k of a[r, p] * b[p, 0..n) for r < rows: row-major operands with
/// leading dimensions (b is a Keras kernel [k, n] or a row block of one). Rows are taken four
/// at a time with the accumulators in registers; any `rows` works.
void MatMulAdd(int64_t rows, int64_t n, int64_t k, const float* a, int64_t lda, const float* b, int64_t ldb, float* c,
               int64_t ldc);

/// c[r, 0..n) = bias (zeros when null) for r < rows.
void FillRows(int64_t rows, int64_t n, const float* bias, float* c, int64_t ldc);

/// One LSTM step after the GEMMs, for `rows` rows: z [rows, 4H] holds the pre-activations of
/// gates i, f, c~, o (Keras order; overwritten), c [rows, H] is c(t-1) in and c(t) out, h
/// [rows, H] receives h(t). Leading dimensions in floats. `peephole` (PeepholeLSTM; null for a
/// plain LSTM) is [3, H]: w_i and w_f add w ⊙ c(t-1) to i and f, w_o adds w_o ⊙ c(t) to o.
void LstmCell(int64_t rows, int64_t units, const RowActivation& activation, const RowActivation& recurrent_activation,
              float* z, int64_t ldz, float* c, int64_t ldc, float* h, int64_t ldh, const float* peephole = nullptr);

/// An uninitialized contiguous float32 CPU tensor, without a trip through the dispatcher.
at::Tensor EmptyFloat(at::IntArrayRef shape);

}  // namespace tl::lean
