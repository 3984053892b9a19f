#include "model_wrap.h"

#include <c10/core/GradMode.h>

#include "compute_workers.h"
#include "convert.h"
#include "js_errors.h"

namespace tl::addon {
namespace {

// An async method never throws synchronously: errors become a rejected promise.
Napi::Value Rejected(Napi::Env env, const Napi::Error& error) {
  auto deferred = Napi::Promise::Deferred::New(env);
  deferred.Reject(error.Value());
  return deferred.Promise();
}

template <typename F>
Napi::Value AsyncGuarded(Napi::Env env, F&& body) {
  try {
    return Guarded(env, std::forward<F>(body));
  } catch (const Napi::Error& e) {
    return Rejected(env, e);
  }
}

// A few samples through a small model cost microseconds with the lean loops, less than the
// hop to the thread pool and back (and less than capturing the JS stack for that hop).
constexpr int64_t kInlineMaxMultiplyAdds = int64_t{1} << 20;  // ~0.1 ms of lean loops at most

}  // namespace

Napi::Function ModelWrap::Define(Napi::Env env) {
  return DefineClass(env, "Model",
                     {
                         InstanceMethod<&ModelWrap::Describe>("describe"),
                         InstanceMethod<&ModelWrap::GetWeights>("getWeights"),
                         InstanceMethod<&ModelWrap::SetWeights>("setWeights"),
                         InstanceMethod<&ModelWrap::Compile>("compile"),
                         InstanceMethod<&ModelWrap::GetOptimizerState>("getOptimizerState"),
                         InstanceMethod<&ModelWrap::SetOptimizerState>("setOptimizerState"),
                         InstanceMethod<&ModelWrap::SetWeightMasks>("setWeightMasks"),
                         InstanceMethod<&ModelWrap::Predict>("predict"),
                         InstanceMethod<&ModelWrap::PredictSmall>("predictSmall"),
                         InstanceMethod<&ModelWrap::Evaluate>("evaluate"),
                         InstanceMethod<&ModelWrap::Gradients>("gradients"),
                         InstanceMethod<&ModelWrap::Fit>("fit"),
                         InstanceMethod<&ModelWrap::RequestStop>("requestStop"),
                         InstanceMethod<&ModelWrap::ResetStates>("resetStates"),
                         InstanceMethod<&ModelWrap::Dispose>("dispose"),
                     });
}

ModelWrap::ModelWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ModelWrap>(info) {
  Guarded(info.Env(), [&] {
    model_ = std::make_shared<Model>(ToModelSpec(info[0]), ToModelOptions(info[1]));
    return 0;
  });
}

std::shared_ptr<Model> ModelWrap::Live(Napi::Env env) const {
  if (!model_) throw StateError(env, "ERR_DISPOSED", "The model has been disposed");
  return model_;
}

void ModelWrap::CheckNotBusy(Napi::Env env, const char* what, bool paused_ok) const {
  if (!job_ || job_->finished()) return;
  if (paused_ok && job_->paused()) return;
  throw StateError(env, "ERR_BUSY",
                   std::string("Cannot ") + what + " while the model is training; wait for fit() to finish" +
                       (paused_ok ? " or call it from an epoch callback" : ""));
}

Napi::Value ModelWrap::Describe(const Napi::CallbackInfo& info) {
  return Guarded(info.Env(), [&]() -> Napi::Value { return FromLayerInfo(info.Env(), Live(info.Env())->graph().Describe()); });
}

Napi::Value ModelWrap::GetWeights(const Napi::CallbackInfo& info) {
  return Guarded(info.Env(), [&]() -> Napi::Value {
    auto model = Live(info.Env());
    CheckNotBusy(info.Env(), "read weights", /*paused_ok=*/true);
    std::lock_guard<std::mutex> lock(model->mutex());
    return FromTensorList(info.Env(), model->graph().GetWeights());
  });
}

void ModelWrap::SetWeights(const Napi::CallbackInfo& info) {
  Guarded(info.Env(), [&] {
    auto model = Live(info.Env());
    CheckNotBusy(info.Env(), "set weights", /*paused_ok=*/true);
    auto weights = ToTensorList(info[0], "weights");
    std::lock_guard<std::mutex> lock(model->mutex());
    model->graph().SetWeights(weights);
    model->ApplyWeightMasks();
    return 0;
  });
}

void ModelWrap::Compile(const Napi::CallbackInfo& info) {
  Guarded(info.Env(), [&] {
    auto model = Live(info.Env());
    CheckNotBusy(info.Env(), "compile", /*paused_ok=*/false);
    std::lock_guard<std::mutex> lock(model->mutex());
    model->Compile(ToCompileSpec(info[0]));
    return 0;
  });
}

Napi::Value ModelWrap::GetOptimizerState(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guarded(env, [&]() -> Napi::Value {
    auto model = Live(env);
    CheckNotBusy(env, "read the optimizer state", /*paused_ok=*/true);
    std::lock_guard<std::mutex> lock(model->mutex());
    OptimizerState state = model->setup().optimizer->ExportState();
    Napi::Object out = Napi::Object::New(env);
    out.Set("iterations", Napi::Number::New(env, static_cast<double>(state.iterations)));
    out.Set("learningRate", Napi::Number::New(env, state.learning_rate));
    Napi::Object tensors = Napi::Object::New(env);
    for (const auto& [name, tensor] : state.tensors) tensors.Set(name, FromTensor(env, tensor));
    out.Set("tensors", tensors);
    return out;
  });
}

void ModelWrap::SetOptimizerState(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Guarded(env, [&] {
    auto model = Live(env);
    CheckNotBusy(env, "set the optimizer state", /*paused_ok=*/true);
    if (!info[0].IsObject()) throw Napi::TypeError::New(env, "setOptimizerState expects an object");
    Napi::Object in = info[0].As<Napi::Object>();
    OptimizerState state;
    state.iterations = in.Get("iterations").As<Napi::Number>().Int64Value();
    state.learning_rate = in.Get("learningRate").As<Napi::Number>().DoubleValue();
    Napi::Object tensors = in.Get("tensors").As<Napi::Object>();
    Napi::Array names = tensors.GetPropertyNames();
    for (uint32_t i = 0; i < names.Length(); ++i) {
      std::string name = names.Get(i).As<Napi::String>().Utf8Value();
      state.tensors.emplace_back(name, ToTensor(tensors.Get(name), ("optimizerState." + name).c_str()));
    }
    std::lock_guard<std::mutex> lock(model->mutex());
    model->setup().optimizer->ImportState(state, model->graph().Weights());
    return 0;
  });
}

void ModelWrap::SetWeightMasks(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Guarded(env, [&] {
    auto model = Live(env);
    CheckNotBusy(env, "set weight masks", /*paused_ok=*/true);
    if (!info[0].IsArray()) throw Napi::TypeError::New(env, "setWeightMasks expects an array");
    Napi::Array arr = info[0].As<Napi::Array>();
    std::vector<at::Tensor> masks;
    for (uint32_t i = 0; i < arr.Length(); ++i) {
      Napi::Value m = arr.Get(i);
      masks.push_back(m.IsNull() || m.IsUndefined() ? at::Tensor()
                                                    : ToTensor(m, ("masks[" + std::to_string(i) + "]").c_str()));
    }
    std::lock_guard<std::mutex> lock(model->mutex());
    model->SetWeightMasks(std::move(masks));
    return 0;
  });
}

Napi::Value ModelWrap::Predict(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return AsyncGuarded(env, [&]() -> Napi::Value {
    auto model = Live(env);
    CheckNotBusy(env, "predict", /*paused_ok=*/true);
    std::vector<at::Tensor> xs = ToTensorList(info[0], "xs");
    const bool training = info.Length() > 2 && info[2].IsBoolean() && info[2].As<Napi::Boolean>().Value();
    std::optional<uint64_t> seed;
    if (info.Length() > 3 && info[3].IsNumber()) seed = static_cast<uint64_t>(info[3].As<Napi::Number>().Int64Value());
    return StartPredict(env, model, std::move(xs), info[1].As<Napi::Number>().Int64Value(), training, seed);
  });
}

Napi::Value ModelWrap::PredictSmall(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guarded(env, [&]() -> Napi::Value {
    // Declines (null) whenever predict has something to say: disposed, busy, not tiny.
    if (!model_ || (job_ && !job_->finished() && !job_->paused())) return env.Null();
    c10::NoGradGuard no_grad;  // inference (the lean loops need it)
    std::vector<at::Tensor> xs = ToTensorList(info[0], "xs");
    const int64_t cost = model_->graph().LeanCost(xs);
    if (cost < 0 || cost > kInlineMaxMultiplyAdds) return env.Null();
    std::unique_lock<std::mutex> lock(model_->mutex(), std::try_to_lock);
    if (!lock.owns_lock()) return env.Null();
    return FromTensorList(env, model_->graph().Forward(xs, ForwardContext{}));
  });
}

Napi::Value ModelWrap::Evaluate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return AsyncGuarded(env, [&]() -> Napi::Value {
    auto model = Live(env);
    CheckNotBusy(env, "evaluate", /*paused_ok=*/true);
    model->setup();  // ERR_NOT_COMPILED now rather than on the pool
    return StartEvaluate(env, model, ToDataset(info[0], info[1], info[2], "evaluate"),
                         info[3].As<Napi::Number>().Int64Value());
  });
}

