#include "device.h"

#include "errors.h"

namespace tl {

bool CudaAvailable() { return at::hasCUDA() && at::getNumGPUs() > 0; }

at::Device ResolveDevice(const std::string& name) {
  if (name == "cpu") return at::Device(at::kCPU);
  if (name == "auto") return CudaAvailable() ? at::Device(at::kCUDA, 0) : at::Device(at::kCPU);
  if (name == "cuda" || name.rfind("cuda:", 0) == 0) {
    int64_t index = 0;
    if (name.size() > 5) {
      const std::string digits = name.substr(5);
      if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) {
        throw SpecError("device '" + name + "' is not 'cpu', 'cuda', 'cuda:N' or 'auto'");
      }
      index = std::stoll(digits);
    }
    if (!CudaAvailable()) {
      throw Error(ErrorCode::kCudaUnavailable,
                  "device '" + name + "' was asked for, but this LibTorch sees no CUDA device (" +
                      std::string(at::hasCUDA() ? "CUDA build, no GPU visible" : "a CPU-only build") +
                      "); use device 'cpu' or 'auto', or install a CUDA build of LibTorch");
    }
    if (index >= static_cast<int64_t>(at::getNumGPUs())) {
      throw Error(ErrorCode::kCudaUnavailable, "device '" + name + "' does not exist: " +
                                                   std::to_string(at::getNumGPUs()) + " CUDA device(s) visible");
    }
    return at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(index));
  }
  throw SpecError("device '" + name + "' is not 'cpu', 'cuda', 'cuda:N' or 'auto'");
}

void SetDeterministic(bool deterministic) {
  auto& context = at::globalContext();
  context.setDeterministicCuDNN(deterministic);
  context.setBenchmarkCuDNN(!deterministic && context.benchmarkCuDNN());
  context.setDeterministicAlgorithms(deterministic, /*warn_only=*/true);
}

}  // namespace tl
