// Shared by the recurrent-layer tests: seeded specs for LSTM / GRU / SimpleRNN / PeepholeLSTM
// (same seeds, same weights), their Keras-format configs, and the fused-vs-loop harness.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "spec_helpers.h"

#include "layers/gru.h"
#include "layers/lstm.h"
#include "layers/peephole_lstm.h"
#include "layers/simple_rnn.h"

namespace tl::testing {

template <typename S>
void SeedInitializers(S* s) {
  s->kernel_initializer = Init("GlorotUniform", 1);
  s->recurrent_initializer = Init("Orthogonal", 2);
  s->bias_initializer = Init("RandomUniform", 3);
  s->bias_initializer.minval = -0.5;
  s->bias_initializer.maxval = 0.5;
}

inline LstmSpec LstmS(int64_t units) {
  LstmSpec s;
  s.name = "lstm";
  s.units = units;
  s.activation = "tanh";
  s.recurrent_activation = "sigmoid";
  SeedInitializers(&s);
  s.unit_forget_bias = false;
  return s;
}

inline GruSpec GruS(int64_t units, bool reset_after = true) {
  GruSpec s;
  s.name = "gru";
  s.units = units;
  s.activation = "tanh";
  s.recurrent_activation = "sigmoid";
  s.reset_after = reset_after;
  SeedInitializers(&s);
  return s;
}

inline SimpleRnnSpec RnnS(int64_t units, const std::string& activation = "tanh") {
  SimpleRnnSpec s;
  s.name = "rnn";
  s.units = units;
  s.activation = activation;
  SeedInitializers(&s);
  return s;
}

inline LayerSpec L(const GruSpec& s) {
  Value c = RecurrentKeys(s);
  c.Set("activation", s.activation);
  c.Set("recurrent_activation", s.recurrent_activation);
  c.Set("reset_after", s.reset_after);
  c.Set("use_cudnn", FusedValue(s.use_cudnn));
  return LayerSpec{"GRU", s.name, c};
}

inline LayerSpec L(const SimpleRnnSpec& s) {
  Value c = RecurrentKeys(s);
  c.Set("activation", s.activation);
  return LayerSpec{"SimpleRNN", s.name, c};
}

/// Builds a fresh layer (same seeds: same weights) with the given kernel choice.
using MakeRecurrent = std::function<std::unique_ptr<Recurrent>(UseFused)>;

template <typename T, typename Spec>
MakeRecurrent Maker(Spec spec, Shape input_shape) {
  return [spec, input_shape](UseFused f) mutable {
    spec.use_cudnn = f;
    return std::unique_ptr<Recurrent>(new T(spec, input_shape));
  };
}

/// Outputs and gradients (weights, then x, then initial states) of one call under the loss
/// sum_k (k + 1) * sum(out_k^2) + sum(out_k).
struct Traced {
  std::vector<at::Tensor> outputs, grads;
};

inline Traced Trace(Recurrent& layer, const at::Tensor& x, const at::Tensor& mask,
                    const std::vector<at::Tensor>& initial) {
  for (auto& w : layer.Weights()) w.mutable_grad() = at::Tensor();
  std::vector<at::Tensor> in = {x.clone().set_requires_grad(true)};
  for (const auto& s : initial) in.push_back(s.clone().set_requires_grad(true));
  Traced t;
  t.outputs = layer.Call(in, {mask}, ForwardContext{}).tensors;
  at::Tensor loss = at::zeros({});
  for (size_t k = 0; k < t.outputs.size(); ++k) {
    loss = loss + static_cast<double>(k + 1) * t.outputs[k].square().sum() + t.outputs[k].sum();
  }
  loss.backward();
  for (auto& w : layer.Weights()) t.grads.push_back(w.grad());
  for (auto& i : in) t.grads.push_back(i.grad());
  return t;
}

/// The fused and loop kernels give the same outputs and gradients; `kernel` is what the fused
/// layer must have run ("fused", "fused (packed)").
inline void ExpectFusedMatchesLoop(const MakeRecurrent& make, const at::Tensor& x, const at::Tensor& mask = {},
                                   const std::vector<at::Tensor>& initial = {}, const std::string& kernel = "fused") {
  auto fused = make(UseFused::kAlways);
  auto loop = make(UseFused::kNever);
  Traced a = Trace(*fused, x, mask, initial);
  Traced b = Trace(*loop, x, mask, initial);
  EXPECT_EQ(fused->last_kernel(), kernel);
  EXPECT_EQ(loop->last_kernel(), "cell loop");
  ASSERT_EQ(a.outputs.size(), b.outputs.size());
  for (size_t i = 0; i < a.outputs.size(); ++i) {
    EXPECT_TRUE(at::allclose(a.outputs[i], b.outputs[i], 1e-5, 1e-6))
        << "output " << i << " max diff " << (a.outputs[i] - b.outputs[i]).abs().max().item<double>();
  }
  ASSERT_EQ(a.grads.size(), b.grads.size());
  for (size_t i = 0; i < a.grads.size(); ++i) {
    ASSERT_TRUE(a.grads[i].defined() && b.grads[i].defined()) << "gradient " << i;
    EXPECT_TRUE(at::allclose(a.grads[i], b.grads[i], 1e-4, 1e-5))
        << "gradient " << i << " max diff " << (a.grads[i] - b.grads[i]).abs().max().item<double>();
  }
}

}  // namespace tl::testing
