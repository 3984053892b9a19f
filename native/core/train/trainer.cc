#include <c10/core/GradMode.h>

#include "trainer.h"

#include <random>

#include "../compat.h"
#include "../errors.h"
#include "losses.h"
#include "precision.h"

namespace tl {
namespace {

void CheckData(const Model& model, const Dataset& data, const char* what) {
  model.graph().CheckInputs(data.xs);
  const int64_t n = data.xs[0].size(0);
  if (data.ys.size() != model.graph().num_outputs()) {
    throw ShapeError(std::string(what) + ": the model has " + std::to_string(model.graph().num_outputs()) +
                     " output(s) but received " + std::to_string(data.ys.size()) + " target(s)");
  }
  for (const at::Tensor& y : data.ys) {
    if (y.dim() == 0 || y.size(0) != n) {
      throw ShapeError(std::string(what) + ": x has " + std::to_string(n) + " samples but y has " +
                       (y.dim() == 0 ? std::string("none") : std::to_string(y.size(0))));
    }
  }
  if (data.sample_weight.defined() && (data.sample_weight.dim() != 1 || data.sample_weight.size(0) != n)) {
    throw ShapeError(std::string(what) + ": sample weights must have shape [" + std::to_string(n) + "] but have " +
                     ShapeString(data.sample_weight.sizes().vec()));
  }
}

// Every tensor of `data` on `device` (moved once per call, not per batch).
Dataset OnDevice(const Dataset& data, const at::Device& device) {
  if (device.is_cpu()) return data;
  Dataset out;
  for (const auto& x : data.xs) out.xs.push_back(x.to(device));
  for (const auto& y : data.ys) out.ys.push_back(y.to(device));
  if (data.sample_weight.defined()) out.sample_weight = data.sample_weight.to(device);
  return out;
}

// Rows [start, start + len) of every tensor, or the rows `index` selects.
Dataset Rows(const Dataset& data, const at::Tensor& index, int64_t start, int64_t len) {
  const auto take = [&](const at::Tensor& t) {
    if (!t.defined()) return t;
    return index.defined() ? t.index_select(0, index.narrow(0, start, len)) : t.narrow(0, start, len);
  };
  Dataset out;
  for (const auto& x : data.xs) out.xs.push_back(take(x));
  for (const auto& y : data.ys) out.ys.push_back(take(y));
  out.sample_weight = take(data.sample_weight);
  return out;
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

// One batch through the model: outputs, the total loss (weighted outputs' losses plus weight
// and activity penalties, as Keras reports it) and each output's weighted loss.
struct BatchResult {
  std::vector<at::Tensor> outputs;
  at::Tensor loss;
  std::vector<at::Tensor> output_losses;  // scalars, read when the logs are
};

BatchResult RunBatch(Model& model, const Dataset& batch, const ForwardContext& ctx) {
  TrainingSetup& setup = model.setup();
  BatchResult r;
  at::Tensor activity;
  {
    // Mixed precision: the forward pass under autocast; losses and penalties in float32.
    AutocastScope autocast(setup.precision, model.device());
    r.outputs = model.graph().Forward(batch.xs, ctx, &activity);
  }
  for (auto& out : r.outputs) {
    if (out.scalar_type() != at::kFloat) out = out.to(at::kFloat);
  }
  if (activity.defined()) activity = activity.to(at::kFloat);
  for (size_t o = 0; o < r.outputs.size(); ++o) {
    at::Tensor value = ComputeLoss(setup.spec.losses[o], r.outputs[o], batch.ys[o], batch.sample_weight);
    if (setup.spec.loss_weights[o] != 1.0) value = value * setup.spec.loss_weights[o];
    r.output_losses.push_back(value.detach());
    r.loss = r.loss.defined() ? r.loss + value : value;
  }
  if (at::Tensor reg = model.graph().RegularizationLoss(); reg.defined()) r.loss = r.loss + reg;
  if (activity.defined()) r.loss = r.loss + activity;
  return r;
}

// Targets as the metrics read them (aligned per output as the loss aligns them).
std::vector<at::Tensor> Detached(const std::vector<at::Tensor>& ts) {
  std::vector<at::Tensor> out;
  for (const auto& t : ts) out.push_back(t.detach());
  return out;
}

// Loss and metrics over `data` in inference mode; the caller holds the model lock.
Logs EvaluateLocked(Model& model, const Dataset& on_host, int64_t batch_size, const std::string& prefix) {
  c10::NoGradGuard no_grad;
  const Dataset data = OnDevice(on_host, model.device());
  MetricSet metrics(model.setup().spec);
  const int64_t n = data.xs[0].size(0);
  for (int64_t start = 0; start < n; start += batch_size) {
    const int64_t len = std::min(batch_size, n - start);
    Dataset batch = Rows(data, at::Tensor(), start, len);
    BatchResult r = RunBatch(model, batch, ForwardContext{false, nullptr, model.device()});
    metrics.Update(r.loss, r.output_losses, r.outputs, batch.ys, len);
  }
  return metrics.Results(prefix);
}

}  // namespace

void Fit(Model& model, const Dataset& on_host, const std::optional<Dataset>& validation, const FitOptions& options,
         const FitHooks& hooks) {
  if (options.batch_size <= 0) throw SpecError("batch_size must be positive");
  TrainingSetup& setup = model.setup();
  CheckData(model, on_host, "fit");
  if (validation) CheckData(model, *validation, "fit validation data");
  // The data moves to the model's device once per fit.
  const Dataset data = OnDevice(on_host, model.device());
  at::Generator gen = JobGenerator(options.seed);
  const ForwardContext ctx{/*training=*/true, &gen, model.device()};
  const int64_t n = data.xs[0].size(0);
  const int64_t steps = (n + options.batch_size - 1) / options.batch_size;
  const std::vector<at::Tensor> weights = model.graph().Weights();
  MetricSet metrics(setup.spec);

  const auto stop_mode = [&hooks] { return hooks.stop_requested ? hooks.stop_requested() : StopMode::kContinue; };
  for (int64_t epoch = options.initial_epoch; epoch < options.epochs; ++epoch) {
    std::unique_lock<std::mutex> lock(model.mutex());
    metrics.Reset();
    StopMode stop = StopMode::kContinue;
    at::Tensor order = options.shuffle ? at::randperm(n, gen, at::TensorOptions().dtype(at::kLong)) : at::Tensor();
    if (order.defined() && !model.device().is_cpu()) order = order.to(model.device());
    for (int64_t step = 0; step < steps; ++step) {
      const int64_t start = step * options.batch_size;
      const int64_t len = std::min(options.batch_size, n - start);
      Dataset batch = Rows(data, order, start, len);
      ClearGradients(weights);
      BatchResult r = RunBatch(model, batch, ctx);
      if (setup.scaler) {
        // float16: scaled backward, unscale before clipping, skip the step on inf/NaN.
        setup.scaler->Scale(r.loss).backward();
        const bool finite = setup.scaler->Unscale(weights);
        if (finite) setup.optimizer->Step(weights);
        setup.scaler->Update(finite);
      } else {
        r.loss.backward();
        setup.optimizer->Step(weights);
      }
      model.ApplyWeightMasks();
      metrics.Update(r.loss, r.output_losses, Detached(r.outputs), batch.ys, len);
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
      Logs val = EvaluateLocked(model, *validation, options.batch_size, "val_");
      report.logs.insert(report.logs.end(), val.begin(), val.end());
    }
    report.logs.emplace_back("lr", setup.optimizer->learning_rate());
    lock.unlock();
    EpochAnswer answer = hooks.on_epoch ? hooks.on_epoch(report) : EpochAnswer{};
    if (answer.learning_rate) setup.optimizer->set_learning_rate(*answer.learning_rate);
    if (answer.stop || stop != StopMode::kContinue || stop_mode() != StopMode::kContinue) return;
  }
}

Logs Evaluate(Model& model, const Dataset& data, int64_t batch_size) {
  if (batch_size <= 0) throw SpecError("batch_size must be positive");
  std::lock_guard<std::mutex> lock(model.mutex());
  model.setup();
  CheckData(model, data, "evaluate");
  return EvaluateLocked(model, data, batch_size, "");
}

std::vector<at::Tensor> Predict(Model& model, const std::vector<at::Tensor>& xs, int64_t batch_size, bool training,
                                std::optional<uint64_t> seed) {
  if (batch_size <= 0) throw SpecError("batch_size must be positive");
  std::lock_guard<std::mutex> lock(model.mutex());
  model.graph().CheckInputs(xs);
  c10::NoGradGuard no_grad;
  std::optional<at::Generator> gen;
  if (training) gen = JobGenerator(seed);
  const at::Device device = model.device();
  const ForwardContext ctx{training, gen ? &*gen : nullptr, device};
  const Precision precision = model.compiled() ? model.setup().precision : Precision::kFloat32;
  std::vector<std::vector<at::Tensor>> parts;
  const int64_t n = xs[0].size(0);
  for (int64_t start = 0; start < n; start += batch_size) {
    const int64_t len = std::min(batch_size, n - start);
    std::vector<at::Tensor> batch;
    for (const auto& x : xs) batch.push_back(device.is_cpu() ? x.narrow(0, start, len) : x.narrow(0, start, len).to(device));
    std::vector<at::Tensor> outs;
    {
      AutocastScope autocast(precision, device);
      outs = model.graph().Forward(batch, ctx);
    }
    if (parts.empty()) parts.resize(outs.size());
    for (size_t i = 0; i < outs.size(); ++i) parts[i].push_back(outs[i].to(at::kCPU, at::kFloat));
  }
  std::vector<at::Tensor> result;
  for (auto& p : parts) result.push_back(p.size() == 1 ? p[0].contiguous() : at::cat(p, 0));
  return result;
}

std::vector<at::Tensor> Gradients(Model& model, const Dataset& data, bool training, std::optional<uint64_t> seed) {
  std::lock_guard<std::mutex> lock(model.mutex());
  model.setup();
  CheckData(model, data, "gradients");
  at::Generator gen = JobGenerator(seed);
  const std::vector<at::Tensor> weights = model.graph().Weights();
  ClearGradients(weights);
  RunBatch(model, OnDevice(data, model.device()), ForwardContext{training, &gen, model.device()}).loss.backward();
  std::vector<at::Tensor> grads;
  for (const auto& w : weights) grads.push_back((w.grad().defined() ? w.grad().clone() : at::zeros_like(w)).cpu());
  ClearGradients(weights);
  return grads;
}

}  // namespace tl
