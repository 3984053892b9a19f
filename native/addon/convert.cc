#include "convert.h"

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

InitializerSpec ToInitializer(const Reader& r) {
  InitializerSpec s;
  s.class_name = r.String("class_name");
  Reader c = r.Child("config");
  if (c.Has("gain")) s.gain = c.Number("gain");
  if (c.Has("value")) s.value = c.Number("value");
  if (c.Has("minval")) s.minval = c.Number("minval");
  if (c.Has("maxval")) s.maxval = c.Number("maxval");
  if (c.Has("mean")) s.mean = c.Number("mean");
  if (c.Has("stddev")) s.stddev = c.Number("stddev");
  if (auto seed = c.OptionalNumber("seed")) s.seed = static_cast<uint64_t>(*seed);
  return s;
}

LayerSpec ToLayerSpec(const Reader& r) {
  const std::string cls = r.String("class_name");
  Reader c = r.Child("config");
  if (cls == "LSTM") {
    LstmSpec s;
    s.name = c.String("name");
    s.units = c.Int("units");
    s.activation = c.String("activation");
    s.recurrent_activation = c.String("recurrent_activation");
    s.use_bias = c.Bool("use_bias");
    s.kernel_initializer = ToInitializer(c.Child("kernel_initializer"));
    s.recurrent_initializer = ToInitializer(c.Child("recurrent_initializer"));
    s.bias_initializer = ToInitializer(c.Child("bias_initializer"));
    s.unit_forget_bias = c.Bool("unit_forget_bias");
    s.dropout = c.Number("dropout");
    s.recurrent_dropout = c.Number("recurrent_dropout");
    s.return_sequences = c.Bool("return_sequences");
    s.return_state = c.Bool("return_state");
    s.go_backwards = c.Bool("go_backwards");
    if (c.Has("stateful") && c.Bool("stateful")) throw SpecError("stateful LSTMs are not supported yet");
    Napi::Value use = c.Get("use_cudnn");
    if (use.IsBoolean()) {
      s.use_cudnn = use.As<Napi::Boolean>().Value() ? UseFused::kAlways : UseFused::kNever;
    } else if (use.IsString() && use.As<Napi::String>().Utf8Value() == "auto") {
      s.use_cudnn = UseFused::kAuto;
    } else {
      throw SpecError("Expected 'auto', true or false at " + c.Path("use_cudnn"));
    }
    return s;
  }
  if (cls == "Dense") {
    DenseSpec s;
    s.name = c.String("name");
    s.units = c.Int("units");
    s.activation = c.String("activation");
    s.use_bias = c.Bool("use_bias");
    s.kernel_initializer = ToInitializer(c.Child("kernel_initializer"));
    s.bias_initializer = ToInitializer(c.Child("bias_initializer"));
    return s;
  }
  if (cls == "Dropout") {
    DropoutSpec s;
    s.name = c.String("name");
    s.rate = c.Number("rate");
    return s;
  }
  throw SpecError("Unsupported layer class '" + cls + "'");
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
  Reader root(value, "spec");
  if (root.String("class_name") != "Sequential") throw SpecError("Only Sequential models are supported");
  Reader config = root.Child("config");
  ModelSpec spec;
  spec.name = config.String("name");
  Napi::Value layers = config.Get("layers");
  if (!layers.IsArray()) throw SpecError("Expected an array at spec.config.layers");
  Napi::Array arr = layers.As<Napi::Array>();
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    Reader layer(arr.Get(i), "spec.config.layers[" + std::to_string(i) + "]");
    if (layer.String("class_name") == "InputLayer") {
      Shape batch_shape = ToShape(layer.Child("config").Get("batch_shape"), "batch_shape");
      if (batch_shape.size() < 2) throw SpecError("InputLayer batch_shape needs at least 2 entries");
      spec.input_shape.assign(batch_shape.begin() + 1, batch_shape.end());
      continue;
    }
    spec.layers.push_back(ToLayerSpec(layer));
  }
  if (spec.input_shape.empty()) throw SpecError("The model spec has no InputLayer with a batch_shape");
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
  Reader loss = root.Child("loss");
  spec.loss.class_name = loss.String("class_name");
  if (spec.loss.class_name == "Huber") spec.loss.delta = loss.Child("config").Number("delta");
  Napi::Value metrics = root.Get("metrics");
  if (!metrics.IsArray()) throw SpecError("Expected an array at compile.metrics");
  Napi::Array arr = metrics.As<Napi::Array>();
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    Reader m(arr.Get(i), "compile.metrics[" + std::to_string(i) + "]");
    spec.metrics.push_back(MetricSpec{m.String("name"), m.String("class_name")});
  }
  return spec;
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
  // Copy: no view of JS memory outlives this call or crosses to another thread.
  return at::from_blob(arr.Data(), shape, at::kFloat).clone();
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

Napi::Object FromTensor(Napi::Env env, const at::Tensor& tensor) {
  at::Tensor t = tensor.detach().to(at::kFloat).contiguous();
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
