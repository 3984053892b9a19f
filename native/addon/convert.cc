#include "convert.h"

#include <ATen/EmptyTensor.h>

#include <cstring>
#include <string>

#include "errors.h"

namespace tl::addon {
namespace {

// A small reader over a JS object that names the path in every error.
class Reader {
 public:
  Reader(const Napi::Value& value, std::string path) : path_(std::move(path)) {
    if (!value.IsObject()) throw SpecError("Expected an object at " + path_);
    obj_ = value.As<Napi::Object>();
  }

  Napi::Value Get(const char* key) const {
    Napi::Value v = obj_.Get(key);
    if (v.IsUndefined()) throw SpecError("Missing '" + std::string(key) + "' at " + path_);
    return v;
  }
  bool Has(const char* key) const { return !obj_.Get(key).IsUndefined(); }
  std::string Path(const char* key) const { return path_ + "." + key; }

  std::string String(const char* key) const {
    Napi::Value v = Get(key);
    if (!v.IsString()) throw SpecError("Expected a string at " + Path(key));
    return v.As<Napi::String>().Utf8Value();
  }
  double Number(const char* key) const {
    Napi::Value v = Get(key);
    if (!v.IsNumber()) throw SpecError("Expected a number at " + Path(key));
    return v.As<Napi::Number>().DoubleValue();
  }
  int64_t Int(const char* key) const { return static_cast<int64_t>(Number(key)); }
  bool Bool(const char* key) const {
    Napi::Value v = Get(key);
    if (!v.IsBoolean()) throw SpecError("Expected a boolean at " + Path(key));
    return v.As<Napi::Boolean>().Value();
  }
  std::optional<double> OptionalNumber(const char* key) const {
    Napi::Value v = obj_.Get(key);
    if (v.IsUndefined() || v.IsNull()) return std::nullopt;
    if (!v.IsNumber()) throw SpecError("Expected a number or null at " + Path(key));
    return v.As<Napi::Number>().DoubleValue();
  }
  Reader Child(const char* key) const { return Reader(Get(key), Path(key)); }

 private:
  Napi::Object obj_;
  std::string path_;
};

// A JS value as a config Value (functions and other non-JSON values are errors).
Value ToValue(const Napi::Value& v, const std::string& path, int depth = 0) {
  if (depth > 64) throw SpecError("Nesting too deep at " + path);
  if (v.IsNull() || v.IsUndefined()) return Value();
  if (v.IsBoolean()) return Value(v.As<Napi::Boolean>().Value());
  if (v.IsNumber()) return Value(v.As<Napi::Number>().DoubleValue());
  if (v.IsString()) return Value(v.As<Napi::String>().Utf8Value());
  if (v.IsArray()) {
    Napi::Array arr = v.As<Napi::Array>();
    Value::Array out;
    for (uint32_t i = 0; i < arr.Length(); ++i) out.push_back(ToValue(arr.Get(i), path + "[" + std::to_string(i) + "]", depth + 1));
    return Value(std::move(out));
  }
  if (v.IsObject() && !v.IsFunction()) {
    Napi::Object obj = v.As<Napi::Object>();
    Napi::Array keys = obj.GetPropertyNames();
    Value::Object out;
    for (uint32_t i = 0; i < keys.Length(); ++i) {
      const std::string key = keys.Get(i).As<Napi::String>().Utf8Value();
      out.emplace_back(key, ToValue(obj.Get(key), path + "." + key, depth + 1));
    }
    return Value(std::move(out));
  }
  throw SpecError("Expected JSON data at " + path);
}

TensorRef ToTensorRef(const Napi::Value& value, size_t num_inputs, const std::string& path) {
  if (!value.IsArray() || value.As<Napi::Array>().Length() != 2) throw SpecError("Expected [source, index] at " + path);
  Napi::Array pair = value.As<Napi::Array>();
  const int64_t source = pair.Get(0u).As<Napi::Number>().Int64Value();
  const int64_t index = pair.Get(1u).As<Napi::Number>().Int64Value();
  if (source < 0) throw SpecError("Negative source at " + path);
  if (source < static_cast<int64_t>(num_inputs)) return TensorRef{-1, source};
  return TensorRef{source - static_cast<int64_t>(num_inputs), index};
}

Shape ToShape(const Napi::Value& value, const std::string& path) {
  if (!value.IsArray()) throw SpecError("Expected an array at " + path);
  Napi::Array arr = value.As<Napi::Array>();
  Shape shape;
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    Napi::Value d = arr.Get(i);
    shape.push_back(d.IsNull() ? -1 : static_cast<int64_t>(d.As<Napi::Number>().Int64Value()));
  }
  return shape;
}

}  // namespace

