// What the fused recurrent training kernels (fused_lstm, fused_gru) share: the workspace that
// keeps their buffers from call to call, the batch partitions, views of their batch-major
// buffers, and the checks of their arguments.
//
// Buffers are batch-major, [B, T, W], indexed by INPUT timestep t, so that each batch partition
// owns a contiguous block of rows of every buffer: it runs its own recurrence and its own share
// of the big GEMMs with no synchronisation until the weight gradients are summed.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace tl {

/// Buffers one layer's fused kernel keeps from call to call, so that training steps reuse memory
/// instead of faulting in fresh pages each time (large blocks go back to the OS when freed).
/// A buffer is reused only once nothing else references it (no live autograd graph, no output
/// the caller kept); otherwise a new one is made. Between calls it holds the last call's
/// buffers (a few times the size of the layer's output sequence). Meant for one layer; calls on
/// it serialise.
class FusedWorkspace {
 public:
  /// A fresh handle on the [sizes] `dtype` buffer of `slot` (uninitialised), reused when free.
  at::Tensor Get(int slot, at::IntArrayRef sizes, at::ScalarType dtype);

 private:
  std::mutex mutex_;
  std::vector<at::Tensor> slots_;
};

namespace fused {

/// Runs fn(part, first_row, rows) for each of `partitions` slices of the batch, partition 0 on
/// the calling thread, the others on threads of their own (with the caller's ATen thread-local
/// state); rethrows the first exception.
void ForEachBatchPartition(int64_t batch, int partitions, const std::function<void(int, int64_t, int64_t)>& fn);

/// An uninitialised buffer: the workspace's `slot` when there is a workspace.
inline at::Tensor WorkspaceBuffer(FusedWorkspace* workspace, int slot, at::IntArrayRef sizes, at::ScalarType dtype) {
  if (workspace) return workspace->Get(slot, sizes, dtype);
  return at::empty(sizes, at::TensorOptions().dtype(dtype));
}

/// Rows b0.. of input timestep t of a [B, T, W] buffer, as a [rows, W] view.
inline at::Tensor StepRows(const at::Tensor& buffer, int64_t t, int64_t b0, int64_t rows) {
  return buffer.select(1, t).narrow(0, b0, rows);
}

/// Rows b0.. (every timestep) of a contiguous [B, T, W] buffer, as a [rows * T, W] view.
inline at::Tensor PartitionRows(const at::Tensor& buffer, int64_t b0, int64_t rows) {
  return buffer.narrow(0, b0, rows).view({rows * buffer.size(1), buffer.size(2)});
}

/// Element offset of (b, t) in a [B, T, W] buffer.
inline int64_t RowOffset(const at::Tensor& buffer, int64_t b, int64_t t) {
  return b * buffer.stride(0) + t * buffer.stride(1);
}

// Argument checks: tl::Error (SpecError = ERR_TORCH, ShapeError = ERR_SHAPE), the message
// prefixed with the kernel's name ("FusedLstm").

/// ERR_TORCH unless `t` is a float32 CPU tensor.
void CheckFloatCpu(const char* kernel, const at::Tensor& t, const char* name);
/// ERR_TORCH unless `t` is on the CPU.
void CheckCpu(const char* kernel, const at::Tensor& t, const char* name);
/// ERR_SHAPE unless `t` has the shape `expected`.
void CheckShape(const char* kernel, const at::Tensor& t, at::IntArrayRef expected, const char* name);

/// A dropout mask [B, W] (one for every gate) or [gates, B, W] (one per gate) as a contiguous
/// float [groups, B, W]; sets `groups` to 1 or `gates` (0 and an undefined tensor when absent).
at::Tensor GroupedMask(const char* kernel, const at::Tensor& mask, int64_t gates, int64_t batch, int64_t width,
                       const char* name, int* groups);

/// A Keras step mask [B, T] (bool or 0/1, CPU) as a contiguous float [T, B].
at::Tensor TimeMajorStepMask(const char* kernel, const at::Tensor& mask, int64_t batch, int64_t steps);

}  // namespace fused
}  // namespace tl
