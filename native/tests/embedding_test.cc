// The producing side of masks: Embedding (lookup, mask_zero, range errors), Masking, and
// GaussianNoise (training-only noise, pass-through mask).
#include <gtest/gtest.h>

#include "spec_helpers.h"

#include "compat.h"
#include "errors.h"
#include "layers/embedding.h"
#include "layers/factory.h"
#include "layers/gaussian_noise.h"
#include "layers/masking.h"
#include "model/graph.h"

namespace tl {
namespace {

using testing::Init;

LayerSpec EmbeddingLayer(int64_t input_dim, int64_t output_dim, bool mask_zero, const std::string& name = "emb") {
  Value c;
  c.Set("name", name);
  c.Set("input_dim", input_dim);
  c.Set("output_dim", output_dim);
  InitializerSpec init = Init("RandomUniform", 5);
  init.minval = -0.05;
  init.maxval = 0.05;
  c.Set("embeddings_initializer", testing::ToValue(init));
  c.Set("embeddings_regularizer", Value());
  c.Set("mask_zero", mask_zero);
  return LayerSpec{"Embedding", name, c};
}

LayerSpec MaskingLayer(double mask_value) {
  Value c;
  c.Set("name", "masking");
  c.Set("mask_value", mask_value);
  return LayerSpec{"Masking", "masking", c};
}

LayerSpec NoiseLayer(double stddev) {
  Value c;
  c.Set("name", "noise");
  c.Set("stddev", stddev);
  return LayerSpec{"GaussianNoise", "noise", c};
}

std::string MessageOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

TEST(Embedding, LooksUpRowsAndMasksZeros) {
  auto layer = MakeLayer(EmbeddingLayer(6, 4, true), {{3}});
  auto w = layer->Weights();
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].sizes(), at::IntArrayRef({6, 4}));
  EXPECT_LE(w[0].abs().max().item<double>(), 0.05);
  EXPECT_EQ(layer->OutputShapes()[0], (Shape{3, 4}));
  EXPECT_TRUE(layer->OutputMasked({false}));
  // Indices arrive as float32.
  auto x = at::tensor({1.0f, 0.0f, 5.0f, 2.0f, 2.0f, 0.0f}).view({2, 3});
  auto out = layer->Call({x}, {at::Tensor()}, ForwardContext{});
  ASSERT_EQ(out.tensors.size(), 1u);
  auto expected = w[0].index_select(0, x.to(at::kLong).flatten()).view({2, 3, 4});
  EXPECT_TRUE(at::equal(out.tensors[0], expected));
  ASSERT_TRUE(out.mask.defined());
  EXPECT_TRUE(at::equal(out.mask, at::tensor({1, 0, 1, 1, 1, 0}).to(at::kBool).view({2, 3})));
  // Gradients reach the rows used, once per use.
  out.tensors[0].sum().backward();
  auto grad = w[0].grad();
  EXPECT_FLOAT_EQ(grad[2][0].item<float>(), 2.0f);
  EXPECT_FLOAT_EQ(grad[0][0].item<float>(), 2.0f);
  EXPECT_FLOAT_EQ(grad[3][0].item<float>(), 0.0f);
}

TEST(Embedding, WithoutMaskZeroGivesNoMask) {
  auto layer = MakeLayer(EmbeddingLayer(6, 2, false), {{3}});
  EXPECT_FALSE(layer->OutputMasked({false}));
  auto out = layer->Call({at::zeros({1, 3})}, {at::Tensor()}, ForwardContext{});
  EXPECT_FALSE(out.mask.defined());
}

TEST(Embedding, OutOfRangeIndexNamesLayerInputDimAndIndex) {
  auto layer = MakeLayer(EmbeddingLayer(5, 2, false, "tokens"), {{3}});
  const std::string high = MessageOf([&] { layer->Call({at::tensor({1.0f, 7.0f, 0.0f}).view({1, 3})}, {}, {}); });
  EXPECT_NE(high.find("'tokens'"), std::string::npos) << high;
  EXPECT_NE(high.find("input_dim 5"), std::string::npos) << high;
  EXPECT_NE(high.find("index 7"), std::string::npos) << high;
  const std::string low = MessageOf([&] { layer->Call({at::tensor({-1.0f, 0.0f, 0.0f}).view({1, 3})}, {}, {}); });
  EXPECT_NE(low.find("index -1"), std::string::npos) << low;
}

