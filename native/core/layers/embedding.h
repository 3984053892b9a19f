// Keras Embedding: integer indices (sent as float32) -> rows of an [input_dim, output_dim] table.
#pragma once

#include "layer.h"

namespace tl {

/// Keras Embedding layer.
struct EmbeddingSpec {
  std::string name;
  /// Vocabulary size: indices run over [0, input_dim).
  int64_t input_dim = 0;
  /// Width of each embedding vector.
  int64_t output_dim = 0;
  InitializerSpec embeddings_initializer;
  std::optional<RegularizerSpec> embeddings_regularizer;
  /// Index 0 is padding: the output mask is (x != 0).
  bool mask_zero = false;
};

/// Reads a Keras Embedding config.
EmbeddingSpec ParseEmbeddingSpec(const ConfigReader& config);

class Embedding : public Layer {
 public:
  Embedding(const EmbeddingSpec& spec, const Shape& input_shape);

  LayerOutput Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                   const ForwardContext& ctx) override;
  /// The lookup alone (indices of any integer or floating dtype).
  at::Tensor Forward(const at::Tensor& x) const;
  std::vector<at::Tensor> Weights() const override { return {embeddings_}; }
  std::vector<Shape> OutputShapes() const override;
  /// With mask_zero the output carries the mask (x != 0); an incoming mask is an error.
  bool OutputMasked(const std::vector<bool>& input_masked) const override;
  const EmbeddingSpec& spec() const { return spec_; }

 private:
  EmbeddingSpec spec_;
  Shape input_shape_;
  at::Tensor embeddings_;
};

std::unique_ptr<Layer> MakeEmbedding(const ConfigReader& config, const std::vector<Shape>& input_shapes);

}  // namespace tl
