// The fused LSTM's backward pass, per batch partition: the reverse recurrence (one fused
// element-wise pass and one GEMM per step), then the partition's share of the weight and
// input gradients as one GEMM each over all its timesteps; the weight gradients of the
// partitions are summed at the end.
#include "../errors.h"
#include "fused_lstm_internal.h"
#include "lstm_step.h"

namespace tl::fused_lstm {
namespace {

/// out = sum over rows of operand^T @ grad_gates, one column block per operand when there are 4.
void WeightGrad(const std::vector<at::Tensor>& operands, const at::Tensor& grad_gates, int64_t units,
                const at::Tensor& out, GemmBackend backend) {
  const bool whole = operands.size() == 1;
  for (size_t g = 0; g < operands.size(); ++g) {
    gemm::MatMul(operands[g].t(), whole ? grad_gates : grad_gates.narrow(1, g * units, units),
                 whole ? out : out.narrow(1, g * units, units), false, backend);
  }
}

}  // namespace

Grads Backward(const Call& call, const Tape& tape, const at::Tensor& grad_sequence, const at::Tensor& grad_h,
               const at::Tensor& grad_c, const NeedGrads& need) {
  const Plan& p = call.plan;
  const int64_t B = p.batch, T = p.steps, F = p.features, H = p.units;
  const int operands_r = p.RecurrentOperands(), operands_x = p.InputOperands();
  const auto f32 = at::TensorOptions().dtype(at::kFloat);
  // W^T and R^T (per operand block) made contiguous once: GEMMs with a transposed view of the
  // right operand run ~25% slower in oneDNN here.
  auto transposed = [&](const at::Tensor& m, int operands) {
    if (operands == 1) return m.t().contiguous().unsqueeze(0);  // [1, 4H, rows]
    std::vector<at::Tensor> blocks;
    for (int g = 0; g < 4; ++g) blocks.push_back(m.narrow(1, g * H, H).t());
    return at::stack(blocks);  // [4, H, rows]
  };
  const at::Tensor wt = need.x ? transposed(tape.kernel, operands_x) : at::Tensor();
  const at::Tensor rt = transposed(tape.recurrent_kernel, operands_r);

  at::Tensor gy;
  if (grad_sequence.defined()) {
    if (grad_sequence.sizes() != at::IntArrayRef({B, T, H})) {
      throw ShapeError("FusedLstm backward: gradient of the sequence has shape " + c10::str(grad_sequence.sizes()));
    }
    gy = grad_sequence.to(at::kFloat);
    if (gy.stride(2) != 1) gy = gy.contiguous();
  }
  auto state_grad = [&](const at::Tensor& g) {
    return g.defined() ? g.to(at::kFloat).clone(at::MemoryFormat::Contiguous) : at::zeros({B, H}, f32);
  };
  const at::Tensor dh = state_grad(grad_h), dc = state_grad(grad_c);
  const at::Tensor dy = p.has_step_mask ? at::zeros({B, H}, f32) : at::Tensor();
  const at::Tensor grad_gates = Buffer(call, kGradGates, {B, T, 4 * H}, p.GemmType());
  // One step's dz, contiguous, when the GEMM would copy strided rows (bf16 through at::mm).
  const bool staged = !gemm::ReadsStridedInPlace(p.GemmType(), p.gemm);
  const at::Tensor stage = staged ? Buffer(call, kGradStage, {B, 4 * H}, p.GemmType()) : at::Tensor();
  const at::Tensor pending = at::empty({operands_r, B, H}, f32);                 // dz(s+1) @ R^T per operand
  const int parts = p.partitions;
  const bool bias_grad = p.has_bias && need.bias;
  const at::Tensor bias_parts = bias_grad ? at::zeros({parts, 4 * H}, f32) : at::Tensor();
  const bool peephole_grad = p.has_peephole && need.peephole;
  const at::Tensor peephole_parts = peephole_grad ? at::zeros({parts, 3 * H}, f32) : at::Tensor();
  const at::Tensor kernel_parts = need.kernel ? at::empty({parts, F, 4 * H}, f32) : at::Tensor();
  const at::Tensor recurrent_parts = need.recurrent_kernel ? at::empty({parts, H, 4 * H}, f32) : at::Tensor();
  const at::Tensor scratch = at::empty({parts, 8 * H}, f32);
  Grads out;
  if (need.h0) out.h0 = at::empty({B, H}, f32);
  if (need.x) out.x = Buffer(call, kGradX, {B, T, F}, at::kFloat);

  auto pending_at = [&](int64_t b0) {
    RecurrentGradRef ref;
    ref.data = pending.data_ptr<float>() + b0 * H;
    ref.row_stride = H;
    ref.group_stride = B * H;
    ref.groups = operands_r;
    if (call.recurrent_mask.defined()) {
      ref.mask = call.recurrent_mask.data_ptr<float>() + b0 * H;
      ref.mask_row_stride = H;
      ref.mask_group_stride = B * H;
    }
    return ref;
  };

  ForEachPartition(p, [&](int part, int64_t b0, int64_t nb) {
    for (int64_t s = T - 1; s >= 0; --s) {
      const int64_t t = p.TimeOf(s);
      LstmBackwardStepArgs a;
      a.rows = nb;
      a.units = H;
      a.activation = p.activation;
      a.recurrent_activation = p.recurrent_activation;
      a.gates = tape.gates.data_ptr<float>() + RowOffset(tape.gates, b0, t);
      a.gates_stride = tape.gates.stride(0);
      if (s == 0) {
        a.c_prev = tape.c0.data_ptr<float>() + b0 * H;
        a.c_prev_stride = H;
      } else {
        a.c_prev = tape.cells.data_ptr<float>() + RowOffset(tape.cells, b0, p.TimeOf(s - 1));
        a.c_prev_stride = tape.cells.stride(0);
      }
      a.c = tape.cells.data_ptr<float>() + RowOffset(tape.cells, b0, t);
      a.c_stride = tape.cells.stride(0);
      if (gy.defined()) {
        a.grad_y = gy.data_ptr<float>() + b0 * gy.stride(0) + s * gy.stride(1);
        a.grad_y_stride = gy.stride(0);
      }
      if (s + 1 < T) a.pending = pending_at(b0);
      a.grad_h = dh.data_ptr<float>() + b0 * H;
      a.grad_c = dc.data_ptr<float>() + b0 * H;
      if (dy.defined()) a.grad_y_carry = dy.data_ptr<float>() + b0 * H;
      if (p.has_step_mask) a.step_mask = call.step_mask.data_ptr<float>() + t * B + b0;
      a.grad_gates = static_cast<char*>(grad_gates.data_ptr()) + grad_gates.element_size() * RowOffset(grad_gates, b0, t);
      a.grad_gates_bf16 = p.bf16;
      a.grad_gates_stride = grad_gates.stride(0);
      if (staged) a.grad_gates_stage = reinterpret_cast<uint16_t*>(stage.data_ptr<at::BFloat16>()) + b0 * 4 * H;
      if (bias_grad) a.grad_bias = bias_parts.data_ptr<float>() + part * 4 * H;
      if (p.has_peephole) a.peephole = tape.peephole.data_ptr<float>();
      if (peephole_grad) a.grad_peephole = peephole_parts.data_ptr<float>() + part * 3 * H;
      a.scratch = scratch.data_ptr<float>() + part * 8 * H;
      LstmBackwardStep(a);
      if (s == 0 && !need.h0) break;
      // pending = dz(s) @ R^T: the gradient of h(s-1) through this step's GEMM, per operand.
      for (int g = 0; g < operands_r; ++g) {
        const bool whole = operands_r == 1;
        gemm::MatrixRef dz;
        dz.rows = nb;
        dz.cols = whole ? 4 * H : H;
        dz.bf16 = p.bf16;
        const int64_t column = whole ? 0 : g * H;
        if (staged) {
          dz.data = static_cast<const char*>(stage.data_ptr()) + stage.element_size() * (b0 * 4 * H + column);
          dz.ld = 4 * H;
        } else {
          dz.data = static_cast<const char*>(grad_gates.data_ptr()) +
                    grad_gates.element_size() * (RowOffset(grad_gates, b0, t) + column);
          dz.ld = grad_gates.stride(0);
        }
        const at::Tensor rtg = rt.select(0, g);  // R's block, transposed: [4H or H, H]
        gemm::MatrixRef rb;
        rb.data = rtg.data_ptr();
        rb.rows = rtg.size(0);
        rb.cols = H;
        rb.ld = H;
        rb.bf16 = p.bf16;
        gemm::MatMul(dz, rb, pending.data_ptr<float>() + (g * B + b0) * H, H, false, p.gemm);
      }
    }
    if (need.h0) {
      FinishRecurrentGrad(nb, H, dh.data_ptr<float>() + b0 * H, pending_at(b0), out.h0.data_ptr<float>() + b0 * H);
    }

    // This partition's rows of every timestep: its share of the weight gradients, and its dx.
    const at::Tensor dz = PartitionRows(grad_gates, b0, nb);
    if (need.kernel) {
      std::vector<at::Tensor> xs;
      for (const at::Tensor& in : tape.inputs) xs.push_back(PartitionRows(in, b0, nb));
      WeightGrad(xs, dz, H, kernel_parts.select(0, part), p.gemm);
    }
    if (need.recurrent_kernel) {
      std::vector<at::Tensor> hs;
      for (int g = 0; g < operands_r; ++g) hs.push_back(PartitionRows(tape.recurrent.select(0, g), b0, nb));
      WeightGrad(hs, dz, H, recurrent_parts.select(0, part), p.gemm);
    }
    if (need.x) {
      // dx = sum over input operands of (dz[:, block] @ W[:, block]^T) * input mask.
      const at::Tensor dx = PartitionRows(out.x, b0, nb);
      for (int g = 0; g < operands_x; ++g) {
        const bool whole = operands_x == 1;
        const at::Tensor dzg = whole ? dz : dz.narrow(1, g * H, H);
        const at::Tensor wtg = wt.select(0, g);
        if (!call.input_mask.defined()) {
          gemm::MatMul(dzg, wtg, dx, g > 0, p.gemm);
          continue;
        }
        const at::Tensor term = at::empty({nb * T, F}, f32);
        gemm::MatMul(dzg, wtg, term, false, p.gemm);
        // Rows are (b, t): the mask of row b repeats over t.
        const at::Tensor mask = call.input_mask.select(0, g).narrow(0, b0, nb).unsqueeze(1);
        const at::Tensor masked = term.view({nb, T, F}) * mask;
        if (g == 0) {
          dx.view({nb, T, F}).copy_(masked);
        } else {
          dx.view({nb, T, F}).add_(masked);
        }
      }
    }
  });

  auto sum_parts = [](const at::Tensor& t) { return t.size(0) == 1 ? t.select(0, 0) : t.sum(0); };
  if (need.kernel) out.kernel = sum_parts(kernel_parts);
  if (need.recurrent_kernel) out.recurrent_kernel = sum_parts(recurrent_parts);
  if (bias_grad) out.bias = sum_parts(bias_parts);
  if (peephole_grad) out.peephole = sum_parts(peephole_parts).view({3, H});
  if (need.c0) out.c0 = dc;
  return out;
}

}  // namespace tl::fused_lstm
