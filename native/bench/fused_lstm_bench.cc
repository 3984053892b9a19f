// tl_bench_fused: W2 training throughput (docs/BENCHMARKS.md: x [4096, 50, 8], LSTM(H,
// returnSequences) -> LSTM(H) -> Dense(1), batch 64, Adam, mse) of the fused LSTM kernel
// (native/core/kernels/fused_lstm.h) against the same model in raw LibTorch (torch::nn::LSTM,
// as tl_bench_raw), in ONE process with the systems interleaved rep by rep.
//
//   tl_bench_fused [--hidden H] [--aten-threads N] [--blas-threads N] [--partitions P]
//                  [--batches N] [--reps R] [--systems raw,fp32,bf16] [--seed S] [--no-workspace]
//
// Every system starts from the same weights (the fused model copies torch::nn::LSTM's, in
// Keras layout) and sees the same batches; the first batch's loss is printed for each as an
// end-to-end check. Output: JSON lines: "info", one "result" per system with every rep's
// samples/s (wall clock) and the median samples per CPU-second of the process (steadier on a
// shared box, but blind to parallel speed-up), and a "summary" with medians and ratios to raw.
#include <torch/torch.h>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/fused_lstm.h"
#include "threads.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  int64_t hidden = 128;
  int aten_threads = 1, blas_threads = 1, partitions = 1;
  int batches = 16, reps = 5;
  bool workspace = true;
  std::vector<std::string> systems = {"raw", "fp32", "bf16"};
  uint64_t seed = 42;
};

[[noreturn]] void Usage(const std::string& why) {
  std::cerr << "tl_bench_fused: " << why << "\n"
            << "usage: tl_bench_fused [--hidden H] [--aten-threads N] [--blas-threads N] [--partitions P]\n"
            << "       [--batches N] [--reps R] [--systems raw,fp32,bf16] [--seed S] [--no-workspace]\n";
  std::exit(2);
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Usage("missing value for " + a);
      return argv[++i];
    };
    auto integer = [&]() -> int64_t {
      const std::string v = value();
      char* end = nullptr;
      const long long n = std::strtoll(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || n < 1) Usage("expected a positive integer for " + a + ", got " + v);
      return n;
    };
    if (a == "--hidden") o.hidden = integer();
    else if (a == "--aten-threads") o.aten_threads = static_cast<int>(integer());
    else if (a == "--blas-threads") o.blas_threads = static_cast<int>(integer());
    else if (a == "--partitions") o.partitions = static_cast<int>(integer());
    else if (a == "--batches") o.batches = static_cast<int>(integer());
    else if (a == "--reps") o.reps = static_cast<int>(integer());
    else if (a == "--seed") o.seed = static_cast<uint64_t>(integer());
    else if (a == "--no-workspace") o.workspace = false;
    else if (a == "--systems") {
      o.systems.clear();
      std::stringstream ss(value());
      for (std::string s; std::getline(ss, s, ',');) {
        if (s != "raw" && s != "fp32" && s != "bf16") Usage("unknown system " + s);
        o.systems.push_back(s);
      }
    } else {
      Usage("unknown argument " + a);
    }
  }
  return o;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string Array(const std::vector<double>& v) {
  std::ostringstream s;
  s.precision(6);
  s << "[";
  for (size_t i = 0; i < v.size(); ++i) s << (i ? "," : "") << v[i];
  return s.str() + "]";
}

/// W2 data as tl_bench_raw generates it without --data: uniform x, y from the last step.
std::pair<torch::Tensor, torch::Tensor> MakeData(uint64_t seed) {
  std::mt19937 rng(static_cast<uint32_t>(seed));
  std::uniform_real_distribution<float> uni(-1.f, 1.f);
  auto x = torch::empty({4096, 50, 8});
  float* p = x.data_ptr<float>();
  for (int64_t i = 0; i < x.numel(); ++i) p[i] = uni(rng);
  return {x, x.select(1, 49).mean(1).tanh()};
}

/// The trainable model of one system: forward from x to the [batch] prediction.
struct System {
  std::string name;
  std::vector<torch::Tensor> params;
  std::function<torch::Tensor(const torch::Tensor&)> forward;
};

