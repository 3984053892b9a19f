#include "bidirectional.h"

#include "../errors.h"
#include "factory.h"

namespace tl {
namespace {

std::string WithoutPrefix(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0 ? s.substr(prefix.size()) : s;
}

MergeMode ParseMergeMode(const ConfigReader& c) {
  const Value& v = c.Get("merge_mode");
  if (v.is_null()) return MergeMode::kNone;
  if (!v.is_string()) c.Fail("merge_mode", "expected 'concat', 'sum', 'mul', 'ave' or null but received " + v.Dump());
  const std::string& mode = v.as_string();
  if (mode == "concat") return MergeMode::kConcat;
  if (mode == "sum") return MergeMode::kSum;
  if (mode == "mul") return MergeMode::kMul;
  if (mode == "ave") return MergeMode::kAve;
  c.Fail("merge_mode", "unknown merge mode '" + mode + "' (expected 'concat', 'sum', 'mul', 'ave' or null)");
}

// The inner layer `{class_name, config}` under `key`, checked to be a recurrent layer config.
LayerSpec InnerSpec(const ConfigReader& c, const std::string& key) {
  const ConfigReader outer = c.Child(key);
  LayerSpec spec;
  spec.class_name = outer.String("class_name");
  const ConfigReader config = outer.Child("config");
  spec.config = outer.Get("config");
  spec.name = config.String("name");
  for (const char* flag : {"go_backwards", "return_sequences", "return_state"}) {
    if (config.Has(flag)) continue;
    config.Fail(flag, "Bidirectional wraps a recurrent layer (LSTM, GRU, SimpleRNN), but '" + spec.class_name +
                          "' has no " + flag);
  }
  if (config.Has("activity_regularizer")) {
    config.Fail("activity_regularizer", "an activity regularizer on the wrapped layer is not supported; set "
                                        "activity_regularizer on the Bidirectional layer instead");
  }
  return spec;
}

bool Flag(const LayerSpec& spec, const std::string& key) {
  const Value* v = spec.config.Find(key);
  return v != nullptr && v->is_bool() && v->as_bool();
}

}  // namespace

std::unique_ptr<Layer> MakeBidirectional(const ConfigReader& c, const std::vector<Shape>& input_shapes) {
  const std::string name = c.String("name");
  const MergeMode merge_mode = ParseMergeMode(c);
  LayerSpec forward = InnerSpec(c, "layer");
  LayerSpec backward;
  if (c.Has("backward_layer")) {
    backward = InnerSpec(c, "backward_layer");
  } else {
    backward = forward;
    backward.config.Set("go_backwards", !Flag(forward, "go_backwards"));
    backward.name = "backward_" + WithoutPrefix(WithoutPrefix(forward.name, "forward_"), "backward_");
    backward.config.Set("name", backward.name);
  }
  forward.name = "forward_" + WithoutPrefix(forward.name, "forward_");
  forward.config.Set("name", forward.name);
  if (Flag(forward, "go_backwards") == Flag(backward, "go_backwards")) {
    c.Fail("backward_layer", "the forward and backward layers need different go_backwards values");
  }
  for (const char* flag : {"return_sequences", "return_state", "stateful"}) {
    if (Flag(forward, flag) != Flag(backward, flag)) {
      c.Fail("backward_layer", std::string("the forward and backward layers need the same ") + flag);
    }
  }
  if (input_shapes.empty() || (input_shapes.size() - 1) % 2 != 0) {
    throw ShapeError(c.where() + " takes the sequence and then as many initial states for the backward layer as for "
                     "the forward one, but was called on " + std::to_string(input_shapes.size()) + " inputs");
  }
  const size_t half = (input_shapes.size() - 1) / 2;
  std::vector<Shape> forward_shapes = {input_shapes[0]}, backward_shapes = {input_shapes[0]};
  for (size_t i = 0; i < half; ++i) {
    forward_shapes.push_back(input_shapes[1 + i]);
    backward_shapes.push_back(input_shapes[1 + half + i]);
  }
  auto forward_layer = MakeLayer(forward, forward_shapes);
  auto backward_layer = MakeLayer(backward, backward_shapes);
  return std::make_unique<Bidirectional>(name, merge_mode, std::move(forward_layer), std::move(backward_layer),
                                         Flag(forward, "return_sequences"), Flag(forward, "return_state"));
}

Bidirectional::Bidirectional(std::string name, MergeMode merge_mode, std::unique_ptr<Layer> forward,
                             std::unique_ptr<Layer> backward, bool return_sequences, bool return_state)
    : Layer(std::move(name), "Bidirectional"),
      merge_mode_(merge_mode),
      forward_(std::move(forward)),
      backward_(std::move(backward)),
      return_sequences_(return_sequences),
      return_state_(return_state) {}

at::Tensor Bidirectional::RegularizationLoss() const {
  // Each direction registered its own kernel/recurrent/bias regularizers when it was built.
  at::Tensor f = forward_->RegularizationLoss(), b = backward_->RegularizationLoss();
  if (!f.defined()) return b;
  return b.defined() ? f + b : f;
}

std::vector<at::Tensor> Bidirectional::Merge(std::vector<at::Tensor> y, std::vector<at::Tensor> y_rev,
                                             const at::Tensor& mask) const {
  at::Tensor a = y[0], b = y_rev[0];
  if (return_sequences_) b = b.flip({1});
  if (return_sequences_ && mask.defined()) {
    const at::Tensor keep = mask.unsqueeze(-1).to(a.scalar_type());
    a = a * keep;
    b = b * keep;
  }
  std::vector<at::Tensor> out;
  switch (merge_mode_) {
    case MergeMode::kConcat: out = {at::cat({a, b}, -1)}; break;
    case MergeMode::kSum: out = {a + b}; break;
    case MergeMode::kMul: out = {a * b}; break;
    case MergeMode::kAve: out = {(a + b) * 0.5}; break;
    case MergeMode::kNone: out = {a, b}; break;
  }
  if (return_state_) {
    out.insert(out.end(), y.begin() + 1, y.end());
    out.insert(out.end(), y_rev.begin() + 1, y_rev.end());
  }
  return out;
}

LayerOutput Bidirectional::Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                                const ForwardContext& ctx) {
  if (inputs.empty() || (inputs.size() - 1) % 2 != 0) {
    throw ShapeError(Label() + " takes the sequence and then as many initial states for the backward layer as for "
                     "the forward one, but was called on " + std::to_string(inputs.size()) + " inputs");
  }
  const at::Tensor mask = masks.empty() ? at::Tensor() : masks[0];
  const size_t half = (inputs.size() - 1) / 2;
  std::vector<at::Tensor> fin = {inputs[0]}, bin = {inputs[0]};
  std::vector<at::Tensor> fmask = {mask}, bmask = {mask};
  for (size_t i = 0; i < half; ++i) {
    fin.push_back(inputs[1 + i]);
    bin.push_back(inputs[1 + half + i]);
    fmask.emplace_back();
    bmask.emplace_back();
  }
  LayerOutput y = forward_->Call(fin, fmask, ctx);
  LayerOutput y_rev = backward_->Call(bin, bmask, ctx);
  return {Merge(std::move(y.tensors), std::move(y_rev.tensors), mask), return_sequences_ ? mask : at::Tensor()};
}

