#include "attention.h"

#include "../errors.h"

namespace tl {

AttentionSpec ParseAttentionSpec(const ConfigReader& c, bool has_score_mode) {
  AttentionSpec s;
  s.name = c.String("name");
  s.use_scale = c.Bool("use_scale");
  if (has_score_mode) {
    s.score_mode = c.String("score_mode");
    if (s.score_mode != "dot" && s.score_mode != "concat") {
      c.Fail("score_mode", "expected 'dot' or 'concat' but received '" + s.score_mode + "'");
    }
  }
  s.dropout = c.Number("dropout");
  if (s.dropout < 0 || s.dropout >= 1) c.Fail("dropout", "expected a rate in [0, 1) but received " + std::to_string(s.dropout));
  s.use_causal_mask = c.Bool("use_causal_mask");
  s.return_attention_scores = c.Bool("return_attention_scores");
  return s;
}

std::unique_ptr<Layer> MakeAttention(const ConfigReader& config, const std::vector<Shape>& input_shapes) {
  return std::make_unique<Attention>(ParseAttentionSpec(config, true), input_shapes);
}

at::Tensor AttentionScoresMask(const at::Tensor& value_mask, bool causal, int64_t tq, int64_t tv,
                               const at::Device& device) {
  at::Tensor mask;
  if (value_mask.defined()) mask = value_mask.to(at::kBool).unsqueeze(1);  // [B, 1, Tv]
  if (causal) {
    // Position i may attend to positions j <= i (Keras: row index >= column index).
    at::Tensor lower = at::ones({tq, tv}, at::TensorOptions().dtype(at::kBool).device(device)).tril().unsqueeze(0);
    mask = mask.defined() ? mask.logical_and(lower) : lower;
  }
  return mask;
}

at::Tensor MaskedSoftmax(const at::Tensor& scores, const at::Tensor& mask) {
  if (!mask.defined()) return scores.softmax(-1);
  // Keras's large negative bias (not -inf: a fully masked row stays finite); float16 cannot hold 1e9.
  const double bias = scores.scalar_type() == at::kHalf ? 3e4 : 1e9;
  return (scores - mask.logical_not().to(scores.scalar_type()) * bias).softmax(-1);
}

ScoreAttention::ScoreAttention(const AttentionSpec& spec, const std::vector<Shape>& input_shapes,
                               const std::string& class_name)
    : Layer(spec.name, class_name), spec_(spec) {
  if (input_shapes.size() != 2 && input_shapes.size() != 3) {
    throw ShapeError(Label() + " takes [query, value] or [query, value, key] but was called on " +
                     std::to_string(input_shapes.size()) + " input(s)");
  }
  static const char* kNames[] = {"query", "value", "key"};
  for (size_t i = 0; i < input_shapes.size(); ++i) {
    if (input_shapes[i].size() != 2 || input_shapes[i][1] <= 0) {
      throw ShapeError(Label() + ": " + kNames[i] + " must have shape [batch, timesteps, features] with known features "
                       "but has shape " + ShapeString(WithBatch(input_shapes[i])));
    }
  }
  query_shape_ = input_shapes[0];
  value_shape_ = input_shapes[1];
  key_shape_ = input_shapes.size() > 2 ? input_shapes[2] : value_shape_;
  if (key_shape_[1] != query_shape_[1]) {
    throw ShapeError(Label() + ": query and key must have the same last dimension but have shapes " +
                     ShapeString(WithBatch(query_shape_)) + " and " + ShapeString(WithBatch(key_shape_)));
  }
  if (key_shape_[0] > 0 && value_shape_[0] > 0 && key_shape_[0] != value_shape_[0]) {
    throw ShapeError(Label() + ": value and key must have the same number of timesteps but have shapes " +
                     ShapeString(WithBatch(value_shape_)) + " and " + ShapeString(WithBatch(key_shape_)));
  }
}

std::vector<Shape> ScoreAttention::OutputShapes() const {
  std::vector<Shape> out = {{query_shape_[0], value_shape_[1]}};
  if (spec_.return_attention_scores) out.push_back({query_shape_[0], value_shape_[0]});
  return out;
}

LayerOutput ScoreAttention::Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                                 const ForwardContext& ctx) {
  if (inputs.size() != 2 && inputs.size() != 3) {
    throw ShapeError(Label() + " takes [query, value] or [query, value, key] but was called on " +
                     std::to_string(inputs.size()) + " input(s)");
  }
  const at::Tensor& q = inputs[0];
  const at::Tensor& v = inputs[1];
  const at::Tensor& k = inputs.size() > 2 ? inputs[2] : v;
  if (q.dim() != 3 || k.dim() != 3 || v.dim() != 3 || q.size(2) != dim() || k.size(2) != dim() ||
      k.size(1) != v.size(1) || q.size(0) != v.size(0) || k.size(0) != v.size(0)) {
    throw ShapeError(Label() + " received query, value, key of shapes " + ShapeString(q.sizes().vec()) + ", " +
                     ShapeString(v.sizes().vec()) + ", " + ShapeString(k.sizes().vec()) +
                     " (query and key need the same features, value and key the same timesteps)");
  }
  const at::Tensor q_mask = masks.size() > 0 ? masks[0] : at::Tensor();
  const at::Tensor v_mask = masks.size() > 1 ? masks[1] : at::Tensor();
  at::Tensor weights =
      MaskedSoftmax(Scores(q, k), AttentionScoresMask(v_mask, spec_.use_causal_mask, q.size(1), v.size(1), q.device()));
  if (ctx.training && spec_.dropout > 0) weights = weights * DropoutMask(weights.sizes(), spec_.dropout, ctx);
  at::Tensor result = at::matmul(weights, v);
  if (q_mask.defined()) result = result * q_mask.unsqueeze(-1).to(result.scalar_type());
  LayerOutput out;
  out.tensors = {result};
  if (spec_.return_attention_scores) out.tensors.push_back(weights);
  out.mask = q_mask;
  return out;
}

Attention::Attention(const AttentionSpec& spec, const std::vector<Shape>& input_shapes)
    : ScoreAttention(spec, input_shapes, "Attention") {
  const auto scalar_one = [] { return at::ones({}, at::kFloat).set_requires_grad(true); };
  if (spec.use_scale) scale_ = scalar_one();
  if (spec.score_mode == "concat") concat_score_weight_ = scalar_one();
}

at::Tensor Attention::Scores(const at::Tensor& query, const at::Tensor& key) const {
  if (spec_.score_mode == "dot") {
    at::Tensor scores = at::matmul(query, key.transpose(1, 2));
    return scale_.defined() ? scores * scale_ : scores;
  }
  at::Tensor sum = query.unsqueeze(2) + key.unsqueeze(1);  // [B, Tq, Tv, dim]
  if (scale_.defined()) sum = sum * scale_;
  return concat_score_weight_ * sum.tanh().sum(-1);
}

std::vector<at::Tensor> Attention::Weights() const {
  std::vector<at::Tensor> out;
  if (scale_.defined()) out.push_back(scale_);
  if (concat_score_weight_.defined()) out.push_back(concat_score_weight_);
  return out;
}

}  // namespace tl
