// tl_bench_engine: torch-lstm's engine (native/core, no Node) against raw LibTorch on one device,
// for the GPU check (scripts/gpu-check.sh) and CPU runs alike. Trains the "W2 scaled" model of
// BENCHMARKS.md (LSTM(H) -> Dense(1) on [B, T, F] windows, Adam, mse) for a few epochs per
// configuration and prints one JSON line per configuration:
//
//   {"system":"torch-lstm","device":"cuda","batch":256,"hidden":512,"steps":100,
//    "precision":"mixed_float16","kernel":"fused","samples_per_s":[...],"final_loss":...}
//
//   tl_bench_engine [--device cpu|cuda] [--batch 256] [--hidden 512] [--steps 100]
//                   [--features 8] [--samples 4096] [--epochs 3] [--reps 2]
//
// Configurations: torch-lstm fused and cell loop, each in float32 and the device's mixed
// policy (mixed_float16 on CUDA, mixed_bfloat16 on CPU), plus fused mixed_bfloat16 on CUDA; raw
// LibTorch (torch::nn::LSTM + Linear + Adam) in float32 and under autocast.
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "compat.h"
#include "device.h"
#include "model/model.h"
#include "train/precision.h"
#include "train/trainer.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string device = "cpu";
  int64_t batch = 256, hidden = 512, steps = 100, features = 8, samples = 4096, epochs = 3, reps = 2;
};

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--device") o.device = v;
    else if (k == "--batch") o.batch = std::stoll(v);
    else if (k == "--hidden") o.hidden = std::stoll(v);
    else if (k == "--steps") o.steps = std::stoll(v);
    else if (k == "--features") o.features = std::stoll(v);
    else if (k == "--samples") o.samples = std::stoll(v);
    else if (k == "--epochs") o.epochs = std::stoll(v);
    else if (k == "--reps") o.reps = std::stoll(v);
    else throw std::invalid_argument("unknown option " + k);
  }
  return o;
}

tl::Value Init(const std::string& cls, int seed) {
  tl::Value config;
  config.Set("seed", seed);
  config.Set("gain", 1.0);
  tl::Value v;
  v.Set("class_name", cls);
  v.Set("config", config);
  return v;
}

tl::ModelSpec Spec(const Options& o, bool fused) {
  tl::Value lstm;
  lstm.Set("name", "lstm");
  lstm.Set("units", o.hidden);
  lstm.Set("activation", "tanh");
  lstm.Set("recurrent_activation", "sigmoid");
  lstm.Set("use_bias", true);
  lstm.Set("kernel_initializer", Init("GlorotUniform", 1));
  lstm.Set("recurrent_initializer", Init("Orthogonal", 2));
  lstm.Set("bias_initializer", Init("Zeros", 3));
  lstm.Set("unit_forget_bias", true);
  lstm.Set("dropout", 0.0);
  lstm.Set("recurrent_dropout", 0.0);
  lstm.Set("return_sequences", false);
  lstm.Set("return_state", false);
  lstm.Set("go_backwards", false);
  lstm.Set("stateful", false);
  lstm.Set("use_cudnn", fused ? tl::Value("auto") : tl::Value(false));
  tl::Value dense;
  dense.Set("name", "dense");
  dense.Set("units", 1);
  dense.Set("activation", "linear");
  dense.Set("use_bias", true);
  dense.Set("kernel_initializer", Init("GlorotUniform", 4));
  dense.Set("bias_initializer", Init("Zeros", 5));
  tl::ModelSpec spec;
  spec.name = "w2";
  spec.inputs = {tl::InputSpec{"input", {o.steps, o.features}}};
  spec.layers = {tl::LayerSpec{"LSTM", "lstm", lstm}, tl::LayerSpec{"Dense", "dense", dense}};
  spec.nodes = {tl::NodeSpec{0, {tl::TensorRef{-1, 0}}}, tl::NodeSpec{1, {tl::TensorRef{0, 0}}}};
  spec.outputs = {tl::TensorRef{1, 0}};
  return spec;
}

std::string Json(const Options& o, const std::string& system, const std::string& precision, const std::string& kernel,
                 const std::vector<double>& rates, double loss) {
  std::ostringstream s;
  s << "{\"system\":\"" << system << "\",\"device\":\"" << o.device << "\",\"batch\":" << o.batch
    << ",\"hidden\":" << o.hidden << ",\"steps\":" << o.steps << ",\"precision\":\"" << precision
    << "\",\"kernel\":\"" << kernel << "\",\"samples_per_s\":[";
  for (size_t i = 0; i < rates.size(); ++i) s << (i ? "," : "") << rates[i];
  s << "],\"final_loss\":" << loss << "}";
  return s.str();
}

void Sync(const at::Device& d) {
  if (d.is_cuda()) at::zeros({1}, at::TensorOptions().device(d)).cpu();  // waits for the queue
}

