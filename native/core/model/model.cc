#include "model.h"

#include "../train/losses.h"

namespace tl {

void Model::Compile(const CompileSpec& spec) {
  CheckLoss(spec.loss);
  for (const auto& m : spec.metrics) CheckMetric(m);
  auto setup = std::make_unique<TrainingSetup>();
  setup->spec = spec;
  setup->optimizer = MakeOptimizer(spec.optimizer);
  setup_ = std::move(setup);
}

TrainingSetup& Model::setup() {
  if (!setup_) throw Error(ErrorCode::kNotCompiled, "The model must be compiled before training or evaluation; call model.compile({ optimizer, loss }) first");
  return *setup_;
}

}  // namespace tl
