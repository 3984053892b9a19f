#include "transformer_encoder.h"

#include "../activations.h"
#include "../errors.h"

namespace tl {

TransformerEncoderSpec ParseTransformerEncoderSpec(const ConfigReader& c) {
  TransformerEncoderSpec s;
  s.name = c.String("name");
  s.intermediate_dim = c.Int("intermediate_dim");
  if (s.intermediate_dim <= 0) c.Fail("intermediate_dim", "expected a positive integer");
  s.num_heads = c.Int("num_heads");
  if (s.num_heads <= 0) c.Fail("num_heads", "expected a positive integer");
  s.dropout = c.Number("dropout");
  if (s.dropout < 0 || s.dropout >= 1) c.Fail("dropout", "expected a rate in [0, 1) but received " + std::to_string(s.dropout));
  s.activation = c.String("activation");
  GetActivation(s.activation);
  s.layer_norm_epsilon = c.Number("layer_norm_epsilon");
  if (!(s.layer_norm_epsilon > 0)) c.Fail("layer_norm_epsilon", "expected a positive number");
  s.kernel_initializer = c.Initializer("kernel_initializer");
  s.bias_initializer = c.Initializer("bias_initializer");
  s.kernel_regularizer = c.Regularizer("kernel_regularizer");
  s.bias_regularizer = c.Regularizer("bias_regularizer");
  s.normalize_first = c.Bool("normalize_first");
  return s;
}

std::unique_ptr<Layer> MakeTransformerEncoder(const ConfigReader& config, const std::vector<Shape>& input_shapes) {
  TransformerEncoderSpec spec = ParseTransformerEncoderSpec(config);
  if (input_shapes.size() != 1) {
    throw ShapeError(config.where() + " takes one input but was called on " + std::to_string(input_shapes.size()));
  }
  return std::make_unique<TransformerEncoder>(spec, input_shapes[0]);
}

TransformerEncoder::TransformerEncoder(const TransformerEncoderSpec& spec, const Shape& input_shape)
    : Layer(spec.name, "TransformerEncoder"), spec_(spec), input_shape_(input_shape) {
  if (input_shape.size() != 2 || input_shape[1] <= 0) {
    throw ShapeError(Label() + " expects inputs of shape [batch, timesteps, features] with known features but "
                     "received " + ShapeString(WithBatch(input_shape)));
  }
  const int64_t hidden = input_shape[1];
  if (hidden % spec.num_heads != 0) {
    throw ShapeError(Label() + ": num_heads (" + std::to_string(spec.num_heads) +
                     ") must divide the hidden size (the input's last dimension, " + std::to_string(hidden) + ")");
  }
  MultiHeadAttentionSpec mha;
  mha.name = "self_attention_layer";
  mha.num_heads = spec.num_heads;
  mha.key_dim = mha.value_dim = hidden / spec.num_heads;
  mha.dropout = spec.dropout;
  mha.use_bias = true;
  mha.kernel_initializer = spec.kernel_initializer;
  mha.bias_initializer = spec.bias_initializer;
  attention_ = std::make_unique<MultiHeadAttention>(mha, std::vector<Shape>{input_shape, input_shape});

  LayerNormalizationSpec norm;
  norm.axis = {-1};
  norm.epsilon = spec.layer_norm_epsilon;
  norm.gamma_initializer.class_name = "Ones";
  norm.beta_initializer.class_name = "Zeros";
  norm.name = "self_attention_layer_norm";
  attention_norm_ = std::make_unique<LayerNormalization>(norm, input_shape);
  norm.name = "feedforward_layer_norm";
  feedforward_norm_ = std::make_unique<LayerNormalization>(norm, input_shape);

  DenseSpec dense;
  dense.name = "feedforward_intermediate_dense";
  dense.units = spec.intermediate_dim;
  dense.activation = spec.activation;
  dense.kernel_initializer = spec.kernel_initializer;
  dense.bias_initializer = spec.bias_initializer;
  intermediate_ = std::make_unique<Dense>(dense, input_shape);
  dense.name = "feedforward_output_dense";
  dense.units = hidden;
  dense.activation = "linear";
  output_ = std::make_unique<Dense>(dense, Shape{input_shape[0], spec.intermediate_dim});

  // keras_hub passes the kernel/bias regularizers to the attention and dense sublayers (not the norms).
  const std::vector<at::Tensor> mha_weights = attention_->Weights();
  for (size_t i = 0; i < mha_weights.size(); ++i) {
    Regularize(mha_weights[i], i % 2 == 0 ? spec.kernel_regularizer : spec.bias_regularizer);
  }
  for (const Dense* d : {intermediate_.get(), output_.get()}) {
    const std::vector<at::Tensor> w = d->Weights();
    Regularize(w[0], spec.kernel_regularizer);
    Regularize(w[1], spec.bias_regularizer);
  }
}

at::Tensor TransformerEncoder::Dropout(const at::Tensor& x, const ForwardContext& ctx) const {
  if (!ctx.training || spec_.dropout <= 0) return x;
  return x * DropoutMask(x.sizes(), spec_.dropout, ctx);
}

at::Tensor TransformerEncoder::Forward(const at::Tensor& inputs, const at::Tensor& mask, const ForwardContext& ctx) const {
  if (inputs.dim() != 3 || inputs.size(2) != input_shape_[1]) {
    throw ShapeError(Label() + " expects inputs of shape " + ShapeString(WithBatch(input_shape_)) + " but received " +
                     ShapeString(inputs.sizes().vec()));
  }
  const bool pre = spec_.normalize_first;
  // Self-attention block. The padding mask reaches the attention as keras_hub's attention mask
  // [B, 1, S] and as MultiHeadAttention's query and value masks: query & key positions.
  at::Tensor x = pre ? attention_norm_->Forward(inputs) : inputs;
  x = attention_->Forward(x, x, x, mask, mask, at::Tensor(), ctx).first;
  x = Dropout(x, ctx) + inputs;
  if (!pre) x = attention_norm_->Forward(x);
  // Feed-forward block.
  const at::Tensor residual = x;
  if (pre) x = feedforward_norm_->Forward(x);
  x = output_->Forward(intermediate_->Forward(x));
  x = Dropout(x, ctx) + residual;
  if (!pre) x = feedforward_norm_->Forward(x);
  return x;
}

LayerOutput TransformerEncoder::Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                                     const ForwardContext& ctx) {
  const at::Tensor mask = masks.empty() ? at::Tensor() : masks[0];
  return {{Forward(SingleInput(inputs), mask, ctx)}, mask};
}

std::vector<at::Tensor> TransformerEncoder::Weights() const {
  std::vector<at::Tensor> out = attention_->Weights();
  for (const Layer* layer : std::initializer_list<const Layer*>{attention_norm_.get(), feedforward_norm_.get(),
                                                                intermediate_.get(), output_.get()}) {
    for (const at::Tensor& w : layer->Weights()) out.push_back(w);
  }
  return out;
}

}  // namespace tl