/// Raw LibTorch: torch::nn::LSTM x2 + Linear.
struct RawModel : torch::nn::Module {
  RawModel(int64_t hidden) {
    lstm1 = register_module("lstm1", torch::nn::LSTM(torch::nn::LSTMOptions(8, hidden).batch_first(true)));
    lstm2 = register_module("lstm2", torch::nn::LSTM(torch::nn::LSTMOptions(hidden, hidden).batch_first(true)));
    dense = register_module("dense", torch::nn::Linear(hidden, 1));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    auto s = std::get<0>(lstm1->forward(x));
    auto h = std::get<0>(lstm2->forward(s)).select(1, -1);
    return dense->forward(h).squeeze(1);
  }
  torch::nn::LSTM lstm1{nullptr}, lstm2{nullptr};
  torch::nn::Linear dense{nullptr};
};

/// torch::nn::LSTM's weights in Keras layout: kernel = W_ih^T, recurrent = W_hh^T, bias = b_ih + b_hh
/// (both use gate order i, f, c/g, o).
std::vector<torch::Tensor> KerasWeights(torch::nn::LSTM& lstm) {
  torch::NoGradGuard no_grad;
  auto p = lstm->named_parameters();
  return {p["weight_ih_l0"].t().clone(at::MemoryFormat::Contiguous).requires_grad_(), p["weight_hh_l0"].t().clone(at::MemoryFormat::Contiguous).requires_grad_(),
          (p["bias_ih_l0"] + p["bias_hh_l0"]).requires_grad_()};
}

System MakeFused(const std::string& name, RawModel& raw, const Options& o) {
  System s;
  s.name = name;
  auto l1 = KerasWeights(raw.lstm1), l2 = KerasWeights(raw.lstm2);
  torch::Tensor dense_w, dense_b;
  {
    torch::NoGradGuard no_grad;
    dense_w = raw.dense->weight.t().clone(at::MemoryFormat::Contiguous).requires_grad_();
    dense_b = raw.dense->bias.clone().requires_grad_();
  }
  s.params = {l1[0], l1[1], l1[2], l2[0], l2[1], l2[2], dense_w, dense_b};
  tl::FusedLstmOptions opts;
  opts.precision = name == "bf16" ? tl::GemmPrecision::kBFloat16 : tl::GemmPrecision::kFloat32;
  opts.partitions = o.partitions;
  tl::FusedLstmOptions opts1 = opts, opts2 = opts;  // one workspace per layer, as a layer would own it
  if (o.workspace) {
    opts1.workspace = std::make_shared<tl::FusedLstmWorkspace>();
    opts2.workspace = std::make_shared<tl::FusedLstmWorkspace>();
  }
  s.forward = [=](const torch::Tensor& x) {
    auto seq = tl::FusedLstm(x, l1[0], l1[1], l1[2], {}, {}, opts1)[0];
    auto h = tl::FusedLstm(seq, l2[0], l2[1], l2[2], {}, {}, opts2)[1];
    return torch::addmm(dense_b, h, dense_w).squeeze(1);
  };
  return s;
}

double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

struct Trainer {
  System system;
  std::unique_ptr<torch::optim::Adam> adam;
  double first_loss = NAN, last_loss = NAN;
  double last_cpu_seconds = 0;  ///< CPU time of the last Run, all threads of the process

  /// Trains on batches [first, first + count) of `order`; returns the seconds taken.
  double Run(const torch::Tensor& x, const torch::Tensor& y, const torch::Tensor& order, int64_t first, int count) {
    const double cpu0 = ProcessCpuSeconds();
    const auto t0 = Clock::now();
    for (int i = 0; i < count; ++i) {
      auto idx = order.slice(0, (first + i) * 64, (first + i + 1) * 64);
      auto xb = x.index_select(0, idx), yb = y.index_select(0, idx);
      adam->zero_grad();
      auto loss = torch::mse_loss(system.forward(xb), yb);
      loss.backward();
      adam->step();
      last_loss = loss.item<double>();  // one sync per batch, as Keras's running loss
      if (std::isnan(first_loss)) first_loss = last_loss;
    }
    last_cpu_seconds = ProcessCpuSeconds() - cpu0;
    return std::chrono::duration<double>(Clock::now() - t0).count();
  }
};

}  // namespace

