#include <c10/core/GradMode.h>

#include "trainer.h"

#include <random>

#include "../compat.h"
#include "../errors.h"
#include "losses.h"

namespace tl {
namespace {

void CheckPair(const Model& model, const at::Tensor& x, const at::Tensor& y, const char* what) {
  model.graph().CheckInput(x);
  if (y.dim() == 0 || y.size(0) != x.size(0)) {
    throw ShapeError(std::string(what) + ": x has " + std::to_string(x.size(0)) + " samples but y has " +
                     (y.dim() == 0 ? std::string("none") : std::to_string(y.size(0))));
  }
}

void ClearGradients(const std::vector<at::Tensor>& weights) {
  for (auto w : weights) {
    if (w.grad().defined()) w.mutable_grad().reset();
  }
}

at::Generator JobGenerator(std::optional<uint64_t> seed) {
  if (seed) return compat::MakeCpuGenerator(*seed);
  std::random_device device;
  return compat::MakeCpuGenerator((static_cast<uint64_t>(device()) << 32) | device());
}

// Loss and metrics over x, y in inference mode; the caller holds the model lock.
Logs EvaluateLocked(Model& model, const at::Tensor& x, const at::Tensor& y, int64_t batch_size,
                    const std::string& prefix) {
  c10::NoGradGuard no_grad;
  TrainingSetup& setup = model.setup();
  MetricSet metrics(setup.spec.metrics);
  const int64_t n = x.size(0);
  for (int64_t start = 0; start < n; start += batch_size) {
    const int64_t len = std::min(batch_size, n - start);
    at::Tensor xb = x.narrow(0, start, len), yb = y.narrow(0, start, len);
    at::Tensor out = model.graph().Forward(xb, ForwardContext{})[0];
    metrics.Update(ComputeLoss(setup.spec.loss, out, yb).item<double>(), out, yb);
  }
  return metrics.Results(prefix);
}

}  // namespace

void Fit(Model& model, const at::Tensor& x, const at::Tensor& y, const std::optional<Validation>& validation,
         const FitOptions& options, const FitHooks& hooks) {
  if (options.batch_size <= 0) throw SpecError("batch_size must be positive");
  TrainingSetup& setup = model.setup();
  CheckPair(model, x, y, "fit");
  if (validation) CheckPair(model, validation->x, validation->y, "fit validation data");
  at::Generator gen = JobGenerator(options.seed);
  const ForwardContext ctx{/*training=*/true, &gen};
  const int64_t n = x.size(0);
  const int64_t steps = (n + options.batch_size - 1) / options.batch_size;
  const std::vector<at::Tensor> weights = model.graph().Weights();
  MetricSet metrics(setup.spec.metrics);

  const auto stop_mode = [&hooks] { return hooks.stop_requested ? hooks.stop_requested() : StopMode::kContinue; };
  for (int64_t epoch = options.initial_epoch; epoch < options.epochs; ++epoch) {
    std::unique_lock<std::mutex> lock(model.mutex());
    metrics.Reset();
    StopMode stop = StopMode::kContinue;
    at::Tensor order = options.shuffle ? at::randperm(n, gen, at::TensorOptions().dtype(at::kLong)) : at::Tensor();
    for (int64_t step = 0; step < steps; ++step) {
      const int64_t start = step * options.batch_size;
      const int64_t len = std::min(options.batch_size, n - start);
      at::Tensor xb, yb;
      if (order.defined()) {
        at::Tensor idx = order.narrow(0, start, len);
        xb = x.index_select(0, idx);
        yb = y.index_select(0, idx);
      } else {
        xb = x.narrow(0, start, len);
        yb = y.narrow(0, start, len);
      }
      ClearGradients(weights);
      at::Tensor out = model.graph().Forward(xb, ctx)[0];
      at::Tensor loss = ComputeLoss(setup.spec.loss, out, yb);
      loss.backward();
      setup.optimizer->Step(weights);
      model.ApplyWeightMasks();
      metrics.Update(loss.item<double>(), out.detach(), yb);
      stop = stop_mode();
      if (stop == StopMode::kNow) {
        ClearGradients(weights);
        return;
      }
      if (options.report_batches && hooks.on_batch) {
        hooks.on_batch(BatchReport{epoch, step, steps, len, metrics.Results()});
      }
      if (stop == StopMode::kAfterEpoch) break;
    }
    ClearGradients(weights);
    EpochReport report{epoch, metrics.Results()};
    if (validation) {
      Logs val = EvaluateLocked(model, validation->x, validation->y, options.batch_size, "val_");
      report.logs.insert(report.logs.end(), val.begin(), val.end());
    }
    report.logs.emplace_back("lr", setup.optimizer->learning_rate());
    lock.unlock();
    EpochAnswer answer = hooks.on_epoch ? hooks.on_epoch(report) : EpochAnswer{};
    if (answer.learning_rate) setup.optimizer->set_learning_rate(*answer.learning_rate);
    if (answer.stop || stop != StopMode::kContinue || stop_mode() != StopMode::kContinue) return;
  }
}

Logs Evaluate(Model& model, const at::Tensor& x, const at::Tensor& y, int64_t batch_size) {
  if (batch_size <= 0) throw SpecError("batch_size must be positive");
  std::lock_guard<std::mutex> lock(model.mutex());
  CheckPair(model, x, y, "evaluate");
  return EvaluateLocked(model, x, y, batch_size, "");
}

std::vector<at::Tensor> Predict(Model& model, const at::Tensor& x, int64_t batch_size, bool training,
                                std::optional<uint64_t> seed) {
  if (batch_size <= 0) throw SpecError("batch_size must be positive");
  std::lock_guard<std::mutex> lock(model.mutex());
  model.graph().CheckInput(x);
  c10::NoGradGuard no_grad;
  std::optional<at::Generator> gen;
  if (training) gen = JobGenerator(seed);
  const ForwardContext ctx{training, gen ? &*gen : nullptr};
  std::vector<std::vector<at::Tensor>> parts;
  const int64_t n = x.size(0);
  for (int64_t start = 0; start < n; start += batch_size) {
    auto outs = model.graph().Forward(x.narrow(0, start, std::min(batch_size, n - start)), ctx);
    if (parts.empty()) parts.resize(outs.size());
    for (size_t i = 0; i < outs.size(); ++i) parts[i].push_back(outs[i]);
  }
  std::vector<at::Tensor> result;
  for (auto& p : parts) result.push_back(p.size() == 1 ? p[0].contiguous() : at::cat(p, 0));
  return result;
}

std::vector<at::Tensor> Gradients(Model& model, const at::Tensor& x, const at::Tensor& y, bool training,
                                  std::optional<uint64_t> seed) {
  std::lock_guard<std::mutex> lock(model.mutex());
  TrainingSetup& setup = model.setup();
  CheckPair(model, x, y, "gradients");
  at::Generator gen = JobGenerator(seed);
  const std::vector<at::Tensor> weights = model.graph().Weights();
  ClearGradients(weights);
  at::Tensor out = model.graph().Forward(x, ForwardContext{training, &gen})[0];
  ComputeLoss(setup.spec.loss, out, y).backward();
  std::vector<at::Tensor> grads;
  for (const auto& w : weights) grads.push_back(w.grad().defined() ? w.grad().clone() : at::zeros_like(w));
  ClearGradients(weights);
  return grads;
}

}  // namespace tl
