#include "concatenate.h"

#include <algorithm>

#include "../errors.h"

namespace tl {

std::unique_ptr<Layer> MakeConcatenate(const ConfigReader& c, const std::vector<Shape>& input_shapes) {
  return std::make_unique<Concatenate>(c.String("name"), c.Int("axis"), input_shapes);
}

Concatenate::Concatenate(std::string name, int64_t axis, const std::vector<Shape>& input_shapes)
    : Layer(std::move(name), "Concatenate"), input_shapes_(input_shapes) {
  if (input_shapes.empty()) throw ShapeError(Label() + " must be called on a list of inputs");
  const size_t rank = input_shapes[0].size() + 1;
  std::string shapes;
  for (const Shape& s : input_shapes) shapes += (shapes.empty() ? "" : ", ") + ShapeString(WithBatch(s));
  for (const Shape& s : input_shapes) {
    if (s.size() + 1 != rank) throw ShapeError(Label() + " needs inputs of the same rank but received " + shapes);
  }
  axis_ = axis < 0 ? axis + static_cast<int64_t>(rank) : axis;
  if (axis_ < 1 || axis_ >= static_cast<int64_t>(rank)) {
    throw ShapeError(Label() + ": axis " + std::to_string(axis) + " is out of range for inputs " + shapes +
                     " (the batch axis 0 cannot be joined)");
  }
  output_shape_ = input_shapes[0];
  const size_t joined = static_cast<size_t>(axis_ - 1);
  for (size_t i = 1; i < input_shapes.size(); ++i) {
    const Shape& s = input_shapes[i];
    for (size_t d = 0; d < s.size(); ++d) {
      if (d == joined) {
        output_shape_[d] = output_shape_[d] < 0 || s[d] < 0 ? -1 : output_shape_[d] + s[d];
      } else if (s[d] >= 0 && output_shape_[d] >= 0 && s[d] != output_shape_[d]) {
        throw ShapeError(Label() + " needs inputs with matching shapes except along axis " + std::to_string(axis) +
                         " but received " + shapes);
      } else if (output_shape_[d] < 0) {
        output_shape_[d] = s[d];
      }
    }
  }
}

bool Concatenate::OutputMasked(const std::vector<bool>& input_masked) const {
  return std::any_of(input_masked.begin(), input_masked.end(), [](bool m) { return m; });
}

LayerOutput Concatenate::Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                              const ForwardContext&) {
  if (inputs.size() != input_shapes_.size()) {
    throw ShapeError(Label() + " was built for " + std::to_string(input_shapes_.size()) + " inputs but called on " +
                     std::to_string(inputs.size()));
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    bool ok = inputs[i].dim() == static_cast<int64_t>(input_shapes_[i].size()) + 1;
    for (int64_t d = 1; ok && d < inputs[i].dim(); ++d) {
      ok = d == axis_ || inputs[i].size(d) == inputs[0].size(d);
    }
    if (!ok || inputs[i].size(0) != inputs[0].size(0)) {
      throw ShapeError(Label() + " needs inputs with matching shapes except along axis " + std::to_string(axis_) +
                       " but input " + std::to_string(i) + " has shape " + ShapeString(inputs[i].sizes().vec()) +
                       " and input 0 " + ShapeString(inputs[0].sizes().vec()));
    }
  }
  LayerOutput out;
  out.tensors = {at::cat(inputs, axis_)};
  const bool any_mask = std::any_of(masks.begin(), masks.end(), [](const at::Tensor& m) { return m.defined(); });
  if (any_mask) {
    // Keras compute_mask: each mask widened to its input's shape (all true when absent),
    // joined along the axis, then any over the last axis.
    std::vector<at::Tensor> full;
    for (size_t i = 0; i < inputs.size(); ++i) {
      const at::Tensor& x = inputs[i];
      const at::Tensor m = i < masks.size() ? masks[i] : at::Tensor();
      if (!m.defined()) {
        full.push_back(at::ones(x.sizes(), x.options().dtype(at::kBool)));
      } else if (m.dim() < x.dim()) {
        full.push_back(m.to(at::kBool).unsqueeze(-1).expand(x.sizes()));
      } else {
        full.push_back(m.to(at::kBool));
      }
    }
    out.mask = at::cat(full, axis_).any(-1);
  }
  return out;
}

}  // namespace tl