int main(int argc, char** argv) {
  const Options o = ParseArgs(argc, argv);
  tl::SetNumThreads(o.aten_threads, o.blas_threads);
  const auto info = tl::GetThreadInfo();
  const char* wait = std::getenv("OMP_WAIT_POLICY");
  std::cout << "{\"type\":\"info\",\"workload\":\"W2-" << o.hidden << "\",\"torch\":\"" << TORCH_VERSION
            << "\",\"aten_threads\":" << info.intra_op << ",\"blas_threads\":" << info.blas
            << ",\"partitions\":" << o.partitions << ",\"workspace\":" << (o.workspace ? "true" : "false")
            << ",\"gemm_fp32\":\"" << tl::gemm::AutoBackendName(at::kFloat) << "\",\"gemm_bf16\":\""
            << tl::gemm::AutoBackendName(at::kBFloat16) << "\",\"OMP_WAIT_POLICY\":\"" << (wait ? wait : "") << "\""
            << ",\"batches_per_rep\":" << o.batches << ",\"batch\":64}" << std::endl;
  try {
    auto [x, y] = MakeData(o.seed);
    torch::manual_seed(o.seed);
    auto raw = std::make_shared<RawModel>(o.hidden);
    std::vector<Trainer> trainers;
    for (const auto& name : o.systems) {
      Trainer t;
      if (name == "raw") {
        t.system.name = "raw";
        t.system.params = raw->parameters();
        t.system.forward = [raw](const torch::Tensor& xb) { return raw->forward(xb); };
      } else {
        t.system = MakeFused(name, *raw, o);
      }
      t.adam = std::make_unique<torch::optim::Adam>(t.system.params, torch::optim::AdamOptions(1e-3));
      trainers.push_back(std::move(t));
    }
    // Fused systems copied raw's initial weights above, so the raw system may train from here.
    auto gen = at::detail::createCPUGenerator(o.seed + 1);
    const auto order = torch::randperm(4096, gen, torch::kLong);
    const int64_t total_batches = 4096 / 64;
    std::map<std::string, std::vector<double>> rates, cpu_rates;
    for (auto& t : trainers) t.Run(x, y, order, 0, 2);  // warm-up, the same two batches for all
    for (int rep = 0; rep < o.reps; ++rep) {
      const int64_t first = (2 + static_cast<int64_t>(rep) * o.batches) % (total_batches - o.batches);
      for (auto& t : trainers) {
        rates[t.system.name].push_back(64.0 * o.batches / t.Run(x, y, order, first, o.batches));
        cpu_rates[t.system.name].push_back(64.0 * o.batches / t.last_cpu_seconds);
      }
    }
    const double flops = 3 * 2.0 * 50 * 4 * o.hidden * ((8 + o.hidden) + (o.hidden + o.hidden));  // per sample
    for (auto& t : trainers) {
      const auto& r = rates[t.system.name];
      std::cout << "{\"type\":\"result\",\"system\":\"" << t.system.name << "\",\"metric\":\"train_samples_per_s\""
                << ",\"samples\":" << Array(r) << ",\"median\":" << Median(r)
                << ",\"per_cpu_s_median\":" << Median(cpu_rates[t.system.name])
                << ",\"gflops\":" << Median(r) * flops / 1e9 << ",\"first_loss\":" << t.first_loss
                << ",\"last_loss\":" << t.last_loss << "}" << std::endl;
    }
    if (rates.count("raw")) {
      std::cout << "{\"type\":\"summary\"";
      for (auto& t : trainers) {
        const auto& n = t.system.name;
        std::cout << ",\"" << n << "\":{\"median\":" << Median(rates[n])
                  << ",\"ratio_to_raw\":" << Median(rates[n]) / Median(rates["raw"])
                  << ",\"cpu_ratio_to_raw\":" << Median(cpu_rates[n]) / Median(cpu_rates["raw"]) << "}";
      }
      std::cout << "}" << std::endl;
    }
  } catch (const c10::Error& e) {
    std::cerr << "tl_bench_fused: " << e.what_without_backtrace() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "tl_bench_fused: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
