// tl_bench_raw: the benchmark models of docs/BENCHMARKS.md written directly against LibTorch
// (torch::nn::LSTM, torch::nn::Linear, torch::optim::Adam, mse) — no Node, no binding. It is the
// floor torch-lstm is measured against by bench/run.mjs, which spawns it once per workload.
//
//   tl_bench_raw --workload gemm|W1|W1b|W2-128|W2-128-bf16|W2-256|W3 [--data DIR] [--aten-threads N]
//                [--blas-threads N] [--epochs E] [--train-samples N] [--predict-calls N]
//                [--infer-samples N] [--reps R] [--seed S]
//
// Output: one JSON object per line on stdout: an "info" line (versions, thread settings), one
// "result" line per metric with every raw sample, and a final "rss" line (peak RSS, getrusage).
// --data DIR reads the float32 files bench/lib/data.mjs writes (w1_x.f32 [4990,10,1], w1_y.f32,
// w2_x.f32 [4096,50,8], w2_y.f32), so every peer sees the same data; without it the same shapes
// are filled from std::mt19937 (same sizes, other values).
//
// Keras's W1 has dropout 0.2 on the first layer's inputs (one mask per sequence, as Keras) and
// recurrentDropout 0.1 on the second: layers without recurrent dropout run torch::nn::LSTM;
// the recurrent-dropout layer runs a torch::lstm_cell loop over the same module's weights with
// one h mask per sequence (what an LSTMCell loop does; the mask multiplies h_{t-1} before the
// recurrent product). Prediction always uses torch::nn::LSTM under NoGradGuard.
#include <sys/resource.h>

#include <algorithm>
#include <random>

#include "raw_bench_common.h"

namespace raw_bench {
namespace {

// --- data ----------------------------------------------------------------------------------------

struct Data {
  torch::Tensor x, y;
};

/// W1: windows of 10 over a sine + noise series; W2: [4096, 50, 8] uniform inputs.
Data LoadData(const Options& o, bool w1) {
  const std::vector<int64_t> xs = w1 ? std::vector<int64_t>{4990, 10, 1} : std::vector<int64_t>{4096, 50, 8};
  const std::string prefix = w1 ? "w1" : "w2";
  if (!o.data_dir.empty()) {
    return {ReadTensor(o.data_dir + "/" + prefix + "_x.f32", xs, torch::kFloat32),
            ReadTensor(o.data_dir + "/" + prefix + "_y.f32", {xs[0]}, torch::kFloat32)};
  }
  std::mt19937 rng(static_cast<uint32_t>(o.seed));
  std::normal_distribution<float> noise(0.f, 0.1f);
  std::uniform_real_distribution<float> uni(-1.f, 1.f);
  if (w1) {
    std::vector<float> s(5000);
    for (size_t t = 0; t < s.size(); ++t) s[t] = std::sin(2 * M_PI * t / 50) + noise(rng);
    auto x = torch::empty(xs), y = torch::empty({xs[0]});
    for (int64_t i = 0; i < xs[0]; ++i) {
      for (int64_t j = 0; j < 10; ++j) x[i][j][0] = s[i + j];
      y[i] = s[i + 10];
    }
    return {x, y};
  }
  auto x = torch::empty(xs);
  float* p = x.data_ptr<float>();
  for (int64_t i = 0; i < x.numel(); ++i) p[i] = uni(rng);
  return {x, x.select(1, 49).mean(1).tanh()};
}

// --- the models ------------------------------------------------------------------------------------

struct LayerSpec {
  int64_t units;
  bool return_sequences;
  double dropout = 0, recurrent_dropout = 0;
};

struct LstmLayerImpl : torch::nn::Module {
  LstmLayerImpl(int64_t input, LayerSpec spec) : spec_(spec) {
    lstm_ = register_module("lstm", torch::nn::LSTM(torch::nn::LSTMOptions(input, spec.units).batch_first(true)));
  }

  torch::Tensor forward(torch::Tensor x, at::Generator& gen) {
    const bool train = is_training();
    if (train && spec_.dropout > 0) {  // Keras: one input mask per sequence, shared by all steps
      const double keep = 1 - spec_.dropout;
      x = x * torch::empty({x.size(0), 1, x.size(2)}).bernoulli_(keep, gen).div_(keep);
    }
    if (train && spec_.recurrent_dropout > 0) return CellLoop(x, gen);
    auto out = std::get<0>(lstm_->forward(x));
    return spec_.return_sequences ? out : out.select(1, -1);
  }

