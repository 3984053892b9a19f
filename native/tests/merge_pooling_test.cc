// Concatenate, Add, GlobalAveragePooling1D, GlobalMaxPooling1D and TimeDistributed: values,
// shapes, Keras mask rules, clear errors; the article's LSTM + Attention model trains.
#include <gtest/gtest.h>

#include "layer_helpers.h"

#include "errors.h"
#include "model/model.h"
#include "train/trainer.h"

namespace tl {
namespace {

using testing::Build;
using testing::Config;

std::string MessageOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Concatenate, JoinsAlongAxisWithKerasMasks) {
  auto layer = Build("Concatenate", "cat", Config({{"axis", -1}}), {{4, 2}, {4, 3}});
  EXPECT_EQ(layer->OutputShapes(), (std::vector<Shape>{{4, 5}}));
  auto a = at::randn({2, 4, 2}), b = at::randn({2, 4, 3});
  const at::Tensor ma = testing::BoolMask({1, 1, 0, 0, 1, 0, 0, 0}, 2, 4);
  // One input unmasked: every step counts as kept (Keras: ones for the unmasked input, any over features).
  auto out = layer->Call({a, b}, {ma, at::Tensor()}, ForwardContext{});
  EXPECT_TRUE(at::equal(out.tensors[0], at::cat({a, b}, -1)));
  EXPECT_TRUE(at::equal(out.mask, at::ones({2, 4}, at::kBool)));
  const at::Tensor mb = testing::BoolMask({0, 1, 0, 0, 1, 1, 0, 0}, 2, 4);
  EXPECT_TRUE(at::equal(layer->Call({a, b}, {ma, mb}, ForwardContext{}).mask, ma.logical_or(mb)));
  EXPECT_TRUE(layer->OutputMasked({true, false}));
  EXPECT_FALSE(layer->OutputMasked({false, false}));

  auto in_time = Build("Concatenate", "cat_t", Config({{"axis", 1}}), {{4, 2}, {-1, 2}});
  EXPECT_EQ(in_time->OutputShapes(), (std::vector<Shape>{{-1, 2}}));
  auto c = at::randn({2, 3, 2});
  auto joined = in_time->Call({a.narrow(2, 0, 2), c}, {ma, at::Tensor()}, ForwardContext{});
  EXPECT_EQ(joined.tensors[0].sizes().vec(), (std::vector<int64_t>{2, 7, 2}));
  EXPECT_TRUE(at::equal(joined.mask, at::cat({ma, at::ones({2, 3}, at::kBool)}, 1)));

  const std::string m = MessageOf([] { Build("Concatenate", "cat", Config({{"axis", -1}}), {{4, 2}, {5, 3}}); });
  EXPECT_NE(m.find("Layer 'cat' (Concatenate)"), std::string::npos) << m;
  EXPECT_NE(m.find("[null, 4, 2], [null, 5, 3]"), std::string::npos) << m;
}

TEST(Add, SumsAndOrsMasksWhenAllAreMasked) {
  auto layer = Build("Add", "add", Config({}), {{3, 4}, {3, 4}, {1, 4}});
  EXPECT_EQ(layer->OutputShapes(), (std::vector<Shape>{{3, 4}}));
  auto a = at::randn({2, 3, 4}), b = at::randn({2, 3, 4}), c = at::randn({2, 1, 4});
  const at::Tensor ma = testing::BoolMask({1, 0, 0, 1, 1, 0}, 2, 3);
  const at::Tensor mb = testing::BoolMask({0, 1, 0, 1, 0, 0}, 2, 3);
  auto out = layer->Call({a, b, c}, {ma, mb, at::Tensor()}, ForwardContext{});
  EXPECT_TRUE(at::allclose(out.tensors[0], a + b + c));
  EXPECT_FALSE(out.mask.defined());  // Keras 3: an unmasked input drops the mask
  auto two = Build("Add", "add2", Config({}), {{3, 4}, {3, 4}});
  EXPECT_TRUE(at::equal(two->Call({a, b}, {ma, mb}, ForwardContext{}).mask, ma.logical_or(mb)));
  EXPECT_TRUE(two->OutputMasked({true, true}));
  EXPECT_FALSE(two->OutputMasked({true, false}));
}

TEST(Add, MismatchedShapesNameTheLayerAndBothShapes) {
  const std::string m = MessageOf([] { Build("Add", "add_1", Config({}), {{10, 8}, {10, 6}}); });
  EXPECT_NE(m.find("Layer 'add_1' (Add)"), std::string::npos) << m;
  EXPECT_NE(m.find("[null, 10, 8] and [null, 10, 6]"), std::string::npos) << m;
  EXPECT_THROW(Build("Add", "add_2", Config({}), {{10, 8}, {8}}), Error);
}

Value PoolConfig(const std::string& format, bool keepdims) {
  return Config({{"data_format", format}, {"keepdims", keepdims}});
}

TEST(GlobalAveragePooling1D, MaskedMeanOverTime) {
  auto layer = Build("GlobalAveragePooling1D", "gap", PoolConfig("channels_last", false), {{4, 3}});
  EXPECT_EQ(layer->OutputShapes(), (std::vector<Shape>{{3}}));
  auto x = at::randn({2, 4, 3});
  EXPECT_TRUE(at::allclose(layer->Call({x}, {at::Tensor()}, ForwardContext{}).tensors[0], x.mean(1)));
  const at::Tensor mask = testing::BoolMask({1, 1, 0, 0, 0, 1, 1, 1}, 2, 4);
  x[0][2].fill_(std::numeric_limits<float>::infinity());  // masked steps never reach the sum
  auto out = layer->Call({x}, {mask}, ForwardContext{});
  EXPECT_TRUE(at::allclose(out.tensors[0][0], x[0].narrow(0, 0, 2).mean(0)));
  EXPECT_TRUE(at::allclose(out.tensors[0][1], x[1].narrow(0, 1, 3).mean(0)));
  EXPECT_FALSE(out.mask.defined());
  EXPECT_FALSE(layer->OutputMasked({true}));

  auto first = Build("GlobalAveragePooling1D", "gap2", PoolConfig("channels_first", true), {{3, 4}});
  EXPECT_EQ(first->OutputShapes(), (std::vector<Shape>{{3, 1}}));
  auto y = at::randn({2, 3, 4});
  EXPECT_TRUE(at::allclose(first->Call({y}, {}, ForwardContext{}).tensors[0], y.mean(2, true)));
}

TEST(GlobalMaxPooling1D, MaxOverTimeAndNoMask) {
  auto layer = Build("GlobalMaxPooling1D", "gmp", PoolConfig("channels_last", true), {{4, 3}});
  EXPECT_EQ(layer->OutputShapes(), (std::vector<Shape>{{1, 3}}));
  auto x = at::randn({2, 4, 3});
  EXPECT_TRUE(at::equal(layer->Call({x}, {}, ForwardContext{}).tensors[0], std::get<0>(x.max(1, true))));
  const std::string m = MessageOf([&] { layer->OutputMasked({true}); });
  EXPECT_NE(m.find("Layer 'gmp' (GlobalMaxPooling1D) cannot take a mask"), std::string::npos) << m;
}

Value DenseValue(const std::string& name, int64_t units, const std::string& activation) {
  DenseSpec d;
  d.name = name;
  d.units = units;
  d.activation = activation;
  d.kernel_initializer = testing::Init("GlorotUniform", 3);
  d.bias_initializer = testing::Init("RandomUniform", 4);
  d.bias_initializer.minval = -0.5;
  d.bias_initializer.maxval = 0.5;
  d.kernel_regularizer = RegularizerSpec{0.0, 0.3};
  return Config({{"class_name", "Dense"}, {"config", testing::L(d).config}});
}

TEST(TimeDistributed, AppliesTheInnerLayerToEveryStep) {
  auto layer = Build("TimeDistributed", "td", Config({{"layer", DenseValue("inner", 5, "tanh")}}), {{-1, 3}});
  EXPECT_EQ(layer->OutputShapes(), (std::vector<Shape>{{-1, 5}}));
  const auto w = layer->Weights();
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0].sizes().vec(), (std::vector<int64_t>{3, 5}));
  auto x = at::randn({2, 6, 3});
  const at::Tensor mask = at::ones({2, 6}, at::kBool);
  auto out = layer->Call({x}, {mask}, ForwardContext{});
  EXPECT_TRUE(at::allclose(out.tensors[0], at::tanh(at::matmul(x, w[0]) + w[1]), 1e-5, 1e-6));
  EXPECT_TRUE(out.mask.defined());  // passes through
  // The wrapped layer's kernel penalty is the wrapper's.
  EXPECT_NEAR(layer->RegularizationLoss().item<double>(), 0.3 * w[0].square().sum().item<double>(), 1e-5);
  EXPECT_THROW(Build("TimeDistributed", "td", Config({{"layer", DenseValue("inner", 5, "tanh")}}), {{3}}), Error);
}

