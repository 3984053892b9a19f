// One `fit` call: training on a dedicated native thread (minutes-long jobs must not hold
// a libuv pool thread), per-batch progress and epoch-end sync points through one
// ThreadSafeFunction (so batch and epoch reports arrive in order).
//
// At each epoch end the trainer releases the model lock and waits until JS calls the
// `resume(answer)` function it was given: callbacks run with the model paused.
#pragma once

#include <napi.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "model/model.h"
#include "train/trainer.h"

namespace tl::addon {

class FitJob : public std::enable_shared_from_this<FitJob> {
 public:
  struct Data {
    Dataset train;
    std::optional<Dataset> validation;
    FitOptions options;
  };

  /// Starts training; the returned job settles `promise()` when training ends.
  static std::shared_ptr<FitJob> Start(Napi::Env env, std::shared_ptr<Model> model, Data data,
                                       Napi::Function on_batch, Napi::Function on_epoch);
  ~FitJob();

  Napi::Promise promise() const { return deferred_.Promise(); }
  /// Asks the trainer to stop after the batch in flight (any thread): at once, or after
  /// finishing the epoch (validation and its report) when `finish_epoch`.
  void RequestStop(bool finish_epoch) { (finish_epoch ? stop_after_epoch_ : stop_) = true; }
  /// JS thread: waiting at an epoch end for `resume`.
  bool paused() const { return paused_; }
  /// JS thread: training ended and the promise is settled.
  bool finished() const { return finished_; }

 private:
  FitJob(Napi::Env env, std::shared_ptr<Model> model, Data data);
  void Run();
  EpochAnswer WaitForAnswer(const EpochReport& report);
  void Deliver(const EpochAnswer& answer);
  void Finish(std::optional<std::string> error);
  static void OnEnvCleanup(void* arg);

  napi_env env_;
  std::shared_ptr<Model> model_;
  Data data_;
  Napi::Promise::Deferred deferred_;
  Napi::ThreadSafeFunction tsfn_;
  Napi::FunctionReference on_batch_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> stop_after_epoch_{false};
  bool paused_ = false;
  bool finished_ = false;
  bool cleanup_registered_ = false;

  std::mutex answer_mutex_;
  std::condition_variable answer_cv_;
  std::optional<EpochAnswer> answer_;
  bool aborted_ = false;
};

}  // namespace tl::addon