 private:
  torch::Tensor CellLoop(const torch::Tensor& x, at::Generator& gen) {
    auto params = lstm_->named_parameters();
    const auto &w_ih = params["weight_ih_l0"], &w_hh = params["weight_hh_l0"];
    const auto &b_ih = params["bias_ih_l0"], &b_hh = params["bias_hh_l0"];
    const int64_t batch = x.size(0);
    const double keep = 1 - spec_.recurrent_dropout;
    auto mask = torch::empty({batch, spec_.units}).bernoulli_(keep, gen).div_(keep);
    auto h = torch::zeros({batch, spec_.units}), c = torch::zeros({batch, spec_.units});
    std::vector<torch::Tensor> outs;
    for (const auto& xt : x.unbind(1)) {  // unbind once: select() per step slows backward 5-7x
      std::tie(h, c) = torch::lstm_cell(xt, {h * mask, c}, w_ih, w_hh, b_ih, b_hh);
      if (spec_.return_sequences) outs.push_back(h);
    }
    return spec_.return_sequences ? torch::stack(outs, 1) : h;
  }

  LayerSpec spec_;
  torch::nn::LSTM lstm_{nullptr};
};
TORCH_MODULE(LstmLayer);

struct ModelImpl : torch::nn::Module {
  ModelImpl(int64_t input, const std::vector<LayerSpec>& specs, uint64_t seed)
      : gen_(at::detail::createCPUGenerator(seed)) {
    for (size_t i = 0; i < specs.size(); ++i) {
      layers_.push_back(register_module("lstm" + std::to_string(i), LstmLayer(input, specs[i])));
      input = specs[i].units;
    }
    dense_ = register_module("dense", torch::nn::Linear(input, 1));
  }

  torch::Tensor forward(torch::Tensor x) {
    for (auto& layer : layers_) x = layer->forward(x, gen_);
    return dense_->forward(x).squeeze(1);
  }

  /// Forward FLOPs per sample (2 * T * 4H * (I + H) per layer; the Dense is negligible).
  static double ForwardFlopsPerSample(int64_t t, int64_t input, const std::vector<LayerSpec>& specs) {
    double f = 0;
    for (const auto& s : specs) {
      f += 2.0 * t * 4 * s.units * (input + s.units);
      input = s.units;
    }
    return f;
  }

