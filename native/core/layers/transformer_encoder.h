// keras_hub TransformerEncoder: self-attention (MultiHeadAttention with key_dim = hidden /
// num_heads) + dropout + residual + LayerNormalization, then a feed-forward block
// Dense(intermediate_dim, activation) -> Dense(hidden) + dropout + residual + LayerNormalization;
// normalize_first moves each LayerNormalization before its block (pre-norm). The input mask
// masks attention (query and key positions) and passes through.
// Weights in keras_hub order: self_attention_layer (8, MultiHeadAttention order),
// self_attention_layer_norm gamma, beta, feedforward_layer_norm gamma, beta,
// feedforward_intermediate_dense kernel, bias, feedforward_output_dense kernel, bias.
#pragma once

#include "dense.h"
#include "layer_normalization.h"
#include "multi_head_attention.h"

namespace tl {

/// keras_hub TransformerEncoder layer.
struct TransformerEncoderSpec {
  std::string name;
  int64_t intermediate_dim = 0;
  int64_t num_heads = 0;
  double dropout = 0.0;
  std::string activation;
  double layer_norm_epsilon = 0.0;
  InitializerSpec kernel_initializer, bias_initializer;
  std::optional<RegularizerSpec> kernel_regularizer, bias_regularizer;
  bool normalize_first = false;
};

TransformerEncoderSpec ParseTransformerEncoderSpec(const ConfigReader& config);

class TransformerEncoder : public Layer {
 public:
  TransformerEncoder(const TransformerEncoderSpec& spec, const Shape& input_shape);

  LayerOutput Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                   const ForwardContext& ctx) override;
  at::Tensor Forward(const at::Tensor& x, const at::Tensor& mask, const ForwardContext& ctx) const;
  std::vector<at::Tensor> Weights() const override;
  std::vector<Shape> OutputShapes() const override { return {input_shape_}; }
  bool OutputMasked(const std::vector<bool>& input_masked) const override { return PassMask(input_masked); }

 private:
  at::Tensor Dropout(const at::Tensor& x, const ForwardContext& ctx) const;

  TransformerEncoderSpec spec_;
  Shape input_shape_;
  std::unique_ptr<MultiHeadAttention> attention_;
  std::unique_ptr<LayerNormalization> attention_norm_, feedforward_norm_;
  std::unique_ptr<Dense> intermediate_, output_;
};

std::unique_ptr<Layer> MakeTransformerEncoder(const ConfigReader& config, const std::vector<Shape>& input_shapes);

}  // namespace tl
