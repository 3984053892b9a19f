// What the fused GRU's files share: the resolved problem, the buffers the forward leaves for
// the backward, and the gate layout inside the kernel.
//
// Gate layout. A row of the gate buffer holds, `units` wide each:
//   reset_after=true:  [h~, z, r, hr]  h~: x Wh + bxh (+ r * hr), hr = h Rh + brh
//   reset_after=false: [h~, z, r]      h~: x Wh + bh + (r * h) Rh
// so that the input projection fills columns [0, 3H) with the input kernel permuted once to
// [Wh, Wz, Wr], and the recurrent product of h fills [H, 4H) (reset_after) or [H, 3H) with the
// recurrent kernel in Keras's order (z, r, h). The gradient buffer has the same layout, so the
// weight and input gradients are one GEMM each. The candidate of reset_after=false gets its
// own per-step GEMM ((r * h) Rh accumulated into column block 0) once r is known.
//
// Buffers are batch-major and partitioned as fused_common.h describes; the sequence output is
// indexed by processing step (Keras's reversed sequence under go_backwards).
#pragma once

#include <ATen/ATen.h>
#include <ATen/core/ivalue.h>

#include <functional>
#include <vector>

#include "fused_gru.h"

namespace tl::fused_gru {

struct Plan {
  int64_t batch = 0, steps = 0, features = 0, units = 0;
  GateActivation activation = GateActivation::kTanh, recurrent_activation = GateActivation::kSigmoid;
  bool reset_after = true;
  bool go_backwards = false;
  bool bf16 = false;
  bool has_bias = false, has_step_mask = false;
  int input_groups = 0;      ///< 0: no input mask; 1: one for all gates; 3: one per gate (z, r, h)
  int recurrent_groups = 0;  ///< the same for the recurrent mask
  int partitions = 1;
  GemmBackend gemm = GemmBackend::kAuto;

