// The fused GRU's backward pass, per batch partition: the reverse recurrence (fused element-wise
// passes and the per-step GEMMs), then the partition's share of the weight and input gradients
// as one GEMM each over all its timesteps; the partitions' weight gradients are summed at the end.
#include "../errors.h"
#include "fused_gru_internal.h"
#include "fused_gru_step.h"

namespace tl::fused_gru {
namespace {

using fused::PartitionRows;
using fused::RowOffset;

/// Back from the gate row's layout to Keras's: the input kernel's gradient [F, 3H] (h, z, r ->
/// z, r, h) and the bias's from the gate row's sum `acc`.
at::Tensor KerasKernelOrder(const at::Tensor& g, int64_t units) {
  return at::cat({g.narrow(1, units, 2 * units), g.narrow(1, 0, units)}, 1);
}

at::Tensor KerasBias(const Plan& p, const at::Tensor& acc) {
  const int64_t H = p.units;
  const at::Tensor input = at::cat({acc.narrow(0, H, 2 * H), acc.narrow(0, 0, H)});
  if (!p.reset_after) return input;
  return at::stack({input, at::cat({acc.narrow(0, H, 2 * H), acc.narrow(0, 3 * H, H)})});
}

}  // namespace

Grads Backward(const Call& call, const Tape& tape, const at::Tensor& grad_sequence, const at::Tensor& grad_h,
               const NeedGrads& need) {
  const Plan& p = call.plan;
  const int64_t B = p.batch, T = p.steps, F = p.features, H = p.units, W = p.Width();
  const int hidden_ops = p.HiddenOperands(), operands_x = p.InputOperands();
  const int64_t hidden_cols = (p.reset_after ? 3 : 2) * H;  // columns of one whole hidden product
  const auto f32 = at::TensorOptions().dtype(at::kFloat);
  // W^T and R^T made contiguous once (GEMMs with a transposed view of the right operand run
  // ~25% slower in oneDNN here); a gate block's transpose is then a block of rows.
  const at::Tensor wt = need.x ? tape.kernel.t().contiguous() : at::Tensor();  // [3H, F]
  const at::Tensor rt = tape.recurrent_kernel.t().contiguous();                 // [3H, H]

  at::Tensor gy;
  if (grad_sequence.defined()) {
    if (grad_sequence.sizes() != at::IntArrayRef({B, T, H})) {
      throw ShapeError("FusedGru backward: gradient of the sequence has shape " + c10::str(grad_sequence.sizes()));
    }
    gy = grad_sequence.to(at::kFloat);
    if (gy.stride(2) != 1) gy = gy.contiguous();
  }
  const at::Tensor dh =
      grad_h.defined() ? grad_h.to(at::kFloat).clone(at::MemoryFormat::Contiguous) : at::zeros({B, H}, f32);
  const at::Tensor dy = p.has_step_mask ? at::zeros({B, H}, f32) : at::Tensor();
  const at::Tensor grad_gates = Buffer(call, kGradGates, {B, T, W}, p.GemmType());
  const int64_t gs = grad_gates.stride(0);
  // One step's gradient rows, contiguous, when the GEMM would copy strided rows (bf16, at::mm).
  const bool staged = !gemm::ReadsStridedInPlace(p.GemmType(), p.gemm);
  const at::Tensor stage = staged ? Buffer(call, kGradStage, {B, W}, p.GemmType()) : at::Tensor();
  const at::Tensor pending = at::empty({hidden_ops, B, H}, f32);  // dgates(s+1) @ R^T per operand
  const at::Tensor dq = p.reset_after ? at::Tensor() : at::empty({B, H}, f32);  // dh~ @ Rh^T
  const int parts = p.partitions;
  const bool bias_grad = p.has_bias && need.bias;
  const at::Tensor bias_parts = bias_grad ? at::zeros({parts, W}, f32) : at::Tensor();
  const at::Tensor kernel_parts = need.kernel ? at::empty({parts, F, 3 * H}, f32) : at::Tensor();
  const at::Tensor recurrent_parts = need.recurrent_kernel ? at::empty({parts, H, 3 * H}, f32) : at::Tensor();
  const at::Tensor scratch = at::empty({parts, 6 * H}, f32);
  Grads out;
  if (need.h0) out.h0 = at::empty({B, H}, f32);
  if (need.x) out.x = Buffer(call, kGradX, {B, T, F}, at::kFloat);

  auto pending_at = [&](int64_t b0) {
    RecurrentGradRef ref;
    ref.data = pending.data_ptr<float>() + b0 * H;
    ref.row_stride = H;
    ref.group_stride = B * H;
    ref.groups = hidden_ops;
    if (call.recurrent_mask.defined()) {
      ref.mask = call.recurrent_mask.data_ptr<float>() + b0 * H;
      ref.mask_row_stride = H;
      ref.mask_group_stride = B * H;
    }
    return ref;
  };

  fused::ForEachBatchPartition(B, parts, [&](int part, int64_t b0, int64_t nb) {
    float* part_scratch = scratch.data_ptr<float>() + part * 6 * H;
    for (int64_t s = T - 1; s >= 0; --s) {
      const int64_t t = p.TimeOf(s);
      const float* h_prev = s == 0 ? tape.h0.data_ptr<float>() + b0 * H
                                   : tape.states.data_ptr<float>() + RowOffset(tape.states, b0, p.TimeOf(s - 1));
      const int64_t h_prev_stride = s == 0 ? H : tape.states.stride(0);
      void* grad_rows = static_cast<char*>(grad_gates.data_ptr()) + grad_gates.element_size() * RowOffset(grad_gates, b0, t);
      uint16_t* stage_rows =
          staged ? reinterpret_cast<uint16_t*>(stage.data_ptr<at::BFloat16>()) + b0 * W : nullptr;
      // Columns [col, col + cols) of this step's gate gradient as a GEMM operand.
      auto grad_columns = [&](int64_t col, int64_t cols) {
        gemm::MatrixRef m;
        m.rows = nb;
        m.cols = cols;
        m.bf16 = p.bf16;
        if (staged) {
          m.data = stage_rows + col;
          m.ld = W;
        } else {
          m.data = static_cast<const char*>(grad_rows) + grad_gates.element_size() * col;
          m.ld = gs;
        }
        return m;
      };

      GruBackwardStepArgs a;
      a.rows = nb;
      a.units = H;
      a.activation = p.activation;
      a.recurrent_activation = p.recurrent_activation;
      a.reset_after = p.reset_after;
      a.gates = tape.gates.data_ptr<float>() + RowOffset(tape.gates, b0, t);
      a.gates_stride = tape.gates.stride(0);
      a.h_prev = h_prev;
      a.h_prev_stride = h_prev_stride;
      if (gy.defined()) {
        a.grad_y = gy.data_ptr<float>() + b0 * gy.stride(0) + s * gy.stride(1);
        a.grad_y_stride = gy.stride(0);
      }
      if (s + 1 < T) a.pending = pending_at(b0);
      a.grad_h = dh.data_ptr<float>() + b0 * H;
      if (dy.defined()) a.grad_y_carry = dy.data_ptr<float>() + b0 * H;
      if (p.has_step_mask) a.step_mask = call.step_mask.data_ptr<float>() + t * B + b0;
      a.grad_gates = grad_rows;
      a.grad_gates_bf16 = p.bf16;
      a.grad_gates_stride = gs;
      a.grad_gates_stage = stage_rows;
      if (bias_grad) a.grad_bias = bias_parts.data_ptr<float>() + part * W;
      a.scratch = part_scratch;
      GruBackwardStep(a);

      if (!p.reset_after) {
        // dq = dh~ @ Rh^T, then r's gradient and h(s-1)'s share through r * h.
        float* dq_rows = dq.data_ptr<float>() + b0 * H;
        gemm::MatMul(grad_columns(0, H), Rows(rt, 2 * H, H), dq_rows, H, false, p.gemm);
        GruResetBackwardStepArgs ra;
        ra.rows = nb;
        ra.units = H;
        ra.recurrent_activation = p.recurrent_activation;
        ra.gates = a.gates;
        ra.gates_stride = a.gates_stride;
        ra.h_prev = h_prev;
        ra.h_prev_stride = h_prev_stride;
        if (call.recurrent_mask.defined()) {
          ra.mask = call.recurrent_mask.data_ptr<float>() + (p.CandidateMaskGroup() * B + b0) * H;
          ra.mask_stride = H;
        }
        ra.dq = dq_rows;
        ra.grad_h = a.grad_h;
        ra.grad_gates = grad_rows;
        ra.grad_gates_bf16 = p.bf16;
        ra.grad_gates_stride = gs;
        ra.grad_gates_stage = stage_rows;
        ra.grad_bias = a.grad_bias;
        ra.scratch = part_scratch;
        GruResetBackwardStep(ra);
      }
      if (s == 0 && !need.h0) break;
      // pending = dgates(s)[:, H:] @ R^T: the gradient of h(s-1) through this step's products.
      for (int g = 0; g < hidden_ops; ++g) {
        const bool whole = hidden_ops == 1;
        const int64_t col = whole ? 0 : g * H, cols = whole ? hidden_cols : H;
        gemm::MatMul(grad_columns(H + col, cols), Rows(rt, col, cols), pending.data_ptr<float>() + (g * B + b0) * H,
                     H, false, p.gemm);
      }
    }
    if (need.h0) {
      FinishRecurrentGrad(nb, H, dh.data_ptr<float>() + b0 * H, pending_at(b0), out.h0.data_ptr<float>() + b0 * H);
    }

    // This partition's rows of every timestep: its share of the weight gradients, and its dx.
    const at::Tensor dz = PartitionRows(grad_gates, b0, nb);
    if (need.kernel) {
      const at::Tensor dk = kernel_parts.select(0, part);
      for (int c = 0; c < operands_x; ++c) {
        const bool whole = operands_x == 1;
        gemm::MatMul(PartitionRows(tape.inputs[c], b0, nb).t(), dz.narrow(1, c * H, whole ? 3 * H : H),
                     dk.narrow(1, c * H, whole ? 3 * H : H), false, p.gemm);
      }
    }
    if (need.recurrent_kernel) {
      const at::Tensor dr = recurrent_parts.select(0, part);
      for (int g = 0; g < hidden_ops; ++g) {
        const bool whole = hidden_ops == 1;
        const int64_t col = whole ? 0 : g * H, cols = whole ? hidden_cols : H;
        gemm::MatMul(PartitionRows(tape.recurrent.select(0, g), b0, nb).t(), dz.narrow(1, H + col, cols),
                     dr.narrow(1, col, cols), false, p.gemm);
      }
      if (!p.reset_after) {
        gemm::MatMul(PartitionRows(tape.recurrent.select(0, hidden_ops), b0, nb).t(), dz.narrow(1, 0, H),
                     dr.narrow(1, 2 * H, H), false, p.gemm);
      }
    }
    if (need.x) {
      // dx = sum over input operands of (dz[:, block] @ W[:, block]^T) * input mask.
      const at::Tensor dx = PartitionRows(out.x, b0, nb);
      for (int c = 0; c < operands_x; ++c) {
        const bool whole = operands_x == 1;
        const at::Tensor dzc = dz.narrow(1, c * H, whole ? 3 * H : H);
        const at::Tensor wtc = wt.narrow(0, c * H, whole ? 3 * H : H);
        if (!call.input_mask.defined()) {
          gemm::MatMul(dzc, wtc, dx, c > 0, p.gemm);
          continue;
        }
        const at::Tensor term = at::empty({nb * T, F}, f32);
        gemm::MatMul(dzc, wtc, term, false, p.gemm);
        // Rows are (b, t): the mask of row b repeats over t.
        const int group = p.input_groups == 3 ? InputGate(c) : 0;
        const at::Tensor mask = call.input_mask.select(0, group).narrow(0, b0, nb).unsqueeze(1);
        const at::Tensor masked = term.view({nb, T, F}) * mask;
        if (c == 0) {
          dx.view({nb, T, F}).copy_(masked);
        } else {
          dx.view({nb, T, F}).add_(masked);
        }
      }
    }
  });

  auto sum_parts = [](const at::Tensor& t) { return t.size(0) == 1 ? t.select(0, 0) : t.sum(0); };
  if (need.kernel) out.kernel = KerasKernelOrder(sum_parts(kernel_parts), H);
  if (need.recurrent_kernel) out.recurrent_kernel = sum_parts(recurrent_parts);
  if (bias_grad) out.bias = KerasBias(p, sum_parts(bias_parts));
  return out;
}

}  // namespace tl::fused_gru
