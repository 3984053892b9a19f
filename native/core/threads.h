// Thread settings of the engine: ATen's intra-op pool and the BLAS pool, set together.
// Settings are remembered so that every worker thread can apply them when it starts.
#pragma once

#include <cstdint>

namespace tl {

struct ThreadInfo {
  int intra_op = 1;
  int inter_op = 1;
  /// -1 when the BLAS offers no thread control.
  int blas = -1;
};

/// Sets ATen intra-op and BLAS threads (and remembers them for worker threads).
void SetNumThreads(int intra_op, int blas);
/// Applies the remembered settings on the calling thread, or LibTorch's defaults when none were
/// set (call at a worker's start).
void ApplyThreadSettings();
ThreadInfo GetThreadInfo();
/// The ATen thread count SetNumThreads chose (0: never called: the library picks per workload).
int RequestedIntraOpThreads();

// The library's thread policy (README "Threads"), for the fused recurrent kernels: a call
// splits its batch into independent recurrences ("partitions"), one thread each, each with one
// ATen and one BLAS thread. No thread pool spins: partitions are joined at the end of the call.
// A thread count set with SetNumThreads is the user's choice of parallelism: then never a split.

/// Partitions for a call of `batch` rows whose timestep costs `step_multiply_adds`
/// (batch * gates * units * (features + units)) when `free_cores` other cores are free:
/// 2 when the step is large enough to pay for a thread (>= 2^20 multiply-adds, >= 16 rows)
/// and a core is free, else 1.
int PartitionsFor(int64_t batch, int64_t step_multiply_adds, int free_cores);

/// Cores with nothing to run right now besides the caller: the machine's cores minus the other
/// runnable tasks (Linux: /proc/loadavg's count of runnable tasks; elsewhere every other core
/// is taken as free).
int FreeCores();

/// Training: the size rule with every other core counted as free, so that a shape always
/// trains with the same split (and so the same float rounding of its summed weight gradients).
int BatchPartitions(int64_t batch, int64_t step_multiply_adds);

/// Inference: the size rule for a call of `steps` timesteps that also does >= 2^27 multiply-adds
/// in all (a thread's start and first touches cost ~0.1-0.3 ms: W1 at batch 256, ~1 ms a layer,
/// gained nothing split), splitting only when another core is free at the time of the call, so
/// that a busy shared machine never gets a thread it would have to time-slice.
int InferencePartitions(int64_t batch, int64_t steps, int64_t step_multiply_adds);

}  // namespace tl
