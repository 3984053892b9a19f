#include "additive_attention.h"

#include "../initializers.h"

namespace tl {

std::unique_ptr<Layer> MakeAdditiveAttention(const ConfigReader& config, const std::vector<Shape>& input_shapes) {
  return std::make_unique<AdditiveAttention>(ParseAttentionSpec(config, false), input_shapes);
}

AdditiveAttention::AdditiveAttention(const AttentionSpec& spec, const std::vector<Shape>& input_shapes)
    : ScoreAttention(spec, input_shapes, "AdditiveAttention") {
  if (spec.use_scale) {
    InitializerSpec glorot;
    glorot.class_name = "GlorotUniform";
    scale_ = Initialize(glorot, {dim()}).set_requires_grad(true);
  }
}

at::Tensor AdditiveAttention::Scores(const at::Tensor& query, const at::Tensor& key) const {
  at::Tensor t = (query.unsqueeze(2) + key.unsqueeze(1)).tanh();  // [B, Tq, Tv, dim]
  if (scale_.defined()) t = t * scale_;
  return t.sum(-1);
}

std::vector<at::Tensor> AdditiveAttention::Weights() const {
  if (scale_.defined()) return {scale_};
  return {};
}

}  // namespace tl
