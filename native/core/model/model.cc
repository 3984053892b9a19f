#include "model.h"

#include <c10/core/GradMode.h>

#include "../device.h"
#include "../train/losses.h"

namespace tl {

Model::Model(const ModelSpec& spec, const ModelOptions& options) : graph_(spec), device_(ResolveDevice(options.device)) {
  if (options.deterministic) SetDeterministic(true);
  if (!device_.is_cpu()) graph_.MoveTo(device_);
}

void Model::Compile(const CompileSpec& spec) {
  const size_t outputs = graph_.num_outputs();
  if (spec.losses.size() != outputs || spec.loss_weights.size() != outputs || spec.metrics.size() != outputs ||
      spec.output_names.size() != outputs) {
    throw SpecError("compile: the model has " + std::to_string(outputs) + " output(s) but the compile spec gives " +
                    std::to_string(spec.losses.size()) + " losses, " + std::to_string(spec.loss_weights.size()) +
                    " loss weights, " + std::to_string(spec.metrics.size()) + " metric lists and " +
                    std::to_string(spec.output_names.size()) + " output names");
  }
  for (const auto& loss : spec.losses) CheckLoss(loss);
  for (const auto& list : spec.metrics) {
    for (const auto& m : list) CheckMetric(m);
  }
  auto setup = std::make_unique<TrainingSetup>();
  setup->spec = spec;
  setup->precision = ParsePrecision(spec.precision, device_);
  if (setup->precision == Precision::kMixedFloat16) setup->scaler = std::make_unique<GradScaler>();
  setup->optimizer = MakeOptimizer(spec.optimizer);
  setup_ = std::move(setup);
}

void Model::SetWeightMasks(std::vector<at::Tensor> masks) {
  const auto weights = graph_.Weights();
  if (!masks.empty() && masks.size() != weights.size()) {
    throw ShapeError("setWeightMasks expects " + std::to_string(weights.size()) + " masks (or none) but received " +
                     std::to_string(masks.size()));
  }
  for (size_t i = 0; i < masks.size(); ++i) {
    if (masks[i].defined() && masks[i].sizes() != weights[i].sizes()) {
      throw ShapeError("setWeightMasks: mask " + std::to_string(i) + " expects shape " +
                       ShapeString(weights[i].sizes().vec()) + " but received " + ShapeString(masks[i].sizes().vec()));
    }
    if (masks[i].defined()) masks[i] = (masks[i] != 0).to(weights[i].options());
  }
  masks_ = std::move(masks);
  ApplyWeightMasks();
}

void Model::ApplyWeightMasks() {
  if (masks_.empty()) return;
  c10::NoGradGuard no_grad;
  const auto weights = graph_.Weights();
  for (size_t i = 0; i < masks_.size(); ++i) {
    if (masks_[i].defined()) weights[i].mul_(masks_[i]);
  }
}

TrainingSetup& Model::setup() {
  if (!setup_) throw Error(ErrorCode::kNotCompiled, "The model must be compiled before training or evaluation; call model.compile({ optimizer, loss }) first");
  return *setup_;
}

}  // namespace tl
