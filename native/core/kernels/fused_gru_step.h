// The element-wise part of one GRU timestep, fused into one pass per row: gate activations,
// candidate and update in the forward; their derivatives in the backward. Plain loops over
// float rows (vectorized per ISA); the GEMMs stay with the caller. Rows follow the layout of
// fused_gru_internal.h ([h~, z, r] and, with reset_after, hr), addressed by a base pointer and
// a row stride (in elements).
//
// reset_after=false splits each pass around the candidate's GEMM: GruResetStep (z, r and the
// operand r * h) runs before it in the forward, GruResetBackwardStep (r's gradient) after the
// GEMM dq = dh~ @ Rh^T in the backward.
#pragma once

#include <cstdint>

#include "gate_math.h"
#include "recurrent_rows.h"

namespace tl {

struct GruForwardStepArgs {
  int64_t rows = 0, units = 0;
  GateActivation activation = GateActivation::kTanh, recurrent_activation = GateActivation::kSigmoid;
  bool reset_after = true;
  /// z and r are already activated (GruResetStep ran): the bias goes to the candidate only.
  bool reset_done = false;
  /// [rows, 3H or 4H] in: pre-activations (input projection + recurrent products); out:
  /// activation(h~), z, r (and hr plus its bias).
  float* gates = nullptr;
  int64_t gates_stride = 0;
  const float* bias = nullptr;  ///< a gate row's worth, added to every row; null: none
  float* h = nullptr;           ///< carried state: in h(s-1), out h(s)
  int64_t h_stride = 0;
  float* state = nullptr;       ///< out: h(s) again, for the backward
  int64_t state_stride = 0;
  float* y = nullptr;           ///< out: the layer's output at step s
  int64_t y_stride = 0;
  const float* y_prev = nullptr;  ///< output of step s-1 (null: zeros); read at masked rows only
  int64_t y_prev_stride = 0;
  const float* step_mask = nullptr;  ///< [rows] 0 or 1; null: every row steps
  RecurrentInputRef next;            ///< where h(s) goes for step s+1 (data null: nowhere)
};

/// reset_after=false, before the candidate's GEMM: z, r activated in place (bias added), and
/// the candidate's operand r * h(s-1) (* its recurrent mask) stored to `reset_h` (1 group).
struct GruResetStepArgs {
  int64_t rows = 0, units = 0;
  GateActivation recurrent_activation = GateActivation::kSigmoid;
  float* gates = nullptr;
  int64_t gates_stride = 0;
  const float* bias = nullptr;
  const float* h = nullptr;
  int64_t h_stride = 0;
  RecurrentInputRef reset_h;
  float* scratch = nullptr;  ///< units floats
};

struct GruBackwardStepArgs {
  int64_t rows = 0, units = 0;
  GateActivation activation = GateActivation::kTanh, recurrent_activation = GateActivation::kSigmoid;
  bool reset_after = true;
  const float* gates = nullptr;  ///< the forward's activated row of step s
  int64_t gates_stride = 0;
  const float* h_prev = nullptr;  ///< h(s-1)
  int64_t h_prev_stride = 0;
  const float* grad_y = nullptr;  ///< gradient of the output at step s (null: none)
  int64_t grad_y_stride = 0;
  RecurrentGradRef pending;       ///< gradient of h(s) through step s+1's GEMM (data null: none)
  /// Carried gradients, [rows, units] each, contiguous: of h(s) (besides `pending`; out: of
  /// h(s-1) but for the GEMMs), and of the output y(s-1) that masked steps repeat
  /// (`grad_y_carry` null without a step mask).
  float* grad_h = nullptr;
  float* grad_y_carry = nullptr;
  const float* step_mask = nullptr;
  /// out: gradient of the pre-activations, a gate row each, float or bfloat16 (0 at masked
  /// rows; reset_after=false leaves r's block to GruResetBackwardStep).
  void* grad_gates = nullptr;
  bool grad_gates_bf16 = false;
  int64_t grad_gates_stride = 0;
  /// optional second bfloat16 copy, contiguous rows (the per-step GEMM operand).
  uint16_t* grad_gates_stage = nullptr;
  float* grad_bias = nullptr;  ///< a gate row, accumulated over rows; null: skip
  float* scratch = nullptr;    ///< 6 * units floats
};

/// reset_after=false, after dq = dh~ @ Rh^T: r's gradient (into block 2 of the gate gradient,
/// its bfloat16 copies and the bias gradient) and h(s-1)'s share through r * h.
struct GruResetBackwardStepArgs {
  int64_t rows = 0, units = 0;
  GateActivation recurrent_activation = GateActivation::kSigmoid;
  const float* gates = nullptr;
  int64_t gates_stride = 0;
  const float* h_prev = nullptr;
  int64_t h_prev_stride = 0;
  const float* mask = nullptr;  ///< the candidate's recurrent mask rows (null: none)
  int64_t mask_stride = 0;
  const float* dq = nullptr;    ///< [rows, units] contiguous
  float* grad_h = nullptr;
  void* grad_gates = nullptr;
  bool grad_gates_bf16 = false;
  int64_t grad_gates_stride = 0;
  uint16_t* grad_gates_stage = nullptr;
  float* grad_bias = nullptr;
  float* scratch = nullptr;  ///< units floats
};

/// One forward timestep over `rows` rows.
void GruForwardStep(const GruForwardStepArgs& a);
void GruResetStep(const GruResetStepArgs& a);

/// One backward timestep (s from T-1 down to 0) over `rows` rows.
void GruBackwardStep(const GruBackwardStepArgs& a);
void GruResetBackwardStep(const GruResetBackwardStepArgs& a);

}  // namespace tl