 private:
  at::Generator gen_;
  std::vector<LstmLayer> layers_;
  torch::nn::Linear dense_{nullptr};
};
TORCH_MODULE(Model);

struct Workload {
  std::vector<LayerSpec> specs;
  int64_t batch;
  bool w1;
};

/// Trains `epochs` epochs (shuffled, last partial batch kept, as Keras); returns the seconds of each.
std::vector<double> Train(Model& model, const Data& d, int64_t batch, int epochs, uint64_t seed, double* last_loss) {
  torch::optim::Adam opt(model->parameters(), torch::optim::AdamOptions(1e-3));
  model->train();
  auto gen = at::detail::createCPUGenerator(seed + 1);
  const int64_t n = d.x.size(0);
  std::vector<double> times;
  for (int e = 0; e < epochs; ++e) {
    const auto t0 = Clock::now();
    auto perm = torch::randperm(n, gen, torch::kLong);
    double sum = 0;
    int64_t steps = 0;
    for (int64_t b = 0; b < n; b += batch) {
      auto idx = perm.slice(0, b, std::min(n, b + batch));
      auto xb = d.x.index_select(0, idx), yb = d.y.index_select(0, idx);
      opt.zero_grad();
      auto loss = torch::mse_loss(model->forward(xb), yb);
      loss.backward();
      opt.step();
      sum += loss.item<double>();  // Keras logs the running loss: one sync per batch, as every peer
      ++steps;
    }
    times.push_back(Seconds(t0, Clock::now()));
    *last_loss = sum / steps;
  }
  return times;
}

/// Predicts `x` in batches of `batch`, `reps` times after one warm-up batch; returns samples/s of each rep.
std::vector<double> Infer(Model& model, const torch::Tensor& x, int64_t batch, int reps) {
  torch::NoGradGuard no_grad;
  model->eval();
  const int64_t n = x.size(0);
  auto run = [&](int64_t rows) {
    for (int64_t b = 0; b < rows; b += batch) {
      auto out = model->forward(x.slice(0, b, std::min(rows, b + batch))).contiguous();
      (void)out.data_ptr<float>();
    }
  };
  run(std::min(n, batch));  // one warm-up batch, as the JS peers
  std::vector<double> rates;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = Clock::now();
    run(n);
    rates.push_back(n / Seconds(t0, Clock::now()));
  }
  return rates;
}

void RunModel(const Options& o, const Workload& w) {
  Data d = LoadData(o, w.w1);
  torch::manual_seed(o.seed);  // module initializers use the global generator
  Model model(d.x.size(2), w.specs, o.seed);
  const int64_t n_train = o.train_samples > 0 ? std::min(o.train_samples, d.x.size(0)) : d.x.size(0);
  Data train{d.x.slice(0, 0, n_train), d.y.slice(0, 0, n_train)};
  double loss = NAN;
  auto times = Train(model, train, w.batch, o.epochs, o.seed, &loss);
  const double fwd = ModelImpl::ForwardFlopsPerSample(d.x.size(1), d.x.size(2), w.specs);
  const std::string extra = ",\"warmup\":" + Num(times[0]) + ",\"train_samples\":" + std::to_string(n_train) +
                            ",\"batch\":" + std::to_string(w.batch) + ",\"train_flops_per_sample\":" + Num(3 * fwd) +
                            ",\"final_loss\":" + Num(loss);
  std::vector<double> steady(times.begin() + 1, times.end());
  if (w.w1) {
    // s/epoch scaled to the full 4,990 samples when a subset was trained
    for (auto& t : steady) t *= static_cast<double>(d.x.size(0)) / n_train;
    EmitResult(o, "train_s_per_epoch", "s/epoch", steady, extra);
  } else {
    for (auto& t : steady) t = n_train / t;
    EmitResult(o, "train_samples_per_s", "samples/s", steady, extra);
  }
  // W1b and W2-128-bf16: training only (their predictions are W1's and W2-128's).
  if ((w.w1 && w.specs[0].dropout == 0) || o.workload == "W2-128-bf16") return;

  const int64_t n_infer = o.infer_samples > 0 ? std::min(o.infer_samples, d.x.size(0)) : d.x.size(0);
  EmitResult(o, w.w1 ? "predict_b256_samples_per_s" : "infer_b256_samples_per_s", "samples/s",
             Infer(model, d.x.slice(0, 0, n_infer), 256, o.reps),
             ",\"infer_samples\":" + std::to_string(n_infer));
  if (!w.w1) return;

  // Batch-1 latency: one sample per call, in-process (no thread hop, no copy), NoGradGuard.
  torch::NoGradGuard no_grad;
  model->eval();
  std::vector<double> lat;
  const int warmup = 50;
  for (int i = 0; i < o.predict_calls + warmup; ++i) {
    const auto t0 = Clock::now();
    auto out = model->forward(d.x.slice(0, i % d.x.size(0), i % d.x.size(0) + 1));
    volatile float v = out.data_ptr<float>()[0];
    (void)v;
    if (i >= warmup) lat.push_back(Seconds(t0, Clock::now()) * 1e3);
  }
  EmitResult(o, "predict_b1_ms", "ms", lat);
}

/// fp32 GEMM ceiling: 1024^3 `mm` through the same LibTorch (OpenBLAS on Debian), GFLOP/s per rep.
void RunGemm(const Options& o) {
  const int64_t n = 1024;
  torch::manual_seed(o.seed);
  auto a = torch::randn({n, n}), b = torch::randn({n, n}), c = torch::empty({n, n});
  for (int i = 0; i < 3; ++i) torch::mm_out(c, a, b);
  std::vector<double> rates;
  const int per_rep = 10;
  for (int r = 0; r < o.reps; ++r) {
    const auto t0 = Clock::now();
    for (int i = 0; i < per_rep; ++i) torch::mm_out(c, a, b);
    rates.push_back(per_rep * 2.0 * n * n * n / Seconds(t0, Clock::now()) / 1e9);
  }
  EmitResult(o, "gemm_gflops", "GFLOP/s", rates, ",\"n\":1024");
}

}  // namespace
}  // namespace raw_bench

int main(int argc, char** argv) {
  using namespace raw_bench;
  const Options o = ParseArgs(argc, argv);
  ApplyThreads(o);
  EmitInfo(o);
  try {
    // W1: LSTM(64, returnSequences, dropout 0.2) -> LSTM(32, recurrentDropout 0.1) -> Dense(1), batch 32
    // W2: LSTM(H, returnSequences) -> LSTM(H) -> Dense(1), batch 64
    if (o.workload == "gemm") RunGemm(o);
    else if (o.workload == "W1") RunModel(o, {{{64, true, 0.2, 0}, {32, false, 0, 0.1}}, 32, true});
    else if (o.workload == "W1b") RunModel(o, {{{64, true}, {32, false}}, 32, true});
    // W2-128-bf16: torch-lstm trains W2-128 in mixed_bfloat16; its raw peer is the float32 model.
    else if (o.workload == "W2-128" || o.workload == "W2-128-bf16") RunModel(o, {{{128, true}, {128, false}}, 64, false});
    else if (o.workload == "W2-256") RunModel(o, {{{256, true}, {256, false}}, 64, false});
    else if (o.workload == "W3") RunTextWorkload(o);
    else Usage("unknown workload " + o.workload);
  } catch (const c10::Error& e) {
    std::cerr << "tl_bench_raw: " << e.what_without_backtrace() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "tl_bench_raw: " << e.what() << "\n";
    return 1;
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::cout << "{\"type\":\"rss\",\"system\":\"raw-libtorch\",\"workload\":" << Quote(o.workload)
            << ",\"max_rss_kb\":" << ru.ru_maxrss << "}" << std::endl;
  return 0;
}
