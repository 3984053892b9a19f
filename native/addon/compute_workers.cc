#include "compute_workers.h"

#include <functional>

#include "convert.h"
#include "js_errors.h"
#include "threads.h"
#include "train/trainer.h"

namespace tl::addon {
namespace {

// Runs `compute` off the JS thread and settles a promise with `convert(result)`.
template <typename Result>
class PromiseWorker : public Napi::AsyncWorker {
 public:
  using Compute = std::function<Result()>;
  using Convert = std::function<Napi::Value(Napi::Env, const Result&)>;

  PromiseWorker(Napi::Env env, Compute compute, Convert convert)
      : Napi::AsyncWorker(env, "torch-lstm"),
        deferred_(Napi::Promise::Deferred::New(env)),
        compute_(std::move(compute)),
        convert_(std::move(convert)) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    try {
      ApplyThreadSettings();
      result_ = compute_();
    } catch (...) {
      SetError(TaggedMessageOfCurrentException());
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    try {
      deferred_.Resolve(convert_(env, result_));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
    compute_ = nullptr;  // release the model before the worker is deleted
  }

  void OnError(const Napi::Error& error) override {
    deferred_.Reject(error.Value());
    compute_ = nullptr;
  }

 private:
  Napi::Promise::Deferred deferred_;
  Compute compute_;
  Convert convert_;
  Result result_;
};

template <typename Result>
Napi::Promise Queue(Napi::Env env, typename PromiseWorker<Result>::Compute compute,
                    typename PromiseWorker<Result>::Convert convert) {
  auto* worker = new PromiseWorker<Result>(env, std::move(compute), std::move(convert));
  Napi::Promise promise = worker->Promise();
  worker->Queue();  // the worker deletes itself after OnOK/OnError
  return promise;
}

}  // namespace

Napi::Promise StartPredict(Napi::Env env, std::shared_ptr<Model> model, std::vector<at::Tensor> xs,
                           int64_t batch_size, bool training, std::optional<uint64_t> seed) {
  return Queue<std::vector<at::Tensor>>(
      env, [model, xs, batch_size, training, seed] { return Predict(*model, xs, batch_size, training, seed); },
      [](Napi::Env e, const std::vector<at::Tensor>& r) -> Napi::Value { return FromTensorList(e, r); });
}

Napi::Promise StartQuantizedPredict(Napi::Env env, std::shared_ptr<QuantizedSequential> model, at::Tensor x,
                                    int64_t batch_size) {
  return Queue<std::vector<at::Tensor>>(
      env, [model, x, batch_size] { return model->Predict(x, batch_size); },
      [](Napi::Env e, const std::vector<at::Tensor>& r) -> Napi::Value { return FromTensorList(e, r); });
}

Napi::Promise StartEvaluate(Napi::Env env, std::shared_ptr<Model> model, Dataset data, int64_t batch_size) {
  return Queue<Logs>(
      env, [model, data, batch_size] { return Evaluate(*model, data, batch_size); },
      [](Napi::Env e, const Logs& r) -> Napi::Value { return FromLogs(e, r); });
}

Napi::Promise StartGradients(Napi::Env env, std::shared_ptr<Model> model, Dataset data, bool training,
                             std::optional<uint64_t> seed) {
  return Queue<std::vector<at::Tensor>>(
      env, [model, data, training, seed] { return Gradients(*model, data, training, seed); },
      [](Napi::Env e, const std::vector<at::Tensor>& r) -> Napi::Value { return FromTensorList(e, r); });
}

}  // namespace tl::addon
