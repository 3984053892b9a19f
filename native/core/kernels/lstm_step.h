// The element-wise part of one LSTM timestep, fused into one pass per row: gate activations,
// cell update and output in the forward; gate derivatives and the cell's chain rule in the
// backward. Plain loops over float rows (vectorized per ISA); the GEMMs stay with the caller.
//
// Gate order is Keras's: i, f, c (candidate), o, each `units` wide inside a 4*units row.
// Optional peephole weights w_i, w_f, w_o ([3 * units]) add w_i * c(s-1) and w_f * c(s-1) to
// the i and f pre-activations and w_o * c(s) to o's (PeepholeLSTM).
// Buffers are addressed by a base pointer and a row stride (in elements), so rows may come
// from batch-major or time-major tensors alike. Recurrent-dropout groups: recurrent_rows.h
// (1 shared mask or 4, one per gate).
#pragma once

#include <cstdint>

#include "gate_math.h"
#include "recurrent_rows.h"

namespace tl {

struct LstmForwardStepArgs {
  int64_t rows = 0, units = 0;
  GateActivation activation = GateActivation::kTanh, recurrent_activation = GateActivation::kSigmoid;
  /// [rows, 4H] in: pre-activations (input projection + recurrent product); out: i, f,
  /// activation(c~), o.
  float* gates = nullptr;
  int64_t gates_stride = 0;
  const float* bias = nullptr;    ///< [4H] added to every row first; null: none (or already in)
  const float* peephole = nullptr;  ///< [3H] w_i, w_f, w_o; null: none
  const float* c_prev = nullptr;    ///< c(s-1)
  int64_t c_prev_stride = 0;
  float* c = nullptr;             ///< out c(s)
  int64_t c_stride = 0;
  float* h = nullptr;             ///< carried state: in h(s-1), out h(s)
  int64_t h_stride = 0;
  float* y = nullptr;             ///< out: the layer's output at step s
  int64_t y_stride = 0;
  const float* y_prev = nullptr;  ///< output of step s-1 (null: zeros); read at masked rows only
  int64_t y_prev_stride = 0;
  const float* step_mask = nullptr;  ///< [rows] 0 or 1; null: every row steps
  RecurrentInputRef next;            ///< where h(s) goes for step s+1 (data null: nowhere)
  float* scratch = nullptr;          ///< units floats
};

struct LstmBackwardStepArgs {
  int64_t rows = 0, units = 0;
  GateActivation activation = GateActivation::kTanh, recurrent_activation = GateActivation::kSigmoid;
  const float* gates = nullptr;  ///< activated i, f, c~, o of step s
  int64_t gates_stride = 0;
  const float* peephole = nullptr;  ///< [3H] w_i, w_f, w_o of the forward; null: none
  const float* c_prev = nullptr;
  int64_t c_prev_stride = 0;
  const float* c = nullptr;  ///< c(s): activation(c(s)) is recomputed rather than stored
  int64_t c_stride = 0;
  const float* grad_y = nullptr;  ///< gradient of the output at step s (null: none)
  int64_t grad_y_stride = 0;
  RecurrentGradRef pending;       ///< gradient of h(s) through step s+1's GEMM (data null: none)
  /// Carried gradients, [rows, units] each, contiguous: of h(s) (besides `pending`), c(s), and of
  /// the output y(s-1) that masked steps repeat (`grad_y_carry` null without a step mask).
  float* grad_h = nullptr;
  float* grad_c = nullptr;
  float* grad_y_carry = nullptr;
  const float* step_mask = nullptr;
  /// out: gradient of the pre-activations, [rows, 4H], float or bfloat16 (0 at masked rows).
  void* grad_gates = nullptr;
  bool grad_gates_bf16 = false;
  int64_t grad_gates_stride = 0;
  /// optional second bfloat16 copy, [rows, 4H] contiguous (the per-step GEMM operand).
  uint16_t* grad_gates_stage = nullptr;
  float* grad_bias = nullptr;  ///< [4H] accumulated over rows; null: skip
  float* grad_peephole = nullptr;  ///< [3H] accumulated over rows (with `peephole`); null: skip
  float* scratch = nullptr;    ///< 8 * units floats
};

/// One forward timestep over `rows` rows.
void LstmForwardStep(const LstmForwardStepArgs& a);

/// One backward timestep (s from T-1 down to 0) over `rows` rows.
void LstmBackwardStep(const LstmBackwardStepArgs& a);

}  // namespace tl
