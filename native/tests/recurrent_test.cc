// The recurrent base through every layer: fused and loop kernels agree in outputs and
// gradients (plain, go_backwards, initial states, batch 1, one timestep, masks), and a masked
// batch equals each sequence computed alone on its valid steps.
#include "recurrent_helpers.h"

#include "compat.h"
#include "errors.h"

namespace tl {
namespace {

using namespace testing;  // NOLINT

at::Tensor Randn(std::vector<int64_t> shape, uint64_t seed) { return at::randn(shape, compat::MakeCpuGenerator(seed)); }

// Row b valid for its first lengths[b] steps.
at::Tensor RightPadded(const std::vector<int64_t>& lengths, int64_t steps) {
  auto mask = at::zeros({static_cast<int64_t>(lengths.size()), steps}, at::kBool);
  for (size_t b = 0; b < lengths.size(); ++b) mask[b].narrow(0, 0, lengths[b]).fill_(true);
  return mask;
}

template <typename S>
S Full(S spec, bool backwards) {
  spec.return_sequences = true;
  spec.return_state = true;
  spec.go_backwards = backwards;
  return spec;
}

// Every layer kind with the fused kernel available, in every return mode.
std::vector<std::pair<std::string, MakeRecurrent>> FusableLayers(bool backwards, int64_t features) {
  return {
      {"LSTM", Maker<Lstm>(Full(LstmS(4), backwards), {6, features})},
      {"GRU", Maker<Gru>(Full(GruS(5), backwards), {6, features})},
      {"SimpleRNN tanh", Maker<SimpleRnn>(Full(RnnS(3), backwards), {6, features})},
      {"SimpleRNN relu", Maker<SimpleRnn>(Full(RnnS(3, "relu"), backwards), {6, features})},
  };
}

TEST(Recurrent, FusedMatchesLoopPlain) {
  for (bool backwards : {false, true}) {
    for (auto& [name, make] : FusableLayers(backwards, 3)) {
      SCOPED_TRACE(name + (backwards ? " backwards" : ""));
      ExpectFusedMatchesLoop(make, Randn({4, 6, 3}, 11));
    }
  }
}

TEST(Recurrent, FusedMatchesLoopLastOutputOnly) {
  auto spec = GruS(4);
  ExpectFusedMatchesLoop(Maker<Gru>(spec, {6, 3}), Randn({3, 6, 3}, 12));
  auto lstm = LstmS(4);
  lstm.use_bias = false;
  ExpectFusedMatchesLoop(Maker<Lstm>(lstm, {6, 3}), Randn({3, 6, 3}, 12));
  auto gru = GruS(4);
  gru.use_bias = false;
  ExpectFusedMatchesLoop(Maker<Gru>(gru, {6, 3}), Randn({3, 6, 3}, 12));
  auto rnn = RnnS(4);
  rnn.use_bias = false;
  ExpectFusedMatchesLoop(Maker<SimpleRnn>(rnn, {6, 3}), Randn({3, 6, 3}, 12));
}

TEST(Recurrent, FusedMatchesLoopBatchOneAndOneStep) {
  for (auto& [name, make] : FusableLayers(false, 2)) {
    SCOPED_TRACE(name);
    ExpectFusedMatchesLoop(make, Randn({1, 6, 2}, 13));
  }
  // One timestep (the layers are built for 6 steps; the time axis may vary per call).
  for (auto& [name, make] : FusableLayers(true, 2)) {
    SCOPED_TRACE(name + " T=1");
    ExpectFusedMatchesLoop(make, Randn({2, 1, 2}, 14));
  }
}

TEST(Recurrent, FusedMatchesLoopWithInitialState) {
  for (bool backwards : {false, true}) {
    for (auto& [name, make] : FusableLayers(backwards, 3)) {
      SCOPED_TRACE(name);
      const int64_t units = make(UseFused::kAuto)->options().units;
      std::vector<at::Tensor> initial = {Randn({4, units}, 15)};
      if (name == "LSTM") initial.push_back(Randn({4, units}, 16));
      ExpectFusedMatchesLoop(make, Randn({4, 6, 3}, 17), at::Tensor(), initial);
    }
  }
}

TEST(Recurrent, RightPaddedMaskKeepsFusedKernel) {
  const auto mask = RightPadded({6, 2, 4, 1}, 6);
  for (bool backwards : {false, true}) {
    for (auto& [name, make] : FusableLayers(backwards, 3)) {
      SCOPED_TRACE(name + (backwards ? " backwards" : ""));
      ExpectFusedMatchesLoop(make, Randn({4, 6, 3}, 18), mask, {}, "fused (packed)");
      const int64_t units = make(UseFused::kAuto)->options().units;
      std::vector<at::Tensor> initial = {Randn({4, units}, 19)};
      if (name == "LSTM") initial.push_back(Randn({4, units}, 20));
      ExpectFusedMatchesLoop(make, Randn({4, 6, 3}, 21), mask, initial, "fused (packed)");
    }
  }
}

TEST(Recurrent, OtherMasksForceTheLoop) {
  auto mask = RightPadded({6, 2, 4, 1}, 6);
  mask[1][4] = true;  // a hole: not right-padded
  for (auto& [name, make] : FusableLayers(false, 3)) {
    SCOPED_TRACE(name);
    ExpectFusedMatchesLoop(make, Randn({4, 6, 3}, 22), mask, {}, "cell loop");
  }
  // A fully masked sequence cannot be packed either.
  for (auto& [name, make] : FusableLayers(true, 3)) {
    SCOPED_TRACE(name + " empty row");
    ExpectFusedMatchesLoop(make, Randn({4, 6, 3}, 23), RightPadded({6, 0, 4, 1}, 6), {}, "cell loop");
  }
  // An all-true mask is no mask.
  auto [name, make] = FusableLayers(false, 3)[0];
  ExpectFusedMatchesLoop(make, Randn({2, 6, 3}, 24), at::ones({2, 6}, at::kBool), {}, "fused");
}

// A masked batch against each sequence run alone on its valid steps (no mask): same states;
// outputs at valid steps equal the per-sequence outputs, masked steps repeat the previous
// output (zeros before the first valid step), in processing order.
void ExpectMaskedMatchesPerSequence(const MakeRecurrent& make, UseFused fused, const at::Tensor& x,
                                    const at::Tensor& mask) {
  auto layer = make(fused);
  const bool backwards = layer->options().go_backwards;
  const auto out = layer->Call({x}, {mask}, ForwardContext{}).tensors;  // {sequence, h(, c)}
  const at::Tensor processing_mask = backwards ? mask.flip({1}) : mask;
  for (int64_t b = 0; b < x.size(0); ++b) {
    SCOPED_TRACE("row " + std::to_string(b));
    const at::Tensor valid = mask[b].nonzero().squeeze(1);
    auto alone = make(fused);
    const auto ref = alone->Call({x[b].index_select(0, valid).unsqueeze(0)}, {at::Tensor()}, ForwardContext{}).tensors;
    for (size_t s = 1; s < out.size(); ++s) {
      EXPECT_TRUE(at::allclose(out[s][b], ref[s][0], 1e-5, 1e-6)) << "state " << s - 1;
    }
    const auto count = processing_mask[b].to(at::kLong).cumsum(0);
    for (int64_t p = 0; p < x.size(1); ++p) {
      const int64_t n = count[p].item<int64_t>();
      const at::Tensor expected = n > 0 ? ref[0][0][n - 1] : at::zeros({layer->options().units});
      EXPECT_TRUE(at::allclose(out[0][b][p], expected, 1e-5, 1e-6)) << "step " << p;
    }
  }
}

TEST(Recurrent, MaskedEqualsPerSequenceComputation) {
  auto holes = RightPadded({6, 3, 5, 2}, 6);
  holes[0][1] = false;
  holes[2][0] = false;  // left padding
  for (bool backwards : {false, true}) {
    for (auto& [name, make] : FusableLayers(backwards, 3)) {
      SCOPED_TRACE(name + (backwards ? " backwards" : ""));
      const auto x = Randn({4, 6, 3}, 25);
      ExpectMaskedMatchesPerSequence(make, UseFused::kAuto, x, RightPadded({6, 3, 5, 2}, 6));  // packed
      ExpectMaskedMatchesPerSequence(make, UseFused::kNever, x, RightPadded({6, 3, 5, 2}, 6));
      ExpectMaskedMatchesPerSequence(make, UseFused::kAuto, x, holes);  // loop
    }
  }
}

TEST(Recurrent, MaskedPeepholeEqualsPerSequenceComputation) {
  auto mask = RightPadded({5, 2, 4}, 5);
  mask[2][0] = false;
  auto make = [](UseFused) { return std::unique_ptr<Recurrent>(new PeepholeLstm(Full(LstmS(3), false), {5, 2})); };
  ExpectMaskedMatchesPerSequence(make, UseFused::kAuto, Randn({3, 5, 2}, 26), mask);
}

TEST(Recurrent, OutputMaskFollowsReturnSequences) {
  auto seq = Full(GruS(3), false);
  Gru with(seq, {4, 2});
  EXPECT_TRUE(with.OutputMasked({true}));
  EXPECT_FALSE(with.OutputMasked({false}));
  auto mask = RightPadded({4, 2}, 4);
  EXPECT_TRUE(at::equal(with.Call({Randn({2, 4, 2}, 27)}, {mask}, ForwardContext{}).mask, mask));
  auto last = GruS(3);
  Gru without(last, {4, 2});
  EXPECT_FALSE(without.OutputMasked({true}));
  EXPECT_FALSE(without.Call({Randn({2, 4, 2}, 27)}, {mask}, ForwardContext{}).mask.defined());
}

TEST(Recurrent, SummaryStatesTheMaskRule) {
  Lstm layer(LstmS(3), {4, 2});
  layer.OutputMasked({true});
  auto info = layer.Describe();
  ASSERT_TRUE(info.kernel.has_value());
  EXPECT_EQ(info.kernel->inference, "fused CPU kernel (CPU; fused at::lstm elsewhere)");
  EXPECT_NE(info.kernel->reason.find("right-padded masks keep the fused kernel"), std::string::npos);
  EXPECT_NE(info.kernel->reason.find("any other mask forces the cell loop"), std::string::npos);
  Lstm plain(LstmS(3), {4, 2});
  EXPECT_EQ(plain.Describe().kernel->reason.find("mask"), std::string::npos);
}

TEST(Recurrent, BadCallsNameTheLayer) {
  Gru layer(GruS(3), {4, 2});
  const auto x = Randn({2, 4, 2}, 28);
  try {
    layer.Call({x, Randn({2, 3}, 1), Randn({2, 3}, 2)}, {at::Tensor()}, ForwardContext{});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("Layer 'gru' (GRU) takes 1 initial state(s) [h]"), std::string::npos) << e.what();
  }
  EXPECT_THROW(layer.Call({x, Randn({2, 4}, 1)}, {at::Tensor()}, ForwardContext{}), Error);  // wrong units
  EXPECT_THROW(layer.Call({x}, {at::ones({2, 3}, at::kBool)}, ForwardContext{}), Error);     // wrong mask shape
  EXPECT_THROW(layer.Call({Randn({2, 4, 3}, 1)}, {at::Tensor()}, ForwardContext{}), Error);  // wrong features
}

}  // namespace
}  // namespace tl
