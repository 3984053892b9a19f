// Small builders shared by the C++ tests: typed layer specs as the graph receives them
// (Keras-format configs), and Sequential-style chains.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "spec.h"

namespace tl::testing {

/// A Keras initializer spec with a fixed seed (deterministic weights).
inline InitializerSpec Init(const std::string& cls, std::optional<uint64_t> seed = 7) {
  InitializerSpec s;
  s.class_name = cls;
  s.seed = seed;
  return s;
}

inline Value ToValue(const InitializerSpec& s) {
  Value config;
  config.Set("gain", s.gain);
  config.Set("value", s.value);
  config.Set("minval", s.minval);
  config.Set("maxval", s.maxval);
  config.Set("mean", s.mean);
  config.Set("stddev", s.stddev);
  config.Set("seed", s.seed ? Value(static_cast<double>(*s.seed)) : Value());
  Value v;
  v.Set("class_name", s.class_name);
  v.Set("config", config);
  return v;
}

inline Value ToValue(const std::optional<RegularizerSpec>& s) {
  if (!s) return Value();
  Value config;
  config.Set("l1", s->l1);
  config.Set("l2", s->l2);
  Value v;
  v.Set("class_name", "L1L2");
  v.Set("config", config);
  return v;
}

inline Value FusedValue(UseFused f) {
  if (f == UseFused::kAuto) return Value("auto");
  return Value(f == UseFused::kAlways);
}

/// The Keras keys every recurrent layer's config has (the mirror of ReadRecurrentKeys).
template <typename Spec>
Value RecurrentKeys(const Spec& s) {
  Value c;
  c.Set("name", s.name);
  c.Set("units", s.units);
  c.Set("use_bias", s.use_bias);
  c.Set("kernel_initializer", ToValue(s.kernel_initializer));
  c.Set("recurrent_initializer", ToValue(s.recurrent_initializer));
  c.Set("bias_initializer", ToValue(s.bias_initializer));
  c.Set("dropout", s.dropout);
  c.Set("recurrent_dropout", s.recurrent_dropout);
  c.Set("return_sequences", s.return_sequences);
  c.Set("return_state", s.return_state);
  c.Set("go_backwards", s.go_backwards);
  c.Set("stateful", s.stateful);
  c.Set("kernel_regularizer", ToValue(s.kernel_regularizer));
  c.Set("recurrent_regularizer", ToValue(s.recurrent_regularizer));
  c.Set("bias_regularizer", ToValue(s.bias_regularizer));
  return c;
}

inline LayerSpec L(const LstmSpec& s) {
  Value c = RecurrentKeys(s);
  c.Set("activation", s.activation);
  c.Set("recurrent_activation", s.recurrent_activation);
  c.Set("unit_forget_bias", s.unit_forget_bias);
  c.Set("use_cudnn", FusedValue(s.use_cudnn));
  return LayerSpec{"LSTM", s.name, c};
}

inline LayerSpec L(const DenseSpec& s) {
  Value c;
  c.Set("name", s.name);
  c.Set("units", s.units);
  c.Set("activation", s.activation);
  c.Set("use_bias", s.use_bias);
  c.Set("kernel_initializer", ToValue(s.kernel_initializer));
  c.Set("bias_initializer", ToValue(s.bias_initializer));
  c.Set("kernel_regularizer", ToValue(s.kernel_regularizer));
  c.Set("bias_regularizer", ToValue(s.bias_regularizer));
  return LayerSpec{"Dense", s.name, c};
}

inline LayerSpec L(const DropoutSpec& s) {
  Value c;
  c.Set("name", s.name);
  c.Set("rate", s.rate);
  return LayerSpec{"Dropout", s.name, c};
}

/// A Sequential model: one input of `input_shape`, each layer fed by the one before, the last
/// layer's outputs (all `outputs` of them: 3 for a final return_state LSTM) as model outputs.
inline ModelSpec Chain(const Shape& input_shape, std::vector<LayerSpec> layers, int64_t outputs = 1) {
  ModelSpec spec;
  spec.name = "m";
  spec.inputs = {InputSpec{"input", input_shape}};
  for (size_t i = 0; i < layers.size(); ++i) {
    spec.nodes.push_back(NodeSpec{static_cast<int64_t>(i), {TensorRef{static_cast<int64_t>(i) - 1, 0}}});
  }
  for (int64_t k = 0; k < outputs; ++k) spec.outputs.push_back(TensorRef{static_cast<int64_t>(layers.size()) - 1, k});
  spec.layers = std::move(layers);
  return spec;
}

/// A single-output compile spec.
inline CompileSpec Compile(const OptimizerSpec& optimizer, const LossSpec& loss, std::vector<MetricSpec> metrics = {}) {
  CompileSpec c;
  c.optimizer = optimizer;
  c.losses = {loss};
  c.loss_weights = {1.0};
  c.metrics = {std::move(metrics)};
  c.output_names = {"output"};
  return c;
}

}  // namespace tl::testing
