#include "lstm.h"

#include "../activations.h"
#include "../errors.h"
#include "../initializers.h"
#include "../scalar_activations.h"
#include "lstm_loop.h"

namespace tl {
namespace {

std::string FormatDouble(double v) {
  std::string s = std::to_string(v);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

LstmSpec ParseLstmSpec(const ConfigReader& c) {
  LstmSpec s;
  s.name = c.String("name");
  s.units = c.Int("units");
  s.activation = c.String("activation");
  s.recurrent_activation = c.String("recurrent_activation");
  s.use_bias = c.Bool("use_bias");
  s.kernel_initializer = c.Initializer("kernel_initializer");
  s.recurrent_initializer = c.Initializer("recurrent_initializer");
  s.bias_initializer = c.Initializer("bias_initializer");
  s.unit_forget_bias = c.Bool("unit_forget_bias");
  s.dropout = c.Number("dropout");
  s.recurrent_dropout = c.Number("recurrent_dropout");
  s.return_sequences = c.Bool("return_sequences");
  s.return_state = c.Bool("return_state");
  s.go_backwards = c.Bool("go_backwards");
  s.use_cudnn = c.Fused("use_cudnn");
  s.kernel_regularizer = c.Regularizer("kernel_regularizer");
  s.recurrent_regularizer = c.Regularizer("recurrent_regularizer");
  s.bias_regularizer = c.Regularizer("bias_regularizer");
  if (c.Has("stateful") && c.Bool("stateful")) c.Fail("stateful", "stateful LSTMs are not supported yet");
  return s;
}

std::unique_ptr<Layer> MakeLstm(const ConfigReader& config, const std::vector<Shape>& input_shapes) {
  LstmSpec spec = ParseLstmSpec(config);
  if (input_shapes.size() != 1) {
    throw ShapeError(config.where() + " takes one input but was called on " + std::to_string(input_shapes.size()));
  }
  return std::make_unique<Lstm>(spec, input_shapes[0]);
}

Lstm::Lstm(const LstmSpec& spec, const Shape& input_shape) : Layer(spec.name, "LSTM"), spec_(spec), input_shape_(input_shape) {
  if (input_shape.size() != 2) {
    throw ShapeError("Layer '" + spec.name + "' (LSTM) expects inputs of rank 3 [batch, timesteps, features]");
  }
  const int64_t input_dim = input_shape[1];
  const int64_t units = spec.units;
  if (input_dim <= 0 || units <= 0) throw ShapeError("Layer '" + spec.name + "': invalid input_dim or units");
  kernel_ = Initialize(spec.kernel_initializer, {input_dim, 4 * units}).set_requires_grad(true);
  recurrent_kernel_ = Initialize(spec.recurrent_initializer, {units, 4 * units}).set_requires_grad(true);
  if (spec.use_bias) {
    auto bias = Initialize(spec.bias_initializer, {4 * units});
    if (spec.unit_forget_bias) {
      // Keras: bias_initializer for i, ones for f, bias_initializer for c and o.
      bias.narrow(0, units, units).fill_(1.0);
    }
    bias_ = bias.set_requires_grad(true);
  }
  Regularize(kernel_, spec.kernel_regularizer);
  Regularize(recurrent_kernel_, spec.recurrent_regularizer);
  Regularize(bias_, spec.bias_regularizer);
  // Validate the activation names now, so a bad spec fails at build, not at the first batch.
  GetActivation(spec.activation);
  GetActivation(spec.recurrent_activation);
  if (spec.activation != "tanh") {
    fused_blocker_ = "activation='" + spec.activation + "'";
  } else if (spec.recurrent_activation != "sigmoid") {
    fused_blocker_ = "recurrentActivation='" + spec.recurrent_activation + "'";
  }
  if (spec.use_cudnn == UseFused::kAlways && (!fused_blocker_.empty() || spec.recurrent_dropout > 0)) {
    throw SpecError("Layer '" + spec.name + "': use_cudnn=true but the fused kernel cannot compute " +
                    (fused_blocker_.empty() ? "recurrent_dropout > 0" : fused_blocker_));
  }
}

bool Lstm::UsesFused(bool training) const {
  if (spec_.use_cudnn == UseFused::kNever || !fused_blocker_.empty()) return false;
  return !(training && spec_.recurrent_dropout > 0);
}

LayerOutput Lstm::Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                       const ForwardContext& ctx) {
  return {Forward(SingleInput(inputs), ctx), at::Tensor()};
}

std::vector<at::Tensor> Lstm::Forward(const at::Tensor& input, const ForwardContext& ctx) {
  if (input.dim() != 3 || input.size(2) != input_shape_[1]) {
    throw ShapeError("Layer '" + spec_.name + "' (LSTM) expects input [batch, timesteps, " +
                     std::to_string(input_shape_[1]) + "] but received " + c10::str(input.sizes()));
  }
  at::Tensor x = spec_.go_backwards ? input.flip({1}) : input;
  if (ctx.training && spec_.dropout > 0) {
    // Keras: one input mask per sequence, shared by every timestep.
    x = x * DropoutMask({x.size(0), 1, x.size(2)}, spec_.dropout, ctx);
  }
  if (UsesFused(ctx.training)) return ForwardFused(x);
  at::Tensor recurrent_mask;
  if (ctx.training && spec_.recurrent_dropout > 0) {
    recurrent_mask = DropoutMask({x.size(0), spec_.units}, spec_.recurrent_dropout, ctx);
  }
  return ForwardLoop(x, recurrent_mask);
}

std::vector<at::Tensor> Lstm::ForwardFused(const at::Tensor& x) const {
  const int64_t batch = x.size(0);
  auto h0 = at::zeros({1, batch, spec_.units}, x.options());
  auto c0 = at::zeros({1, batch, spec_.units}, x.options());
  std::vector<at::Tensor> params = {kernel_.t(), recurrent_kernel_.t()};
  if (spec_.use_bias) {
    params.push_back(bias_);
    params.push_back(at::zeros({4 * spec_.units}, x.options()));
  }
  auto result = at::lstm(x, {h0, c0}, params, spec_.use_bias, /*num_layers=*/1, /*dropout=*/0.0,
                         /*train=*/false, /*bidirectional=*/false, /*batch_first=*/true);
  at::Tensor sequence = std::get<0>(result);
  at::Tensor h = std::get<1>(result).squeeze(0);
  at::Tensor c = std::get<2>(result).squeeze(0);
  std::vector<at::Tensor> out = {spec_.return_sequences ? sequence : h};
  if (spec_.return_state) {
    out.push_back(h);
    out.push_back(c);
  }
  return out;
}

std::vector<at::Tensor> Lstm::ForwardLoop(const at::Tensor& x, const at::Tensor& recurrent_mask) const {
  const Activation act = GetActivation(spec_.activation);
  const Activation ract = GetActivation(spec_.recurrent_activation);
  const int64_t batch = x.size(0);
  // The input projection of every timestep as one GEMM; then one GEMM per step.
  at::Tensor projected = at::matmul(x, kernel_);
  if (spec_.use_bias) projected = projected + bias_;
  // unbind once: select() per step makes backward 5-7x slower (a full-size zero grad per step).
  return RunLstmLoop(projected.unbind(1), batch, spec_.units, spec_.return_sequences, spec_.return_state, act, ract,
                     [&](const at::Tensor& step, const at::Tensor& h) {
                       return at::addmm(step, recurrent_mask.defined() ? h * recurrent_mask : h, recurrent_kernel_);
                     },
                     x.options());
}

bool Lstm::CallLean(const at::Tensor& input, std::vector<at::Tensor>* out) const {
  const ScalarActivation act = GetScalarActivation(spec_.activation);
  const ScalarActivation ract = GetScalarActivation(spec_.recurrent_activation);
  if (!act || !ract || !kernel_.is_contiguous() || !recurrent_kernel_.is_contiguous()) return false;
  if (input.dim() != 3 || input.size(2) != input_shape_[1]) return false;  // Forward reports the error
  const at::Tensor x = input.contiguous();
  const int64_t batch = x.size(0), steps = x.size(1), features = x.size(2), units = spec_.units, width = 4 * units;
  const float* kernel = kernel_.data_ptr<float>();
  const float* recurrent = recurrent_kernel_.data_ptr<float>();
  const float* bias = spec_.use_bias ? bias_.data_ptr<float>() : nullptr;
  at::Tensor sequence = spec_.return_sequences ? at::empty({batch, steps, units}, at::kFloat) : at::Tensor();
  at::Tensor h_last = at::empty({batch, units}, at::kFloat), c_last = at::empty({batch, units}, at::kFloat);
  std::vector<float> z(width), h(units), c(units);
  for (int64_t b = 0; b < batch; ++b) {
    std::fill(h.begin(), h.end(), 0.0f);
    std::fill(c.begin(), c.end(), 0.0f);
    for (int64_t s = 0; s < steps; ++s) {
      const int64_t t = spec_.go_backwards ? steps - 1 - s : s;
      const float* xt = x.data_ptr<float>() + (b * steps + t) * features;
      if (bias) {
        std::copy(bias, bias + width, z.begin());
      } else {
        std::fill(z.begin(), z.end(), 0.0f);
      }
      for (int64_t i = 0; i < features; ++i) Axpy(width, xt[i], kernel + i * width, z.data());
      for (int64_t k = 0; k < units; ++k) Axpy(width, h[k], recurrent + k * width, z.data());
      for (int64_t j = 0; j < units; ++j) {
        c[j] = ract(z[units + j]) * c[j] + ract(z[j]) * act(z[2 * units + j]);
        h[j] = ract(z[3 * units + j]) * act(c[j]);
      }
      if (sequence.defined()) std::copy(h.begin(), h.end(), sequence.data_ptr<float>() + (b * steps + s) * units);
    }
    std::copy(h.begin(), h.end(), h_last.data_ptr<float>() + b * units);
    std::copy(c.begin(), c.end(), c_last.data_ptr<float>() + b * units);
  }
  *out = {spec_.return_sequences ? sequence : h_last};
  if (spec_.return_state) {
    out->push_back(h_last);
    out->push_back(c_last);
  }
  return true;
}

std::vector<at::Tensor> Lstm::Weights() const {
  if (spec_.use_bias) return {kernel_, recurrent_kernel_, bias_};
  return {kernel_, recurrent_kernel_};
}

std::vector<Shape> Lstm::OutputShapes() const {
  Shape main = spec_.return_sequences ? Shape{input_shape_[0], spec_.units} : Shape{spec_.units};
  if (!spec_.return_state) return {main};
  return {main, {spec_.units}, {spec_.units}};
}

LayerInfo Lstm::Describe() const {
  LayerInfo info = Layer::Describe();
  const char* fused = "fused at::lstm";
  const char* loop = "cell loop";
  KernelChoice k;
  k.training = UsesFused(true) ? fused : loop;
  k.inference = UsesFused(false) ? fused : loop;
  if (spec_.use_cudnn == UseFused::kNever) {
    k.reason = "useCudnn=false";
  } else if (!fused_blocker_.empty()) {
    k.reason = fused_blocker_ + " needs the cell loop";
  } else if (spec_.recurrent_dropout > 0) {
    k.reason = "recurrentDropout=" + FormatDouble(spec_.recurrent_dropout) + " needs the cell loop in training";
  } else {
    k.reason = "tanh/sigmoid without recurrent dropout";
  }
  info.kernel = k;
  return info;
}

}  // namespace tl
