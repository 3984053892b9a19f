// The fused LSTM's forward pass, per batch partition: x (* input masks) as GEMM operands, the
// input projection of every timestep as one GEMM, then per step one recurrent GEMM and one
// fused element-wise pass (lstm_step.cc).
#include "fused_lstm_internal.h"
#include "lstm_step.h"

namespace tl::fused_lstm {
namespace {

/// Where step s's h goes: rows b0.. of input timestep t of every recurrent operand, with the
/// masks, and (bf16) the contiguous stage the next GEMM reads.
RecurrentInputRef RecurrentInputAt(const Call& call, const at::Tensor& operands, const at::Tensor& stage, int64_t t,
                                   int64_t b0) {
  const Plan& p = call.plan;
  const at::Tensor first = operands.select(0, 0);
  RecurrentInputRef ref;
  ref.bf16 = p.bf16;
  ref.data = static_cast<char*>(operands.data_ptr()) + operands.element_size() * RowOffset(first, b0, t);
  ref.row_stride = first.stride(0);
  ref.group_stride = operands.stride(0);
  ref.groups = p.RecurrentOperands();
  if (call.recurrent_mask.defined()) {
    ref.mask = call.recurrent_mask.data_ptr<float>() + b0 * p.units;
    ref.mask_row_stride = p.units;
    ref.mask_group_stride = p.batch * p.units;
  }
  if (stage.defined()) {
    ref.stage = static_cast<char*>(stage.data_ptr()) + stage.element_size() * b0 * p.units;
    ref.stage_row_stride = p.units;
    ref.stage_group_stride = p.batch * p.units;
  }
  return ref;
}

}  // namespace

ForwardResult Forward(const Call& call, const at::Tensor& x, const at::Tensor& kernel,
                      const at::Tensor& recurrent_kernel, const at::Tensor& bias, const at::Tensor& h0,
                      const at::Tensor& c0, const at::Tensor& peephole, bool keep_tape) {
  const Plan& p = call.plan;
  const int64_t B = p.batch, T = p.steps, F = p.features, H = p.units;
  const int operands_r = p.RecurrentOperands();
  const auto f32 = at::TensorOptions().dtype(at::kFloat);
  // Contiguous weights in the GEMM dtype (the per-step GEMMs address R by pointer).
  const at::Tensor w = kernel.detach().to(p.GemmType()).contiguous();
  const at::Tensor r = recurrent_kernel.detach().to(p.GemmType()).contiguous();
  const at::Tensor b = bias.defined() ? bias.detach().contiguous() : at::Tensor();
  const at::Tensor pw = peephole.defined() ? peephole.detach().contiguous() : at::Tensor();
  const at::Tensor xd = x.detach().contiguous();

  // x as it enters the GEMMs: x itself, or x * mask and/or converted (filled per partition).
  const bool own_inputs = p.bf16 || call.input_mask.defined();
  std::vector<at::Tensor> inputs;
  for (int g = 0; g < p.InputOperands(); ++g) {
    inputs.push_back(own_inputs ? Buffer(call, static_cast<Slot>(kInputs + g), {B, T, F}, p.GemmType()) : xd);
  }

  const at::Tensor gates = Buffer(call, kGates, {B, T, 4 * H}, at::kFloat);
  const at::Tensor cells = Buffer(call, kCells, {B, T, H}, at::kFloat);
  const at::Tensor operands = Buffer(call, kOperands, {operands_r, B, T, H}, p.GemmType());
  const at::Tensor sequence = Buffer(call, kSequence, {B, T, H}, at::kFloat);
  const at::Tensor h = h0.defined() ? h0.detach().clone(at::MemoryFormat::Contiguous) : at::zeros({B, H}, f32);
  const at::Tensor c_init = c0.defined() ? c0.detach().clone(at::MemoryFormat::Contiguous) : at::zeros({B, H}, f32);
  // The recurrent operand of the next step, contiguous, when the GEMM would copy strided rows.
  const bool staged = !gemm::ReadsStridedInPlace(p.GemmType(), p.gemm);
  const at::Tensor stage = staged ? Buffer(call, kStage, {operands_r, B, H}, p.GemmType()) : at::Tensor();

  const at::Tensor scratch = at::empty({p.partitions, H}, at::TensorOptions().dtype(at::kFloat));
  ForEachPartition(p, [&](int part, int64_t b0, int64_t nb) {
    if (own_inputs) {
      const at::Tensor src = xd.narrow(0, b0, nb);
      for (int g = 0; g < p.InputOperands(); ++g) {
        at::Tensor dst = inputs[g].narrow(0, b0, nb);
        if (call.input_mask.defined()) {
          at::mul_out(dst, src, call.input_mask.select(0, g).narrow(0, b0, nb).unsqueeze(1));
        } else {
          dst.copy_(src);
        }
      }
    }
    // The input projection of this partition's rows, every timestep (the step adds the bias).
    const at::Tensor projection = PartitionRows(gates, b0, nb);
    const bool whole_x = p.InputOperands() == 1;
    for (int g = 0; g < p.InputOperands(); ++g) {
      gemm::MatMul(PartitionRows(inputs[g], b0, nb), whole_x ? w : w.narrow(1, g * H, H),
                   whole_x ? projection : projection.narrow(1, g * H, H), false, p.gemm);
    }

    StoreRecurrentInput(nb, H, h.data_ptr<float>() + b0 * H, H,
                        RecurrentInputAt(call, operands, stage, p.TimeOf(0), b0));
    for (int64_t s = 0; s < T; ++s) {
      const int64_t t = p.TimeOf(s);
      // The recurrent GEMM: gates += h(s-1) @ R, in place, one per recurrent operand.
      for (int g = 0; g < operands_r; ++g) {
        const bool whole = operands_r == 1;
        gemm::MatrixRef hp;
        hp.rows = nb;
        hp.cols = H;
        hp.bf16 = p.bf16;
        if (staged) {
          hp.data = static_cast<const char*>(stage.data_ptr()) + stage.element_size() * (g * B + b0) * H;
          hp.ld = H;
        } else {
          const at::Tensor op = operands.select(0, g);
          hp.data = static_cast<const char*>(op.data_ptr()) + op.element_size() * RowOffset(op, b0, t);
          hp.ld = op.stride(0);
        }
        gemm::MatrixRef rg;
        rg.data = static_cast<const char*>(r.data_ptr()) + r.element_size() * (whole ? 0 : g * H);
        rg.rows = H;
        rg.cols = whole ? 4 * H : H;
        rg.ld = 4 * H;
        rg.bf16 = p.bf16;
        gemm::MatMul(hp, rg, gates.data_ptr<float>() + RowOffset(gates, b0, t) + (whole ? 0 : g * H), gates.stride(0),
                     true, p.gemm);
      }
      LstmForwardStepArgs a;
      a.rows = nb;
      a.units = H;
      a.activation = p.activation;
      a.recurrent_activation = p.recurrent_activation;
      a.gates = gates.data_ptr<float>() + RowOffset(gates, b0, t);
      a.gates_stride = gates.stride(0);
      if (b.defined()) a.bias = b.data_ptr<float>();
      if (pw.defined()) a.peephole = pw.data_ptr<float>();
      if (s == 0) {
        a.c_prev = c_init.data_ptr<float>() + b0 * H;
        a.c_prev_stride = H;
      } else {
        a.c_prev = cells.data_ptr<float>() + RowOffset(cells, b0, p.TimeOf(s - 1));
        a.c_prev_stride = cells.stride(0);
      }
      a.c = cells.data_ptr<float>() + RowOffset(cells, b0, t);
      a.c_stride = cells.stride(0);
      a.scratch = scratch.data_ptr<float>() + part * H;
      a.h = h.data_ptr<float>() + b0 * H;
      a.h_stride = H;
      a.y = sequence.data_ptr<float>() + RowOffset(sequence, b0, s);
      a.y_stride = sequence.stride(0);
      if (s > 0) {
        a.y_prev = sequence.data_ptr<float>() + RowOffset(sequence, b0, s - 1);
        a.y_prev_stride = sequence.stride(0);
      }
      if (p.has_step_mask) a.step_mask = call.step_mask.data_ptr<float>() + t * B + b0;
      if (s + 1 < T) a.next = RecurrentInputAt(call, operands, stage, p.TimeOf(s + 1), b0);
      LstmForwardStep(a);
    }
  });

  ForwardResult result;
  result.sequence = sequence;
  result.h = h;
  result.c = cells.select(1, p.TimeOf(T - 1)).clone(at::MemoryFormat::Contiguous);
  if (keep_tape) {
    auto tape = c10::make_intrusive<Tape>();
    tape->inputs = std::move(inputs);
    tape->recurrent = operands;
    tape->gates = gates;
    tape->cells = cells;
    tape->c0 = c_init;
    tape->kernel = w;
    tape->recurrent_kernel = r;
    tape->peephole = pw;
    result.tape = std::move(tape);
  }
  return result;
}

}  // namespace tl::fused_lstm
