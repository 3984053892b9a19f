// A fused CPU LSTM for training: Keras math (gates i, f, c, o; kernel [F, 4H], recurrent
// kernel [H, 4H], one bias [4H]), optionally with the peephole connections of Gers &
// Schmidhuber (2000), with a hand-written backward, as one autograd node. The
// input projection of every timestep is one GEMM; each step runs one GEMM plus one fused
// element-wise pass; the backward runs one GEMM per step and computes the weight gradients
// and the input gradient as one GEMM each over all timesteps (per batch partition).
//
// It is a building block: the LSTM and PeepholeLSTM layers decide when to call it (their
// activations are in FusedActivation(), float32 CPU tensors) and own the dropout masks'
// randomness.
#pragma once

#include <ATen/ATen.h>

#include <memory>
#include <vector>

#include "fused_common.h"
#include "gate_math.h"
#include "gemm.h"

namespace tl {

/// The LSTM's workspace: about (11H + F) * B * T * 4 bytes (float32) between calls.
using FusedLstmWorkspace = FusedWorkspace;

struct FusedLstmOptions {
  /// Keras `activation` (the candidate cell and the cell output).
  GateActivation activation = GateActivation::kTanh;
  /// Keras `recurrent_activation` (gates i, f, o).
  GateActivation recurrent_activation = GateActivation::kSigmoid;
  /// Process inputs from the last timestep to the first. As Keras, output step s is the state
  /// after the s-th processed input, i.e. the sequence comes back reversed.
  bool go_backwards = false;
  GemmPrecision precision = GemmPrecision::kFloat32;
  /// Who runs the GEMMs (gemm.h): oneDNN when the process has it, else at::mm.
  GemmBackend gemm = GemmBackend::kAuto;
  /// Input dropout, already scaled (0 or 1/(1-rate)), shared by every timestep: [B, F] for one
  /// mask shared by the four gates, or [4, B, F] for one mask per gate (i, f, c, o).
  /// Undefined: none.
  at::Tensor input_mask;
  /// Recurrent dropout, multiplying h(t-1) before the recurrent product: [B, H] shared by the
  /// four gates, or [4, B, H] one per gate. Undefined: none.
  at::Tensor recurrent_mask;
  /// Keras masking, [B, T] (bool or 0/1), indexed by input timestep: a masked step carries h and
  /// c through unchanged and repeats the previous output (zeros before the first unmasked step).
  /// Undefined: every step counts.
  at::Tensor step_mask;
  /// Peephole weights, [3, H] float32 on the CPU, rows w_i, w_f, w_o (PeepholeLSTM):
  ///   i = ract(z_i + w_i * c(t-1)), f = ract(z_f + w_f * c(t-1)), o = ract(z_o + w_o * c(t)).
  /// Differentiable like the weights (its gradient is summed over batch and time).
  /// Undefined: the plain LSTM.
  at::Tensor peephole;
  /// Optional: reuse buffers across calls (see FusedLstmWorkspace). Null: allocate per call.
  std::shared_ptr<FusedLstmWorkspace> workspace;
  /// Split the batch into this many independent recurrences, one thread each (the calling
  /// thread runs the first). Meant for 1 ATen/BLAS thread per partition.
  int partitions = 1;
};

/// Runs the LSTM over x [B, T, F] (batch first) from h0, c0 [B, H] (undefined: zeros).
/// bias [4H] may be undefined (use_bias=false). Returns {sequence [B, T, H], h_T [B, H],
/// c_T [B, H]}. Differentiable with respect to x, kernel, recurrent_kernel, bias, h0, c0 and
/// options.peephole when autograd is on; the masks get no gradient. Throws tl::Error:
/// ERR_SHAPE on mismatched shapes, ERR_TORCH on tensors that are not float32 on the CPU
/// (masks: any dtype, on the CPU) and on partitions < 1.
std::vector<at::Tensor> FusedLstm(const at::Tensor& x, const at::Tensor& kernel, const at::Tensor& recurrent_kernel,
                                  const at::Tensor& bias, const at::Tensor& h0, const at::Tensor& c0,
                                  const FusedLstmOptions& options);

}  // namespace tl
