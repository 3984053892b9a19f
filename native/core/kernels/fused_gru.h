// A fused CPU GRU for training: Keras math (gates z, r, h; kernel [F, 3H], recurrent kernel
// [H, 3H]) in both of Keras's forms, with a hand-written backward, as one autograd node.
//
//   reset_after=true (bias [2, 3H]: input bias bx, recurrent bias br):
//     z = ract(x Wz + bxz + h Rz + brz), r = ract(x Wr + bxr + h Rr + brr)
//     h~ = act(x Wh + bxh + r * (h Rh + brh))
//   reset_after=false (bias [3H]):
//     z, r as above without br; h~ = act(x Wh + bh + (r * h) Rh)
//   h' = z * h + (1 - z) * h~
//
// The input projection of every timestep is one GEMM; each step runs one recurrent GEMM
// (reset_after=false: two, the candidate's after r is known) and fused element-wise passes;
// the backward mirrors it and computes the weight and input gradients as one GEMM each over
// all timesteps (per batch partition). Same contract as FusedLstm (fused_lstm.h): the GRU
// layer decides when to call it and owns the dropout masks' randomness.
#pragma once

#include <ATen/ATen.h>

#include <memory>
#include <vector>

#include "fused_common.h"
#include "gate_math.h"
#include "gemm.h"

namespace tl {

struct FusedGruOptions {
  /// Keras `activation` (the candidate h~).
  GateActivation activation = GateActivation::kTanh;
  /// Keras `recurrent_activation` (gates z and r).
  GateActivation recurrent_activation = GateActivation::kSigmoid;
  /// Keras `reset_after`: the reset gate multiplies the recurrent product (true) or h (false).
  bool reset_after = true;
  /// Process inputs from the last timestep to the first. As Keras, output step s is the state
  /// after the s-th processed input, i.e. the sequence comes back reversed.
  bool go_backwards = false;
  GemmPrecision precision = GemmPrecision::kFloat32;
  /// Who runs the GEMMs (gemm.h): oneDNN when the process has it, else at::mm.
  GemmBackend gemm = GemmBackend::kAuto;
  /// Input dropout, already scaled (0 or 1/(1-rate)), shared by every timestep: [B, F] for one
  /// mask shared by the three gates, or [3, B, F] for one mask per gate (z, r, h). Undefined: none.
  at::Tensor input_mask;
  /// Recurrent dropout on h(t-1) where it enters the recurrent products (reset_after=false:
  /// the candidate's operand is r * (h * mask_h)): [B, H] shared by the three gates, or
  /// [3, B, H] one per gate. The update z * h uses h itself. Undefined: none.
  at::Tensor recurrent_mask;
  /// Keras masking, [B, T] (bool or 0/1), indexed by input timestep: a masked step carries h
  /// through unchanged and repeats the previous output (zeros before the first unmasked step).
  /// Undefined: every step counts.
  at::Tensor step_mask;
  /// Optional: reuse buffers across calls (about (11H + 2F) * B * T * 4 bytes float32 between
  /// calls). Null: allocate per call.
  std::shared_ptr<FusedWorkspace> workspace;
  /// Split the batch into this many independent recurrences, one thread each (the calling
  /// thread runs the first). Meant for 1 ATen/BLAS thread per partition.
  int partitions = 1;
};

/// Runs the GRU over x [B, T, F] (batch first) from h0 [B, H] (undefined: zeros). bias is
/// [2, 3H] with reset_after, [3H] without, or undefined (use_bias=false). Returns
/// {sequence [B, T, H], h_T [B, H]}. Differentiable with respect to x, kernel,
/// recurrent_kernel, bias and h0 when autograd is on; the masks get no gradient. Throws
/// tl::Error: ERR_SHAPE on mismatched shapes, ERR_TORCH on tensors that are not float32 on the
/// CPU (masks: any dtype, on the CPU) and on partitions < 1.
std::vector<at::Tensor> FusedGru(const at::Tensor& x, const at::Tensor& kernel, const at::Tensor& recurrent_kernel,
                                 const at::Tensor& bias, const at::Tensor& h0, const FusedGruOptions& options);

}  // namespace tl
