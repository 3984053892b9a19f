// The fused GRU's forward pass, per batch partition: x (* input masks) as GEMM operands, the
// input projection of every timestep as one GEMM, then per step the recurrent GEMM(s) and the
// fused element-wise pass(es) of fused_gru_step.cc.
#include <algorithm>

#include "fused_gru_internal.h"
#include "fused_gru_step.h"

namespace tl::fused_gru {
namespace {

using fused::PartitionRows;
using fused::RowOffset;

/// Groups [first, first + groups) of a [groups, B, T, H] operand buffer at rows b0.. of input
/// timestep t as a RecurrentInputRef (masks from `mask_group` on), with the stage's rows.
RecurrentInputRef OperandAt(const Call& call, const at::Tensor& operands, const at::Tensor& stage, int first,
                            int groups, int mask_group, int64_t t, int64_t b0) {
  const Plan& p = call.plan;
  const at::Tensor op = operands.select(0, first);
  RecurrentInputRef ref;
  ref.bf16 = p.bf16;
  ref.data = static_cast<char*>(op.data_ptr()) + op.element_size() * RowOffset(op, b0, t);
  ref.row_stride = op.stride(0);
  ref.group_stride = operands.stride(0);
  ref.groups = groups;
  if (call.recurrent_mask.defined()) {
    ref.mask = call.recurrent_mask.data_ptr<float>() + (mask_group * p.batch + b0) * p.units;
    ref.mask_row_stride = p.units;
    ref.mask_group_stride = p.batch * p.units;
  }
  if (stage.defined()) {
    ref.stage = static_cast<char*>(stage.data_ptr()) + stage.element_size() * (first * p.batch + b0) * p.units;
    ref.stage_row_stride = p.units;
    ref.stage_group_stride = p.batch * p.units;
  }
  return ref;
}

/// The bias as one gate row (layout of fused_gru_internal.h): reset_after [bxh, bxz + brz,
/// bxr + brr, brh]; otherwise [bh, bz, br].
at::Tensor GateRowBias(const Plan& p, const at::Tensor& bias) {
  const int64_t H = p.units;
  const at::Tensor b = bias.detach();
  if (!p.reset_after) return at::cat({b.narrow(0, 2 * H, H), b.narrow(0, 0, 2 * H)}).contiguous();
  const at::Tensor bx = b.select(0, 0), br = b.select(0, 1);
  return at::cat({bx.narrow(0, 2 * H, H), bx.narrow(0, 0, 2 * H) + br.narrow(0, 0, 2 * H), br.narrow(0, 2 * H, H)})
      .contiguous();
}

}  // namespace

ForwardResult Forward(const Call& call, const at::Tensor& x, const at::Tensor& kernel,
                      const at::Tensor& recurrent_kernel, const at::Tensor& bias, const at::Tensor& h0,
                      bool keep_tape) {
  const Plan& p = call.plan;
  const int64_t B = p.batch, T = p.steps, F = p.features, H = p.units, W = p.Width();
  const int hidden_ops = p.HiddenOperands(), ops = p.RecurrentOperands();
  const auto f32 = at::TensorOptions().dtype(at::kFloat);
  // The input kernel with its columns in the gate row's order (h, z, r); the recurrent kernel
  // as it is; both contiguous in the GEMM dtype (the per-step GEMMs address R by pointer).
  const at::Tensor kd = kernel.detach();
  const at::Tensor w = at::cat({kd.narrow(1, 2 * H, H), kd.narrow(1, 0, 2 * H)}, 1).to(p.GemmType()).contiguous();
  const at::Tensor r = recurrent_kernel.detach().to(p.GemmType()).contiguous();
  const at::Tensor b = bias.defined() ? GateRowBias(p, bias) : at::Tensor();
  const at::Tensor xd = x.detach().contiguous();

  // x as it enters the GEMMs: x itself, or x * mask and/or converted (filled per partition).
  const bool own_inputs = p.bf16 || call.input_mask.defined();
  std::vector<at::Tensor> inputs;
  for (int c = 0; c < p.InputOperands(); ++c) {
    inputs.push_back(own_inputs ? Buffer(call, static_cast<Slot>(kInputs + c), {B, T, F}, p.GemmType()) : xd);
  }

  const at::Tensor gates = Buffer(call, kGates, {B, T, W}, at::kFloat);
  const at::Tensor states = Buffer(call, kStates, {B, T, H}, at::kFloat);
  const at::Tensor operands = Buffer(call, kOperands, {ops, B, T, H}, p.GemmType());
  const at::Tensor sequence = Buffer(call, kSequence, {B, T, H}, at::kFloat);
  const at::Tensor h_init = h0.defined() ? h0.detach().clone(at::MemoryFormat::Contiguous) : at::zeros({B, H}, f32);
  const at::Tensor h = h_init.clone();
  // The recurrent operands of the next GEMM, contiguous, when the GEMM would copy strided rows.
  const bool staged = !gemm::ReadsStridedInPlace(p.GemmType(), p.gemm);
  const at::Tensor stage = staged ? Buffer(call, kStage, {ops, B, H}, p.GemmType()) : at::Tensor();
  const at::Tensor scratch = at::empty({p.partitions, H}, f32);

  fused::ForEachBatchPartition(B, p.partitions, [&](int part, int64_t b0, int64_t nb) {
    if (own_inputs) {
      const at::Tensor src = xd.narrow(0, b0, nb);
      for (int c = 0; c < p.InputOperands(); ++c) {
        at::Tensor dst = inputs[c].narrow(0, b0, nb);
        if (call.input_mask.defined()) {
          const int group = p.input_groups == 3 ? InputGate(c) : 0;
          at::mul_out(dst, src, call.input_mask.select(0, group).narrow(0, b0, nb).unsqueeze(1));
        } else {
          dst.copy_(src);
        }
      }
    }
    // The input projection of this partition's rows, every timestep, into columns [0, 3H)
    // (the step adds the bias).
    const at::Tensor projection = PartitionRows(gates, b0, nb).narrow(1, 0, 3 * H);
    const bool whole_x = p.InputOperands() == 1;
    for (int c = 0; c < p.InputOperands(); ++c) {
      gemm::MatMul(PartitionRows(inputs[c], b0, nb), whole_x ? w : w.narrow(1, c * H, H),
                   whole_x ? projection : projection.narrow(1, c * H, H), false, p.gemm);
    }

    StoreRecurrentInput(nb, H, h.data_ptr<float>() + b0 * H, H,
                        OperandAt(call, operands, stage, 0, hidden_ops, 0, p.TimeOf(0), b0));
    float* row_scratch = scratch.data_ptr<float>() + part * H;
    for (int64_t s = 0; s < T; ++s) {
      const int64_t t = p.TimeOf(s);
      float* rows = gates.data_ptr<float>() + RowOffset(gates, b0, t);
      const int64_t gs = gates.stride(0);
      if (p.reset_after) {
        // hr starts from zero: the recurrent GEMM accumulates into every block it writes.
        for (int64_t i = 0; i < nb; ++i) std::fill_n(rows + i * gs + 3 * H, H, 0.0f);
      }
      // gates[:, H:] += (h(s-1) * mask) @ R, one GEMM per hidden operand (z, r (, h) blocks).
      const int64_t whole_cols = (p.reset_after ? 3 : 2) * H;
      for (int g = 0; g < hidden_ops; ++g) {
        const bool whole = hidden_ops == 1;
        const int64_t col = whole ? 0 : g * H, cols = whole ? whole_cols : H;
        gemm::MatMul(StepOperand(operands, stage, g, b0, nb, t), Columns(r, col, cols), rows + H + col, gs, true,
                     p.gemm);
      }
      if (!p.reset_after) {
        // z and r, then h~ += (r * h(s-1) * mask) @ Rh.
        GruResetStepArgs ra;
        ra.rows = nb;
        ra.units = H;
        ra.recurrent_activation = p.recurrent_activation;
        ra.gates = rows;
        ra.gates_stride = gs;
        if (b.defined()) ra.bias = b.data_ptr<float>();
        ra.h = h.data_ptr<float>() + b0 * H;
        ra.h_stride = H;
        ra.reset_h = OperandAt(call, operands, stage, hidden_ops, 1, p.CandidateMaskGroup(), t, b0);
        ra.scratch = row_scratch;
        GruResetStep(ra);
        gemm::MatMul(StepOperand(operands, stage, hidden_ops, b0, nb, t), Columns(r, 2 * H, H), rows, gs, true,
                     p.gemm);
      }
      GruForwardStepArgs a;
      a.rows = nb;
      a.units = H;
      a.activation = p.activation;
      a.recurrent_activation = p.recurrent_activation;
      a.reset_after = p.reset_after;
      a.reset_done = !p.reset_after;
      a.gates = rows;
      a.gates_stride = gs;
      if (b.defined()) a.bias = b.data_ptr<float>();
      a.h = h.data_ptr<float>() + b0 * H;
      a.h_stride = H;
      a.state = states.data_ptr<float>() + RowOffset(states, b0, t);
      a.state_stride = states.stride(0);
      a.y = sequence.data_ptr<float>() + RowOffset(sequence, b0, s);
      a.y_stride = sequence.stride(0);
      if (s > 0) {
        a.y_prev = sequence.data_ptr<float>() + RowOffset(sequence, b0, s - 1);
        a.y_prev_stride = sequence.stride(0);
      }
      if (p.has_step_mask) a.step_mask = call.step_mask.data_ptr<float>() + t * B + b0;
      if (s + 1 < T) a.next = OperandAt(call, operands, stage, 0, hidden_ops, 0, p.TimeOf(s + 1), b0);
      GruForwardStep(a);
    }
  });

  ForwardResult result;
  result.sequence = sequence;
  result.h = h;
  if (keep_tape) {
    auto tape = c10::make_intrusive<Tape>();
    tape->inputs = std::move(inputs);
    tape->recurrent = operands;
    tape->gates = gates;
    tape->states = states;
    tape->h0 = h_init;
    tape->kernel = w;
    tape->recurrent_kernel = r;
    result.tape = std::move(tape);
  }
  return result;
}

}  // namespace tl::fused_gru
