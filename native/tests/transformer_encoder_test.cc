// TransformerEncoder (post- and pre-norm, masked) against a float64 composition of the
// keras_hub block, its weight order, the num_heads error; PositionEmbedding; a functional
// model (PositionEmbedding + Add + TransformerEncoder + pooling) that trains.
#include <gtest/gtest.h>

#include "attention_reference.h"
#include "layer_helpers.h"

#include "errors.h"
#include "model/model.h"
#include "train/trainer.h"

namespace tl {
namespace {

using testing::Build;
using testing::Config;
using testing::RandnD;

Value EncoderConfig(int64_t intermediate, int64_t heads, bool normalize_first) {
  return Config({{"intermediate_dim", intermediate},
                 {"num_heads", heads},
                 {"dropout", 0.0},
                 {"activation", "relu"},
                 {"layer_norm_epsilon", 1e-5},
                 {"kernel_initializer", testing::ToValue(testing::Init("GlorotUniform", 3))},
                 {"bias_initializer", testing::ToValue(testing::Init("Zeros"))},
                 {"kernel_regularizer", Value()},
                 {"bias_regularizer", Value()},
                 {"activity_regularizer", Value()},
                 {"normalize_first", normalize_first}});
}

at::Tensor Norm(const at::Tensor& x, const at::Tensor& gamma, const at::Tensor& beta, double eps) {
  const at::Tensor mean = x.mean(-1, true);
  const at::Tensor var = (x - mean).square().mean(-1, true);
  return (x - mean) / (var + eps).sqrt() * gamma + beta;
}

// keras_hub TransformerEncoder.call, composed from the float64 MultiHeadAttention reference.
at::Tensor EncoderReference(const std::vector<at::Tensor>& w, const at::Tensor& x, const at::Tensor& mask, bool pre) {
  const std::vector<at::Tensor> mha(w.begin(), w.begin() + 8);
  at::Tensor a = pre ? Norm(x, w[8], w[9], 1e-5) : x;
  at::Tensor y = testing::MhaReference(mha, true, a, a, a, mask, mask, at::Tensor(), false).first + x;
  if (!pre) y = Norm(y, w[8], w[9], 1e-5);
  at::Tensor h = pre ? Norm(y, w[10], w[11], 1e-5) : y;
  at::Tensor z = at::matmul(at::relu(at::matmul(h, w[12]) + w[13]), w[14]) + w[15] + y;
  return pre ? z : Norm(z, w[10], w[11], 1e-5);
}

void ExpectEncoderMatches(bool pre, bool masked) {
  auto layer = Build("TransformerEncoder", "enc", EncoderConfig(10, 2, pre), {{5, 6}});
  testing::ToFloat64(*layer);
  testing::Randomize(*layer, 9);
  std::vector<at::Tensor> w;
  for (const auto& t : layer->Weights()) w.push_back(t.detach());
  auto x = RandnD({3, 5, 6}, 10);
  at::Tensor mask;
  if (masked) mask = testing::BoolMask({1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1}, 3, 5);
  auto out = layer->Call({x}, {mask}, ForwardContext{});
  EXPECT_TRUE(at::allclose(out.tensors[0], EncoderReference(w, x, mask, pre), 1e-9, 1e-9));
  EXPECT_EQ(out.mask.defined(), masked);
}

TEST(TransformerEncoder, PostNormMatchesReference) { ExpectEncoderMatches(false, false); }
TEST(TransformerEncoder, PostNormMasked) { ExpectEncoderMatches(false, true); }
TEST(TransformerEncoder, PreNormMasked) { ExpectEncoderMatches(true, true); }

TEST(TransformerEncoder, KerasHubWeightOrder) {
  auto layer = Build("TransformerEncoder", "enc", EncoderConfig(32, 4, false), {{-1, 8}});
  std::vector<std::vector<int64_t>> shapes;
  for (const auto& w : layer->Weights()) shapes.push_back(w.sizes().vec());
  const std::vector<std::vector<int64_t>> keras_hub = {
      {8, 4, 2}, {4, 2}, {8, 4, 2}, {4, 2}, {8, 4, 2}, {4, 2}, {4, 2, 8}, {8},  // self_attention_layer
      {8}, {8}, {8}, {8},                                                    // the two layer norms
      {8, 32}, {32}, {32, 8}, {8}};                                          // feed-forward
  EXPECT_EQ(shapes, keras_hub);
  EXPECT_EQ(layer->OutputShapes(), (std::vector<Shape>{{-1, 8}}));
}

TEST(TransformerEncoder, NumHeadsMustDivideHiddenSize) {
  try {
    Build("TransformerEncoder", "enc", EncoderConfig(16, 3, false), {{5, 8}});
    FAIL();
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("Layer 'enc' (TransformerEncoder)"), std::string::npos) << m;
    EXPECT_NE(m.find("num_heads (3) must divide the hidden size"), std::string::npos) << m;
  }
}

TEST(TransformerEncoder, RegularizersCoverAttentionAndFeedForward) {
  Value config = EncoderConfig(4, 2, false);
  config.Set("kernel_regularizer", testing::ToValue(RegularizerSpec{0.0, 0.1}));
  auto layer = Build("TransformerEncoder", "enc", config, {{3, 4}});
  const auto w = layer->Weights();
  double expected = 0;
  for (size_t i : {0, 2, 4, 6, 12, 14}) expected += 0.1 * w[i].square().sum().item<double>();
  EXPECT_NEAR(layer->RegularizationLoss().item<double>(), expected, 1e-5);
}

Value PositionConfig(int64_t length) {
  return Config({{"sequence_length", length},
                 {"initializer", testing::ToValue(testing::Init("GlorotUniform", 5))},
                 {"hierarchical_alpha", 0.4}});
}

TEST(PositionEmbedding, ReturnsTheFirstPositionsBroadcast) {
  auto layer = Build("PositionEmbedding", "pos", PositionConfig(6), {{-1, 3}});
  const at::Tensor e = layer->Weights()[0];
  EXPECT_EQ(e.sizes().vec(), (std::vector<int64_t>{6, 3}));
  auto x = at::randn({2, 4, 3});
  auto out = layer->Call({x}, {at::ones({2, 4}, at::kBool)}, ForwardContext{});
  EXPECT_TRUE(at::equal(out.tensors[0][0], e.narrow(0, 0, 4)));
  EXPECT_TRUE(at::equal(out.tensors[0][1], e.narrow(0, 0, 4)));
  EXPECT_FALSE(out.mask.defined());
  EXPECT_FALSE(layer->OutputMasked({true}));  // takes a mask, passes none on
  // At the full length the hierarchical formula gives the table itself.
  EXPECT_TRUE(at::allclose(layer->Call({at::zeros({1, 6, 3})}, {}, ForwardContext{}).tensors[0][0], e, 1e-6, 1e-6));
}

TEST(PositionEmbedding, HierarchicalBeyondSequenceLength) {
  auto layer = Build("PositionEmbedding", "pos", PositionConfig(3), {{-1, 2}});
  const at::Tensor e = layer->Weights()[0].detach().to(at::kDouble);
  auto out = layer->Call({at::zeros({1, 7, 2})}, {}, ForwardContext{}).tensors[0][0].to(at::kDouble);
  const double a = 0.4;
  const at::Tensor u = (e - a * e[0]) / (1 - a);
  for (int64_t i = 0; i < 7; ++i) {
    EXPECT_TRUE(at::allclose(out[i], a * u[i / 3] + (1 - a) * u[i % 3], 1e-5, 1e-6)) << i;
  }
  EXPECT_THROW(layer->Call({at::zeros({1, 10, 2})}, {}, ForwardContext{}), Error);
}

// inputs [8, 4] -> x + PositionEmbedding(x) -> TransformerEncoder -> GlobalAveragePooling1D -> Dense(1).
TEST(TransformerEncoder, FunctionalModelTrains) {
  ModelSpec spec;
  spec.name = "encoder_model";
  spec.inputs = {InputSpec{"x", {8, 4}}};
  DenseSpec head;
  head.name = "head";
  head.units = 1;
  head.activation = "linear";
  head.kernel_initializer = testing::Init("GlorotUniform", 4);
  head.bias_initializer = testing::Init("Zeros");
  const auto spec_of = [](const std::string& cls, const std::string& name, Value config) {
    config.Set("name", name);
    return LayerSpec{cls, name, config};
  };
  spec.layers = {spec_of("PositionEmbedding", "pos", PositionConfig(8)), spec_of("Add", "add", Config({})),
                 spec_of("TransformerEncoder", "enc", EncoderConfig(16, 2, false)),
                 spec_of("GlobalAveragePooling1D", "gap",
                         Config({{"data_format", "channels_last"}, {"keepdims", false}})),
                 testing::L(head)};
  spec.nodes = {NodeSpec{0, {TensorRef{-1, 0}}}, NodeSpec{1, {TensorRef{-1, 0}, TensorRef{0, 0}}},
                NodeSpec{2, {TensorRef{1, 0}}}, NodeSpec{3, {TensorRef{2, 0}}}, NodeSpec{4, {TensorRef{3, 0}}}};
  spec.outputs = {TensorRef{4, 0}};
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
  auto x = at::randn({64, 8, 4}, compat::MakeCpuGenerator(1));
  auto y = x.select(2, 0).mean(1, true) * 2;  // a target the block can learn
  const Dataset data{{x}, {y}, at::Tensor()};
  const double before = Evaluate(model, data, 64)[0].second;
  FitOptions options;
  options.epochs = 30;
  options.batch_size = 16;
  options.seed = 2;
  Fit(model, data, std::nullopt, options, FitHooks{});
  const double after = Evaluate(model, data, 64)[0].second;
  EXPECT_LT(after, 0.5 * before) << before << " -> " << after;
}

}  // namespace
}  // namespace tl
