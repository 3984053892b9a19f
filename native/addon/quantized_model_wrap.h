// The JS `QuantizedModel` class: an inference-only int8 model built from a float model's
// spec and weights. predict is async (libuv pool); nothing else is slow.
#pragma once

#include <napi.h>

#include <memory>

#include "quantize/quantized_model.h"

namespace tl::addon {

class QuantizedModelWrap : public Napi::ObjectWrap<QuantizedModelWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit QuantizedModelWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value Predict(const Napi::CallbackInfo& info);
  Napi::Value Describe(const Napi::CallbackInfo& info);
  Napi::Value Info(const Napi::CallbackInfo& info);
  Napi::Value GetWeights(const Napi::CallbackInfo& info);
  void Dispose(const Napi::CallbackInfo& info);

  std::shared_ptr<QuantizedSequential> Live(Napi::Env env) const;

  std::shared_ptr<QuantizedSequential> model_;
};

}  // namespace tl::addon
