#include "quantized_model.h"

#include <c10/core/GradMode.h>

#include "../activations.h"
#include "../errors.h"
#include "../layers/lstm_loop.h"
#include "../model/sequential.h"

namespace tl {
namespace {

std::vector<int64_t> WithBatch(const Shape& shape) {
  std::vector<int64_t> out = {-1};
  out.insert(out.end(), shape.begin(), shape.end());
  return out;
}

QuantizedWeight MatrixWeight(const std::string& name, const Int8Linear& linear) {
  // Int8Linear holds [out, in]; Keras's layout is [in, out] with one scale per column
  // (no scales: a narrow matrix kept in float32).
  return {name, linear.int8_weight().t().contiguous(), linear.scales()};
}

class QLstm : public QuantizedLayer {
 public:
  QLstm(const LstmSpec& spec, const Shape& input_shape, const at::Tensor& kernel, const at::Tensor& recurrent,
        const at::Tensor& bias)
      : spec_(spec), input_shape_(input_shape), act_(GetActivation(spec.activation)),
        ract_(GetActivation(spec.recurrent_activation)) {
    input_ = MakeInt8Linear(kernel.t(), bias);
    recurrent_ = MakeInt8Linear(recurrent.t(), at::Tensor());
    bias_ = bias;
  }

  std::vector<at::Tensor> Forward(const at::Tensor& input) const override {
    at::Tensor x = spec_.go_backwards ? input.flip({1}) : input;
    const int64_t batch = x.size(0);
    // Input projection of every timestep at once; then one int8 product per step.
    return RunLstmLoop(input_->Forward(x).unbind(1), batch, spec_.units, spec_.return_sequences, spec_.return_state,
                       act_, ract_,
                       [this](const at::Tensor& step, const at::Tensor& h) { return step + recurrent_->Forward(h); },
                       x.options());
  }

  std::vector<QuantizedWeight> Weights() const override {
    std::vector<QuantizedWeight> w = {MatrixWeight(spec_.name + "/kernel", *input_),
                                      MatrixWeight(spec_.name + "/recurrent_kernel", *recurrent_)};
    if (bias_.defined()) w.push_back({spec_.name + "/bias", bias_, at::Tensor()});
    return w;
  }
  int64_t bytes() const override { return input_->bytes() + recurrent_->bytes(); }
  int64_t float_bytes() const override {
    const int64_t units = spec_.units, in = input_shape_[1];
    return 4 * (in * 4 * units + units * 4 * units + (bias_.defined() ? 4 * units : 0));
  }
  LayerInfo Describe() const override {
    LayerInfo info;
    info.name = spec_.name;
    info.class_name = "LSTM";
    info.output_shape = WithBatch(spec_.return_sequences ? Shape{input_shape_[0], spec_.units} : Shape{spec_.units});
    info.params = float_bytes() / 4;
    return info;
  }

 private:
  LstmSpec spec_;
  Shape input_shape_;
  Activation act_, ract_;
  std::unique_ptr<Int8Linear> input_, recurrent_;
  at::Tensor bias_;
};

class QDense : public QuantizedLayer {
 public:
  QDense(const DenseSpec& spec, const Shape& input_shape, const at::Tensor& kernel, const at::Tensor& bias)
      : spec_(spec), input_shape_(input_shape), act_(GetActivation(spec.activation)), bias_(bias) {
    linear_ = MakeInt8Linear(kernel.t(), bias);
  }
  std::vector<at::Tensor> Forward(const at::Tensor& x) const override { return {act_(linear_->Forward(x))}; }
  std::vector<QuantizedWeight> Weights() const override {
    std::vector<QuantizedWeight> w = {MatrixWeight(spec_.name + "/kernel", *linear_)};
    if (bias_.defined()) w.push_back({spec_.name + "/bias", bias_, at::Tensor()});
    return w;
  }
  int64_t bytes() const override { return linear_->bytes(); }
  int64_t float_bytes() const override {
    return 4 * (input_shape_.back() * spec_.units + (bias_.defined() ? spec_.units : 0));
  }
  LayerInfo Describe() const override {
    LayerInfo info;
    info.name = spec_.name;
    info.class_name = "Dense";
    Shape out = input_shape_;
    out.back() = spec_.units;
    info.output_shape = WithBatch(out);
    info.params = float_bytes() / 4;
    return info;
  }

