// JS values <-> native/core structs. Runs on the JS thread only.
// The spec JSON is the Keras-format document made by lib/serialization/: the structure
// is re-checked cheaply here, but every default comes from TS.
#pragma once

#include <ATen/ATen.h>
#include <napi.h>

#include <vector>

#include "layers/layer.h"
#include "spec.h"
#include "train/trainer.h"

namespace tl::addon {

ModelSpec ToModelSpec(const Napi::Value& value);
CompileSpec ToCompileSpec(const Napi::Value& value);
/// `{ device?, deterministic? }` (undefined: the defaults).
ModelOptions ToModelOptions(const Napi::Value& value);
FitOptions ToFitOptions(const Napi::Value& value);
EpochAnswer ToEpochAnswer(const Napi::Value& value);

/// `{data: Float32Array, shape: number[]}` -> an owned float32 tensor (copied).
at::Tensor ToTensor(const Napi::Value& value, const char* name);
std::vector<at::Tensor> ToTensorList(const Napi::Value& value, const char* name);
/// Inputs (array), targets (array) and sample weights (a tensor or null) of one call.
Dataset ToDataset(const Napi::Value& xs, const Napi::Value& ys, const Napi::Value& sample_weight, const std::string& what);

/// An owned copy in a fresh Float32Array.
Napi::Object FromTensor(Napi::Env env, const at::Tensor& tensor);
Napi::Array FromTensorList(Napi::Env env, const std::vector<at::Tensor>& tensors);
Napi::Object FromLogs(Napi::Env env, const Logs& logs);
Napi::Array FromLayerInfo(Napi::Env env, const std::vector<LayerInfo>& infos);

}  // namespace tl::addon
