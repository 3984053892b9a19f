// Every difference between LibTorch 1.13 (Debian 12) and 2.x (pip torch) lives here.
#pragma once

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
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

/// LibTorch's message without the C++ backtrace (present in both versions).
inline std::string MessageOf(const c10::Error& e) { return e.what_without_backtrace(); }

}  // namespace tl::compat
