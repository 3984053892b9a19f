// keras_hub PositionEmbedding: learned position embeddings [sequence_length, features]
// (weight `embeddings`), returned broadcast to the input's shape — only the embeddings, which
// the model adds to its token features (keras_hub's contract). Inputs longer than
// sequence_length use keras_hub's hierarchical positions (hierarchical_alpha).
#pragma once

#include "layer.h"

namespace tl {

/// keras_hub PositionEmbedding layer.
struct PositionEmbeddingSpec {
  std::string name;
  int64_t sequence_length = 0;
  InitializerSpec initializer;
  double hierarchical_alpha = 0.4;
};

class PositionEmbedding : public Layer {
 public:
  PositionEmbedding(const PositionEmbeddingSpec& spec, const Shape& input_shape);

  LayerOutput Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                   const ForwardContext& ctx) override;
  /// The embeddings of positions 0..T-1 broadcast to x's shape [B, T, features].
  at::Tensor Forward(const at::Tensor& x) const;
  std::vector<at::Tensor> Weights() const override { return {embeddings_}; }
  std::vector<Shape> OutputShapes() const override { return {input_shape_}; }
  /// The output does not depend on the input's values: a mask is accepted and not passed on
  /// (keras_hub's layer does not support masking; the token embeddings carry it).
  bool OutputMasked(const std::vector<bool>& input_masked) const override { return false; }

 private:
  PositionEmbeddingSpec spec_;
  Shape input_shape_;
  at::Tensor embeddings_;
};

std::unique_ptr<Layer> MakePositionEmbedding(const ConfigReader& config, const std::vector<Shape>& input_shapes);

}  // namespace tl
