// Shared by the device and precision tests (device_test.cc, cuda_test.cc): a small seeded
// LSTM -> Dense model, an Adam/mse compile with a precision policy, and a task it learns.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "spec_helpers.h"

#include "compat.h"
#include "model/model.h"
#include "train/trainer.h"

namespace tl::testing {

inline ModelSpec SmallLstm() {
  LstmSpec l;
  l.name = "lstm";
  l.units = 16;
  l.activation = "tanh";
  l.recurrent_activation = "sigmoid";
  l.kernel_initializer = Init("GlorotUniform", 1);
  l.recurrent_initializer = Init("Orthogonal", 2);
  l.bias_initializer = Init("Zeros", 3);
  DenseSpec d;
  d.name = "dense";
  d.units = 1;
  d.activation = "linear";
  d.kernel_initializer = Init("GlorotUniform", 4);
  d.bias_initializer = Init("Zeros", 5);
  return Chain({12, 3}, {L(l), L(d)});
}

inline CompileSpec Adam(const std::string& precision) {
  OptimizerSpec o;
  o.class_name = "Adam";
  o.learning_rate = 0.01;
  o.beta_1 = 0.9;
  o.beta_2 = 0.999;
  o.epsilon = 1e-7;
  LossSpec mse;
  mse.class_name = "MeanSquaredError";
  CompileSpec c = Compile(o, mse);
  c.precision = precision;
  return c;
}

// y = mean of the last step's features: a task an LSTM learns in a few epochs.
inline Dataset Task() {
  auto x = at::randn({128, 12, 3}, compat::MakeCpuGenerator(21));
  auto y = x.select(1, 11).mean(1, true);
  return Dataset{{x}, {y}, at::Tensor()};
}

inline double TrainedLoss(const std::string& device, const std::string& precision) {
  Model model(SmallLstm(), ModelOptions{device, false});
  model.Compile(Adam(precision));
  FitOptions options;
  options.epochs = 15;
  options.batch_size = 32;
  options.seed = 3;
  Fit(model, Task(), std::nullopt, options, FitHooks{});
  return Evaluate(model, Task(), 128)[0].second;
}

}  // namespace tl::testing
