#include "quantized_model.h"

#include <c10/core/GradMode.h>

#include "../activations.h"
#include "../errors.h"
#include "../layers/dense.h"
#include "../layers/lstm.h"
#include "../layers/lstm_loop.h"
#include "../model/graph.h"

namespace tl {
namespace {

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

  LayerOutput Forward(const at::Tensor& input, const at::Tensor&) const override {
    at::Tensor x = spec_.go_backwards ? input.flip({1}) : input;
    const int64_t batch = x.size(0);
    // Input projection of every timestep at once; then one int8 product per step.
    return {RunLstmLoop(input_->Forward(x).unbind(1), batch, spec_.units, spec_.return_sequences, spec_.return_state,
                       act_, ract_,
                       [this](const at::Tensor& step, const at::Tensor& h) { return step + recurrent_->Forward(h); },
                       x.options()), at::Tensor()};
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
  LayerOutput Forward(const at::Tensor& x, const at::Tensor& mask) const override {
    return {{act_(linear_->Forward(x))}, mask};  // Dense passes its input's mask through
  }
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

// A layer without an int8 form (Dropout, normalization, ...): its float inference call.
class QFloat : public QuantizedLayer {
 public:
  explicit QFloat(Layer* layer) : layer_(layer) {}
  LayerOutput Forward(const at::Tensor& x, const at::Tensor& mask) const override {
    return layer_->Call({x}, {mask}, ForwardContext{});
  }
  std::vector<QuantizedWeight> Weights() const override {
    std::vector<QuantizedWeight> out;
    size_t i = 0;
    for (const auto& w : layer_->Weights()) out.push_back({layer_->name() + "/" + std::to_string(i++), w.detach(), at::Tensor()});
    return out;
  }
  int64_t bytes() const override { return 0; }
  int64_t float_bytes() const override { return 0; }
  LayerInfo Describe() const override { return layer_->Describe(); }

 private:
  Layer* layer_;
};

}  // namespace

QuantizedSequential::QuantizedSequential(const ModelSpec& spec, const std::vector<at::Tensor>& weights)
    : engine_(SelectInt8Engine()) {
  c10::NoGradGuard no_grad;
  if (spec.inputs.size() != 1) throw SpecError("int8 quantization takes models with one input");
  input_shape_ = spec.inputs[0].shape;
  // Shapes (and the weight count) come from a float twin built from the same spec.
  reference_ = std::make_unique<Graph>(spec);
  reference_->SetWeights(weights);
  for (size_t n = 0; n < spec.nodes.size(); ++n) {
    const auto& in = spec.nodes[n].inputs;
    if (in.size() != 1 || in[0].index != 0 || in[0].node != static_cast<int64_t>(n) - 1) {
      throw SpecError("int8 quantization takes Sequential models (a chain of layers); layer '" +
                      spec.layers[spec.nodes[n].layer].name + "' is not fed by the layer before it");
    }
  }
  for (const TensorRef& ref : spec.outputs) {
    if (ref.node != static_cast<int64_t>(spec.nodes.size()) - 1) throw SpecError("int8 quantization takes Sequential models");
    output_indices_.push_back(ref.index);
  }
  Shape shape = input_shape_;
  for (size_t n = 0; n < reference_->layers().size(); ++n) {
    const auto& layer = reference_->layers()[n];
    const auto w = layer->Weights();
    // Only the plain LSTM has an int8 twin (not PeepholeLSTM, nor a stateful LSTM's carry, nor
    // an LSTM fed a mask: the int8 loop has no masked steps).
    const auto* lstm = dynamic_cast<const Lstm*>(layer.get());
    if (lstm != nullptr && layer->class_name() == "LSTM" && !lstm->spec().stateful && !reference_->NodeInputMasked(n)) {
      layers_.push_back(std::make_unique<QLstm>(lstm->spec(), shape, w[0], w[1], lstm->spec().use_bias ? w[2] : at::Tensor()));
    } else if (const auto* dense = dynamic_cast<const Dense*>(layer.get())) {
      layers_.push_back(std::make_unique<QDense>(dense->spec(), shape, w[0], dense->spec().use_bias ? w[1] : at::Tensor()));
    } else {
      layers_.push_back(std::make_unique<QFloat>(layer.get()));
    }
    shape = layer->OutputShapes()[0];
  }
}

QuantizedSequential::~QuantizedSequential() = default;

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
    LayerOutput all{{x.narrow(0, start, std::min(batch_size, n - start))}, at::Tensor()};
    for (const auto& layer : layers_) all = layer->Forward(all.tensors[0], all.mask);
    std::vector<at::Tensor> out;
    for (int64_t index : output_indices_) out.push_back(all.tensors.at(index));
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
