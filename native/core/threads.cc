#include "threads.h"

#include <ATen/Parallel.h>
#include <dlfcn.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>

namespace tl {
namespace {

std::atomic<int> g_intra_op{0};  // 0: never set, leave LibTorch's choice

using SetBlasThreads = void (*)(int);
using GetBlasThreads = int (*)();

// OpenBLAS exports these; MKL-based builds do not (then BLAS threads are not ours to set).
SetBlasThreads BlasSetter() {
  static auto fn = reinterpret_cast<SetBlasThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  return fn;
}
GetBlasThreads BlasGetter() {
  static auto fn = reinterpret_cast<GetBlasThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  return fn;
}

}  // namespace

void SetNumThreads(int intra_op, int blas) {
  g_intra_op = intra_op;
  at::set_num_threads(intra_op);
  if (auto set = BlasSetter()) set(blas);
}

void ApplyThreadSettings() {
  const int n = g_intra_op.load();
  if (n > 0) {
    if (at::get_num_threads() != n) at::set_num_threads(n);
  } else {
    // LibTorch's default, explicitly: a fresh thread's OpenMP default is every core, and code
    // that calls OpenMP without ATen (oneDNN's GEMMs in the fused kernels) would use that.
    at::init_num_threads();
  }
}

int RequestedIntraOpThreads() { return g_intra_op.load(); }

int PartitionsFor(int64_t batch, int64_t step_multiply_adds, int free_cores) {
  // Measured on 2 vCPUs (README "Threads"): one recurrence per core pays once the per-step GEMMs
  // are large (W2 training and inference) and costs on small ones (W1 training at batch 32),
  // where a thread's start and the halved GEMMs cost more than they save.
  if (free_cores < 1 || step_multiply_adds < (int64_t{1} << 20) || batch < 16) return 1;
  return 2;
}

int FreeCores() {
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  int others = 0;
#if defined(__linux__)
  // "0.52 0.58 0.59 3/245 12345": the 4th field counts the runnable tasks, the caller included.
  if (FILE* f = std::fopen("/proc/loadavg", "r")) {
    double l1, l5, l15;
    int running = 0, total = 0;
    if (std::fscanf(f, "%lf %lf %lf %d/%d", &l1, &l5, &l15, &running, &total) == 5) others = std::max(0, running - 1);
    std::fclose(f);
  }
#endif
  return std::max(0, cores - 1 - others);
}

int BatchPartitions(int64_t batch, int64_t step_multiply_adds) {
  if (RequestedIntraOpThreads() > 0) return 1;
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  return PartitionsFor(batch, step_multiply_adds, cores - 1);
}

int InferencePartitions(int64_t batch, int64_t steps, int64_t step_multiply_adds) {
  if (RequestedIntraOpThreads() > 0) return 1;
  // Size first: reading the run queue is the dearer test.
  if (steps * step_multiply_adds < (int64_t{1} << 27) || PartitionsFor(batch, step_multiply_adds, 1) == 1) return 1;
  return PartitionsFor(batch, step_multiply_adds, FreeCores());
}

ThreadInfo GetThreadInfo() {
  ThreadInfo info;
  info.intra_op = at::get_num_threads();
  info.inter_op = at::get_num_interop_threads();
  if (auto get = BlasGetter()) info.blas = get();
  return info;
}

}  // namespace tl