void TorchLstm(const Options& o, const tl::Dataset& data, bool fused, const std::string& precision) {
  tl::Model model(Spec(o, fused), tl::ModelOptions{o.device, false});
  tl::OptimizerSpec adam;
  adam.class_name = "Adam";
  adam.learning_rate = 1e-3;
  adam.beta_1 = 0.9;
  adam.beta_2 = 0.999;
  adam.epsilon = 1e-7;
  tl::LossSpec mse;
  mse.class_name = "MeanSquaredError";
  tl::CompileSpec c;
  c.optimizer = adam;
  c.losses = {mse};
  c.loss_weights = {1.0};
  c.metrics = {{}};
  c.output_names = {"dense"};
  c.precision = precision;
  model.Compile(c);
  tl::FitOptions fit;
  fit.epochs = 1;
  fit.batch_size = o.batch;
  fit.seed = 1;
  tl::Fit(model, data, std::nullopt, fit, tl::FitHooks{});  // warm-up (cuDNN plans, allocator)
  std::vector<double> rates;
  for (int64_t r = 0; r < o.reps; ++r) {
    fit.epochs = o.epochs;
    Sync(model.device());
    const auto t0 = Clock::now();
    tl::Fit(model, data, std::nullopt, fit, tl::FitHooks{});
    Sync(model.device());
    rates.push_back(static_cast<double>(o.samples * o.epochs) / std::chrono::duration<double>(Clock::now() - t0).count());
  }
  const double loss = tl::Evaluate(model, data, o.batch)[0].second;
  std::cout << Json(o, "torch-lstm", precision, fused ? "fused" : "cell loop", rates, loss) << std::endl;
}

void Raw(const Options& o, const tl::Dataset& data, bool autocast) {
  const at::Device device = tl::ResolveDevice(o.device);
  torch::manual_seed(1);
  torch::nn::LSTM lstm(torch::nn::LSTMOptions(o.features, o.hidden).batch_first(true));
  torch::nn::Linear head(o.hidden, 1);
  lstm->to(device);
  head->to(device);
  std::vector<at::Tensor> params = lstm->parameters();
  for (auto& p : head->parameters()) params.push_back(p);
  torch::optim::Adam optimizer(params, torch::optim::AdamOptions(1e-3));
  const at::Tensor x = data.xs[0].to(device), y = data.ys[0].to(device);
  const tl::Precision precision = autocast ? (device.is_cuda() ? tl::Precision::kMixedFloat16 : tl::Precision::kMixedBFloat16)
                                           : tl::Precision::kFloat32;
  double scale = 32768.0;  // a fixed loss scale is enough for a speed measurement
  const auto epoch = [&] {
    for (int64_t s = 0; s + o.batch <= o.samples; s += o.batch) {
      optimizer.zero_grad();
      at::Tensor out;
      {
        tl::AutocastScope scope(precision, device);
        out = head->forward(std::get<0>(lstm->forward(x.narrow(0, s, o.batch))).select(1, o.steps - 1));
      }
      at::Tensor loss = (out.to(at::kFloat) - y.narrow(0, s, o.batch)).square().mean();
      if (precision == tl::Precision::kMixedFloat16) {
        (loss * scale).backward();
        for (auto& p : params) p.mutable_grad().div_(scale);
      } else {
        loss.backward();
      }
      optimizer.step();
    }
  };
  epoch();
  std::vector<double> rates;
  for (int64_t r = 0; r < o.reps; ++r) {
    Sync(device);
    const auto t0 = Clock::now();
    for (int64_t e = 0; e < o.epochs; ++e) epoch();
    Sync(device);
    rates.push_back(static_cast<double>((o.samples / o.batch) * o.batch * o.epochs) /
                    std::chrono::duration<double>(Clock::now() - t0).count());
  }
  std::cout << Json(o, "raw LibTorch", autocast ? (device.is_cuda() ? "mixed_float16" : "mixed_bfloat16") : "float32",
                    "torch::nn::LSTM", rates, 0.0)
            << std::endl;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = Parse(argc, argv);
    const at::Device device = tl::ResolveDevice(o.device);
    const std::string mixed = device.is_cuda() ? "mixed_float16" : "mixed_bfloat16";
    auto x = at::randn({o.samples, o.steps, o.features}, tl::compat::MakeCpuGenerator(7));
    auto y = x.mean({1, 2}).unsqueeze(1);
    const tl::Dataset data{{x}, {y}, at::Tensor()};
    for (const bool fused : {true, false}) {
      for (const std::string& precision : {std::string("float32"), mixed}) TorchLstm(o, data, fused, precision);
    }
    // On CUDA the other mixed policy too: bf16 autocast needs no loss scaling.
    if (device.is_cuda()) TorchLstm(o, data, true, "mixed_bfloat16");
    Raw(o, data, false);
    Raw(o, data, true);
  } catch (const std::exception& e) {
    std::cerr << "tl_bench_engine: " << e.what() << std::endl;
    return 1;
  }
  return 0;
}
