// Registration only: the Model class and the module-level functions.
#include <napi.h>

#include "compat.h"
#include "js_errors.h"
#include "model_wrap.h"
#include "quantize/int8_linear.h"
#include "quantized_model_wrap.h"
#include "threads.h"

namespace tl::addon {
namespace {

Napi::Value Versions(const Napi::CallbackInfo& info) {
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("torch", compat::TorchVersion());
  out.Set("addon", TL_ADDON_VERSION);
  out.Set("cuda", Napi::Boolean::New(info.Env(), at::hasCUDA()));
  out.Set("int8Engine", SelectInt8Engine());
  return out;
}

Napi::Value GetThreads(const Napi::CallbackInfo& info) {
  ThreadInfo t = GetThreadInfo();
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("intraOp", t.intra_op);
  out.Set("interOp", t.inter_op);
  out.Set("blas", t.blas);
  return out;
}

void SetThreads(const Napi::CallbackInfo& info) {
  Guarded(info.Env(), [&] {
    SetNumThreads(info[0].As<Napi::Number>().Int32Value(), info[1].As<Napi::Number>().Int32Value());
    return 0;
  });
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("Model", ModelWrap::Define(env));
  exports.Set("QuantizedModel", QuantizedModelWrap::Define(env));
  exports.Set("versions", Napi::Function::New<Versions>(env));
  exports.Set("getThreadInfo", Napi::Function::New<GetThreads>(env));
  exports.Set("setNumThreads", Napi::Function::New<SetThreads>(env));
  return exports;
}

}  // namespace tl::addon

static Napi::Object InitTorchLstm(Napi::Env env, Napi::Object exports) { return tl::addon::Init(env, exports); }

NODE_API_MODULE(torch_lstm, InitTorchLstm)
