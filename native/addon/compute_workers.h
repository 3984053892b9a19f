// predict / evaluate / gradients as Napi::AsyncWorkers: short jobs on the libuv pool,
// no Napi value touched in Execute(), results converted on the JS thread.
#pragma once

#include <napi.h>

#include <memory>
#include <optional>

#include "model/model.h"
#include "quantize/quantized_model.h"
#include "train/trainer.h"

namespace tl::addon {

Napi::Promise StartPredict(Napi::Env env, std::shared_ptr<Model> model, std::vector<at::Tensor> xs,
                           int64_t batch_size, bool training, std::optional<uint64_t> seed);
Napi::Promise StartEvaluate(Napi::Env env, std::shared_ptr<Model> model, Dataset data, int64_t batch_size);
Napi::Promise StartGradients(Napi::Env env, std::shared_ptr<Model> model, Dataset data, bool training,
                             std::optional<uint64_t> seed);

Napi::Promise StartQuantizedPredict(Napi::Env env, std::shared_ptr<QuantizedSequential> model, at::Tensor x,
                                    int64_t batch_size);

}  // namespace tl::addon
