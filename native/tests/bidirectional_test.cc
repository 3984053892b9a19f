// Bidirectional over LSTM: every merge mode against two explicitly built LSTMs (one with
// go_backwards) merged by hand, return_state, gradients to both directions, names, errors.
#include <gtest/gtest.h>

#include "spec_helpers.h"

#include "compat.h"
#include "errors.h"
#include "layers/bidirectional.h"
#include "layers/embedding.h"
#include "layers/factory.h"
#include "layers/lstm.h"
#include "model/graph.h"

namespace tl {
namespace {

using testing::Init;

LstmSpec Inner(int64_t units, bool return_sequences, bool return_state) {
  LstmSpec s;
  s.name = "lstm";
  s.units = units;
  s.activation = "tanh";
  s.recurrent_activation = "sigmoid";
  s.kernel_initializer = Init("GlorotUniform", std::nullopt);
  s.recurrent_initializer = Init("Orthogonal", std::nullopt);
  s.bias_initializer = Init("RandomUniform", std::nullopt);
  s.bias_initializer.minval = -0.5;
  s.bias_initializer.maxval = 0.5;
  s.return_sequences = return_sequences;
  s.return_state = return_state;
  return s;
}

Value Wrapped(const LayerSpec& inner) {
  Value v;
  v.Set("class_name", inner.class_name);
  v.Set("config", inner.config);
  return v;
}

LayerSpec Bi(const LayerSpec& inner, const Value& merge_mode, const std::string& name = "bi") {
  Value c;
  c.Set("name", name);
  c.Set("merge_mode", merge_mode);
  c.Set("layer", Wrapped(inner));
  return LayerSpec{"Bidirectional", name, c};
}

std::string MessageOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

// The reference: the inner layer built twice by hand (once with go_backwards) with the
// wrapper's weights, merged as Keras does.
std::vector<at::Tensor> ByHand(const LayerSpec& inner, const std::vector<at::Tensor>& weights, const at::Tensor& x,
                               const std::string& mode) {
  const Shape shape = {x.size(1), x.size(2)};
  auto forward = MakeLayer(inner, {shape});
  LayerSpec back_spec = inner;
  back_spec.config.Set("go_backwards", true);
  auto backward = MakeLayer(back_spec, {shape});
  {
    c10::NoGradGuard no_grad;
    auto fw = forward->Weights(), bw = backward->Weights();
    for (size_t i = 0; i < fw.size(); ++i) fw[i].copy_(weights[i]);
    for (size_t i = 0; i < bw.size(); ++i) bw[i].copy_(weights[fw.size() + i]);
  }
  auto y = forward->Call({x}, {at::Tensor()}, ForwardContext{}).tensors;
  auto y_rev = backward->Call({x}, {at::Tensor()}, ForwardContext{}).tensors;
  const bool sequences = inner.config.Find("return_sequences")->as_bool();
  at::Tensor a = y[0], b = sequences ? y_rev[0].flip({1}) : y_rev[0];
  std::vector<at::Tensor> out;
  if (mode == "concat") out = {at::cat({a, b}, -1)};
  if (mode == "sum") out = {a + b};
  if (mode == "mul") out = {a * b};
  if (mode == "ave") out = {(a + b) / 2};
  if (mode == "none") out = {a, b};
  for (size_t i = 1; i < y.size(); ++i) out.push_back(y[i]);
  for (size_t i = 1; i < y_rev.size(); ++i) out.push_back(y_rev[i]);
  return out;
}

// A GRU config: the LSTM's keys without unit_forget_bias, plus reset_after.
LayerSpec GruLayer(int64_t units, bool return_sequences, bool return_state, bool reset_after) {
  LayerSpec spec = testing::L(Inner(units, return_sequences, return_state));
  Value config;
  for (const auto& [key, value] : spec.config.as_object()) {
    if (key != "unit_forget_bias") config.Set(key, value);
  }
  config.Set("name", "gru");
  config.Set("reset_after", reset_after);
  return LayerSpec{"GRU", "gru", config};
}

void ExpectMatchesByHand(const LayerSpec& inner, const std::string& mode) {
  const bool sequences = inner.config.Find("return_sequences")->as_bool();
  const bool state = inner.config.Find("return_state")->as_bool();
  SCOPED_TRACE(inner.class_name + " " + mode + (sequences ? " sequences" : "") + (state ? " state" : ""));
  auto layer = MakeLayer(Bi(inner, mode == "none" ? Value() : Value(mode)), {{6, 3}});
  auto weights = layer->Weights();
  const size_t per_direction = MakeLayer(inner, {{6, 3}})->Weights().size();
  ASSERT_EQ(weights.size(), 2 * per_direction);
  EXPECT_FALSE(at::equal(weights[0], weights[per_direction]));  // each direction has its own weights
  auto x = at::randn({3, 6, 3}, compat::MakeCpuGenerator(21));
  auto got = layer->Call({x}, {at::Tensor()}, ForwardContext{}).tensors;
  auto want = ByHand(inner, weights, x, mode);
  ASSERT_EQ(got.size(), want.size());
  auto shapes = layer->OutputShapes();
  ASSERT_EQ(shapes.size(), got.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_TRUE(at::allclose(got[i], want[i], 1e-6, 1e-6)) << "output " << i;
    EXPECT_EQ(WithBatch(shapes[i]).size(), static_cast<size_t>(got[i].dim())) << "output " << i;
    EXPECT_EQ(shapes[i].back(), got[i].size(-1)) << "output " << i;
  }
  // The lean single-sample path (when the inner layer has one) gives the same outputs.
  std::vector<at::Tensor> lean;
  c10::NoGradGuard no_grad;
  if (!layer->CallLean(x.narrow(0, 0, 2), &lean)) return;
  ASSERT_EQ(lean.size(), got.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_TRUE(at::allclose(lean[i], got[i].narrow(0, 0, 2), 1e-5, 1e-6)) << "lean output " << i;
  }
}

void ExpectMatchesByHand(const std::string& mode, bool return_sequences, bool return_state) {
  ExpectMatchesByHand(testing::L(Inner(4, return_sequences, return_state)), mode);
}

TEST(Bidirectional, EveryMergeModeMatchesTwoLstmsMergedByHand) {
  for (const char* mode : {"concat", "sum", "mul", "ave", "none"}) {
    ExpectMatchesByHand(mode, false, false);
    ExpectMatchesByHand(mode, true, false);
    ExpectMatchesByHand(mode, true, true);
    ExpectMatchesByHand(mode, false, true);
  }
}

TEST(Bidirectional, EveryMergeModeOverGru) {
  for (const char* mode : {"concat", "sum", "mul", "ave", "none"}) {
    for (bool reset_after : {true, false}) {
      ExpectMatchesByHand(GruLayer(3, true, false, reset_after), mode);
      ExpectMatchesByHand(GruLayer(3, false, true, reset_after), mode);
    }
  }
}

TEST(Bidirectional, NamesShapesAndKerasWeightOrder) {
  auto layer = MakeLayer(Bi(testing::L(Inner(5, true, false)), Value("concat"), "encoder"), {{-1, 2}});
  auto* bi = dynamic_cast<Bidirectional*>(layer.get());
  ASSERT_NE(bi, nullptr);
  EXPECT_EQ(bi->forward_layer().name(), "forward_lstm");
  EXPECT_EQ(bi->backward_layer().name(), "backward_lstm");
  auto* back = dynamic_cast<Lstm*>(&bi->backward_layer());
  ASSERT_NE(back, nullptr);
  EXPECT_TRUE(back->spec().go_backwards);
  EXPECT_EQ(layer->OutputShapes()[0], (Shape{-1, 10}));
  auto w = layer->Weights();
  EXPECT_EQ(w[0].sizes(), at::IntArrayRef({2, 20}));   // forward kernel
  EXPECT_EQ(w[1].sizes(), at::IntArrayRef({5, 20}));   // forward recurrent kernel
  EXPECT_EQ(w[3].sizes(), at::IntArrayRef({2, 20}));   // backward kernel
  auto info = layer->Describe();
  EXPECT_EQ(info.params, 2 * (2 * 20 + 5 * 20 + 20));
  EXPECT_TRUE(info.kernel.has_value());
}

TEST(Bidirectional, ExplicitBackwardLayerIsUsedAsGiven) {
  LstmSpec fwd = Inner(3, false, false), bwd = Inner(3, false, false);
  fwd.name = "forward_lstm";
  bwd.name = "backward_lstm";
  bwd.go_backwards = true;
  bwd.activation = "relu";
  LayerSpec spec = Bi(testing::L(fwd), Value("sum"));
  spec.config.Set("backward_layer", Wrapped(testing::L(bwd)));
  auto layer = MakeLayer(spec, {{4, 2}});
  auto* bi = dynamic_cast<Bidirectional*>(layer.get());
  EXPECT_EQ(bi->forward_layer().name(), "forward_lstm");
  EXPECT_EQ(dynamic_cast<Lstm*>(&bi->backward_layer())->spec().activation, "relu");
  // Same go_backwards on both: an error naming the layer.
  bwd.go_backwards = false;
  spec.config.Set("backward_layer", Wrapped(testing::L(bwd)));
  const std::string msg = MessageOf([&] { MakeLayer(spec, {{4, 2}}); });
  EXPECT_NE(msg.find("'bi'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("go_backwards"), std::string::npos) << msg;
}

TEST(Bidirectional, GradientsFlowToBothDirections) {
  auto layer = MakeLayer(Bi(testing::L(Inner(4, true, false)), Value("concat")), {{5, 3}});
  auto x = at::randn({2, 5, 3}, compat::MakeCpuGenerator(4));
  auto w = layer->Weights();
  // A loss on the forward half reaches only the forward weights, on the backward half only the backward ones.
  auto y = layer->Call({x}, {at::Tensor()}, ForwardContext{}).tensors[0];
  y.narrow(-1, 0, 4).square().sum().backward();
  for (size_t i = 0; i < w.size(); ++i) {
    ASSERT_TRUE(w[i].grad().defined() || i >= 3) << "weight " << i;
    const double g = w[i].grad().defined() ? w[i].grad().abs().sum().item<double>() : 0.0;
    if (i < 3) {
      EXPECT_GT(g, 0.0) << "weight " << i;
    } else {
      EXPECT_EQ(g, 0.0) << "weight " << i;
    }
  }
  for (auto& t : w) {
    if (t.grad().defined()) t.mutable_grad().zero_();
  }
  y = layer->Call({x}, {at::Tensor()}, ForwardContext{}).tensors[0];
  y.square().sum().backward();
  for (size_t i = 0; i < w.size(); ++i) EXPECT_GT(w[i].grad().abs().sum().item<double>(), 0.0) << "weight " << i;
  // Input gradients: every timestep of x influences the output through both directions.
  auto xg = x.clone().set_requires_grad(true);
  layer->Call({xg}, {at::Tensor()}, ForwardContext{}).tensors[0].select(1, 0).narrow(-1, 4, 4).sum().backward();
  EXPECT_GT(xg.grad().select(1, 4).abs().sum().item<double>(), 0.0);  // backward half at t=0 sees t=4
}

TEST(Bidirectional, InnerRegularizersCountForBothDirections) {
  LstmSpec spec = Inner(3, false, false);
  RegularizerSpec l2;
  l2.l2 = 0.1;
  spec.kernel_regularizer = l2;
  auto layer = MakeLayer(Bi(testing::L(spec), Value("concat")), {{4, 2}});
  auto w = layer->Weights();
  const double want = 0.1 * (w[0].square().sum() + w[3].square().sum()).item<double>();
  EXPECT_NEAR(layer->RegularizationLoss().item<double>(), want, 1e-6);
}

TEST(Bidirectional, UnknownMergeModeNamesLayerAndOption) {
  const std::string msg = MessageOf([&] { MakeLayer(Bi(testing::L(Inner(3, false, false)), Value("max")), {{4, 2}}); });
  EXPECT_NE(msg.find("'bi'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("merge_mode"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'max'"), std::string::npos) << msg;
}

TEST(Bidirectional, RejectsANonRecurrentInnerLayer) {
  DenseSpec d;
  d.name = "d";
  d.units = 2;
  d.activation = "linear";
  d.kernel_initializer = Init("GlorotUniform");
  d.bias_initializer = Init("Zeros");
  const std::string msg = MessageOf([&] { MakeLayer(Bi(testing::L(d), Value("concat")), {{4, 2}}); });
  EXPECT_NE(msg.find("go_backwards"), std::string::npos) << msg;
}

TEST(Bidirectional, InAGraphWithDenseHead) {
  DenseSpec head;
  head.name = "head";
  head.units = 1;
  head.activation = "linear";
  head.kernel_initializer = Init("GlorotUniform");
  head.bias_initializer = Init("Zeros");
  Graph graph(testing::Chain({6, 2}, {Bi(testing::L(Inner(3, false, false)), Value("concat")), testing::L(head)}));
  EXPECT_EQ(graph.Weights().size(), 8u);
  auto x = at::randn({5, 6, 2}, compat::MakeCpuGenerator(9));
  auto out = graph.Forward({x}, ForwardContext{});
  EXPECT_EQ(out[0].sizes(), at::IntArrayRef({5, 1}));
  auto info = graph.Describe();
  EXPECT_EQ(info[0].output_shape, (std::vector<int64_t>{-1, 6}));
}

// Masks: a right-padded masked batch gives, at the valid steps, what the unpadded sequence gives;
// with return_sequences the masked steps are zero (Keras forces zero_output_for_mask).
TEST(Bidirectional, MaskedPaddingMatchesTheUnpaddedSequence) {
  for (bool sequences : {false, true}) {
    SCOPED_TRACE(sequences ? "sequences" : "last");
    auto layer = MakeLayer(Bi(testing::L(Inner(3, sequences, false)), Value("concat")), {{6, 2}});
    try {
      layer->OutputMasked({true});
    } catch (const Error&) {
      GTEST_SKIP() << "the LSTM does not take masks yet";
    }
    auto x = at::randn({1, 4, 2}, compat::MakeCpuGenerator(13));
    auto padded = at::cat({x, at::zeros({1, 2, 2})}, 1);
    auto mask = at::tensor({1, 1, 1, 1, 0, 0}).to(at::kBool).view({1, 6});
    auto want = layer->Call({x}, {at::Tensor()}, ForwardContext{});
    auto got = layer->Call({padded}, {mask}, ForwardContext{});
    if (sequences) {
      EXPECT_TRUE(at::allclose(got.tensors[0].narrow(1, 0, 4), want.tensors[0], 1e-5, 1e-6));
      EXPECT_TRUE(at::equal(got.tensors[0].narrow(1, 4, 2), at::zeros({1, 2, 6})));
      EXPECT_TRUE(at::equal(got.mask, mask));
    } else {
      EXPECT_TRUE(at::allclose(got.tensors[0], want.tensors[0], 1e-5, 1e-6));
      EXPECT_FALSE(got.mask.defined());
    }
  }
}

// Embedding(mask_zero) -> Bidirectional(LSTM): a padded batch (left- or right-padded) gives what
// each sequence gives alone, unpadded.
TEST(Bidirectional, EmbeddingMaskZeroThroughTheGraph) {
  for (int variant = 0; variant < 4; ++variant) {
    const bool sequences = variant % 2 == 1, gru = variant >= 2;
    SCOPED_TRACE(std::string(gru ? "GRU " : "LSTM ") + (sequences ? "sequences" : "last"));
    Value emb;
    emb.Set("name", "emb");
    emb.Set("input_dim", 10);
    emb.Set("output_dim", 3);
    InitializerSpec init = Init("RandomUniform", 5);
    init.minval = -0.5;
    init.maxval = 0.5;
    emb.Set("embeddings_initializer", testing::ToValue(init));
    emb.Set("embeddings_regularizer", Value());
    emb.Set("mask_zero", true);
    LstmSpec inner = Inner(4, sequences, false);
    inner.kernel_initializer = Init("GlorotUniform", 1);
    inner.recurrent_initializer = Init("Orthogonal", 2);
    LayerSpec inner_spec = testing::L(inner);
    if (gru) {
      inner_spec = GruLayer(4, sequences, false, true);
      inner_spec.config.Set("kernel_initializer", testing::ToValue(Init("GlorotUniform", 1)));
      inner_spec.config.Set("recurrent_initializer", testing::ToValue(Init("Orthogonal", 2)));
    }
    LayerSpec bi = Bi(inner_spec, Value("concat"));
    Graph padded(testing::Chain({6}, {LayerSpec{"Embedding", "emb", emb}, bi}));
    Graph alone(testing::Chain({-1}, {LayerSpec{"Embedding", "emb", emb}, bi}));
    alone.SetWeights(padded.GetWeights());
    // Row 0 right-padded, row 1 left-padded, row 2 full.
    auto tokens = at::tensor({3.0f, 1.0f, 4.0f, 0.0f, 0.0f, 0.0f,  //
                              0.0f, 0.0f, 5.0f, 9.0f, 2.0f, 6.0f,  //
                              5.0f, 3.0f, 5.0f, 8.0f, 9.0f, 7.0f})
                      .view({3, 6});
    const int64_t start[] = {0, 2, 0}, length[] = {3, 4, 6};
    auto out = padded.Forward({tokens}, ForwardContext{})[0];
    for (int64_t b = 0; b < 3; ++b) {
      SCOPED_TRACE("row " + std::to_string(b));
      auto row = tokens.narrow(0, b, 1).narrow(1, start[b], length[b]);
      auto want = alone.Forward({row}, ForwardContext{})[0];
      if (!sequences) {
        EXPECT_TRUE(at::allclose(out.narrow(0, b, 1), want, 1e-5, 1e-6));
        continue;
      }
      EXPECT_TRUE(at::allclose(out.narrow(0, b, 1).narrow(1, start[b], length[b]), want, 1e-5, 1e-6));
      auto keep = tokens.narrow(0, b, 1).ne(0).unsqueeze(-1);
      EXPECT_EQ(out.narrow(0, b, 1).masked_select(keep.logical_not()).abs().sum().item<double>(), 0.0);
    }
  }
}

}  // namespace
}  // namespace tl