// The article's section 7: lstm_out = LSTM(16, return_sequences)(inputs);
// Attention()([lstm_out, lstm_out]) -> GlobalAveragePooling1D -> Dense(1); loss falls.
TEST(Attention, LstmSelfAttentionModelTrains) {
  LstmSpec lstm;
  lstm.name = "lstm";
  lstm.units = 16;
  lstm.activation = "tanh";
  lstm.recurrent_activation = "sigmoid";
  lstm.kernel_initializer = testing::Init("GlorotUniform", 1);
  lstm.recurrent_initializer = testing::Init("Orthogonal", 2);
  lstm.recurrent_initializer.gain = 1.0;
  lstm.bias_initializer = testing::Init("Zeros");
  lstm.return_sequences = true;
  DenseSpec head;
  head.name = "head";
  head.units = 1;
  head.activation = "linear";
  head.kernel_initializer = testing::Init("GlorotUniform", 3);
  head.bias_initializer = testing::Init("Zeros");
  Value attention = Config({{"name", "attention"}, {"use_scale", false}, {"score_mode", "dot"}, {"dropout", 0.0},
                            {"use_causal_mask", false}, {"return_attention_scores", false}});
  ModelSpec spec;
  spec.name = "lstm_attention";
  spec.inputs = {InputSpec{"inputs", {12, 2}}};
  spec.layers = {testing::L(lstm), LayerSpec{"Attention", "attention", attention},
                 LayerSpec{"GlobalAveragePooling1D", "gap",
                           Config({{"name", "gap"}, {"data_format", "channels_last"}, {"keepdims", false}})},
                 testing::L(head)};
  spec.nodes = {NodeSpec{0, {TensorRef{-1, 0}}}, NodeSpec{1, {TensorRef{0, 0}, TensorRef{0, 0}}},
                NodeSpec{2, {TensorRef{1, 0}}}, NodeSpec{3, {TensorRef{2, 0}}}};
  spec.outputs = {TensorRef{3, 0}};
  Model model(spec);
  OptimizerSpec adam;
  adam.class_name = "Adam";
  adam.learning_rate = 0.01;
  adam.beta_1 = 0.9;
  adam.beta_2 = 0.999;
  adam.epsilon = 1e-7;
  LossSpec mse;
  mse.class_name = "MeanSquaredError";
  model.Compile(testing::Compile(adam, mse));
  auto x = at::randn({64, 12, 2}, compat::MakeCpuGenerator(5));
  auto y = (x.select(2, 0).sum(1, true) * 0.3).tanh();
  const Dataset data{{x}, {y}, at::Tensor()};
  const double before = Evaluate(model, data, 64)[0].second;
  FitOptions options;
  options.epochs = 25;
  options.batch_size = 16;
  options.seed = 6;
  Fit(model, data, std::nullopt, options, FitHooks{});
  const double after = Evaluate(model, data, 64)[0].second;
  EXPECT_LT(after, 0.5 * before) << before << " -> " << after;
}

}  // namespace
}  // namespace tl
