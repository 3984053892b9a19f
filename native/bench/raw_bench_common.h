// Shared by tl_bench_raw's files: its options, the JSON lines it prints, thread settings and
// the data files bench/lib/data.mjs writes.
#pragma once

#include <torch/torch.h>
#include <torch/version.h>

#include <dlfcn.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

namespace raw_bench {

using Clock = std::chrono::steady_clock;

inline double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// --- options -----------------------------------------------------------------------------------

struct Options {
  std::string workload;
  std::string data_dir;
  int aten_threads = 0;   // 0: leave LibTorch's default
  int blas_threads = 0;   // 0: leave OpenBLAS's default (OPENBLAS_NUM_THREADS)
  int epochs = 4;         // the first is warm-up; the rest are the samples
  int64_t train_samples = 0;  // 0: all
  int predict_calls = 1000;
  int64_t infer_samples = 0;  // 0: all
  int reps = 5;
  uint64_t seed = 42;
};

[[noreturn]] inline void Usage(const std::string& why) {
  std::cerr << "tl_bench_raw: " << why << "\n"
            << "usage: tl_bench_raw --workload gemm|W1|W1b|W2-128|W2-128-bf16|W2-256|W3 [--data DIR]\n"
            << "       [--aten-threads N] [--blas-threads N] [--epochs E] [--train-samples N]\n"
            << "       [--predict-calls N] [--infer-samples N] [--reps R] [--seed S]\n";
  std::exit(2);
}

inline Options ParseArgs(int argc, char** argv) {
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
      if (v.empty() || *end != '\0' || n < 0) Usage("expected a non-negative integer for " + a + ", got " + v);
      return n;
    };
    if (a == "--workload") o.workload = value();
    else if (a == "--data") o.data_dir = value();
    else if (a == "--aten-threads") o.aten_threads = static_cast<int>(integer());
    else if (a == "--blas-threads") o.blas_threads = static_cast<int>(integer());
    else if (a == "--epochs") o.epochs = static_cast<int>(integer());
    else if (a == "--train-samples") o.train_samples = integer();
    else if (a == "--predict-calls") o.predict_calls = static_cast<int>(integer());
    else if (a == "--infer-samples") o.infer_samples = integer();
    else if (a == "--reps") o.reps = static_cast<int>(integer());
    else if (a == "--seed") o.seed = static_cast<uint64_t>(integer());
    else if (a == "--help" || a == "-h") Usage("help");
    else Usage("unknown argument " + a);
  }
  if (o.workload.empty()) Usage("--workload is required");
  if (o.epochs < 2) Usage("--epochs must be >= 2 (the first is warm-up)");
  if (o.reps < 1 || o.predict_calls < 1) Usage("--reps and --predict-calls must be >= 1");
  return o;
}

// --- JSON output ---------------------------------------------------------------------------------

inline std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') { out += "\\n"; continue; }
    out += c;
  }
  return out + "\"";
}

inline std::string Num(double v) {
  if (!std::isfinite(v)) return "null";
  std::ostringstream s;
  s.precision(9);
  s << v;
  return s.str();
}

inline std::string Array(const std::vector<double>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + Num(v[i]);
  return out + "]";
}

/// One result line: `metric` with its unit and every raw sample (run.mjs computes the statistics).
inline void EmitResult(const Options& o, const std::string& metric, const std::string& unit,
                const std::vector<double>& samples, const std::string& extra = "") {
  std::cout << "{\"type\":\"result\",\"system\":\"raw-libtorch\",\"workload\":" << Quote(o.workload)
            << ",\"metric\":" << Quote(metric) << ",\"unit\":" << Quote(unit)
            << ",\"samples\":" << Array(samples) << extra << "}" << std::endl;
}

// --- threads -------------------------------------------------------------------------------------

using SetBlasThreads = void (*)(int);
using GetBlasThreads = int (*)();

inline int BlasThreads() {
  auto get = reinterpret_cast<GetBlasThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  return get ? get() : -1;  // -1: not OpenBLAS (MKL-based LibTorch)
}

inline void ApplyThreads(const Options& o) {
  if (o.aten_threads > 0) at::set_num_threads(o.aten_threads);
  if (o.blas_threads > 0) {
    auto set = reinterpret_cast<SetBlasThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    if (set) set(o.blas_threads);
  }
}

inline std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? Quote(v) : "null";
}

inline void EmitInfo(const Options& o) {
  std::cout << "{\"type\":\"info\",\"system\":\"raw-libtorch\",\"workload\":" << Quote(o.workload)
            << ",\"torch\":" << Quote(TORCH_VERSION) << ",\"threads\":{\"aten\":" << at::get_num_threads()
            << ",\"interop\":" << at::get_num_interop_threads() << ",\"blas\":" << BlasThreads()
            << ",\"OMP_WAIT_POLICY\":" << Env("OMP_WAIT_POLICY") << ",\"OMP_NUM_THREADS\":" << Env("OMP_NUM_THREADS")
            << ",\"OPENBLAS_NUM_THREADS\":" << Env("OPENBLAS_NUM_THREADS") << "}"
            << ",\"data\":" << Quote(o.data_dir.empty() ? "internal (std::mt19937)" : o.data_dir)
            << ",\"recurrent_dropout\":"
            << Quote("torch::nn::LSTM for layers without recurrent dropout; torch::lstm_cell loop with one h mask "
                     "per sequence for recurrentDropout")
            << "}" << std::endl;
}

// --- data ----------------------------------------------------------------------------------------

/// A raw little-endian file of `shape` values of `dtype` (float32 or int32), as bench/lib/data.mjs writes.
inline torch::Tensor ReadTensor(const std::string& path, std::vector<int64_t> shape, torch::ScalarType dtype) {
  const int64_t n = std::accumulate(shape.begin(), shape.end(), int64_t{1}, std::multiplies<>());
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  auto t = torch::empty(shape, dtype);
  in.read(static_cast<char*>(t.data_ptr()), n * 4);
  if (in.gcount() != n * 4 || in.peek() != EOF) {
    throw std::runtime_error(path + ": expected exactly " + std::to_string(n) + " 4-byte values");
  }
  return t;
}

/// W3, the text workload (raw_text_bench.cc): Embedding -> LSTM -> Dense(sigmoid), binary cross-entropy.
void RunTextWorkload(const Options& o);

}  // namespace raw_bench