ModelSpec ToModelSpec(const Napi::Value& value) {
  Reader root(value, "graph");
  ModelSpec spec;
  spec.name = root.String("name");
  Napi::Value inputs = root.Get("inputs");
  if (!inputs.IsArray()) throw SpecError("Expected an array at graph.inputs");
  Napi::Array in = inputs.As<Napi::Array>();
  for (uint32_t i = 0; i < in.Length(); ++i) {
    const std::string path = "graph.inputs[" + std::to_string(i) + "]";
    Reader r(in.Get(i), path);
    spec.inputs.push_back(InputSpec{r.String("name"), ToShape(r.Get("shape"), path + ".shape")});
  }
  Napi::Value layers = root.Get("layers");
  if (!layers.IsArray()) throw SpecError("Expected an array at graph.layers");
  Napi::Array ls = layers.As<Napi::Array>();
  for (uint32_t i = 0; i < ls.Length(); ++i) {
    const std::string path = "graph.layers[" + std::to_string(i) + "]";
    Reader r(ls.Get(i), path);
    LayerSpec layer;
    layer.class_name = r.String("class_name");
    layer.config = ToValue(r.Get("config"), path + ".config");
    ConfigReader config(layer.config, path);
    layer.name = config.String("name");
    spec.layers.push_back(std::move(layer));
  }
  Napi::Value nodes = root.Get("nodes");
  if (!nodes.IsArray()) throw SpecError("Expected an array at graph.nodes");
  Napi::Array ns = nodes.As<Napi::Array>();
  for (uint32_t i = 0; i < ns.Length(); ++i) {
    const std::string path = "graph.nodes[" + std::to_string(i) + "]";
    Reader r(ns.Get(i), path);
    NodeSpec node;
    node.layer = r.Int("layer");
    Napi::Value refs = r.Get("inputs");
    if (!refs.IsArray()) throw SpecError("Expected an array at " + path + ".inputs");
    Napi::Array rs = refs.As<Napi::Array>();
    for (uint32_t k = 0; k < rs.Length(); ++k) {
      node.inputs.push_back(ToTensorRef(rs.Get(k), spec.inputs.size(), path + ".inputs[" + std::to_string(k) + "]"));
    }
    spec.nodes.push_back(std::move(node));
  }
  Napi::Value outputs = root.Get("outputs");
  if (!outputs.IsArray()) throw SpecError("Expected an array at graph.outputs");
  Napi::Array os = outputs.As<Napi::Array>();
  for (uint32_t i = 0; i < os.Length(); ++i) {
    spec.outputs.push_back(ToTensorRef(os.Get(i), spec.inputs.size(), "graph.outputs[" + std::to_string(i) + "]"));
  }
  return spec;
}

