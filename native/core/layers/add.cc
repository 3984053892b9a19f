#include "add.h"

#include <algorithm>

#include "../errors.h"

namespace tl {

std::unique_ptr<Layer> MakeAdd(const ConfigReader& c, const std::vector<Shape>& input_shapes) {
  return std::make_unique<Add>(c.String("name"), input_shapes);
}

Add::Add(std::string name, const std::vector<Shape>& input_shapes)
    : Layer(std::move(name), "Add"), input_shapes_(input_shapes) {
  if (input_shapes.empty()) throw ShapeError(Label() + " must be called on a list of inputs");
  output_shape_ = input_shapes[0];
  for (size_t i = 1; i < input_shapes.size(); ++i) output_shape_ = Broadcast(output_shape_, input_shapes[i], true);
}

Shape Add::Broadcast(const Shape& a, const Shape& b, bool batched) const {
  const auto fail = [&] {
    const auto render = [&](const Shape& s) { return ShapeString(batched ? WithBatch(s) : s); };
    return ShapeError(Label() + " needs inputs of the same shape (or size 1 to broadcast) but received shapes " +
                      render(a) + " and " + render(b));
  };
  if (a.size() != b.size()) throw fail();
  Shape out(a.size());
  for (size_t d = 0; d < a.size(); ++d) {
    if (a[d] < 0 || b[d] < 0) {
      out[d] = a[d] == 1 ? b[d] : (b[d] == 1 ? a[d] : -1);
    } else if (a[d] == b[d] || b[d] == 1) {
      out[d] = a[d];
    } else if (a[d] == 1) {
      out[d] = b[d];
    } else {
      throw fail();
    }
  }
  return out;
}

bool Add::OutputMasked(const std::vector<bool>& input_masked) const {
  return !input_masked.empty() && std::all_of(input_masked.begin(), input_masked.end(), [](bool m) { return m; });
}

LayerOutput Add::Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                      const ForwardContext&) {
  if (inputs.size() != input_shapes_.size()) {
    throw ShapeError(Label() + " was built for " + std::to_string(input_shapes_.size()) + " inputs but called on " +
                     std::to_string(inputs.size()));
  }
  at::Tensor sum = inputs[0];
  for (size_t i = 1; i < inputs.size(); ++i) {
    Broadcast(sum.sizes().vec(), inputs[i].sizes().vec(), false);
    sum = sum + inputs[i];
  }
  LayerOutput out;
  out.tensors = {sum};
  const bool all_masked = masks.size() == inputs.size() &&
                          std::all_of(masks.begin(), masks.end(), [](const at::Tensor& m) { return m.defined(); });
  if (all_masked) {
    at::Tensor m = masks[0].to(at::kBool);
    for (size_t i = 1; i < masks.size(); ++i) m = m.logical_or(masks[i].to(at::kBool));
    out.mask = m;
  }
  return out;
}

}  // namespace tl
