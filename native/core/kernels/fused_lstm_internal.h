// What the fused LSTM's files share: the resolved problem, the buffers the forward leaves for
// the backward, and the batch partitioning.
//
// Buffers are batch-major, [B, T, W], indexed by INPUT timestep t (processing step s reads
// t = T-1-s with go_backwards; see fused_common.h). The sequence output is [B, T, H] indexed by
// processing step (Keras's reversed sequence). bfloat16 per-step GEMM operands get a contiguous
// staging copy (the at::mm fallback would otherwise copy the strided rows itself). Every GEMM
// writes float32 (gemm.h).
#pragma once

#include <ATen/ATen.h>
#include <ATen/core/ivalue.h>

#include <functional>
#include <vector>

#include "fused_lstm.h"

namespace tl::fused_lstm {

struct Plan {
  int64_t batch = 0, steps = 0, features = 0, units = 0;
  GateActivation activation = GateActivation::kTanh, recurrent_activation = GateActivation::kSigmoid;
  bool go_backwards = false;
  bool bf16 = false;
  bool has_bias = false, has_step_mask = false, has_peephole = false;
  int input_groups = 0;      ///< 0: no input mask; 1: one for all gates; 4: one per gate
  int recurrent_groups = 0;  ///< the same for the recurrent mask
  int partitions = 1;
  GemmBackend gemm = GemmBackend::kAuto;

  int64_t TimeOf(int64_t s) const { return go_backwards ? steps - 1 - s : s; }
  at::ScalarType GemmType() const { return bf16 ? at::kBFloat16 : at::kFloat; }
  /// Groups of GEMM operands: 1 unless a mask has one per gate.
  int InputOperands() const { return input_groups == 4 ? 4 : 1; }
  int RecurrentOperands() const { return recurrent_groups == 4 ? 4 : 1; }
};

/// The buffers a workspace keeps, by slot.
enum Slot : int {
  kInputs = 0,  ///< kInputs + g: x (* input mask g)
  kGates = 4,
  kCells,
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
  at::Tensor recurrent;            ///< [operands, B, T, H] GEMM dtype: h entering the step of input t (* mask)
  at::Tensor gates;                ///< [B, T, 4H] float: activated i, f, c~, o
  at::Tensor cells;                ///< [B, T, H] float: c after the step of input t (its activation is recomputed)
  at::Tensor c0;                   ///< [B, H] float
  at::Tensor kernel, recurrent_kernel;  ///< the weights in the GEMM dtype (float: the inputs, detached)
  at::Tensor peephole;                  ///< [3, H] float, contiguous, or undefined
};

struct ForwardResult {
  at::Tensor sequence, h, c;
  c10::intrusive_ptr<Tape> tape;  ///< null unless asked for
};

/// Runs the forward; keeps the tape when `keep_tape`.
ForwardResult Forward(const Call& call, const at::Tensor& x, const at::Tensor& kernel,
                      const at::Tensor& recurrent_kernel, const at::Tensor& bias, const at::Tensor& h0,
                      const at::Tensor& c0, const at::Tensor& peephole, bool keep_tape);

struct Grads {
  at::Tensor x, kernel, recurrent_kernel, bias, h0, c0, peephole;
};

struct NeedGrads {
  bool x = true, kernel = true, recurrent_kernel = true, bias = true, h0 = true, c0 = true, peephole = true;
};

/// The backward from the gradients of {sequence, h_T, c_T} (each may be undefined: zero).
Grads Backward(const Call& call, const Tape& tape, const at::Tensor& grad_sequence, const at::Tensor& grad_h,
               const at::Tensor& grad_c, const NeedGrads& need);

/// Runs fn(part, first_row, rows) for each batch partition (fused_common.h).
inline void ForEachPartition(const Plan& plan, const std::function<void(int, int64_t, int64_t)>& fn) {
  fused::ForEachBatchPartition(plan.batch, plan.partitions, fn);
}

/// An uninitialised buffer: the workspace's `slot` when the call has a workspace.
inline at::Tensor Buffer(const Call& call, Slot slot, at::IntArrayRef sizes, at::ScalarType dtype) {
  return fused::WorkspaceBuffer(call.workspace.get(), slot, sizes, dtype);
}

using fused::PartitionRows;
using fused::RowOffset;
using fused::StepRows;

}  // namespace tl::fused_lstm
