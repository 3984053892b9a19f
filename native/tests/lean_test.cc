// The lean small-batch inference loops against the general (ATen) path.
#include <gtest/gtest.h>

#include "recurrent_helpers.h"
#include "spec_helpers.h"

#include "compat.h"
#include "model/graph.h"

namespace tl {
namespace {

using testing::Chain;
using testing::RnnS;
using testing::Init;
using testing::L;

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
  Graph model(spec);
  c10::NoGradGuard no_grad;
  const Shape& in = spec.inputs[0].shape;
  auto x = at::randn({kLeanMaxBatch + 3, in[0], in[1]}, compat::MakeCpuGenerator(8));
  auto general = model.Forward({x}, ForwardContext{});
  std::vector<at::Tensor> first;
  ASSERT_TRUE(model.layers()[0]->CallLean(x.narrow(0, 0, 1), &first)) << "the first layer has no lean form";
  for (int64_t batch = 1; batch <= kLeanMaxBatch; ++batch) {
    auto lean = model.Forward({x.narrow(0, 0, batch)}, ForwardContext{});
    ASSERT_EQ(lean.size(), general.size());
    for (size_t i = 0; i < lean.size(); ++i) {
      EXPECT_TRUE(at::allclose(lean[i], general[i].narrow(0, 0, batch), 1e-5, 1e-5))
          << "output " << i << " batch " << batch << " max diff "
          << (lean[i] - general[i].narrow(0, 0, batch)).abs().max().item<float>();
    }
  }
}

TEST(Lean, StackedLstmAndDense) {
  auto first = Lstm("lstm", 8, "tanh", "sigmoid");
  first.return_sequences = true;
  DropoutSpec drop;
  drop.name = "dropout";
  drop.rate = 0.5;
  ExpectLeanMatchesGeneral(Chain({9, 3}, {L(first), L(drop), L(Lstm("lstm_1", 5, "tanh", "sigmoid")), L(Dense("linear", 2))}));
}

TEST(Lean, KerasVariantsAndStates) {
  for (const auto& [act, ract] : {std::pair<std::string, std::string>{"relu", "hard_sigmoid"}, {"elu", "sigmoid"},
                                  {"softsign", "hard_sigmoid"}, {"selu", "sigmoid"}}) {
    auto l = Lstm("lstm", 7, act, ract);
    l.go_backwards = true;
    l.return_sequences = true;
    l.return_state = true;
    l.use_bias = act != "elu";
    ExpectLeanMatchesGeneral(Chain({6, 4}, {L(l)}, 3));
  }
}

TEST(Lean, DenseActivationsOnSequences) {
  for (const char* act : {"tanh", "sigmoid", "relu", "gelu", "swish", "softplus", "exponential"}) {
    auto l = Lstm("lstm", 4, "tanh", "sigmoid");
    l.return_sequences = true;
    ExpectLeanMatchesGeneral(Chain({5, 3}, {L(l), L(Dense(act, 3))}));
  }
}

// Unit counts whose 4H (and H) leave every tail of the register tiles: 16-wide, 64-wide, scalar.
TEST(Lean, UnitCountsAcrossTileBoundaries) {
  for (int64_t units : {1, 3, 16, 17, 33, 70}) {
    auto first = Lstm("lstm", units, "tanh", "sigmoid");
    first.return_sequences = true;
    ExpectLeanMatchesGeneral(Chain({7, 5}, {L(first), L(Lstm("lstm_1", units + 2, "tanh", "sigmoid")), L(Dense("linear", 3))}));
  }
}

TEST(Lean, EveryRecurrentActivation) {
  // The vectorized activations (the fused kernels' set) and the scalar ones (selu, gelu, ...).
  for (const char* act : {"tanh", "sigmoid", "hard_sigmoid", "relu", "relu6", "linear", "softsign", "elu", "selu",
                          "gelu", "swish", "softplus"}) {
    auto l = Lstm("lstm", 6, act, "sigmoid");
    l.return_sequences = true;
    auto r = Lstm("lstm_1", 5, "tanh", act);
    ExpectLeanMatchesGeneral(Chain({4, 3}, {L(l), L(r)}));
  }
}

TEST(Lean, SimpleRnnActivationsAndStates) {
  for (const char* act : {"tanh", "relu", "sigmoid", "elu", "selu", "softsign", "linear"}) {
    auto first = RnnS(9, act);
    first.return_sequences = true;
    first.go_backwards = true;
    auto second = RnnS(4, act);
    second.name = "rnn_1";
    second.return_state = true;
    second.use_bias = false;
    ExpectLeanMatchesGeneral(Chain({6, 3}, {L(first), L(second)}, 2));
  }
}

TEST(Lean, W1ShapeWithLongSequences) {
  auto first = Lstm("lstm", 64, "tanh", "sigmoid");
  first.return_sequences = true;
  ExpectLeanMatchesGeneral(Chain({10, 1}, {L(first), L(Lstm("lstm_1", 32, "tanh", "sigmoid")), L(Dense("linear", 1))}));
  ExpectLeanMatchesGeneral(Chain({60, 2}, {L(Lstm("lstm", 24, "tanh", "sigmoid")), L(Dense("sigmoid", 2))}));
}

}  // namespace
}  // namespace tl