bool Bidirectional::CallLean(const at::Tensor& x, std::vector<at::Tensor>* out) const {
  std::vector<at::Tensor> y, y_rev;
  if (!forward_->CallLean(x, &y) || !backward_->CallLean(x, &y_rev)) return false;
  *out = Merge(std::move(y), std::move(y_rev), at::Tensor());
  return true;
}

std::vector<at::Tensor> Bidirectional::Weights() const {
  std::vector<at::Tensor> all = forward_->Weights();
  for (auto& w : backward_->Weights()) all.push_back(w);
  return all;
}

std::vector<Shape> Bidirectional::OutputShapes() const {
  const std::vector<Shape> inner = forward_->OutputShapes();
  Shape main = inner.at(0);
  if (merge_mode_ == MergeMode::kConcat && main.back() > 0) main.back() *= 2;
  std::vector<Shape> out = {main};
  if (merge_mode_ == MergeMode::kNone) out.push_back(main);
  if (return_state_) {
    for (int pass = 0; pass < 2; ++pass) out.insert(out.end(), inner.begin() + 1, inner.end());
  }
  return out;
}

bool Bidirectional::OutputMasked(const std::vector<bool>& input_masked) const {
  std::vector<bool> inner_masked(1 + (input_masked.empty() ? 0 : (input_masked.size() - 1) / 2), false);
  inner_masked[0] = PassMask(input_masked);
  forward_->OutputMasked(inner_masked);  // throws when the wrapped layer cannot take a mask
  backward_->OutputMasked(inner_masked);
  return return_sequences_ && inner_masked[0];
}

LayerInfo Bidirectional::Describe() const {
  LayerInfo info = Layer::Describe();
  info.kernel = forward_->Describe().kernel;
  return info;
}

void Bidirectional::ResetStates() {
  forward_->ResetStates();
  backward_->ResetStates();
}

}  // namespace tl
