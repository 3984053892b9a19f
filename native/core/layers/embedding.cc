#include "embedding.h"

#include "../errors.h"
#include "../initializers.h"

namespace tl {

EmbeddingSpec ParseEmbeddingSpec(const ConfigReader& c) {
  EmbeddingSpec s;
  s.name = c.String("name");
  s.input_dim = c.Int("input_dim");
  s.output_dim = c.Int("output_dim");
  s.embeddings_initializer = c.Initializer("embeddings_initializer");
  s.embeddings_regularizer = c.Regularizer("embeddings_regularizer");
  s.mask_zero = c.Bool("mask_zero");
  if (s.input_dim <= 0) c.Fail("input_dim", "expected a positive integer but received " + std::to_string(s.input_dim));
  if (s.output_dim <= 0) c.Fail("output_dim", "expected a positive integer but received " + std::to_string(s.output_dim));
  if (c.Has("embeddings_constraint")) c.Fail("embeddings_constraint", "weight constraints are not supported");
  if (c.Has("lora_rank")) c.Fail("lora_rank", "LoRA is not supported");
  return s;
}

std::unique_ptr<Layer> MakeEmbedding(const ConfigReader& config, const std::vector<Shape>& input_shapes) {
  EmbeddingSpec spec = ParseEmbeddingSpec(config);
  if (input_shapes.size() != 1) {
    throw ShapeError(config.where() + " takes one input but was called on " + std::to_string(input_shapes.size()));
  }
  return std::make_unique<Embedding>(spec, input_shapes[0]);
}

Embedding::Embedding(const EmbeddingSpec& spec, const Shape& input_shape)
    : Layer(spec.name, "Embedding"), spec_(spec), input_shape_(input_shape) {
  if (spec.mask_zero && input_shape.size() != 1) {
    throw ShapeError(Label() + " with mask_zero expects inputs [batch, timesteps] but received " +
                     ShapeString(WithBatch(input_shape)));
  }
  embeddings_ = Initialize(spec.embeddings_initializer, {spec.input_dim, spec.output_dim}).set_requires_grad(true);
  Regularize(embeddings_, spec.embeddings_regularizer);
}

at::Tensor Embedding::Forward(const at::Tensor& x) const {
  if (x.dim() != static_cast<int64_t>(input_shape_.size()) + 1) {
    throw ShapeError(Label() + " expects input " + ShapeString(WithBatch(input_shape_)) + " but received " +
                     ShapeString(x.sizes().vec()));
  }
  const at::Tensor indices = x.to(at::kLong);
  if (indices.numel() > 0) {
    const int64_t lo = indices.min().item<int64_t>();
    const int64_t hi = indices.max().item<int64_t>();
    if (lo < 0 || hi >= spec_.input_dim) {
      throw ShapeError(Label() + ": index " + std::to_string(lo < 0 ? lo : hi) + " is out of range for input_dim " +
                       std::to_string(spec_.input_dim) + " (indices must lie in [0, " +
                       std::to_string(spec_.input_dim - 1) + "])");
    }
  }
  return at::embedding(embeddings_, indices);
}

LayerOutput Embedding::Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                            const ForwardContext&) {
  const at::Tensor& x = SingleInput(inputs);
  at::Tensor out = Forward(x);
  return {{out}, spec_.mask_zero ? x.ne(0) : at::Tensor()};
}

bool Embedding::OutputMasked(const std::vector<bool>& input_masked) const {
  Layer::OutputMasked(input_masked);  // an incoming mask is an error
  return spec_.mask_zero;
}

std::vector<Shape> Embedding::OutputShapes() const {
  Shape out = input_shape_;
  out.push_back(spec_.output_dim);
  return {out};
}

}  // namespace tl
