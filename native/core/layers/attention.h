// Keras Attention (Luong dot-product) and the machinery it shares with AdditiveAttention:
// inputs [query, value] or [query, value, key]; scores [B, Tq, Tv] masked by the value mask
// (and a causal mask), softmax, dropout on the weights in training, weights @ value, output
// zeroed where the query mask is false. The output carries the query's mask.
#pragma once

#include "layer.h"

namespace tl {

/// Keras Attention / AdditiveAttention layer.
struct AttentionSpec {
  std::string name;
  bool use_scale = false;
  /// "dot" or "concat" (Attention only; AdditiveAttention has its own score).
  std::string score_mode = "dot";
  /// Fraction of the attention weights dropped in training.
  double dropout = 0.0;
  /// Keras's call argument `use_causal_mask`, carried in the config (graph nodes carry no kwargs).
  bool use_causal_mask = false;
  /// Keras's call argument `return_attention_scores`: a second output [B, Tq, Tv].
  bool return_attention_scores = false;
};

/// Scores of `value` positions a query may not attend to (false) folded into a [B|1, Tq, Tv]
/// mask: the value mask [B, Tv] and/or the causal mask (made on `device`); undefined when neither applies.
at::Tensor AttentionScoresMask(const at::Tensor& value_mask, bool causal, int64_t tq, int64_t tv,
                               const at::Device& device);

/// Keras's masked softmax: scores - 1e9 where `mask` is false, softmax over the last axis.
at::Tensor MaskedSoftmax(const at::Tensor& scores, const at::Tensor& mask);

/// The part of Attention and AdditiveAttention that does not depend on the score function.
class ScoreAttention : public Layer {
 public:
  ScoreAttention(const AttentionSpec& spec, const std::vector<Shape>& input_shapes, const std::string& class_name);

  LayerOutput Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                   const ForwardContext& ctx) override;
  std::vector<Shape> OutputShapes() const override;
  /// Masks may arrive on any input; the output carries the query's.
  bool OutputMasked(const std::vector<bool>& input_masked) const override { return PassMask(input_masked); }

 protected:
  /// Raw scores [B, Tq, Tv] of query [B, Tq, dim] against key [B, Tv, dim].
  virtual at::Tensor Scores(const at::Tensor& query, const at::Tensor& key) const = 0;
  /// Feature size of the query (and key).
  int64_t dim() const { return query_shape_[1]; }

  AttentionSpec spec_;

 private:
  Shape query_shape_, value_shape_, key_shape_;
};

/// Keras Attention: dot scores (times `scale` with use_scale) or concat scores
/// concat_score_weight * sum(tanh(scale * (q + k))). Weights: scale [], concat_score_weight [].
class Attention : public ScoreAttention {
 public:
  Attention(const AttentionSpec& spec, const std::vector<Shape>& input_shapes);
  std::vector<at::Tensor> Weights() const override;

 protected:
  at::Tensor Scores(const at::Tensor& query, const at::Tensor& key) const override;

 private:
  at::Tensor scale_, concat_score_weight_;
};

/// Reads the keys shared by Attention and AdditiveAttention configs.
AttentionSpec ParseAttentionSpec(const ConfigReader& config, bool has_score_mode);

std::unique_ptr<Layer> MakeAttention(const ConfigReader& config, const std::vector<Shape>& input_shapes);

}  // namespace tl
