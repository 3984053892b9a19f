// Thread settings of the engine: ATen's intra-op pool and the BLAS pool, set together.
// Settings are remembered so that every worker thread can apply them when it starts.
#pragma once

namespace tl {

struct ThreadInfo {
  int intra_op = 1;
  int inter_op = 1;
  /// -1 when the BLAS offers no thread control.
  int blas = -1;
};

/// Sets ATen intra-op and BLAS threads (and remembers them for worker threads).
void SetNumThreads(int intra_op, int blas);
/// Applies the remembered settings on the calling thread (call at a worker's start).
void ApplyThreadSettings();
ThreadInfo GetThreadInfo();
/// The ATen thread count SetNumThreads chose (0: never called: the library picks per workload).
int RequestedIntraOpThreads();

}  // namespace tl
