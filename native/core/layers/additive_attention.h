// Keras AdditiveAttention (Bahdanau): scores = sum(scale * tanh(q + k)) over features, with
// `scale` [dim] (glorot_uniform, as Keras hard-codes) when use_scale; the rest as Attention.
#pragma once

#include "attention.h"

namespace tl {

class AdditiveAttention : public ScoreAttention {
 public:
  AdditiveAttention(const AttentionSpec& spec, const std::vector<Shape>& input_shapes);
  std::vector<at::Tensor> Weights() const override;

 protected:
  at::Tensor Scores(const at::Tensor& query, const at::Tensor& key) const override;

 private:
  at::Tensor scale_;
};

std::unique_ptr<Layer> MakeAdditiveAttention(const ConfigReader& config, const std::vector<Shape>& input_shapes);

}  // namespace tl
