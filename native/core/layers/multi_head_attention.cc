#include "multi_head_attention.h"

#include <cmath>
#include <numeric>

#include "../errors.h"
#include "../initializers.h"
#include "attention.h"

namespace tl {
namespace {

int64_t Positive(const ConfigReader& c, const std::string& key) {
  const int64_t v = c.Int(key);
  if (v <= 0) c.Fail(key, "expected a positive integer but received " + std::to_string(v));
  return v;
}

// An int or a list of ints (Keras accepts both for output_shape and attention_axes); null: empty.
std::vector<int64_t> IntOrList(const ConfigReader& c, const std::string& key) {
  if (!c.Has(key)) return {};
  if (c.Get(key).is_number()) return {c.Int(key)};
  return c.IntList(key);
}

}  // namespace

MultiHeadAttentionSpec ParseMultiHeadAttentionSpec(const ConfigReader& c) {
  MultiHeadAttentionSpec s;
  s.name = c.String("name");
  s.num_heads = Positive(c, "num_heads");
  s.key_dim = Positive(c, "key_dim");
  s.value_dim = c.Has("value_dim") ? Positive(c, "value_dim") : s.key_dim;  // Keras: value_dim or key_dim
  s.dropout = c.Number("dropout");
  if (s.dropout < 0 || s.dropout >= 1) c.Fail("dropout", "expected a rate in [0, 1) but received " + std::to_string(s.dropout));
  s.use_bias = c.Bool("use_bias");
  s.output_shape = IntOrList(c, "output_shape");
  for (int64_t d : s.output_shape) {
    if (d <= 0) c.Fail("output_shape", "expected positive sizes but received " + c.Get("output_shape").Dump());
  }
  const std::vector<int64_t> axes = IntOrList(c, "attention_axes");
  if (!axes.empty() && !(axes.size() == 1 && (axes[0] == 1 || axes[0] == -2))) {
    c.Fail("attention_axes", "only attention over the time axis (null or [1]) is supported but received " +
                                 c.Get("attention_axes").Dump());
  }
  s.kernel_initializer = c.Initializer("kernel_initializer");
  s.bias_initializer = c.Initializer("bias_initializer");
  s.kernel_regularizer = c.Regularizer("kernel_regularizer");
  s.bias_regularizer = c.Regularizer("bias_regularizer");
  if (c.Has("activity_regularizer")) {
    c.Fail("activity_regularizer", "is not supported on MultiHeadAttention (Keras applies it to each projection)");
  }
  s.use_causal_mask = c.Bool("use_causal_mask");
  s.return_attention_scores = c.Bool("return_attention_scores");
  return s;
}

std::unique_ptr<Layer> MakeMultiHeadAttention(const ConfigReader& config, const std::vector<Shape>& input_shapes) {
  return std::make_unique<MultiHeadAttention>(ParseMultiHeadAttentionSpec(config), input_shapes);
}

MultiHeadAttention::MultiHeadAttention(const MultiHeadAttentionSpec& spec, const std::vector<Shape>& input_shapes)
    : Layer(spec.name, "MultiHeadAttention"), spec_(spec) {
  if (input_shapes.size() != 2 && input_shapes.size() != 3) {
    throw ShapeError(Label() + " takes [query, value] or [query, value, key] but was called on " +
                     std::to_string(input_shapes.size()) + " input(s)");
  }
  static const char* kNames[] = {"query", "value", "key"};
  for (size_t i = 0; i < input_shapes.size(); ++i) {
    if (input_shapes[i].size() != 2 || input_shapes[i][1] <= 0) {
      throw ShapeError(Label() + ": " + kNames[i] + " must have shape [batch, timesteps, features] with known features "
                       "but has shape " + ShapeString(WithBatch(input_shapes[i])));
    }
  }
  query_shape_ = input_shapes[0];
  value_shape_ = input_shapes[1];
  key_shape_ = input_shapes.size() > 2 ? input_shapes[2] : value_shape_;
  if (key_shape_[0] > 0 && value_shape_[0] > 0 && key_shape_[0] != value_shape_[0]) {
    throw ShapeError(Label() + ": value and key must have the same number of timesteps but have shapes " +
                     ShapeString(WithBatch(value_shape_)) + " and " + ShapeString(WithBatch(key_shape_)));
  }
  if (spec_.output_shape.empty()) spec_.output_shape = {query_shape_[1]};
  const int64_t h = spec.num_heads, k = spec.key_dim, v = spec.value_dim;
  const auto kernel = [&](std::vector<int64_t> shape) {
    at::Tensor w = Initialize(spec.kernel_initializer, shape).set_requires_grad(true);
    Regularize(w, spec.kernel_regularizer);
    return w;
  };
  const auto bias = [&](std::vector<int64_t> shape) {
    if (!spec.use_bias) return at::Tensor();
    at::Tensor b = Initialize(spec.bias_initializer, shape).set_requires_grad(true);
    Regularize(b, spec.bias_regularizer);
    return b;
  };
  query_kernel_ = kernel({query_shape_[1], h, k});
  query_bias_ = bias({h, k});
  key_kernel_ = kernel({key_shape_[1], h, k});
  key_bias_ = bias({h, k});
  value_kernel_ = kernel({value_shape_[1], h, v});
  value_bias_ = bias({h, v});
  std::vector<int64_t> out_kernel = {h, v};
  out_kernel.insert(out_kernel.end(), spec_.output_shape.begin(), spec_.output_shape.end());
  output_kernel_ = kernel(out_kernel);
  output_bias_ = bias(spec_.output_shape);
}

at::Tensor MultiHeadAttention::Project(const at::Tensor& x, const at::Tensor& kernel, const at::Tensor& bias) const {
  const int64_t heads = kernel.size(1), size = kernel.size(2);
  at::Tensor y = at::matmul(x, kernel.reshape({kernel.size(0), heads * size}));
  y = y.view({x.size(0), x.size(1), heads, size});
  if (bias.defined()) y = y + bias;
  return y.permute({0, 2, 1, 3});
}

std::pair<at::Tensor, at::Tensor> MultiHeadAttention::Forward(const at::Tensor& query, const at::Tensor& value,
                                                              const at::Tensor& key, const at::Tensor& query_mask,
                                                              const at::Tensor& value_mask, const at::Tensor& key_mask,
                                                              const ForwardContext& ctx) const {
  if (query.dim() != 3 || value.dim() != 3 || key.dim() != 3 || query.size(2) != query_shape_[1] ||
      value.size(2) != value_shape_[1] || key.size(2) != key_shape_[1] || key.size(1) != value.size(1) ||
      query.size(0) != value.size(0) || key.size(0) != value.size(0)) {
    throw ShapeError(Label() + " expects query, value, key of shapes " + ShapeString(WithBatch(query_shape_)) + ", " +
                     ShapeString(WithBatch(value_shape_)) + ", " + ShapeString(WithBatch(key_shape_)) +
                     " but received " + ShapeString(query.sizes().vec()) + ", " + ShapeString(value.sizes().vec()) +
                     ", " + ShapeString(key.sizes().vec()));
  }
  const int64_t batch = query.size(0), tq = query.size(1), tv = value.size(1);
  // Keras _compute_attention_mask: query [B, T, 1] & value [B, 1, S] & key [B, 1, S] & causal [1, T, S].
  at::Tensor mask = AttentionScoresMask(value_mask, spec_.use_causal_mask, tq, tv, query.device());
  if (key_mask.defined()) {
    at::Tensor km = key_mask.to(at::kBool).unsqueeze(1);
    mask = mask.defined() ? mask.logical_and(km) : km;
  }
  if (query_mask.defined()) {
    at::Tensor qm = query_mask.to(at::kBool).unsqueeze(2);
    mask = mask.defined() ? mask.logical_and(qm) : qm;
  }
  const at::Tensor q = Project(query, query_kernel_, query_bias_) * (1.0 / std::sqrt(static_cast<double>(spec_.key_dim)));
  const at::Tensor k = Project(key, key_kernel_, key_bias_);
  const at::Tensor v = Project(value, value_kernel_, value_bias_);
  const at::Tensor probs = MaskedSoftmax(at::matmul(q, k.transpose(2, 3)), mask.defined() ? mask.unsqueeze(1) : mask);
  at::Tensor dropped = probs;
  if (ctx.training && spec_.dropout > 0) dropped = probs * DropoutMask(probs.sizes(), spec_.dropout, ctx);
  const int64_t hv = spec_.num_heads * spec_.value_dim;
  at::Tensor context = at::matmul(dropped, v).permute({0, 2, 1, 3}).reshape({batch, tq, hv});
  const int64_t out_size = output_kernel_.numel() / hv;
  at::Tensor out = at::matmul(context, output_kernel_.reshape({hv, out_size}));
  std::vector<int64_t> out_shape = {batch, tq};
  out_shape.insert(out_shape.end(), spec_.output_shape.begin(), spec_.output_shape.end());
  out = out.reshape(out_shape);
  if (output_bias_.defined()) out = out + output_bias_;
  return {out, probs};
}

LayerOutput MultiHeadAttention::Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                                     const ForwardContext& ctx) {
  if (inputs.size() != 2 && inputs.size() != 3) {
    throw ShapeError(Label() + " takes [query, value] or [query, value, key] but was called on " +
                     std::to_string(inputs.size()) + " input(s)");
  }
  const auto mask = [&](size_t i) { return masks.size() > i ? masks[i] : at::Tensor(); };
  const bool has_key = inputs.size() > 2;
  auto [out, scores] = Forward(inputs[0], inputs[1], has_key ? inputs[2] : inputs[1], mask(0), mask(1),
                               has_key ? mask(2) : at::Tensor(), ctx);
  LayerOutput result;
  result.tensors = {out};
  if (spec_.return_attention_scores) result.tensors.push_back(scores);
  result.mask = mask(0);
  return result;
}

std::vector<at::Tensor> MultiHeadAttention::Weights() const {
  std::vector<at::Tensor> out;
  for (const at::Tensor* w : {&query_kernel_, &query_bias_, &key_kernel_, &key_bias_, &value_kernel_, &value_bias_,
                              &output_kernel_, &output_bias_}) {
    if (w->defined()) out.push_back(*w);
  }
  return out;
}

std::vector<Shape> MultiHeadAttention::OutputShapes() const {
  Shape out = {query_shape_[0]};
  out.insert(out.end(), spec_.output_shape.begin(), spec_.output_shape.end());
  std::vector<Shape> shapes = {out};
  if (spec_.return_attention_scores) shapes.push_back({spec_.num_heads, query_shape_[0], value_shape_[0]});
  return shapes;
}

}  // namespace tl