 private:
  DenseSpec spec_;
  Shape input_shape_;
  Activation act_;
  std::unique_ptr<Int8Linear> linear_;
  at::Tensor bias_;
};

// Dropout is the identity at inference.
class QIdentity : public QuantizedLayer {
 public:
  QIdentity(std::string name, Shape shape) : name_(std::move(name)), shape_(std::move(shape)) {}
  std::vector<at::Tensor> Forward(const at::Tensor& x) const override { return {x}; }
  std::vector<QuantizedWeight> Weights() const override { return {}; }
  int64_t bytes() const override { return 0; }
  int64_t float_bytes() const override { return 0; }
  LayerInfo Describe() const override {
    LayerInfo info;
    info.name = name_;
    info.class_name = "Dropout";
    info.output_shape = WithBatch(shape_);
    return info;
  }

 private:
  std::string name_;
  Shape shape_;
};

}  // namespace

QuantizedSequential::QuantizedSequential(const ModelSpec& spec, const std::vector<at::Tensor>& weights)
    : input_shape_(spec.input_shape), engine_(SelectInt8Engine()) {
  c10::NoGradGuard no_grad;
  // Shapes (and the weight count) come from a float twin built from the same spec.
  Sequential reference(spec);
  reference.SetWeights(weights);
  const auto w = reference.Weights();
  size_t next = 0;
  Shape shape = spec.input_shape;
  for (const auto& layer : spec.layers) {
    if (const auto* lstm = std::get_if<LstmSpec>(&layer)) {
      at::Tensor bias = lstm->use_bias ? w[next + 2] : at::Tensor();
      layers_.push_back(std::make_unique<QLstm>(*lstm, shape, w[next], w[next + 1], bias));
      next += lstm->use_bias ? 3 : 2;
      shape = lstm->return_sequences ? Shape{shape[0], lstm->units} : Shape{lstm->units};
    } else if (const auto* dense = std::get_if<DenseSpec>(&layer)) {
      at::Tensor bias = dense->use_bias ? w[next + 1] : at::Tensor();
      layers_.push_back(std::make_unique<QDense>(*dense, shape, w[next], bias));
      next += dense->use_bias ? 2 : 1;
      shape.back() = dense->units;
    } else {
      layers_.push_back(std::make_unique<QIdentity>(std::get<DropoutSpec>(layer).name, shape));
    }
  }
}

std::vector<at::Tensor> QuantizedSequential::Predict(const at::Tensor& x, int64_t batch_size) const {
  if (batch_size <= 0) throw SpecError("batch_size must be positive");
  std::lock_guard<std::mutex> lock(mutex_);
  c10::NoGradGuard no_grad;
  bool ok = x.dim() == static_cast<int64_t>(input_shape_.size()) + 1;
  for (size_t i = 0; ok && i < input_shape_.size(); ++i) {
    ok = input_shape_[i] < 0 || x.size(static_cast<int64_t>(i) + 1) == input_shape_[i];
  }
  if (!ok) {
    throw ShapeError("Model expects input of shape " + ShapeString(WithBatch(input_shape_)) + " but received " +
                     ShapeString(x.sizes().vec()));
  }
  std::vector<std::vector<at::Tensor>> parts;
  const int64_t n = x.size(0);
  for (int64_t start = 0; start < n; start += batch_size) {
    std::vector<at::Tensor> out = {x.narrow(0, start, std::min(batch_size, n - start))};
    for (const auto& layer : layers_) out = layer->Forward(out[0]);
    if (parts.empty()) parts.resize(out.size());
    for (size_t i = 0; i < out.size(); ++i) parts[i].push_back(out[i]);
  }
  std::vector<at::Tensor> result;
  for (auto& p : parts) result.push_back(p.size() == 1 ? p[0].contiguous() : at::cat(p, 0));
  return result;
}

std::vector<QuantizedWeight> QuantizedSequential::Weights() const {
  std::vector<QuantizedWeight> all;
  for (const auto& layer : layers_) {
    for (auto& w : layer->Weights()) all.push_back(std::move(w));
  }
  return all;
}

std::vector<LayerInfo> QuantizedSequential::Describe() const {
  std::vector<LayerInfo> out;
  for (const auto& layer : layers_) {
    LayerInfo info = layer->Describe();
    if (layer->bytes() > 0) info.kernel = KernelChoice{"", "int8 dynamic (" + engine_ + ")", "per-channel int8 weights"};
    out.push_back(info);
  }
  return out;
}

int64_t QuantizedSequential::bytes() const {
  int64_t total = 0;
  for (const auto& layer : layers_) total += layer->bytes();
  return total;
}

int64_t QuantizedSequential::float_bytes() const {
  int64_t total = 0;
  for (const auto& layer : layers_) total += layer->float_bytes();
  return total;
}

}  // namespace tl
