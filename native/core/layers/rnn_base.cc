#include "rnn_base.h"

#include <tuple>

#include "../autocast_pause.h"
#include "../compat.h"
#include "../errors.h"
#include "../threads.h"

namespace tl {
namespace {

// What the summary calls a layer's own CPU kernel in training and in inference.
constexpr const char* kCpuTrainingKernel = "fused CPU kernel, analytic backward";
constexpr const char* kCpuInferenceKernel = "fused CPU kernel";

std::string FormatDouble(double v) {
  std::string s = std::to_string(v);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

bool ReadStateful(const ConfigReader& c) { return c.Has("stateful") && c.Bool("stateful"); }

at::Tensor RightPaddedLengths(const at::Tensor& mask) {
  const at::Tensor m = mask.to(at::kBool);
  const at::Tensor lengths = m.sum(1);
  const at::Tensor steps = at::arange(m.size(1), lengths.options()).unsqueeze(0);
  const at::Tensor prefix = steps < lengths.unsqueeze(1);
  if (!at::equal(prefix, m) || lengths.min().item<int64_t>() == 0) return at::Tensor();
  return lengths.to(at::kCPU, at::kLong);
}

const Shape& RecurrentInputShape(const ConfigReader& config, const std::vector<Shape>& input_shapes,
                                 int64_t num_states, int64_t units) {
  const size_t n = input_shapes.size();
  if (n != 1 && n != static_cast<size_t>(num_states) + 1) {
    throw ShapeError(config.where() + " takes a sequence" +
                     (num_states == 2 ? std::string(" and optionally initial states [h, c]")
                                      : std::string(" and optionally an initial state [h]")) +
                     " but was called on " + std::to_string(n) + " inputs");
  }
  for (size_t i = 1; i < n; ++i) {
    if (input_shapes[i] != Shape{units}) {
      throw ShapeError(config.where() + ": initial state " + std::to_string(i - 1) + " expects shape " +
                       ShapeString(WithBatch({units})) + " but received " + ShapeString(WithBatch(input_shapes[i])));
    }
  }
  return input_shapes[0];
}

Recurrent::Recurrent(const std::string& class_name, const RecurrentOptions& options, const Shape& input_shape,
                     int64_t gates, int64_t num_states)
    : Layer(options.name, class_name), options_(options), input_shape_(input_shape), gates_(gates),
      num_states_(num_states) {
  if (input_shape.size() != 2) {
    throw ShapeError(Label() + " expects inputs of rank 3 [batch, timesteps, features] but was built on " +
                     ShapeString(WithBatch(input_shape)));
  }
  if (input_shape[1] <= 0) throw ShapeError(Label() + " needs a known feature dimension");
  if (options.units <= 0) throw SpecError(Label() + ": units must be a positive integer");
}

void Recurrent::SetFusedBlocker(std::string blocker) {
  fused_blocker_ = std::move(blocker);
  if (options_.use_cudnn == UseFused::kAlways && (!fused_blocker_.empty() || options_.recurrent_dropout > 0)) {
    throw SpecError(Label() + ": use_cudnn=true but the fused kernel cannot compute " +
                    (fused_blocker_.empty() ? std::string("recurrent_dropout > 0") : fused_blocker_));
  }
}

bool Recurrent::UsesFused(bool training) const {
  if (options_.use_cudnn == UseFused::kNever || !fused_blocker_.empty()) return false;
  return !(training && options_.recurrent_dropout > 0);
}

std::vector<at::Tensor> Recurrent::Forward(const at::Tensor& x, const ForwardContext& ctx) {
  return Call({x}, {at::Tensor()}, ctx).tensors;
}

std::vector<at::Tensor> Recurrent::InitialStates(const std::vector<at::Tensor>& inputs, int64_t batch,
                                                 const at::TensorOptions& options) const {
  const int64_t units = options_.units;
  if (inputs.size() > 1) {
    if (static_cast<int64_t>(inputs.size()) - 1 != num_states_) {
      throw ShapeError(Label() + " takes " + std::to_string(num_states_) + " initial state(s) " +
                       (num_states_ == 2 ? "[h, c]" : "[h]") + " but received " + std::to_string(inputs.size() - 1));
    }
    std::vector<at::Tensor> states(inputs.begin() + 1, inputs.end());
    for (size_t i = 0; i < states.size(); ++i) {
      if (states[i].dim() != 2 || states[i].size(0) != batch || states[i].size(1) != units) {
        throw ShapeError(Label() + ": initial state " + std::to_string(i) + " expects shape [" + std::to_string(batch) +
                         ", " + std::to_string(units) + "] but received " + ShapeString(states[i].sizes().vec()));
      }
    }
    return states;
  }
  if (options_.stateful && !carried_.empty()) {
    if (carried_[0].size(0) != batch) {
      throw ShapeError(Label() + " is stateful and carries states for a batch of " +
                       std::to_string(carried_[0].size(0)) + " samples but received a batch of " +
                       std::to_string(batch) +
                       "; feed batches of one size (a batch size that divides the number of samples) or call "
                       "resetStates() first");
    }
    std::vector<at::Tensor> states;
    for (const auto& s : carried_) states.push_back(s.to(options.device(), options.dtype()));
    return states;
  }
  return std::vector<at::Tensor>(num_states_, at::zeros({batch, units}, options));
}

LayerOutput Recurrent::Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                            const ForwardContext& ctx) {
  if (inputs.empty()) throw ShapeError(Label() + " was called without inputs");
  const at::Tensor& input = inputs[0];
  if (input.dim() != 3 || input.size(2) != input_dim()) {
    throw ShapeError(Label() + " expects input [batch, timesteps, " + std::to_string(input_dim()) +
                     "] but received " + ShapeString(input.sizes().vec()));
  }
  const int64_t batch = input.size(0), steps = input.size(1);
  if (steps == 0) throw ShapeError(Label() + " needs at least one timestep");
  std::vector<at::Tensor> states = InitialStates(inputs, batch, input.options());
  at::Tensor mask = masks.empty() ? at::Tensor() : masks[0];
  if (mask.defined()) {
    if (mask.dim() != 2 || mask.size(0) != batch || mask.size(1) != steps) {
      throw ShapeError(Label() + " expects a mask [" + std::to_string(batch) + ", " + std::to_string(steps) +
                       "] but received " + ShapeString(mask.sizes().vec()));
    }
    mask = mask.to(at::kBool);
    if (mask.all().item<bool>()) mask = at::Tensor();  // nothing masked: the plain call
  }
  Run run;
  if (TryCpuKernel(input, mask, states, ctx, &run)) return Finish(std::move(run), masks);
  bool fused = UsesFused(ctx.training);
  at::Tensor lengths;
  if (fused && mask.defined()) {
    lengths = RightPaddedLengths(mask);
    fused = lengths.defined();
  }
  if (fused) {
    at::Tensor x = input;
    if (ctx.training && options_.dropout > 0) {
      // Keras: one input mask per sequence, shared by every timestep.
      x = x * DropoutMask({batch, 1, input_dim()}, options_.dropout, ctx);
    }
    run = lengths.defined() ? RunFusedPacked(x, lengths, states) : RunFusedPadded(x, states);
    last_kernel_ = lengths.defined() ? "fused (packed)" : "fused";
  } else {
    run = RunLoop(input, mask, states, ctx);
    last_kernel_ = "cell loop";
  }
  return Finish(std::move(run), masks);
}

LayerOutput Recurrent::Finish(Run run, const std::vector<at::Tensor>& masks) {
  if (options_.stateful) {
    // The carry is data, not part of the graph: no gradient crosses batches (Keras assigns it).
    carried_.clear();
    for (const auto& s : run.states) carried_.push_back(s.detach());
  }
  LayerOutput out;
  out.tensors.push_back(options_.return_sequences ? run.sequence : run.last);
  if (options_.return_state) {
    for (const auto& s : run.states) out.tensors.push_back(s);
  }
  if (options_.return_sequences && !masks.empty()) out.mask = masks[0];
  return out;
}

Recurrent::Run Recurrent::RunFusedPadded(const at::Tensor& input, const std::vector<at::Tensor>& states) const {
  const at::Tensor x = options_.go_backwards ? input.flip({1}) : input;
  FusedResult r = RunFused(x, at::Tensor(), states);
  Run run;
  run.sequence = r.output;
  run.last = r.states[0];
  run.states = std::move(r.states);
  return run;
}

Recurrent::Run Recurrent::RunFusedPacked(const at::Tensor& x, const at::Tensor& lengths,
                                         const std::vector<at::Tensor>& states) const {
  const int64_t batch = x.size(0), steps = x.size(1), units = options_.units;
  const auto device = x.device();
  const at::Tensor len = lengths.to(device).unsqueeze(1);  // [batch, 1]
  const at::Tensor t = at::arange(steps, at::TensorOptions().dtype(at::kLong).device(device)).unsqueeze(0);
  at::Tensor seq = x;
  if (options_.go_backwards) {
    // Keras flips the sequence and its mask: the padding comes first and is skipped, then the
    // valid steps run last to first. That is the valid prefix reversed, run forward.
    const at::Tensor idx = at::where(t < len, len - 1 - t, t);
    seq = x.gather(1, idx.unsqueeze(2).expand({batch, steps, x.size(2)}));
  }
  // Packed sequences want decreasing lengths.
  auto [sorted_len, order] = lengths.sort(0, /*descending=*/true);
  const at::Tensor order_dev = order.to(device);
  std::vector<at::Tensor> sorted_states;
  for (const auto& s : states) sorted_states.push_back(s.index_select(0, order_dev));
  auto packed = at::_pack_padded_sequence(seq.index_select(0, order_dev), sorted_len, /*batch_first=*/true);
  const at::Tensor& batch_sizes = std::get<1>(packed);
  FusedResult r = RunFused(std::get<0>(packed), batch_sizes, sorted_states);
  at::Tensor padded = std::get<0>(at::_pad_packed_sequence(r.output, batch_sizes, /*batch_first=*/true, 0.0, steps));
  const at::Tensor inverse = order_dev.argsort();
  padded = padded.index_select(0, inverse);
  Run run;
  for (const auto& s : r.states) run.states.push_back(s.index_select(0, inverse));
  if (options_.return_sequences) {
    // A masked step outputs the previous output: the last valid one going forward; zeros
    // before the first valid one going backward (the padding leads there).
    const at::Tensor idx = options_.go_backwards ? (t + len) % steps : at::minimum(t, len - 1);
    run.sequence = padded.gather(1, idx.unsqueeze(2).expand({batch, steps, units}));
  }
  run.last = run.states[0];
  return run;
}

Recurrent::Run Recurrent::RunLoop(const at::Tensor& input, const at::Tensor& mask,
                                  const std::vector<at::Tensor>& initial, const ForwardContext& ctx) const {
  const int64_t batch = input.size(0), units = options_.units;
  const at::Tensor x = options_.go_backwards ? input.flip({1}) : input;
  const at::Tensor m = mask.defined() && options_.go_backwards ? mask.flip({1}) : mask;
  const DropoutMasks drop = DrawDropoutMasks(batch, ctx);
  const at::Tensor& dropout_mask = drop.input;
  const at::Tensor& recurrent_mask = drop.recurrent;
  // unbind once: select() per step makes backward 5-7x slower (a full-size zero grad per step).
  const std::vector<at::Tensor> projected = Project(x, dropout_mask).unbind(1);
  std::vector<at::Tensor> keep;
  if (m.defined()) keep = m.unsqueeze(2).unbind(1);  // each [batch, 1]
  std::vector<at::Tensor> states = initial;
  at::Tensor out = m.defined() ? at::zeros({batch, units}, x.options()) : at::Tensor();
  std::vector<at::Tensor> outputs;
  if (options_.return_sequences) outputs.reserve(projected.size());
  for (size_t t = 0; t < projected.size(); ++t) {
    std::vector<at::Tensor> next = Step(projected[t], states, recurrent_mask);
    if (m.defined()) {
      // Masked steps keep the states and repeat the previous output.
      for (size_t i = 0; i < next.size(); ++i) next[i] = at::where(keep[t], next[i], states[i]);
      out = at::where(keep[t], next[0], out);
    } else {
      out = next[0];
    }
    states = std::move(next);
    if (options_.return_sequences) outputs.push_back(out);
  }
  Run run;
  if (options_.return_sequences) run.sequence = at::stack(outputs, 1);
  run.last = out;
  run.states = std::move(states);
  return run;
}

bool Recurrent::TryCpuKernel(const at::Tensor& input, const at::Tensor& mask, const std::vector<at::Tensor>& states,
                             const ForwardContext& ctx, Run* run) {
  if (!HasCpuKernel() || !input.device().is_cpu() || input.scalar_type() != at::kFloat) return false;
  const bool grad = c10::GradMode::is_enabled(), autocast = compat::AutocastEnabled(at::kCPU);
  // Training with autograd; or inference without it, where a mixed_bfloat16 autocast stays with
  // LibTorch's kernel. (Autograd in inference mode, as gradients() asks, takes LibTorch's too.)
  if (grad ? !ctx.training : autocast) return false;
  const int64_t batch = input.size(0), units = options_.units;
  const int64_t step = batch * gates_ * units * (input_dim() + units);  // multiply-adds of one step
  const DropoutMasks drop = DrawDropoutMasks(batch, ctx);
  CpuKernelCall call{input,
                     mask,
                     states,
                     at::Tensor(),
                     at::Tensor(),
                     autocast ? GemmPrecision::kBFloat16 : GemmPrecision::kFloat32,
                     grad ? BatchPartitions(batch, step) : InferencePartitions(batch, input.size(1), step)};
  // The loop's layouts [batch, 1 or gates, n] -> the kernels' [batch, n] or [gates, batch, n].
  if (drop.input.defined()) {
    call.input_mask = drop.input.size(1) == 1 ? drop.input.squeeze(1) : drop.input.permute({1, 0, 2}).contiguous();
  }
  if (drop.recurrent.defined()) call.recurrent_mask = drop.recurrent.permute({1, 0, 2}).contiguous();
  std::vector<at::Tensor> r;
  {
    const CpuAutocastPause pause;  // the kernel's own GEMMs decide the precision
    r = RunCpuKernel(call);
  }
  run->sequence = r[0];
  // Masked: the kernel's last output repeats the last valid step's, as Keras reports it.
  run->last = mask.defined() ? r[0].select(1, r[0].size(1) - 1) : r[1];
  run->states.assign(r.begin() + 1, r.end());
  last_kernel_ = grad ? kCpuTrainingKernel : kCpuInferenceKernel;
  return true;
}

Recurrent::DropoutMasks Recurrent::DrawDropoutMasks(int64_t batch, const ForwardContext& ctx) const {
  // Keras: with recurrent dropout every gate block draws its own masks (implementation 1).
  const int64_t mask_blocks = options_.recurrent_dropout > 0 ? gates_ : 1;
  DropoutMasks masks;
  if (ctx.training && options_.dropout > 0) {
    masks.input = DropoutMask({batch, mask_blocks, input_dim()}, options_.dropout, ctx);
  }
  if (ctx.training && options_.recurrent_dropout > 0) {
    masks.recurrent = DropoutMask({batch, gates_, options_.units}, options_.recurrent_dropout, ctx);
  }
  return masks;
}

at::Tensor Recurrent::ProjectGates(const at::Tensor& x, const at::Tensor& kernel, const at::Tensor& bias,
                                   const at::Tensor& dropout_mask, int64_t gates) {
  at::Tensor y;
  if (!dropout_mask.defined()) {
    y = at::matmul(x, kernel);
  } else if (dropout_mask.size(1) == 1) {
    y = at::matmul(x * dropout_mask, kernel);  // [batch, 1, F] broadcasts over time
  } else {
    const int64_t b = x.size(0), t = x.size(1), f = x.size(2), width = kernel.size(1) / gates;
    const at::Tensor xm = x.unsqueeze(2) * dropout_mask.unsqueeze(1);  // [b, t, gates, f]
    y = at::einsum("btgf,fgu->btgu", {xm, kernel.reshape({f, gates, width})}).reshape({b, t, gates * width});
  }
  return bias.defined() ? y + bias : y;
}

at::Tensor Recurrent::RecurrentGates(const at::Tensor& h, const at::Tensor& recurrent, const at::Tensor& mask,
                                     int64_t gates) {
  if (!mask.defined()) return at::matmul(h, recurrent);
  const int64_t b = h.size(0), u = h.size(1), width = recurrent.size(1) / gates;
  const at::Tensor hm = h.unsqueeze(1) * mask;  // [b, gates, u]
  return at::einsum("bgu,ugv->bgv", {hm, recurrent.reshape({u, gates, width})}).reshape({b, gates * width});
}

bool Recurrent::CallLean(const at::Tensor& x, std::vector<at::Tensor>* out) const {
  if (options_.stateful) return false;  // the carry lives in Call
  return LeanForward(x, out);
}

std::vector<Shape> Recurrent::OutputShapes() const {
  const int64_t units = options_.units;
  std::vector<Shape> out = {options_.return_sequences ? Shape{input_shape_[0], units} : Shape{units}};
  if (options_.return_state) {
    for (int64_t i = 0; i < num_states_; ++i) out.push_back({units});
  }
  return out;
}

bool Recurrent::OutputMasked(const std::vector<bool>& input_masked) const {
  input_masked_ = PassMask(input_masked);
  return input_masked_ && options_.return_sequences;
}

LayerInfo Recurrent::Describe() const {
  LayerInfo info = Layer::Describe();
  const std::string fused = FusedName();
  const std::string loop = "cell loop";
  KernelChoice k;
  const bool cpu = HasCpuKernel();
  const std::string elsewhere_training = UsesFused(true) ? fused : loop, elsewhere = UsesFused(false) ? fused : loop;
  k.training = cpu ? std::string(kCpuTrainingKernel) + " (CPU; " + elsewhere_training + " elsewhere)" : elsewhere_training;
  k.inference = cpu ? std::string(kCpuInferenceKernel) + " (CPU; " + elsewhere + " elsewhere)" : elsewhere;
  // The layer's own CPU kernel (when it has one) runs what LibTorch's fused kernel cannot.
  const std::string cpu_note = cpu ? " (except on the CPU: the fused CPU kernel)" : "";
  if (options_.use_cudnn == UseFused::kNever) {
    k.reason = "useCudnn=false";
  } else if (!fused_blocker_.empty()) {
    k.reason = fused_blocker_ + " needs the cell loop" + cpu_note;
  } else if (options_.recurrent_dropout > 0) {
    k.reason = "recurrentDropout=" + FormatDouble(options_.recurrent_dropout) + " needs the cell loop in training" +
               cpu_note;
  } else {
    k.reason = FusedConditions() + " without recurrent dropout";
  }
  if (input_masked_ && UsesFused(false)) {
    // Masks are data: the rule, since the kernel is chosen per batch.
    k.reason += "; masked input: right-padded masks keep the fused kernel (packed sequences), any other mask "
                "forces the cell loop";
    if (cpu) k.reason += " (the fused CPU kernel takes any mask)";
  }
  info.kernel = k;
  return info;
}

}  // namespace tl
