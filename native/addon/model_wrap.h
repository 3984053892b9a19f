// The JS `Model` class: owns a native Model and its one running fit job, and enforces
// the state rules (one job at a time, weights only while no batch is computing,
// ERR_DISPOSED after dispose).
#pragma once

#include <napi.h>

#include <memory>

#include "fit_job.h"
#include "model/model.h"

namespace tl::addon {

class ModelWrap : public Napi::ObjectWrap<ModelWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit ModelWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value Describe(const Napi::CallbackInfo& info);
  Napi::Value GetWeights(const Napi::CallbackInfo& info);
  void SetWeights(const Napi::CallbackInfo& info);
  void Compile(const Napi::CallbackInfo& info);
  Napi::Value GetOptimizerState(const Napi::CallbackInfo& info);
  void SetOptimizerState(const Napi::CallbackInfo& info);
  void SetWeightMasks(const Napi::CallbackInfo& info);
  Napi::Value Predict(const Napi::CallbackInfo& info);
  /// Inference on the JS thread for tiny calls (lean loops, a few samples through a small
  /// model): the outputs, or null when the call is not tiny or the model is not free (then
  /// `predict`, which hops to the pool and reports any state error).
  Napi::Value PredictSmall(const Napi::CallbackInfo& info);
  Napi::Value Evaluate(const Napi::CallbackInfo& info);
  Napi::Value Gradients(const Napi::CallbackInfo& info);
  Napi::Value Fit(const Napi::CallbackInfo& info);
  void RequestStop(const Napi::CallbackInfo& info);
  void ResetStates(const Napi::CallbackInfo& info);
  void Dispose(const Napi::CallbackInfo& info);

  /// The model, or ERR_DISPOSED.
  std::shared_ptr<Model> Live(Napi::Env env) const;
  /// Throws ERR_BUSY while a fit is computing (paused at an epoch end is allowed when `paused_ok`).
  void CheckNotBusy(Napi::Env env, const char* what, bool paused_ok) const;

  std::shared_ptr<Model> model_;
  std::shared_ptr<FitJob> job_;
};

}  // namespace tl::addon