  int64_t TimeOf(int64_t s) const { return go_backwards ? steps - 1 - s : s; }
  at::ScalarType GemmType() const { return bf16 ? at::kBFloat16 : at::kFloat; }
  /// Width of a gate (and gate-gradient) row: 4H with reset_after, else 3H.
  int64_t Width() const { return (reset_after ? 4 : 3) * units; }
  /// Input GEMM operands: x (* mask) once, or once per gate block when each has its mask.
  int InputOperands() const { return input_groups == 3 ? 3 : 1; }
  /// Operands of the per-step product of h (h * mask per gate block it feeds): the z, r and h
  /// blocks with reset_after, the z and r blocks without; 1 when one mask (or none) serves all.
  int HiddenOperands() const { return recurrent_groups == 3 ? (reset_after ? 3 : 2) : 1; }
  /// The recurrent operands the weight gradient needs: the hidden operands, then (reset_after=
  /// false) r * h (* mask), the candidate's operand.
  int RecurrentOperands() const { return HiddenOperands() + (reset_after ? 0 : 1); }
  /// Index of the recurrent-mask group that multiplies h in the candidate's product.
  int CandidateMaskGroup() const { return recurrent_groups == 3 ? 2 : 0; }
};

/// The Keras gate (0 z, 1 r, 2 h) of input column block c (the permuted input kernel's order).
inline int InputGate(int c) { return c == 0 ? 2 : c - 1; }

/// The buffers a workspace keeps, by slot.
enum Slot : int {
  kInputs = 0,  ///< kInputs + c: x (* input mask of block c)
  kGates = 3,
  kStates,
  kOperands,
  kSequence,
  kStage,
  kGradGates,
  kGradStage,
  kGradX,
};

/// One call: the plan and the masks in the kernel's float32 forms.
struct Call {
  Plan plan;
  std::shared_ptr<FusedWorkspace> workspace;  ///< may be null
  at::Tensor input_mask;      ///< [groups, B, F] float, contiguous (groups >= 1), or undefined
  at::Tensor recurrent_mask;  ///< [groups, B, H] float, contiguous, or undefined
  at::Tensor step_mask;       ///< [T, B] float 0/1 (time-major), or undefined
};

/// What the forward keeps for the backward (held by the autograd node).
struct Tape : torch::CustomClassHolder {
  std::vector<at::Tensor> inputs;  ///< per input operand: x (* mask), [B, T, F], GEMM dtype
  at::Tensor recurrent;            ///< [RecurrentOperands(), B, T, H] GEMM dtype, of the step of input t
  at::Tensor gates;                ///< [B, T, Width()] float: activated h~, z, r (and hr, with its bias)
  at::Tensor states;               ///< [B, T, H] float: h after the step of input t
  at::Tensor h0;                   ///< [B, H] float
  at::Tensor kernel;               ///< [F, 3H] GEMM dtype, columns permuted to h, z, r
  at::Tensor recurrent_kernel;     ///< [H, 3H] GEMM dtype (Keras order)
};

struct ForwardResult {
  at::Tensor sequence, h;
  c10::intrusive_ptr<Tape> tape;  ///< null unless asked for
};

/// Runs the forward; keeps the tape when `keep_tape`.
ForwardResult Forward(const Call& call, const at::Tensor& x, const at::Tensor& kernel,
                      const at::Tensor& recurrent_kernel, const at::Tensor& bias, const at::Tensor& h0,
                      bool keep_tape);

struct Grads {
  at::Tensor x, kernel, recurrent_kernel, bias, h0;
};

struct NeedGrads {
  bool x = true, kernel = true, recurrent_kernel = true, bias = true, h0 = true;
};

/// The backward from the gradients of {sequence, h_T} (each may be undefined: zero).
Grads Backward(const Call& call, const Tape& tape, const at::Tensor& grad_sequence, const at::Tensor& grad_h,
               const NeedGrads& need);

/// An uninitialised buffer: the workspace's `slot` when the call has a workspace.
inline at::Tensor Buffer(const Call& call, Slot slot, at::IntArrayRef sizes, at::ScalarType dtype) {
  return fused::WorkspaceBuffer(call.workspace.get(), slot, sizes, dtype);
}

/// A per-step GEMM operand: rows b0.. of input timestep t of group g of a [groups, B, T, H]
/// buffer, or (when `stage` is defined) of the contiguous [groups, B, H] stage.
inline gemm::MatrixRef StepOperand(const at::Tensor& buffer, const at::Tensor& stage, int g, int64_t b0,
                                   int64_t rows, int64_t t) {
  gemm::MatrixRef m;
  m.rows = rows;
  m.cols = buffer.size(3);
  m.bf16 = buffer.scalar_type() == at::kBFloat16;
  if (stage.defined()) {
    m.data = static_cast<const char*>(stage.data_ptr()) + stage.element_size() * (g * stage.size(1) + b0) * m.cols;
    m.ld = m.cols;
  } else {
    const at::Tensor op = buffer.select(0, g);
    m.data = static_cast<const char*>(op.data_ptr()) + op.element_size() * fused::RowOffset(op, b0, t);
    m.ld = op.stride(0);
  }
  return m;
}

/// Columns [col, col + cols) of a row-major [rows, ld] matrix at `data`.
inline gemm::MatrixRef Columns(const at::Tensor& matrix, int64_t col, int64_t cols) {
  gemm::MatrixRef m;
  m.data = static_cast<const char*>(matrix.data_ptr()) + matrix.element_size() * col;
  m.rows = matrix.size(0);
  m.cols = cols;
  m.ld = matrix.stride(0);
  m.bf16 = matrix.scalar_type() == at::kBFloat16;
  return m;
}

/// Rows [row, row + rows) of a contiguous row-major matrix.
inline gemm::MatrixRef Rows(const at::Tensor& matrix, int64_t row, int64_t rows) {
  gemm::MatrixRef m = Columns(matrix, 0, matrix.size(1));
  m.data = static_cast<const char*>(matrix.data_ptr()) + matrix.element_size() * row * matrix.stride(0);
  m.rows = rows;
  return m;
}

}  // namespace tl::fused_gru
