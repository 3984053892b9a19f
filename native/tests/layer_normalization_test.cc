// LayerNormalization against Keras's formula in float64 (last axis, several axes, no
// center/scale), the mask passing through, the gamma/beta penalties, bad axes.
#include <gtest/gtest.h>

#include "layer_helpers.h"

#include "errors.h"

namespace tl {
namespace {

using testing::Build;
using testing::Config;
using testing::RandnD;

Value NormConfig(Value axis, double epsilon, bool center, bool scale) {
  return Config({{"axis", axis},
                 {"epsilon", epsilon},
                 {"center", center},
                 {"scale", scale},
                 {"beta_initializer", testing::ToValue(testing::Init("Zeros"))},
                 {"gamma_initializer", testing::ToValue(testing::Init("Ones"))},
                 {"beta_regularizer", Value()},
                 {"gamma_regularizer", Value()}});
}

// (x - mean) / sqrt(var + eps) * gamma + beta over the trailing `axes` dims, in float64.
at::Tensor Reference(const at::Tensor& x, int64_t trailing, double eps, const at::Tensor& gamma, const at::Tensor& beta) {
  const int64_t rows = x.numel() / [&] {
    int64_t n = 1;
    for (int64_t d = x.dim() - trailing; d < x.dim(); ++d) n *= x.size(d);
    return n;
  }();
  at::Tensor flat = x.reshape({rows, -1});
  at::Tensor out = at::empty_like(flat);
  const int64_t n = flat.size(1);
  auto fa = flat.accessor<double, 2>();
  auto oa = out.accessor<double, 2>();
  const at::Tensor g = gamma.defined() ? gamma.reshape({-1}) : gamma, b = beta.defined() ? beta.reshape({-1}) : beta;
  for (int64_t r = 0; r < rows; ++r) {
    double mean = 0, var = 0;
    for (int64_t j = 0; j < n; ++j) mean += fa[r][j] / n;
    for (int64_t j = 0; j < n; ++j) var += (fa[r][j] - mean) * (fa[r][j] - mean) / n;
    for (int64_t j = 0; j < n; ++j) {
      oa[r][j] = (fa[r][j] - mean) / std::sqrt(var + eps) * (g.defined() ? g[j].item<double>() : 1.0) +
                 (b.defined() ? b[j].item<double>() : 0.0);
    }
  }
  return out.reshape(x.sizes());
}

TEST(LayerNormalization, LastAxisMatchesKerasFormula) {
  auto layer = Build("LayerNormalization", "ln", NormConfig(-1, 1e-3, true, true), {{5, 6}});
  testing::ToFloat64(*layer);
  testing::Randomize(*layer, 1);
  const auto w = layer->Weights();  // Keras order: gamma, beta
  ASSERT_EQ(w.size(), 2u);
  auto x = RandnD({3, 5, 6}, 2) * 3 + 1;
  auto mask = at::ones({3, 5}, at::kBool);
  auto out = layer->Call({x}, {mask}, ForwardContext{});
  EXPECT_TRUE(at::allclose(out.tensors[0], Reference(x, 1, 1e-3, w[0].detach(), w[1].detach()), 1e-10, 1e-10));
  EXPECT_TRUE(out.mask.defined());
  EXPECT_TRUE(layer->OutputMasked({true}));
}

TEST(LayerNormalization, Float32WithinKerasTolerance) {
  auto layer = Build("LayerNormalization", "ln", NormConfig(-1, 1e-3, true, true), {{4}});
  auto x = RandnD({6, 4}, 3);
  auto out = layer->Call({x.to(at::kFloat)}, {at::Tensor()}, ForwardContext{});
  EXPECT_TRUE(at::allclose(out.tensors[0].to(at::kDouble), Reference(x, 1, 1e-3, at::Tensor(), at::Tensor()), 1e-5, 1e-5));
}

TEST(LayerNormalization, SeveralAxesAndNoCenterOrScale) {
  auto layer = Build("LayerNormalization", "ln", NormConfig(Value(Value::Array{Value(1), Value(2)}), 1e-5, true, true),
                     {{3, 4}});
  testing::ToFloat64(*layer);
  testing::Randomize(*layer, 4);
  const auto w = layer->Weights();
  EXPECT_EQ(w[0].sizes().vec(), (std::vector<int64_t>{3, 4}));
  auto x = RandnD({2, 3, 4}, 5);
  auto out = layer->Call({x}, {}, ForwardContext{});
  EXPECT_TRUE(at::allclose(out.tensors[0], Reference(x, 2, 1e-5, w[0].detach(), w[1].detach()), 1e-10, 1e-10));

  auto bare = Build("LayerNormalization", "ln2", NormConfig(-1, 1e-3, false, false), {{4}});
  EXPECT_TRUE(bare->Weights().empty());
  auto x2 = RandnD({2, 4}, 6);
  EXPECT_TRUE(at::allclose(bare->Call({x2}, {}, ForwardContext{}).tensors[0],
                           Reference(x2, 1, 1e-3, at::Tensor(), at::Tensor()), 1e-10, 1e-10));
  auto scale_only = Build("LayerNormalization", "ln3", NormConfig(-1, 1e-3, false, true), {{4}});
  ASSERT_EQ(scale_only->Weights().size(), 1u);
}

TEST(LayerNormalization, GammaAndBetaPenalties) {
  Value config = NormConfig(-1, 1e-3, true, true);
  config.Set("gamma_regularizer", testing::ToValue(RegularizerSpec{0.0, 0.5}));
  config.Set("beta_regularizer", testing::ToValue(RegularizerSpec{0.25, 0.0}));
  auto layer = Build("LayerNormalization", "ln", config, {{3}});
  testing::Randomize(*layer, 7);
  const auto w = layer->Weights();
  const double expected = 0.5 * w[0].square().sum().item<double>() + 0.25 * w[1].abs().sum().item<double>();
  EXPECT_NEAR(layer->RegularizationLoss().item<double>(), expected, 1e-5);
}

TEST(LayerNormalization, BadAxesNameTheLayer) {
  try {
    Build("LayerNormalization", "ln", NormConfig(0, 1e-3, true, true), {{3}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("Layer 'ln' (LayerNormalization): axis 0"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Build("LayerNormalization", "ln", NormConfig(1, 1e-3, true, true), {{-1, 3}}), Error);  // unknown size
  EXPECT_THROW(Build("LayerNormalization", "ln", NormConfig(3, 1e-3, true, true), {{2, 3}}), Error);
}

}  // namespace
}  // namespace tl
