// MultiHeadAttention against an explicit float64 reference (Keras 3 weight layout, masks,
// causal mask, value_dim != key_dim, output_shape, returned scores), gradients against
// finite differences, weight order and shapes, bad configurations.
#include <gtest/gtest.h>

#include <cmath>

#include "attention_reference.h"
#include "layer_helpers.h"

#include "errors.h"

namespace tl {
namespace {

using testing::Build;
using testing::Config;
using testing::MhaReference;
using testing::RandnD;

Value MhaConfig(int64_t heads, int64_t key_dim, Value value_dim, Value output_shape, bool causal, bool use_bias = true) {
  return Config({{"num_heads", heads},
                 {"key_dim", key_dim},
                 {"value_dim", value_dim},
                 {"dropout", 0.0},
                 {"use_bias", use_bias},
                 {"output_shape", output_shape},
                 {"attention_axes", Value()},
                 {"kernel_initializer", testing::ToValue(testing::Init("GlorotUniform", 1))},
                 {"bias_initializer", testing::ToValue(testing::Init("Zeros"))},
                 {"kernel_regularizer", Value()},
                 {"bias_regularizer", Value()},
                 {"activity_regularizer", Value()},
                 {"use_causal_mask", causal},
                 {"return_attention_scores", true}});
}

struct MhaCase {
  int64_t heads, key_dim;
  Value value_dim, output_shape;
  bool causal, with_key, masks, use_bias;
};

void ExpectMhaMatches(const MhaCase& c) {
  const int64_t batch = 2, tq = 4, tv = 5, dq = 6, dv = 3, dk = 5;
  std::vector<Shape> shapes = {{tq, dq}, {tv, dv}};
  if (c.with_key) shapes.push_back({tv, dk});
  auto layer = Build("MultiHeadAttention", "mha", MhaConfig(c.heads, c.key_dim, c.value_dim, c.output_shape, c.causal,
                                                            c.use_bias), shapes);
  testing::ToFloat64(*layer);
  testing::Randomize(*layer, 21);
  auto q = RandnD({batch, tq, dq}, 1), v = RandnD({batch, tv, dv}, 2);
  auto k = c.with_key ? RandnD({batch, tv, dk}, 3) : v;
  at::Tensor q_mask, v_mask, k_mask;
  if (c.masks) {
    q_mask = testing::BoolMask({1, 1, 1, 0, 1, 1, 0, 1}, batch, tq);
    v_mask = testing::BoolMask({1, 1, 1, 1, 0, 1, 0, 1, 1, 1}, batch, tv);
    if (c.with_key) k_mask = testing::BoolMask({1, 0, 1, 1, 1, 1, 1, 1, 0, 1}, batch, tv);
  }
  std::vector<at::Tensor> inputs = {q, v}, masks = {q_mask, v_mask};
  if (c.with_key) {
    inputs.push_back(k);
    masks.push_back(k_mask);
  }
  auto out = layer->Call(inputs, masks, ForwardContext{});
  std::vector<at::Tensor> w;
  for (const auto& t : layer->Weights()) w.push_back(t.detach());
  auto [ref, probs] = MhaReference(w, c.use_bias, q, v, k, q_mask, v_mask, k_mask, c.causal);
  ASSERT_EQ(out.tensors.size(), 2u);
  const at::Tensor y = out.tensors[0].reshape({batch, tq, -1});
  EXPECT_TRUE(at::allclose(y, ref, 1e-10, 1e-10)) << y << ref;
  EXPECT_TRUE(at::allclose(out.tensors[1], probs, 1e-10, 1e-10));
  EXPECT_EQ(out.mask.defined(), c.masks);
}

TEST(MultiHeadAttention, MatchesFloat64Reference) { ExpectMhaMatches({2, 3, Value(), Value(), false, false, false, true}); }
TEST(MultiHeadAttention, MasksCausalAndKey) { ExpectMhaMatches({3, 2, Value(4), Value(), true, true, true, true}); }
TEST(MultiHeadAttention, OutputShapeWithoutBias) {
  ExpectMhaMatches({2, 4, Value(2), Value(Value::Array{Value(7)}), false, false, true, false});
}

TEST(MultiHeadAttention, KerasWeightOrderAndShapes) {
  auto layer = Build("MultiHeadAttention", "mha", MhaConfig(4, 8, Value(5), Value(), false), {{7, 16}, {9, 12}, {9, 10}});
  std::vector<std::vector<int64_t>> shapes;
  for (const auto& w : layer->Weights()) shapes.push_back(w.sizes().vec());
  const std::vector<std::vector<int64_t>> keras = {{16, 4, 8}, {4, 8}, {10, 4, 8}, {4, 8},
                                                   {12, 4, 5}, {4, 5}, {4, 5, 16}, {16}};
  EXPECT_EQ(shapes, keras);
  EXPECT_EQ(layer->OutputShapes(), (std::vector<Shape>{{7, 16}, {4, 7, 9}}));
  // Keras fans for [D, H, K]: fan_in = H * D, fan_out = K * D (glorot_uniform limit).
  const double limit = std::sqrt(6.0 / (4 * 16 + 8 * 16));
  EXPECT_LE(layer->Weights()[0].abs().max().item<double>(), limit);
  EXPECT_GT(layer->Weights()[0].abs().max().item<double>(), 0.9 * limit);
}

TEST(MultiHeadAttention, GradientsMatchFiniteDifferences) {
  auto layer = Build("MultiHeadAttention", "mha", MhaConfig(2, 3, Value(), Value(), true), {{4, 5}, {6, 5}});
  testing::ToFloat64(*layer);
  testing::Randomize(*layer, 4);
  auto q = RandnD({2, 4, 5}, 5).requires_grad_(true);
  auto v = RandnD({2, 6, 5}, 6).requires_grad_(true);
  const auto r = RandnD({2, 4, 5}, 7);
  const at::Tensor v_mask = testing::BoolMask({1, 1, 1, 1, 0, 0, 1, 0, 1, 1, 1, 1}, 2, 6);
  const auto f = [&] { return (layer->Call({q, v}, {at::Tensor(), v_mask}, ForwardContext{}).tensors[0] * r).sum(); };
  testing::ExpectGradientMatches(f, q, 20, "query");
  testing::ExpectGradientMatches(f, v, 30, "value");
  const auto weights = layer->Weights();
  for (size_t i = 0; i < weights.size(); ++i) testing::ExpectGradientMatches(f, weights[i], 6, "weight " + std::to_string(i));
}

TEST(MultiHeadAttention, RegularizersPenalizeKernelsAndBiases) {
  Value config = MhaConfig(2, 2, Value(), Value(), false);
  config.Set("kernel_regularizer", testing::ToValue(RegularizerSpec{0.0, 0.1}));
  config.Set("bias_regularizer", testing::ToValue(RegularizerSpec{0.2, 0.0}));
  auto layer = Build("MultiHeadAttention", "mha", config, {{3, 4}, {3, 4}});
  testing::Randomize(*layer, 2);
  double expected = 0;
  const auto w = layer->Weights();
  for (size_t i = 0; i < w.size(); ++i) {
    expected += i % 2 == 0 ? 0.1 * w[i].square().sum().item<double>() : 0.2 * w[i].abs().sum().item<double>();
  }
  EXPECT_NEAR(layer->RegularizationLoss().item<double>(), expected, 1e-4);
}

TEST(MultiHeadAttention, BadConfigurationsNameLayerAndOption) {
  const auto message = [](Value config, std::vector<Shape> shapes) {
    try {
      Build("MultiHeadAttention", "mha", config, shapes);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  std::string m = message(MhaConfig(0, 4, Value(), Value(), false), {{3, 4}, {3, 4}});
  EXPECT_NE(m.find("Layer 'mha' (MultiHeadAttention)"), std::string::npos) << m;
  EXPECT_NE(m.find("num_heads"), std::string::npos) << m;
  Value axes = MhaConfig(2, 4, Value(), Value(), false);
  axes.Set("attention_axes", Value(Value::Array{Value(2)}));
  m = message(axes, {{3, 4}, {3, 4}});
  EXPECT_NE(m.find("attention_axes"), std::string::npos) << m;
  m = message(MhaConfig(2, 4, Value(), Value(), false), {{3, 4}, {5, 4}, {6, 4}});
  EXPECT_NE(m.find("same number of timesteps"), std::string::npos) << m;
}

}  // namespace
}  // namespace tl
