// Every difference between LibTorch 1.13 (Debian 12) and 2.x (pip torch) lives here.
#pragma once

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/autocast_mode.h>
#include <c10/util/Exception.h>
#include <torch/version.h>

#include <cstdint>
#include <string>

namespace tl::compat {

/// "1.13.1"-style version of the LibTorch the code was compiled against.
inline std::string TorchVersion() {
#ifdef TORCH_VERSION
  return TORCH_VERSION;
#else
  return std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
         std::to_string(TORCH_VERSION_PATCH);
#endif
}

/// A CPU generator with a fixed seed (same call in 1.13 and 2.x).
inline at::Generator MakeCpuGenerator(uint64_t seed) { return at::detail::createCPUGenerator(seed); }

/// The process-wide default CPU generator.
inline at::Generator DefaultCpuGenerator() { return at::detail::getDefaultCPUGenerator(); }

/// An optional tensor argument of a custom autograd Function: its ExtractVariables recognises
/// c10::optional in 1.13 and std::optional in 2.x (where c10::optional is an alias of it); a
/// plain undefined at::Tensor argument would break the node's input bookkeeping in 1.13.
using OptionalTensor = c10::optional<at::Tensor>;

/// LibTorch's message without the C++ backtrace (present in both versions).
inline std::string MessageOf(const c10::Error& e) { return e.what_without_backtrace(); }

/// Turns autocast on (with `dtype`) or off for `device` on the calling thread (autocast state
/// is thread-local). 2.4 replaced the per-device functions with device-typed ones.
inline void SetAutocast(at::DeviceType device, bool enabled, at::ScalarType dtype) {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
  at::autocast::set_autocast_enabled(device, enabled);
  if (enabled) at::autocast::set_autocast_dtype(device, dtype);
#else
  if (device == at::kCPU) {
    at::autocast::set_cpu_enabled(enabled);
    if (enabled) at::autocast::set_autocast_cpu_dtype(dtype);
  } else {
    at::autocast::set_enabled(enabled);
    if (enabled) at::autocast::set_autocast_gpu_dtype(dtype);
  }
#endif
}

/// Whether autocast is on for `device` on the calling thread.
inline bool AutocastEnabled(at::DeviceType device) {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
  return at::autocast::is_autocast_enabled(device);
#else
  return device == at::kCPU ? at::autocast::is_cpu_enabled() : at::autocast::is_enabled();
#endif
}

}  // namespace tl::compat
