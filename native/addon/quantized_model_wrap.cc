#include "quantized_model_wrap.h"

#include <cstring>

#include "compute_workers.h"
#include "convert.h"
#include "js_errors.h"

namespace tl::addon {

Napi::Function QuantizedModelWrap::Define(Napi::Env env) {
  return DefineClass(env, "QuantizedModel",
                     {
                         InstanceMethod<&QuantizedModelWrap::Predict>("predict"),
                         InstanceMethod<&QuantizedModelWrap::Describe>("describe"),
                         InstanceMethod<&QuantizedModelWrap::Info>("info"),
                         InstanceMethod<&QuantizedModelWrap::GetWeights>("getWeights"),
                         InstanceMethod<&QuantizedModelWrap::Dispose>("dispose"),
                     });
}

QuantizedModelWrap::QuantizedModelWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<QuantizedModelWrap>(info) {
  Guarded(info.Env(), [&] {
    model_ = std::make_shared<QuantizedSequential>(ToModelSpec(info[0]), ToTensorList(info[1], "weights"));
    return 0;
  });
}

std::shared_ptr<QuantizedSequential> QuantizedModelWrap::Live(Napi::Env env) const {
  if (!model_) throw StateError(env, "ERR_DISPOSED", "The model has been disposed");
  return model_;
}

Napi::Value QuantizedModelWrap::Predict(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    return Guarded(env, [&]() -> Napi::Value {
      std::vector<at::Tensor> xs = ToTensorList(info[0], "xs");
      if (xs.size() != 1) throw ShapeError("An int8 model takes one input but received " + std::to_string(xs.size()));
      return StartQuantizedPredict(env, Live(env), xs[0], info[1].As<Napi::Number>().Int64Value());
    });
  } catch (const Napi::Error& e) {
    auto deferred = Napi::Promise::Deferred::New(env);
    deferred.Reject(e.Value());
    return deferred.Promise();
  }
}

Napi::Value QuantizedModelWrap::Describe(const Napi::CallbackInfo& info) {
  return Guarded(info.Env(), [&]() -> Napi::Value { return FromLayerInfo(info.Env(), Live(info.Env())->Describe()); });
}

Napi::Value QuantizedModelWrap::Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guarded(env, [&]() -> Napi::Value {
    auto model = Live(env);
    Napi::Object out = Napi::Object::New(env);
    out.Set("engine", model->engine());
    out.Set("bytes", Napi::Number::New(env, static_cast<double>(model->bytes())));
    out.Set("floatBytes", Napi::Number::New(env, static_cast<double>(model->float_bytes())));
    return out;
  });
}

Napi::Value QuantizedModelWrap::GetWeights(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guarded(env, [&]() -> Napi::Value {
    auto weights = Live(env)->Weights();
    Napi::Array out = Napi::Array::New(env, weights.size());
    for (size_t i = 0; i < weights.size(); ++i) {
      const auto& w = weights[i];
      Napi::Object o = Napi::Object::New(env);
      o.Set("name", w.name);
      Napi::Array shape = Napi::Array::New(env, w.values.dim());
      for (int64_t d = 0; d < w.values.dim(); ++d) shape.Set(static_cast<uint32_t>(d), Napi::Number::New(env, w.values.size(d)));
      o.Set("shape", shape);
      if (w.scales.defined()) {
        at::Tensor v = w.values.contiguous();
        Napi::Int8Array data = Napi::Int8Array::New(env, static_cast<size_t>(v.numel()));
        std::memcpy(data.Data(), v.data_ptr<int8_t>(), static_cast<size_t>(v.numel()));
        o.Set("data", data);
        o.Set("scales", FromTensor(env, w.scales).Get("data"));
      } else {
        o.Set("data", FromTensor(env, w.values).Get("data"));
      }
      out.Set(static_cast<uint32_t>(i), o);
    }
    return out;
  });
}

void QuantizedModelWrap::Dispose(const Napi::CallbackInfo&) { model_.reset(); }

}  // namespace tl::addon