CompileSpec ToCompileSpec(const Napi::Value& value) {
  Reader root(value, "compile");
  CompileSpec spec;
  Reader opt = root.Child("optimizer");
  OptimizerSpec& o = spec.optimizer;
  o.class_name = opt.String("class_name");
  Reader oc = opt.Child("config");
  o.learning_rate = oc.Number("learning_rate");
  if (o.class_name == "Adam") {
    o.beta_1 = oc.Number("beta_1");
    o.beta_2 = oc.Number("beta_2");
    o.epsilon = oc.Number("epsilon");
    o.amsgrad = oc.Bool("amsgrad");
  } else if (o.class_name == "SGD") {
    o.momentum = oc.Number("momentum");
    o.nesterov = oc.Bool("nesterov");
  } else if (o.class_name == "RMSprop") {
    o.rho = oc.Number("rho");
    o.momentum = oc.Number("momentum");
    o.epsilon = oc.Number("epsilon");
    o.centered = oc.Bool("centered");
  } else if (o.class_name == "Adagrad") {
    o.initial_accumulator_value = oc.Number("initial_accumulator_value");
    o.epsilon = oc.Number("epsilon");
  }
  o.clipnorm = oc.OptionalNumber("clipnorm");
  o.clipvalue = oc.OptionalNumber("clipvalue");
  o.global_clipnorm = oc.OptionalNumber("global_clipnorm");
  const auto array = [&](const char* key) {
    Napi::Value v = root.Get(key);
    if (!v.IsArray()) throw SpecError(std::string("Expected an array at compile.") + key);
    return v.As<Napi::Array>();
  };
  Napi::Array losses = array("losses");
  for (uint32_t i = 0; i < losses.Length(); ++i) {
    Reader loss(losses.Get(i), "compile.losses[" + std::to_string(i) + "]");
    LossSpec l;
    l.class_name = loss.String("class_name");
    Reader c = loss.Child("config");
    if (l.class_name == "Huber") l.delta = c.Number("delta");
    if (c.Has("from_logits")) l.from_logits = c.Bool("from_logits");
    if (c.Has("label_smoothing")) l.label_smoothing = c.Number("label_smoothing");
    spec.losses.push_back(l);
  }
  Napi::Array weights = array("loss_weights");
  for (uint32_t i = 0; i < weights.Length(); ++i) {
    Napi::Value w = weights.Get(i);
    if (!w.IsNumber()) throw SpecError("Expected a number at compile.loss_weights[" + std::to_string(i) + "]");
    spec.loss_weights.push_back(w.As<Napi::Number>().DoubleValue());
  }
  Napi::Array metrics = array("metrics");
  for (uint32_t o = 0; o < metrics.Length(); ++o) {
    Napi::Value list = metrics.Get(o);
    if (!list.IsArray()) throw SpecError("Expected an array at compile.metrics[" + std::to_string(o) + "]");
    Napi::Array arr = list.As<Napi::Array>();
    std::vector<MetricSpec> out;
    for (uint32_t i = 0; i < arr.Length(); ++i) {
      Reader m(arr.Get(i), "compile.metrics[" + std::to_string(o) + "][" + std::to_string(i) + "]");
      out.push_back(MetricSpec{m.String("name"), m.String("class_name")});
    }
    spec.metrics.push_back(std::move(out));
  }
  Napi::Array names = array("output_names");
  for (uint32_t i = 0; i < names.Length(); ++i) {
    Napi::Value n = names.Get(i);
    if (!n.IsString()) throw SpecError("Expected a string at compile.output_names[" + std::to_string(i) + "]");
    spec.output_names.push_back(n.As<Napi::String>().Utf8Value());
  }
  if (root.Has("precision")) spec.precision = root.String("precision");
  return spec;
}

ModelOptions ToModelOptions(const Napi::Value& value) {
  ModelOptions o;
  if (value.IsUndefined() || value.IsNull()) return o;
  Reader r(value, "options");
  if (r.Has("device")) o.device = r.String("device");
  if (r.Has("deterministic")) o.deterministic = r.Bool("deterministic");
  return o;
}

FitOptions ToFitOptions(const Napi::Value& value) {
  Reader r(value, "fit");
  FitOptions o;
  o.epochs = r.Int("epochs");
  o.initial_epoch = r.Int("initialEpoch");
  o.batch_size = r.Int("batchSize");
  o.shuffle = r.Bool("shuffle");
  if (auto seed = r.OptionalNumber("seed")) o.seed = static_cast<uint64_t>(*seed);
  o.report_batches = r.Bool("reportBatches");
  if (o.batch_size <= 0) throw SpecError("fit.batchSize must be positive");
  return o;
}

EpochAnswer ToEpochAnswer(const Napi::Value& value) {
  EpochAnswer a;
  if (!value.IsObject()) return a;
  Reader r(value, "answer");
  if (r.Has("stop")) a.stop = r.Bool("stop");
  a.learning_rate = r.OptionalNumber("learningRate");
  return a;
}