TEST(Embedding, BadConfigsNameTheOption) {
  LayerSpec spec = EmbeddingLayer(0, 2, false);
  const std::string msg = MessageOf([&] { MakeLayer(spec, {{3}}); });
  EXPECT_NE(msg.find("input_dim"), std::string::npos) << msg;
  EXPECT_THROW(MakeLayer(EmbeddingLayer(4, 2, true), {{3, 2}}), Error);  // mask_zero needs [batch, timesteps]
}

TEST(Embedding, RegularizerPenalizesTheTable) {
  LayerSpec spec = EmbeddingLayer(4, 3, false);
  RegularizerSpec l2;
  l2.l2 = 0.01;
  spec.config.Set("embeddings_regularizer", testing::ToValue(std::optional<RegularizerSpec>(l2)));
  auto layer = MakeLayer(spec, {{2}});
  auto w = layer->Weights()[0];
  EXPECT_NEAR(layer->RegularizationLoss().item<double>(), 0.01 * w.square().sum().item<double>(), 1e-9);
}

TEST(Embedding, InAGraphCarriesTheMaskToTheNextLayer) {
  // Embedding(mask_zero) -> Dropout (pass-through) -> Masking consumer absent: the graph only
  // has to accept the chain and give the embedded values.
  DropoutSpec drop;
  drop.name = "drop";
  drop.rate = 0.5;
  Graph graph(testing::Chain({4}, {EmbeddingLayer(10, 3, true), testing::L(drop)}));
  auto x = at::tensor({3.0f, 1.0f, 0.0f, 0.0f}).view({1, 4});
  auto out = graph.Forward({x}, ForwardContext{});
  EXPECT_EQ(out[0].sizes(), at::IntArrayRef({1, 4, 3}));
}

TEST(Masking, ZeroesAndMasksTimestepsEqualToMaskValue) {
  auto layer = MakeLayer(MaskingLayer(-1.0), {{4, 2}});
  EXPECT_TRUE(layer->OutputMasked({false}));
  auto x = at::tensor({1.0f, 2.0f, -1.0f, -1.0f, -1.0f, 3.0f, 0.0f, 0.0f}).view({1, 4, 2});
  auto out = layer->Call({x}, {at::Tensor()}, ForwardContext{});
  EXPECT_TRUE(at::equal(out.mask, at::tensor({1, 0, 1, 1}).to(at::kBool).view({1, 4})));
  auto expected = at::tensor({1.0f, 2.0f, 0.0f, 0.0f, -1.0f, 3.0f, 0.0f, 0.0f}).view({1, 4, 2});
  EXPECT_TRUE(at::equal(out.tensors[0], expected));
  EXPECT_THROW(MakeLayer(MaskingLayer(0.0), {{4}}), Error);  // needs [batch, timesteps, features]
}

TEST(GaussianNoise, NoiseOnlyInTrainingDrawnFromTheContextGenerator) {
  auto layer = MakeLayer(NoiseLayer(0.5), {{200, 50}});
  auto x = at::ones({4, 200, 50});
  auto mask = at::ones({4, 200}, at::kBool);
  auto inference = layer->Call({x}, {mask}, ForwardContext{});
  EXPECT_TRUE(at::equal(inference.tensors[0], x));
  EXPECT_TRUE(inference.mask.defined());
  EXPECT_TRUE(layer->OutputMasked({true}));
  at::Generator g1 = compat::MakeCpuGenerator(3), g2 = compat::MakeCpuGenerator(3);
  ForwardContext t1{true, &g1}, t2{true, &g2};
  auto a = layer->Call({x}, {mask}, t1).tensors[0];
  auto b = layer->Call({x}, {mask}, t2).tensors[0];
  EXPECT_TRUE(at::equal(a, b));  // same seed, same noise
  auto noise = a - x;
  EXPECT_NEAR(noise.mean().item<double>(), 0.0, 0.01);
  EXPECT_NEAR(noise.std().item<double>(), 0.5, 0.01);
  std::vector<at::Tensor> lean;
  ASSERT_TRUE(layer->CallLean(x, &lean));
  EXPECT_TRUE(at::equal(lean[0], x));
}

}  // namespace
}  // namespace tl
