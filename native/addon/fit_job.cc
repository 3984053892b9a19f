#include "fit_job.h"

#include "convert.h"
#include "js_errors.h"
#include "threads.h"

namespace tl::addon {

FitJob::FitJob(Napi::Env env, std::shared_ptr<Model> model, Data data)
    : env_(env), model_(std::move(model)), data_(std::move(data)), deferred_(Napi::Promise::Deferred::New(env)) {}

FitJob::~FitJob() {
  // Only reachable on the JS thread in normal operation; at env teardown the
  // reference may already be invalid, so never delete it from here.
  if (!on_batch_.IsEmpty()) on_batch_.SuppressDestruct();
}

std::shared_ptr<FitJob> FitJob::Start(Napi::Env env, std::shared_ptr<Model> model, Data data,
                                      Napi::Function on_batch, Napi::Function on_epoch) {
  std::shared_ptr<FitJob> job(new FitJob(env, std::move(model), std::move(data)));
  job->on_batch_ = Napi::Persistent(on_batch);
  job->tsfn_ = Napi::ThreadSafeFunction::New(env, on_epoch, "torch-lstm fit", /*max_queue_size=*/0,
                                             /*initial_thread_count=*/1);
  napi_add_env_cleanup_hook(env, &FitJob::OnEnvCleanup, job.get());
  job->cleanup_registered_ = true;
  job->thread_ = std::thread([job] { job->Run(); });
  return job;
}

void FitJob::Run() {
  std::optional<std::string> error;
  try {
    ApplyThreadSettings();
    FitHooks hooks;
    hooks.stop_requested = [this] {
      if (stop_) return StopMode::kNow;
      return stop_after_epoch_ ? StopMode::kAfterEpoch : StopMode::kContinue;
    };
    auto self = shared_from_this();
    hooks.on_batch = [self](const BatchReport& report) {
      self->tsfn_.NonBlockingCall([self, report](Napi::Env env, Napi::Function) {
        if (self->on_batch_.IsEmpty()) return;
        Napi::Object o = Napi::Object::New(env);
        o.Set("epoch", Napi::Number::New(env, static_cast<double>(report.epoch)));
        o.Set("batch", Napi::Number::New(env, static_cast<double>(report.batch)));
        o.Set("steps", Napi::Number::New(env, static_cast<double>(report.steps)));
        o.Set("size", Napi::Number::New(env, static_cast<double>(report.size)));
        o.Set("logs", FromLogs(env, report.logs));
        try {
          self->on_batch_.Call({o});
        } catch (const Napi::Error& e) {
          self->stop_ = true;  // a throwing progress hook stops training; TS reports it
        }
      });
    };
    hooks.on_epoch = [this](const EpochReport& report) { return WaitForAnswer(report); };
    Fit(*model_, data_.train, data_.validation, data_.options, hooks);
  } catch (...) {
    error = TaggedMessageOfCurrentException();
  }
  // Free the training data now; the model stays with whoever holds it.
  data_ = Data{};
  Finish(std::move(error));
}

EpochAnswer FitJob::WaitForAnswer(const EpochReport& report) {
  {
    std::lock_guard<std::mutex> lock(answer_mutex_);
    if (aborted_) return EpochAnswer{true, std::nullopt};
    answer_.reset();
  }
  auto self = shared_from_this();
  napi_status status = tsfn_.BlockingCall([self, report](Napi::Env env, Napi::Function on_epoch) {
    self->paused_ = true;
    Napi::Function resume = Napi::Function::New(env, [self](const Napi::CallbackInfo& info) {
      EpochAnswer answer = info.Length() > 0 ? ToEpochAnswer(info[0]) : EpochAnswer{};
      self->Deliver(answer);
    });
    Napi::Object o = Napi::Object::New(env);
    o.Set("epoch", Napi::Number::New(env, static_cast<double>(report.epoch)));
    o.Set("logs", FromLogs(env, report.logs));
    try {
      on_epoch.Call({o, resume});
    } catch (const Napi::Error&) {
      self->Deliver(EpochAnswer{true, std::nullopt});
    }
  });
  if (status != napi_ok) return EpochAnswer{true, std::nullopt};
  std::unique_lock<std::mutex> lock(answer_mutex_);
  answer_cv_.wait(lock, [this] { return answer_.has_value() || aborted_; });
  if (aborted_) return EpochAnswer{true, std::nullopt};
  return *answer_;
}

void FitJob::Deliver(const EpochAnswer& answer) {
  paused_ = false;
  std::lock_guard<std::mutex> lock(answer_mutex_);
  if (answer_.has_value()) return;  // a second resume() is ignored
  answer_ = answer;
  answer_cv_.notify_all();
}

void FitJob::Finish(std::optional<std::string> error) {
  auto self = shared_from_this();
  tsfn_.BlockingCall([self, error](Napi::Env env, Napi::Function) {
    self->finished_ = true;
    self->paused_ = false;
    if (self->thread_.joinable()) self->thread_.join();
    if (self->cleanup_registered_) {
      napi_remove_env_cleanup_hook(self->env_, &FitJob::OnEnvCleanup, self.get());
      self->cleanup_registered_ = false;
    }
    self->on_batch_.Reset();
    if (error) {
      self->deferred_.Reject(Napi::Error::New(env, *error).Value());
    } else {
      self->deferred_.Resolve(env.Undefined());
    }
  });
  tsfn_.Release();
}

void FitJob::OnEnvCleanup(void* arg) {
  // The environment is going away (process.exit, worker termination): stop training,
  // release a trainer waiting for an answer that will never come, and wait for it.
  auto* job = static_cast<FitJob*>(arg);
  job->stop_ = true;
  {
    std::lock_guard<std::mutex> lock(job->answer_mutex_);
    job->aborted_ = true;
    job->answer_cv_.notify_all();
  }
  job->cleanup_registered_ = false;
  if (job->thread_.joinable()) job->thread_.join();
}

}  // namespace tl::addon
