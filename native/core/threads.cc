#include "threads.h"

#include <ATen/Parallel.h>
#include <dlfcn.h>

#include <atomic>

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
  if (n > 0 && at::get_num_threads() != n) at::set_num_threads(n);
}

int RequestedIntraOpThreads() { return g_intra_op.load(); }

ThreadInfo GetThreadInfo() {
  ThreadInfo info;
  info.intra_op = at::get_num_threads();
  info.inter_op = at::get_num_interop_threads();
  if (auto get = BlasGetter()) info.blas = get();
  return info;
}

}  // namespace tl
