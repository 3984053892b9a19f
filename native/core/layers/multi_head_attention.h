// Keras MultiHeadAttention over [batch, timesteps, features] inputs [query, value] or
// [query, value, key]. Weights in Keras 3 order and layout: query/kernel [Dq, H, K],
// query/bias [H, K], key/kernel [Dk, H, K], key/bias, value/kernel [Dv, H, V], value/bias
// [H, V], attention_output/kernel [H, V, *out], attention_output/bias [*out].
#pragma once

#include "layer.h"

namespace tl {

/// Keras MultiHeadAttention layer.
struct MultiHeadAttentionSpec {
  std::string name;
  int64_t num_heads = 0;
  /// Size of each head for query and key.
  int64_t key_dim = 0;
  /// Size of each head for value.
  int64_t value_dim = 0;
  /// Dropout on the attention probabilities in training.
  double dropout = 0.0;
  bool use_bias = true;
  /// Output features; empty: the query's last dimension.
  std::vector<int64_t> output_shape;
  InitializerSpec kernel_initializer, bias_initializer;
  std::optional<RegularizerSpec> kernel_regularizer, bias_regularizer;
  /// Keras's call argument `use_causal_mask`, carried in the config.
  bool use_causal_mask = false;
  /// Keras's call argument `return_attention_scores`: a second output [B, H, Tq, Tv].
  bool return_attention_scores = false;
};

/// Reads a Keras MultiHeadAttention config.
MultiHeadAttentionSpec ParseMultiHeadAttentionSpec(const ConfigReader& config);

class MultiHeadAttention : public Layer {
 public:
  /// `input_shapes`: query, value and optionally key, each [timesteps, features].
  MultiHeadAttention(const MultiHeadAttentionSpec& spec, const std::vector<Shape>& input_shapes);

  LayerOutput Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                   const ForwardContext& ctx) override;
  /// Output [B, T, *out] and the attention probabilities [B, H, T, S] (before dropout).
  /// Masks: undefined or bool [B, T] (query) / [B, S] (value, key).
  std::pair<at::Tensor, at::Tensor> Forward(const at::Tensor& query, const at::Tensor& value, const at::Tensor& key,
                                            const at::Tensor& query_mask, const at::Tensor& value_mask,
                                            const at::Tensor& key_mask, const ForwardContext& ctx) const;
  std::vector<at::Tensor> Weights() const override;
  std::vector<Shape> OutputShapes() const override;
  /// Masks may arrive on any input; the output carries the query's (Keras).
  bool OutputMasked(const std::vector<bool>& input_masked) const override { return PassMask(input_masked); }

 private:
  /// x [B, T, D] through kernel [D, H, d] (+ bias [H, d]) -> [B, H, T, d].
  at::Tensor Project(const at::Tensor& x, const at::Tensor& kernel, const at::Tensor& bias) const;

  MultiHeadAttentionSpec spec_;
  Shape query_shape_, value_shape_, key_shape_;
  at::Tensor query_kernel_, query_bias_, key_kernel_, key_bias_, value_kernel_, value_bias_;
  at::Tensor output_kernel_, output_bias_;
};

std::unique_ptr<Layer> MakeMultiHeadAttention(const ConfigReader& config, const std::vector<Shape>& input_shapes);

}  // namespace tl
