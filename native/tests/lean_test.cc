// The lean small-batch inference loops against the general (ATen) path.
#include <gtest/gtest.h>

#include "spec_helpers.h"

#include "compat.h"
#include "model/sequential.h"

namespace tl {
namespace {

using testing::Init;

LstmSpec Lstm(const std::string& name, int64_t units, const std::string& act, const std::string& ract) {
  LstmSpec l;
  l.name = name;
  l.units = units;
  l.activation = act;
  l.recurrent_activation = ract;
  l.kernel_initializer = Init("GlorotUniform", 1);
  l.recurrent_initializer = Init("Orthogonal", 2);
  l.recurrent_initializer.gain = 1.0;
  l.bias_initializer = Init("RandomUniform", 3);
  l.bias_initializer.minval = -0.5;
  l.bias_initializer.maxval = 0.5;
  return l;
}

DenseSpec Dense(const std::string& act, int64_t units) {
  DenseSpec d;
  d.name = "dense_" + act;
  d.units = units;
  d.activation = act;
  d.kernel_initializer = Init("GlorotUniform", 4);
  d.bias_initializer = Init("RandomUniform", 5);
  d.bias_initializer.minval = -0.5;
  d.bias_initializer.maxval = 0.5;
  return d;
}

// Rows predicted alone (lean loops, batch <= kLeanMaxBatch) equal the same rows predicted in
// a batch large enough for the general path.
void ExpectLeanMatchesGeneral(const ModelSpec& spec) {
  Sequential model(spec);
  c10::NoGradGuard no_grad;
  auto x = at::randn({kLeanMaxBatch + 3, spec.input_shape[0], spec.input_shape[1]}, compat::MakeCpuGenerator(8));
  auto general = model.Forward(x, ForwardContext{});
  for (int64_t batch : {int64_t{1}, kLeanMaxBatch}) {
    auto lean = model.Forward(x.narrow(0, 0, batch), ForwardContext{});
    ASSERT_EQ(lean.size(), general.size());
    for (size_t i = 0; i < lean.size(); ++i) {
      EXPECT_TRUE(at::allclose(lean[i], general[i].narrow(0, 0, batch), 1e-5, 1e-5))
          << "output " << i << " batch " << batch << " max diff "
          << (lean[i] - general[i].narrow(0, 0, batch)).abs().max().item<float>();
    }
  }
}

TEST(Lean, StackedLstmAndDense) {
  ModelSpec spec;
  spec.name = "m";
  spec.input_shape = {9, 3};
  auto first = Lstm("lstm", 8, "tanh", "sigmoid");
  first.return_sequences = true;
  DropoutSpec drop;
  drop.name = "dropout";
  drop.rate = 0.5;
  spec.layers = {first, drop, Lstm("lstm_1", 5, "tanh", "sigmoid"), Dense("linear", 2)};
  ExpectLeanMatchesGeneral(spec);
}

TEST(Lean, KerasVariantsAndStates) {
  for (const auto& [act, ract] : {std::pair<std::string, std::string>{"relu", "hard_sigmoid"}, {"elu", "sigmoid"},
                                  {"softsign", "hard_sigmoid"}, {"selu", "sigmoid"}}) {
    ModelSpec spec;
    spec.name = "m";
    spec.input_shape = {6, 4};
    auto l = Lstm("lstm", 7, act, ract);
    l.go_backwards = true;
    l.return_sequences = true;
    l.return_state = true;
    l.use_bias = act != "elu";
    spec.layers = {l};
    ExpectLeanMatchesGeneral(spec);
  }
}

TEST(Lean, DenseActivationsOnSequences) {
  for (const char* act : {"tanh", "sigmoid", "relu", "gelu", "swish", "softplus", "exponential"}) {
    ModelSpec spec;
    spec.name = "m";
    spec.input_shape = {5, 3};
    auto l = Lstm("lstm", 4, "tanh", "sigmoid");
    l.return_sequences = true;
    spec.layers = {l, Dense(act, 3)};
    ExpectLeanMatchesGeneral(spec);
  }
}

}  // namespace
}  // namespace tl
