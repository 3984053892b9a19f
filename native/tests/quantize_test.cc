// Dynamic int8 quantization of a Sequential model: close to float32, ~4x smaller.
#include <gtest/gtest.h>

#include "spec_helpers.h"

#include "compat.h"
#include "model/graph.h"
#include "quantize/quantized_model.h"

namespace tl {
namespace {

using testing::Init;

ModelSpec LstmModel(const std::string& activation) {
  LstmSpec l;
  l.name = "lstm";
  l.units = 64;
  l.activation = activation;
  l.recurrent_activation = "sigmoid";
  l.kernel_initializer = Init("GlorotUniform", 1);
  l.recurrent_initializer = Init("Orthogonal", 2);
  l.recurrent_initializer.gain = 1.0;
  l.bias_initializer = Init("Zeros", 3);
  l.return_sequences = true;
  DenseSpec d;
  d.name = "dense";
  d.units = 2;
  d.activation = "linear";
  d.kernel_initializer = Init("GlorotUniform", 4);
  d.bias_initializer = Init("Zeros", 5);
  return testing::Chain({12, 8}, {testing::L(l), testing::L(d)});
}

TEST(Quantize, Int8ModelTracksFloatModel) {
  if (SelectInt8Engine().empty()) GTEST_SKIP() << "no int8 engine in this LibTorch";
  for (const char* activation : {"tanh", "relu"}) {
    ModelSpec spec = LstmModel(activation);
    Graph model(spec);
    QuantizedSequential q(spec, model.GetWeights());
    auto x = at::randn({8, 12, 8}, compat::MakeCpuGenerator(9));
    c10::NoGradGuard no_grad;
    auto expected = model.Forward({x}, ForwardContext{})[0];
    auto actual = q.Predict(x, 3)[0];
    ASSERT_EQ(actual.sizes(), expected.sizes());
    const double range = (expected.max() - expected.min()).item<double>();
    const double worst = (actual - expected).abs().max().item<double>();
    EXPECT_LT(worst, 0.03 * range) << activation;
    EXPECT_GT(worst, 0.0) << "int8 results identical to float32: not quantized?";
    // int8 weights plus one float32 scale per output channel and float32 biases.
    EXPECT_LT(q.bytes() * 3.3, q.float_bytes());
    auto weights = q.Weights();
    ASSERT_EQ(weights.size(), 5u);
    EXPECT_EQ(weights[0].name, "lstm/kernel");
    EXPECT_EQ(weights[0].values.scalar_type(), at::kChar);
    EXPECT_EQ(weights[0].values.sizes(), at::IntArrayRef({8, 256}));
    EXPECT_EQ(weights[0].scales.sizes(), at::IntArrayRef({256}));
    // Dequantized weights rebuild the same int8 values (save -> load is exact).
    std::vector<at::Tensor> dequantized;
    for (const auto& w : weights) {
      dequantized.push_back(w.scales.defined() ? w.values.to(at::kFloat) * w.scales : w.values);
    }
    QuantizedSequential again(spec, dequantized);
    auto weights_again = again.Weights();
    for (size_t i = 0; i < weights.size(); ++i) EXPECT_TRUE(at::equal(weights[i].values, weights_again[i].values));
    EXPECT_TRUE(at::equal(again.Predict(x, 8)[0], q.Predict(x, 8)[0]));
  }
}

TEST(Quantize, NarrowInputMatrixStaysFloat) {
  if (SelectInt8Engine().empty()) GTEST_SKIP() << "no int8 engine in this LibTorch";
  ModelSpec spec = LstmModel("tanh");
  spec.inputs[0].shape = {12, 1};  // W1-like: one feature
  Graph model(spec);
  QuantizedSequential q(spec, model.GetWeights());
  auto weights = q.Weights();
  EXPECT_EQ(weights[0].values.scalar_type(), at::kFloat);  // [1, 256] kernel: scales would outweigh it
  EXPECT_FALSE(weights[0].scales.defined());
  EXPECT_EQ(weights[1].values.scalar_type(), at::kChar);  // recurrent kernel [64, 256]
  EXPECT_TRUE(at::equal(weights[0].values, model.GetWeights()[0]));
}

}  // namespace
}  // namespace tl
