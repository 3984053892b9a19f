// Training, evaluation, prediction and gradients over a Model, all in C++:
// shuffle, batch, forward, loss, backward, clip, optimizer step, metrics.
#pragma once

#include <ATen/ATen.h>

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "../model/model.h"

namespace tl {

using Logs = std::vector<std::pair<std::string, double>>;

struct BatchReport {
  int64_t epoch = 0, batch = 0, steps = 0, size = 0;
  /// Running means over the epoch so far.
  Logs logs;
};

struct EpochReport {
  int64_t epoch = 0;
  Logs logs;
};

/// What the caller answers at an epoch end.
struct EpochAnswer {
  bool stop = false;
  std::optional<double> learning_rate;
};

/// What the caller wants after the batch in flight.
enum class StopMode {
  kContinue,
  /// Keras's stop_training: leave the batch loop, then validate and report the epoch.
  kAfterEpoch,
  /// Abort: return at once, no epoch report.
  kNow,
};

struct FitHooks {
  /// Polled after every batch.
  std::function<StopMode()> stop_requested;
  /// Called after each batch when `FitOptions::report_batches` (must not block long).
  std::function<void(const BatchReport&)> on_batch;
  /// Called at each epoch end with the model lock released; blocks until answered.
  std::function<EpochAnswer(const EpochReport&)> on_epoch;
};

/// Labelled data: one tensor per model input, one target per model output, and optional
/// per-sample weights [n] (undefined: all ones).
struct Dataset {
  std::vector<at::Tensor> xs, ys;
  at::Tensor sample_weight;
};

/// Trains `model` (compiled) on `data`. Throws ERR_SHAPE for mismatched data.
void Fit(Model& model, const Dataset& data, const std::optional<Dataset>& validation, const FitOptions& options,
         const FitHooks& hooks);

/// Loss and metrics over `data` in inference mode, Keras keys.
Logs Evaluate(Model& model, const Dataset& data, int64_t batch_size);

/// Every model output, computed batch by batch and concatenated. Inference mode, unless
/// `training` (Monte-Carlo dropout: masks drawn from a generator seeded with `seed`).
std::vector<at::Tensor> Predict(Model& model, const std::vector<at::Tensor>& xs, int64_t batch_size,
                                bool training = false, std::optional<uint64_t> seed = std::nullopt);

/// Gradient of the loss (as training computes it: weighted outputs' losses plus regularization)
/// over all of `data` w.r.t. every weight (Keras order). `training` turns dropout on, drawn from
/// a generator seeded with `seed`.
std::vector<at::Tensor> Gradients(Model& model, const Dataset& data, bool training, std::optional<uint64_t> seed);

}  // namespace tl
