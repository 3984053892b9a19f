#include "position_embedding.h"

#include "../errors.h"
#include "../initializers.h"

namespace tl {

std::unique_ptr<Layer> MakePositionEmbedding(const ConfigReader& c, const std::vector<Shape>& input_shapes) {
  PositionEmbeddingSpec spec;
  spec.name = c.String("name");
  spec.sequence_length = c.Int("sequence_length");
  if (spec.sequence_length <= 0) c.Fail("sequence_length", "expected a positive integer");
  spec.initializer = c.Initializer("initializer");
  spec.hierarchical_alpha = c.Number("hierarchical_alpha");
  if (!(spec.hierarchical_alpha >= 0 && spec.hierarchical_alpha < 1)) {
    c.Fail("hierarchical_alpha", "expected a number in [0, 1)");
  }
  if (input_shapes.size() != 1) {
    throw ShapeError(c.where() + " takes one input but was called on " + std::to_string(input_shapes.size()));
  }
  return std::make_unique<PositionEmbedding>(spec, input_shapes[0]);
}

PositionEmbedding::PositionEmbedding(const PositionEmbeddingSpec& spec, const Shape& input_shape)
    : Layer(spec.name, "PositionEmbedding"), spec_(spec), input_shape_(input_shape) {
  if (input_shape.size() < 2 || input_shape.back() <= 0) {
    throw ShapeError(Label() + " expects inputs of shape [batch, timesteps, features] with known features but "
                     "received " + ShapeString(WithBatch(input_shape)));
  }
  const int64_t length = input_shape[input_shape.size() - 2];
  if (length > spec.sequence_length * spec.sequence_length) {
    throw ShapeError(Label() + ": inputs of " + std::to_string(length) + " timesteps exceed sequence_length^2 (" +
                     std::to_string(spec.sequence_length) + "^2)");
  }
  embeddings_ = Initialize(spec.initializer, {spec.sequence_length, input_shape.back()}).set_requires_grad(true);
}

at::Tensor PositionEmbedding::Forward(const at::Tensor& x) const {
  if (x.dim() != static_cast<int64_t>(input_shape_.size()) + 1 || x.size(-1) != input_shape_.back()) {
    throw ShapeError(Label() + " expects inputs of shape " + ShapeString(WithBatch(input_shape_)) + " but received " +
                     ShapeString(x.sizes().vec()));
  }
  const int64_t length = x.size(-2), n = spec_.sequence_length;
  at::Tensor positions;
  if (length < n) {
    positions = embeddings_.narrow(0, 0, length);
  } else {
    // keras_hub: hierarchical positions i -> alpha * E'[i / n] + (1 - alpha) * E'[i % n]
    // with E' = (E - alpha * E[0]) / (1 - alpha); for length == n this is E itself.
    if (length > n * n) {
      throw ShapeError(Label() + ": inputs of " + std::to_string(length) + " timesteps exceed sequence_length^2 (" +
                       std::to_string(n) + "^2)");
    }
    const double a = spec_.hierarchical_alpha;
    const at::Tensor e = (embeddings_ - a * embeddings_.narrow(0, 0, 1)) / (1 - a);
    const at::Tensor ids = at::arange(length, at::TensorOptions().dtype(at::kLong).device(x.device()));
    positions = a * e.index_select(0, ids.div(n, "floor")) + (1 - a) * e.index_select(0, ids.remainder(n));
  }
  return positions.expand(x.sizes());
}

LayerOutput PositionEmbedding::Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                                    const ForwardContext&) {
  return {{Forward(SingleInput(inputs))}, at::Tensor()};
}

}  // namespace tl
