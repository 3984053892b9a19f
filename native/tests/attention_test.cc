// Attention and AdditiveAttention against explicit float64 loops (masks, causal masking,
// scale, concat scores, returned scores), gradients against finite differences, errors.
#include <gtest/gtest.h>

#include <cmath>

#include "layer_helpers.h"

#include "errors.h"

namespace tl {
namespace {

using testing::Build;
using testing::Config;
using testing::RandnD;

Value AttentionConfig(bool use_scale, const std::string& mode, bool causal, bool scores) {
  return Config({{"use_scale", use_scale},
                 {"score_mode", mode},
                 {"dropout", 0.0},
                 {"use_causal_mask", causal},
                 {"return_attention_scores", scores}});
}

enum class Score { kDot, kConcat, kAdditive };

// Keras's Attention in plain loops: scores, -1e9 where the value mask or the causal mask says
// no, softmax, weights @ value, output zeroed where the query mask is false.
std::pair<at::Tensor, at::Tensor> Reference(Score kind, const at::Tensor& q, const at::Tensor& v, const at::Tensor& k,
                                            const at::Tensor& q_mask, const at::Tensor& v_mask, bool causal,
                                            const at::Tensor& scale, double concat_weight) {
  const int64_t b_n = q.size(0), tq = q.size(1), tv = v.size(1), dim = q.size(2), vd = v.size(2);
  at::Tensor out = at::zeros({b_n, tq, vd}, at::kDouble), probs = at::zeros({b_n, tq, tv}, at::kDouble);
  auto qa = q.accessor<double, 3>(), ka = k.accessor<double, 3>(), va = v.accessor<double, 3>();
  auto oa = out.accessor<double, 3>(), pa = probs.accessor<double, 3>();
  for (int64_t b = 0; b < b_n; ++b) {
    for (int64_t i = 0; i < tq; ++i) {
      std::vector<double> s(tv);
      double top = -1e300;
      for (int64_t j = 0; j < tv; ++j) {
        double acc = 0;
        for (int64_t d = 0; d < dim; ++d) {
          if (kind == Score::kDot) {
            acc += qa[b][i][d] * ka[b][j][d];
          } else if (kind == Score::kConcat) {
            const double sc = scale.defined() ? scale.item<double>() : 1.0;
            acc += std::tanh(sc * (qa[b][i][d] + ka[b][j][d]));
          } else {
            acc += (scale.defined() ? scale[d].item<double>() : 1.0) * std::tanh(qa[b][i][d] + ka[b][j][d]);
          }
        }
        if (kind == Score::kDot && scale.defined()) acc *= scale.item<double>();
        if (kind == Score::kConcat) acc *= concat_weight;
        const bool keep = (!v_mask.defined() || v_mask[b][j].item<bool>()) && (!causal || j <= i);
        s[j] = keep ? acc : acc - 1e9;
        top = std::max(top, s[j]);
      }
      double z = 0;
      for (int64_t j = 0; j < tv; ++j) z += std::exp(s[j] - top);
      const double qm = !q_mask.defined() || q_mask[b][i].item<bool>() ? 1.0 : 0.0;
      for (int64_t j = 0; j < tv; ++j) {
        const double p = std::exp(s[j] - top) / z;
        pa[b][i][j] = p;
        for (int64_t e = 0; e < vd; ++e) oa[b][i][e] += qm * p * va[b][j][e];
      }
    }
  }
  return {out, probs};
}

struct Case {
  Score kind;
  bool use_scale, causal, with_key, masks;
};

void ExpectMatchesReference(const Case& c) {
  const int64_t batch = 2, tq = 3, tv = 5, dim = 4, vd = c.with_key ? 3 : dim;
  std::vector<Shape> shapes = {{tq, dim}, {tv, vd}};
  if (c.with_key) shapes.push_back({tv, dim});
  const std::string cls = c.kind == Score::kAdditive ? "AdditiveAttention" : "Attention";
  Value config = AttentionConfig(c.use_scale, c.kind == Score::kConcat ? "concat" : "dot", c.causal, true);
  auto layer = Build(cls, "att", config, shapes);
  testing::ToFloat64(*layer);
  testing::Randomize(*layer, 3);
  const auto weights = layer->Weights();
  at::Tensor scale = c.use_scale ? weights[0].detach() : at::Tensor();
  const double concat_weight = c.kind == Score::kConcat ? weights.back().item<double>() : 1.0;
  auto q = RandnD({batch, tq, dim}, 1), v = RandnD({batch, tv, vd}, 2);
  auto k = c.with_key ? RandnD({batch, tv, dim}, 4) : v;
  at::Tensor q_mask, v_mask;
  if (c.masks) {
    q_mask = testing::BoolMask({1, 1, 0, 1, 0, 1}, batch, tq);
    v_mask = testing::BoolMask({1, 1, 1, 0, 0, 0, 1, 1, 1, 0}, batch, tv);
  }
  std::vector<at::Tensor> inputs = {q, v};
  if (c.with_key) inputs.push_back(k);
  std::vector<at::Tensor> masks = {q_mask, v_mask};
  if (c.with_key) masks.push_back(at::Tensor());
  auto out = layer->Call(inputs, masks, ForwardContext{});
  auto [ref, probs] = Reference(c.kind, q, v, k, q_mask, v_mask, c.causal, scale, concat_weight);
  ASSERT_EQ(out.tensors.size(), 2u);
  EXPECT_TRUE(at::allclose(out.tensors[0], ref, 1e-10, 1e-10)) << out.tensors[0] << ref;
  EXPECT_TRUE(at::allclose(out.tensors[1], probs, 1e-10, 1e-10));
  EXPECT_EQ(out.mask.defined(), c.masks);  // the query's mask carries on
  EXPECT_EQ(layer->OutputShapes(), (std::vector<Shape>{{tq, vd}, {tq, tv}}));
}

TEST(Attention, DotMatchesReference) { ExpectMatchesReference({Score::kDot, false, false, false, false}); }
TEST(Attention, DotScaledMaskedCausalWithKey) { ExpectMatchesReference({Score::kDot, true, true, true, true}); }
TEST(Attention, ConcatScores) { ExpectMatchesReference({Score::kConcat, false, false, false, true}); }
TEST(Attention, ConcatScaledCausal) { ExpectMatchesReference({Score::kConcat, true, true, true, false}); }
TEST(AdditiveAttention, MatchesReference) { ExpectMatchesReference({Score::kAdditive, true, false, false, true}); }
TEST(AdditiveAttention, UnscaledCausalWithKey) { ExpectMatchesReference({Score::kAdditive, false, true, true, false}); }

TEST(Attention, Float32AgreesWithFloat64Reference) {
  auto layer = Build("Attention", "att", AttentionConfig(true, "dot", false, false), {{4, 3}, {4, 3}});
  auto q = RandnD({2, 4, 3}, 5), v = RandnD({2, 4, 3}, 6);
  auto out = layer->Call({q.to(at::kFloat), v.to(at::kFloat)}, {at::Tensor(), at::Tensor()}, ForwardContext{});
  auto ref = Reference(Score::kDot, q, v, v, at::Tensor(), at::Tensor(), false, at::ones({}, at::kDouble), 1.0).first;
  EXPECT_TRUE(at::allclose(out.tensors[0].to(at::kDouble), ref, 1e-5, 1e-5));
  ASSERT_EQ(layer->Weights().size(), 1u);
  EXPECT_EQ(layer->Weights()[0].dim(), 0);  // Keras: a scalar `scale`, initialized to 1
  EXPECT_EQ(layer->Weights()[0].item<float>(), 1.0f);
}

TEST(AdditiveAttention, KerasWeightLayout) {
  auto layer = Build("AdditiveAttention", "add_att", AttentionConfig(true, "dot", false, false), {{4, 6}, {5, 6}});
  ASSERT_EQ(layer->Weights().size(), 1u);
  EXPECT_EQ(layer->Weights()[0].sizes().vec(), (std::vector<int64_t>{6}));
  const double limit = std::sqrt(6.0 / 12.0);  // glorot_uniform with fan_in = fan_out = dim
  EXPECT_LE(layer->Weights()[0].abs().max().item<double>(), limit);
}

TEST(Attention, GradientsMatchFiniteDifferences) {
  for (const char* mode : {"dot", "concat"}) {
    auto layer = Build("Attention", "att", AttentionConfig(true, mode, true, false), {{3, 4}, {5, 4}});
    testing::ToFloat64(*layer);
    testing::Randomize(*layer, 8);
    auto q = RandnD({2, 3, 4}, 9).requires_grad_(true);
    auto v = RandnD({2, 5, 4}, 10).requires_grad_(true);
    const auto r = RandnD({2, 3, 4}, 11);
    const at::Tensor v_mask = testing::BoolMask({1, 1, 0, 1, 1, 1, 1, 1, 1, 0}, 2, 5);
    const auto f = [&] {
      return (layer->Call({q, v}, {at::Tensor(), v_mask}, ForwardContext{}).tensors[0] * r).sum();
    };
    testing::ExpectGradientMatches(f, q, 24, std::string(mode) + " query");
    testing::ExpectGradientMatches(f, v, 40, std::string(mode) + " value");
    for (const auto& w : layer->Weights()) testing::ExpectGradientMatches(f, w, 1, std::string(mode) + " weight");
  }
}

TEST(Attention, DropoutOnlyInTraining) {
  Value config = AttentionConfig(false, "dot", false, true);
  config.Set("dropout", 0.5);
  auto layer = Build("Attention", "att", config, {{3, 4}, {6, 4}});
  auto q = at::randn({2, 3, 4}), v = at::randn({2, 6, 4});
  auto inference = layer->Call({q, v}, {}, ForwardContext{});
  EXPECT_TRUE(at::allclose(inference.tensors[1].sum(-1), at::ones({2, 3})));
  ForwardContext training;
  training.training = true;
  auto dropped = layer->Call({q, v}, {}, training);
  // Dropped weights are 0, kept ones scaled by 2.
  auto w = dropped.tensors[1], p = inference.tensors[1];
  EXPECT_TRUE(at::allclose(at::where(w == 0, at::zeros_like(p), 2 * p), w, 1e-5, 1e-6));
  EXPECT_GT((w == 0).sum().item<int64_t>(), 0);
}

TEST(Attention, BadConfigurationsNameLayerAndOption) {
  const auto message = [](const std::function<void()>& f) {
    try {
      f();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  std::string m = message([] { Build("Attention", "att", AttentionConfig(false, "cosine", false, false), {{3, 4}, {3, 4}}); });
  EXPECT_NE(m.find("Layer 'att' (Attention)"), std::string::npos) << m;
  EXPECT_NE(m.find("score_mode"), std::string::npos) << m;
  m = message([] { Build("Attention", "att", AttentionConfig(false, "dot", false, false), {{3, 4}, {3, 5}, {3, 6}}); });
  EXPECT_NE(m.find("query and key must have the same last dimension"), std::string::npos) << m;
  m = message([] { Build("Attention", "att", AttentionConfig(false, "dot", false, false), {{3, 4}}); });
  EXPECT_NE(m.find("[query, value]"), std::string::npos) << m;
}

}  // namespace
}  // namespace tl