Napi::Value ModelWrap::Gradients(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return AsyncGuarded(env, [&]() -> Napi::Value {
    auto model = Live(env);
    CheckNotBusy(env, "compute gradients", /*paused_ok=*/false);
    model->setup();
    std::optional<uint64_t> seed;
    if (info.Length() > 4 && info[4].IsNumber()) seed = static_cast<uint64_t>(info[4].As<Napi::Number>().Int64Value());
    return StartGradients(env, model, ToDataset(info[0], info[1], info[2], "gradients"),
                          info[3].As<Napi::Boolean>().Value(), seed);
  });
}

Napi::Value ModelWrap::Fit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return AsyncGuarded(env, [&]() -> Napi::Value {
    auto model = Live(env);
    if (job_ && !job_->finished()) {
      throw StateError(env, "ERR_BUSY", "fit() is already running on this model; wait for it to finish");
    }
    model->setup();
    FitJob::Data data;
    data.train = ToDataset(info[0], info[1], info[2], "fit");
    if (info[3].IsObject()) {
      Napi::Object v = info[3].As<Napi::Object>();
      data.validation = ToDataset(v.Get("xs"), v.Get("ys"), v.Get("sampleWeight"), "validation");
    }
    data.options = ToFitOptions(info[4]);
    if (!info[5].IsFunction() || !info[6].IsFunction()) {
      throw Napi::TypeError::New(env, "fit expects onBatch and onEpoch functions");
    }
    job_ = FitJob::Start(env, model, std::move(data), info[5].As<Napi::Function>(), info[6].As<Napi::Function>());
    return job_->promise();
  });
}

void ModelWrap::RequestStop(const Napi::CallbackInfo& info) {
  const bool finish_epoch = info.Length() > 0 && info[0].IsBoolean() && info[0].As<Napi::Boolean>().Value();
  if (job_) job_->RequestStop(finish_epoch);
}

void ModelWrap::ResetStates(const Napi::CallbackInfo& info) {
  Guarded(info.Env(), [&] {
    auto model = Live(info.Env());
    CheckNotBusy(info.Env(), "reset states", /*paused_ok=*/true);
    std::lock_guard<std::mutex> lock(model->mutex());
    model->graph().ResetStates();
    return 0;
  });
}

void ModelWrap::Dispose(const Napi::CallbackInfo&) {
  // A running job keeps its own reference: the engine frees the model when it ends.
  if (job_ && !job_->finished()) job_->RequestStop(/*finish_epoch=*/false);
  model_.reset();
}

}  // namespace tl::addon
