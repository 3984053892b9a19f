// Recurrent layers against explicit float64 reference loops written here (GRU both reset
// conventions, SimpleRNN, PeepholeLSTM), the stateful carry and resetStates, initial states
// through the graph, recurrent dropout, the lean loops, and the summary's kernel reasons.
#include <c10/core/GradMode.h>

#include "recurrent_helpers.h"

#include "compat.h"
#include "errors.h"
#include "model/graph.h"

namespace tl {
namespace {

using namespace testing;  // NOLINT

at::Tensor Randn(std::vector<int64_t> shape, uint64_t seed) { return at::randn(shape, compat::MakeCpuGenerator(seed)); }
at::Tensor D(const at::Tensor& t) { return t.detach().to(at::kDouble); }

// Keras GRUCell in float64, gates z, r, h; returns the last h.
at::Tensor GruReference(const std::vector<at::Tensor>& w, const at::Tensor& x, int64_t u, bool reset_after) {
  const at::Tensor k = D(w[0]), r_k = D(w[1]), bias = D(w[2]);
  const at::Tensor in_b = reset_after ? bias[0] : bias;
  at::Tensor h = at::zeros({x.size(0), u}, at::kDouble);
  for (int64_t t = 0; t < x.size(1); ++t) {
    const at::Tensor xt = at::matmul(D(x.select(1, t)), k) + in_b;
    const at::Tensor xz = xt.narrow(1, 0, u), xr = xt.narrow(1, u, u), xh = xt.narrow(1, 2 * u, u);
    at::Tensor z, r, hh;
    if (reset_after) {
      const at::Tensor inner = at::matmul(h, r_k) + bias[1];
      z = at::sigmoid(xz + inner.narrow(1, 0, u));
      r = at::sigmoid(xr + inner.narrow(1, u, u));
      hh = at::tanh(xh + r * inner.narrow(1, 2 * u, u));
    } else {
      z = at::sigmoid(xz + at::matmul(h, r_k.narrow(1, 0, u)));
      r = at::sigmoid(xr + at::matmul(h, r_k.narrow(1, u, u)));
      hh = at::tanh(xh + at::matmul(r * h, r_k.narrow(1, 2 * u, u)));
    }
    h = z * h + (1 - z) * hh;
  }
  return h;
}

TEST(Gru, MatchesFloat64ReferenceBothConventions) {
  const auto x = Randn({3, 5, 4}, 31);
  for (bool reset_after : {true, false}) {
    for (UseFused f : {UseFused::kAuto, UseFused::kNever}) {
      auto spec = GruS(6, reset_after);
      spec.use_cudnn = f;
      Gru layer(spec, {5, 4});
      const auto out = layer.Forward(x, ForwardContext{});
      EXPECT_EQ(layer.last_kernel(), reset_after && f == UseFused::kAuto ? "fused" : "cell loop");
      const auto ref = GruReference(layer.Weights(), x, 6, reset_after);
      EXPECT_TRUE(at::allclose(D(out[0]), ref, 1e-5, 1e-6)) << "reset_after=" << reset_after;
    }
  }
  EXPECT_EQ(Gru(GruS(6, true), {5, 4}).Weights()[2].sizes(), at::IntArrayRef({2, 18}));
  EXPECT_EQ(Gru(GruS(6, false), {5, 4}).Weights()[2].sizes(), at::IntArrayRef({18}));
}

TEST(SimpleRnn, MatchesFloat64Reference) {
  const auto x = Randn({2, 4, 3}, 32);
  for (const char* act : {"tanh", "relu", "sigmoid"}) {
    SimpleRnn layer(RnnS(5, act), {4, 3});
    const auto out = layer.Forward(x, ForwardContext{});
    const auto w = layer.Weights();
    at::Tensor h = at::zeros({2, 5}, at::kDouble);
    for (int64_t t = 0; t < 4; ++t) {
      const at::Tensor z = at::matmul(D(x.select(1, t)), D(w[0])) + at::matmul(h, D(w[1])) + D(w[2]);
      h = std::string(act) == "tanh" ? at::tanh(z) : std::string(act) == "relu" ? at::relu(z) : at::sigmoid(z);
    }
    EXPECT_TRUE(at::allclose(D(out[0]), h, 1e-5, 1e-6)) << act;
    EXPECT_EQ(layer.last_kernel(), std::string(act) == "sigmoid" ? "cell loop" : "fused");
  }
}

TEST(PeepholeLstm, MatchesFloat64Reference) {
  auto spec = LstmS(4);
  spec.return_sequences = true;
  spec.return_state = true;
  PeepholeLstm layer(spec, {6, 3});
  const auto w = layer.Weights();
  ASSERT_EQ(w.size(), 6u);
  for (int i = 3; i < 6; ++i) EXPECT_EQ(w[i].sizes(), at::IntArrayRef({4}));
  const auto x = Randn({2, 6, 3}, 33);
  const auto out = layer.Forward(x, ForwardContext{});
  const int64_t u = 4;
  at::Tensor h = at::zeros({2, u}, at::kDouble), c = at::zeros({2, u}, at::kDouble);
  std::vector<at::Tensor> hs;
  for (int64_t t = 0; t < 6; ++t) {
    const at::Tensor z = at::matmul(D(x.select(1, t)), D(w[0])) + at::matmul(h, D(w[1])) + D(w[2]);
    const at::Tensor i = at::sigmoid(z.narrow(1, 0, u) + D(w[3]) * c);
    const at::Tensor f = at::sigmoid(z.narrow(1, u, u) + D(w[4]) * c);
    c = f * c + i * at::tanh(z.narrow(1, 2 * u, u));
    const at::Tensor o = at::sigmoid(z.narrow(1, 3 * u, u) + D(w[5]) * c);
    h = o * at::tanh(c);
    hs.push_back(h);
  }
  EXPECT_TRUE(at::allclose(D(out[0]), at::stack(hs, 1), 1e-5, 1e-6));
  EXPECT_TRUE(at::allclose(D(out[1]), h, 1e-5, 1e-6));
  EXPECT_TRUE(at::allclose(D(out[2]), c, 1e-5, 1e-6));
  // Gradients reach the peephole weights.
  (out[0].sum() + out[2].sum()).backward();
  for (int i = 3; i < 6; ++i) EXPECT_GT(w[i].grad().abs().sum().item<double>(), 0.0);
}

TEST(Recurrent, StatefulCarriesStatesAndResets) {
  auto spec = LstmS(4);
  spec.return_state = true;
  auto stateful_spec = spec;
  stateful_spec.stateful = true;
  Lstm stateful(stateful_spec, {-1, 3});
  Lstm plain(spec, {-1, 3});
  const auto x = Randn({3, 7, 3}, 34);
  stateful.Forward(x.narrow(1, 0, 4), ForwardContext{});
  const auto second = stateful.Forward(x.narrow(1, 4, 3), ForwardContext{});
  const auto whole = plain.Forward(x, ForwardContext{});
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(at::allclose(second[i], whole[i], 1e-5, 1e-6)) << i;
  ASSERT_EQ(stateful.carried_states().size(), 2u);
  EXPECT_FALSE(stateful.carried_states()[0].requires_grad());  // no gradient across batches
  EXPECT_THROW(stateful.Forward(Randn({2, 3, 3}, 35), ForwardContext{}), Error);  // batch size fixed
  stateful.ResetStates();
  EXPECT_TRUE(stateful.carried_states().empty());
  const auto fresh = stateful.Forward(x.narrow(1, 4, 3), ForwardContext{});
  const auto ref = plain.Forward(x.narrow(1, 4, 3), ForwardContext{});
  EXPECT_TRUE(at::allclose(fresh[0], ref[0], 1e-6, 1e-7));
  // An explicit initial state wins over the carry (Keras).
  const auto h0 = Randn({3, 4}, 36), c0 = Randn({3, 4}, 37);
  const auto given = stateful.Call({x, h0, c0}, {at::Tensor()}, ForwardContext{}).tensors;
  const auto given_ref = plain.Call({x, h0, c0}, {at::Tensor()}, ForwardContext{}).tensors;
  EXPECT_TRUE(at::allclose(given[0], given_ref[0], 1e-6, 1e-7));
}

TEST(Recurrent, StatefulThroughTheGraphSkipsTheLeanPath) {
  auto gru = GruS(3);
  gru.stateful = true;
  Graph model(Chain({5, 2}, {L(gru)}));
  const auto x = Randn({2, 5, 2}, 38);
  c10::NoGradGuard no_grad;
  const auto a = model.Forward({x}, ForwardContext{})[0];
  const auto b = model.Forward({x}, ForwardContext{})[0];
  EXPECT_FALSE(at::allclose(a, b));
  model.ResetStates();
  EXPECT_TRUE(at::allclose(model.Forward({x}, ForwardContext{})[0], a));
}

TEST(Recurrent, InitialStateAsExtraGraphInputs) {
  auto lstm = LstmS(4);
  ModelSpec spec;
  spec.name = "m";
  spec.inputs = {InputSpec{"x", {6, 3}}, InputSpec{"h0", {4}}, InputSpec{"c0", {4}}};
  spec.layers = {L(lstm)};
  spec.nodes = {NodeSpec{0, {TensorRef{-1, 0}, TensorRef{-1, 1}, TensorRef{-1, 2}}}};
  spec.outputs = {TensorRef{0, 0}};
  Graph model(spec);
  const auto x = Randn({2, 6, 3}, 39), h0 = Randn({2, 4}, 40), c0 = Randn({2, 4}, 41);
  Lstm same(lstm, {6, 3});
  const auto expected = same.Call({x, h0, c0}, {at::Tensor()}, ForwardContext{}).tensors[0];
  EXPECT_TRUE(at::allclose(model.Forward({x, h0, c0}, ForwardContext{})[0], expected, 1e-6, 1e-7));
  EXPECT_FALSE(at::allclose(model.Forward({x, at::zeros({2, 4}), at::zeros({2, 4})}, ForwardContext{})[0], expected));
  // Two states for a GRU is a build error naming the layer.
  spec.layers = {L(GruS(4))};
  EXPECT_THROW(Graph{spec}, Error);
}

TEST(Recurrent, RecurrentDropoutTrainsThroughTheLoop) {
  for (int kind = 0; kind < 3; ++kind) {
    std::unique_ptr<Recurrent> layer;
    if (kind == 0) {
      auto s = LstmS(4);
      s.dropout = 0.2;
      s.recurrent_dropout = 0.3;
      layer.reset(new Lstm(s, {5, 3}));
    } else if (kind == 1) {
      auto s = GruS(4, kind == 1);
      s.dropout = 0.2;
      s.recurrent_dropout = 0.3;
      layer.reset(new Gru(s, {5, 3}));
    } else {
      auto s = GruS(4, false);
      s.recurrent_dropout = 0.3;
      layer.reset(new Gru(s, {5, 3}));
    }
    auto gen = compat::MakeCpuGenerator(42);
    ForwardContext train{true, &gen};
    const auto x = Randn({8, 5, 3}, 43);
    const auto y = layer->Forward(x, train)[0];
    // The LSTM and the GRU train through their fused CPU kernels (which take the dropout masks).
    EXPECT_EQ(layer->last_kernel(), "fused CPU kernel, analytic backward");
    EXPECT_TRUE(at::isfinite(y).all().item<bool>());
    EXPECT_FALSE(at::allclose(y, layer->Forward(x, ForwardContext{})[0]));
    EXPECT_EQ(layer->last_kernel(), kind == 2 ? "cell loop" : "fused");
    y.sum().backward();
    EXPECT_GT(layer->Weights()[1].grad().abs().sum().item<double>(), 0.0);
  }
}

TEST(Recurrent, LeanLoopsMatchTheGeneralCall) {
  const auto x = Randn({3, 5, 2}, 44);
  auto check = [&](Recurrent& layer) {
    std::vector<at::Tensor> lean;
    ASSERT_TRUE(layer.CallLean(x, &lean));
    const auto general = layer.Forward(x, ForwardContext{});
    ASSERT_EQ(lean.size(), general.size());
    for (size_t i = 0; i < lean.size(); ++i) EXPECT_TRUE(at::allclose(lean[i], general[i], 1e-5, 1e-6)) << i;
  };
  for (bool reset_after : {true, false}) {
    for (bool backwards : {false, true}) {
      auto s = GruS(4, reset_after);
      s.go_backwards = backwards;
      s.return_sequences = true;
      s.return_state = true;
      Gru layer(s, {5, 2});
      check(layer);
    }
  }
  auto r = RnnS(4, "relu");
  r.return_state = true;
  SimpleRnn rnn(r, {5, 2});
  check(rnn);
  // PeepholeLSTM against its cell loop (useCudnn=false: the Step the float64 test checks),
  // every activation pair the lean loops vectorize or not.
  for (const auto& [act, ract] : std::vector<std::pair<std::string, std::string>>{
           {"tanh", "sigmoid"}, {"relu", "hard_sigmoid"}, {"selu", "sigmoid"}}) {
    for (bool backwards : {false, true}) {
      auto s = LstmS(4);
      s.activation = act;
      s.recurrent_activation = ract;
      s.go_backwards = backwards;
      s.return_sequences = true;
      s.return_state = true;
      s.use_cudnn = UseFused::kNever;
      PeepholeLstm layer(s, {5, 2});
      check(layer);
    }
  }
  std::vector<at::Tensor> none;
  auto p = LstmS(3);
  p.stateful = true;
  EXPECT_FALSE(Lstm(p, {5, 2}).CallLean(x, &none));
}

TEST(Recurrent, SummaryNamesTheKernelAndWhy) {
  auto gru = Gru(GruS(3, false), {4, 2}).Describe();
  EXPECT_EQ(gru.kernel->training, "fused CPU kernel, analytic backward (CPU; cell loop elsewhere)");
  EXPECT_EQ(gru.kernel->reason, "resetAfter=false needs the cell loop (except on the CPU: the fused CPU kernel)");
  EXPECT_EQ(gru.params, 2 * 9 + 3 * 9 + 9);
  auto fused = Gru(GruS(3, true), {4, 2}).Describe();
  EXPECT_EQ(fused.kernel->inference, "fused CPU kernel (CPU; fused at::gru elsewhere)");
  EXPECT_EQ(fused.params, 2 * 9 + 3 * 9 + 18);
  EXPECT_EQ(SimpleRnn(RnnS(3, "relu"), {4, 2}).Describe().kernel->training, "fused at::rnn_relu");
  auto peephole = PeepholeLstm(LstmS(3), {4, 2}).Describe();
  EXPECT_EQ(peephole.class_name, "PeepholeLSTM");
  // LibTorch's fused kernel has no peepholes; the fused CPU kernel has.
  EXPECT_EQ(peephole.kernel->training, "fused CPU kernel, analytic backward (CPU; cell loop elsewhere)");
  EXPECT_EQ(peephole.kernel->inference, "fused CPU kernel (CPU; cell loop elsewhere)");
  EXPECT_EQ(peephole.kernel->reason, "a peephole cell needs the cell loop (except on the CPU: the fused CPU kernel)");
  auto bad = GruS(3, false);
  bad.use_cudnn = UseFused::kAlways;
  EXPECT_THROW(Gru(bad, {4, 2}), Error);
  auto forced = LstmS(3);
  forced.use_cudnn = UseFused::kAlways;
  EXPECT_THROW(PeepholeLstm(forced, {4, 2}), Error);
}

TEST(Recurrent, FactoryBuildsEveryKind) {
  Graph gru(Chain({4, 2}, {L(GruS(3))}));
  Graph rnn(Chain({4, 2}, {L(RnnS(3))}));
  auto peephole = L(LstmS(3));
  peephole.class_name = "PeepholeLSTM";
  Graph p(Chain({4, 2}, {peephole}));
  for (Graph* g : {&gru, &rnn, &p}) {
    EXPECT_EQ(g->Forward({Randn({2, 4, 2}, 45)}, ForwardContext{})[0].sizes(), at::IntArrayRef({2, 3}));
  }
  EXPECT_EQ(p.Weights().size(), 6u);
}

}  // namespace
}  // namespace tl