at::Tensor ToTensor(const Napi::Value& value, const char* name) {
  Reader r(value, name);
  Napi::Value data = r.Get("data");
  if (!data.IsTypedArray() || data.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw SpecError(std::string("Expected a Float32Array at ") + name + ".data");
  }
  Napi::Float32Array arr = data.As<Napi::Float32Array>();
  Shape shape = ToShape(r.Get("shape"), std::string(name) + ".shape");
  int64_t size = 1;
  for (int64_t d : shape) {
    if (d < 0) throw SpecError(std::string("Negative dimension in ") + name + ".shape");
    size *= d;
  }
  if (size != static_cast<int64_t>(arr.ElementLength())) {
    throw ShapeError(std::string(name) + ".data holds " + std::to_string(arr.ElementLength()) +
                     " values but its shape needs " + std::to_string(size));
  }
  // Copy: no view of JS memory outlives this call or crosses to another thread. A plain
  // allocation and memcpy (not from_blob().clone()): no dispatcher trip on the JS thread.
  at::Tensor t(at::detail::empty_cpu(shape, at::kFloat));
  if (size > 0) std::memcpy(t.data_ptr<float>(), arr.Data(), sizeof(float) * size);
  return t;
}

std::vector<at::Tensor> ToTensorList(const Napi::Value& value, const char* name) {
  if (!value.IsArray()) throw SpecError(std::string("Expected an array for ") + name);
  Napi::Array arr = value.As<Napi::Array>();
  std::vector<at::Tensor> out;
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    out.push_back(ToTensor(arr.Get(i), (std::string(name) + "[" + std::to_string(i) + "]").c_str()));
  }
  return out;
}

Dataset ToDataset(const Napi::Value& xs, const Napi::Value& ys, const Napi::Value& sample_weight, const std::string& what) {
  Dataset data;
  data.xs = ToTensorList(xs, (what + ".xs").c_str());
  data.ys = ToTensorList(ys, (what + ".ys").c_str());
  if (!sample_weight.IsNull() && !sample_weight.IsUndefined()) {
    data.sample_weight = ToTensor(sample_weight, (what + ".sampleWeight").c_str());
  }
  if (data.xs.empty()) throw SpecError(what + ": no inputs");
  return data;
}

Napi::Object FromTensor(Napi::Env env, const at::Tensor& tensor) {
  // Contiguous float32 CPU tensors (the usual result) are read as they are.
  const bool plain = tensor.device().is_cpu() && tensor.scalar_type() == at::kFloat && tensor.is_contiguous();
  const at::Tensor t = plain ? tensor : tensor.detach().to(at::kCPU, at::kFloat).contiguous();
  Napi::Float32Array data = Napi::Float32Array::New(env, static_cast<size_t>(t.numel()));
  if (t.numel() > 0) std::memcpy(data.Data(), t.data_ptr<float>(), sizeof(float) * t.numel());
  Napi::Array shape = Napi::Array::New(env, t.dim());
  for (int64_t i = 0; i < t.dim(); ++i) shape.Set(static_cast<uint32_t>(i), Napi::Number::New(env, t.size(i)));
  Napi::Object out = Napi::Object::New(env);
  out.Set("data", data);
  out.Set("shape", shape);
  return out;
}

Napi::Array FromTensorList(Napi::Env env, const std::vector<at::Tensor>& tensors) {
  Napi::Array arr = Napi::Array::New(env, tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) arr.Set(static_cast<uint32_t>(i), FromTensor(env, tensors[i]));
  return arr;
}

Napi::Object FromLogs(Napi::Env env, const Logs& logs) {
  Napi::Object out = Napi::Object::New(env);
  for (const auto& [key, value] : logs) out.Set(key, Napi::Number::New(env, value));
  return out;
}

Napi::Array FromLayerInfo(Napi::Env env, const std::vector<LayerInfo>& infos) {
  Napi::Array arr = Napi::Array::New(env, infos.size());
  for (size_t i = 0; i < infos.size(); ++i) {
    const LayerInfo& info = infos[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", info.name);
    o.Set("className", info.class_name);
    Napi::Array shape = Napi::Array::New(env, info.output_shape.size());
    for (size_t d = 0; d < info.output_shape.size(); ++d) {
      shape.Set(static_cast<uint32_t>(d), info.output_shape[d] < 0 ? env.Null() : Napi::Number::New(env, info.output_shape[d]));
    }
    o.Set("outputShape", shape);
    o.Set("params", Napi::Number::New(env, static_cast<double>(info.params)));
    if (info.kernel) {
      Napi::Object k = Napi::Object::New(env);
      k.Set("training", info.kernel->training);
      k.Set("inference", info.kernel->inference);
      k.Set("reason", info.kernel->reason);
      o.Set("kernel", k);
    }
    arr.Set(static_cast<uint32_t>(i), o);
  }
  return arr;
}

}  // namespace tl::addon
