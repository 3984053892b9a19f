#include "fused_common.h"

#include <ATen/Parallel.h>
#include <ATen/ThreadLocalState.h>
#include <c10/core/InferenceMode.h>

#include <exception>
#include <thread>

#include "../errors.h"

namespace tl {

at::Tensor FusedWorkspace::Get(int slot, at::IntArrayRef sizes, at::ScalarType dtype) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (slot >= static_cast<int>(slots_.size())) slots_.resize(slot + 1);
  at::Tensor& kept = slots_[slot];
  // Handles go out as detached aliases, so the kept tensor itself never joins an autograd graph
  // and the storage's reference count tells whether anyone still uses it.
  const bool reusable = kept.defined() && kept.storage().use_count() == 1 && kept.scalar_type() == dtype &&
                        kept.sizes() == sizes && kept.is_inference() == c10::InferenceMode::is_enabled();
  if (!reusable) kept = at::empty(sizes, at::TensorOptions().dtype(dtype));
  return kept.detach();
}

namespace fused {

void ForEachBatchPartition(int64_t batch, int partitions, const std::function<void(int, int64_t, int64_t)>& fn) {
  const int parts = partitions;
  auto first_row = [&](int k) { return batch * k / parts; };
  if (parts <= 1) {
    fn(0, 0, batch);
    return;
  }
  std::vector<std::exception_ptr> errors(parts);
  std::vector<std::thread> threads;
  threads.reserve(parts - 1);
  const at::ThreadLocalState state;  // grad mode, inference mode, dispatch keys of the caller
  for (int k = 1; k < parts; ++k) {
    threads.emplace_back([&, k] {
      try {
        at::ThreadLocalStateGuard guard(state);
        at::init_num_threads();
        fn(k, first_row(k), first_row(k + 1) - first_row(k));
      } catch (...) {
        errors[k] = std::current_exception();
      }
    });
  }
  try {
    fn(0, 0, first_row(1));
  } catch (...) {
    errors[0] = std::current_exception();
  }
  for (auto& t : threads) t.join();
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

void CheckFloatCpu(const char* kernel, const at::Tensor& t, const char* name) {
  if (t.device().type() != at::kCPU || t.scalar_type() != at::kFloat) {
    throw SpecError(std::string(kernel) + ": " + name + " must be a float32 CPU tensor, got " +
                    c10::toString(t.scalar_type()) + " on " + t.device().str());
  }
}

void CheckCpu(const char* kernel, const at::Tensor& t, const char* name) {
  if (t.device().type() != at::kCPU) {
    throw SpecError(std::string(kernel) + ": " + name + " must be a CPU tensor, got one on " + t.device().str());
  }
}

void CheckShape(const char* kernel, const at::Tensor& t, at::IntArrayRef expected, const char* name) {
  if (t.sizes() != expected) {
    throw ShapeError(std::string(kernel) + ": expected " + name + " of shape " + c10::str(expected) + " but got " +
                     c10::str(t.sizes()));
  }
}

at::Tensor GroupedMask(const char* kernel, const at::Tensor& mask, int64_t gates, int64_t batch, int64_t width,
                       const char* name, int* groups) {
  *groups = 0;
  if (!mask.defined()) return {};
  CheckCpu(kernel, mask, name);
  if (mask.dim() == 2 && mask.size(0) == batch && mask.size(1) == width) {
    *groups = 1;
    return mask.detach().to(at::kFloat).contiguous().unsqueeze(0);
  }
  if (mask.dim() == 3 && mask.size(0) == gates && mask.size(1) == batch && mask.size(2) == width) {
    *groups = static_cast<int>(gates);
    return mask.detach().to(at::kFloat).contiguous();
  }
  const std::string b = std::to_string(batch), w = std::to_string(width);
  throw ShapeError(std::string(kernel) + ": expected " + name + " of shape [" + b + ", " + w + "] or [" +
                   std::to_string(gates) + ", " + b + ", " + w + "] but got " + c10::str(mask.sizes()));
}

at::Tensor TimeMajorStepMask(const char* kernel, const at::Tensor& mask, int64_t batch, int64_t steps) {
  CheckCpu(kernel, mask, "step_mask");
  CheckShape(kernel, mask, {batch, steps}, "step_mask");
  return mask.detach().to(at::kFloat).t().contiguous();
}

}  // namespace fused
}  // namespace tl
