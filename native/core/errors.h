// Errors thrown by native/core. Each carries a stable code that the addon turns into
// the `code` of a JS TorchError; LibTorch's own c10::Error maps to ERR_TORCH.
#pragma once

#include <stdexcept>
#include <string>

namespace tl {

enum class ErrorCode { kTorch, kShape, kBusy, kDisposed, kCudaUnavailable, kNotCompiled };

/// The JS-facing name of a code ("ERR_SHAPE").
inline const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kShape: return "ERR_SHAPE";
    case ErrorCode::kBusy: return "ERR_BUSY";
    case ErrorCode::kDisposed: return "ERR_DISPOSED";
    case ErrorCode::kCudaUnavailable: return "ERR_CUDA_UNAVAILABLE";
    case ErrorCode::kNotCompiled: return "ERR_NOT_COMPILED";
    case ErrorCode::kTorch: break;
  }
  return "ERR_TORCH";
}

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

/// Shape/structure mismatch between data, weights and the model.
inline Error ShapeError(const std::string& message) { return Error(ErrorCode::kShape, message); }
/// Malformed spec or option that slipped past TS validation.
inline Error SpecError(const std::string& message) { return Error(ErrorCode::kTorch, message); }

}  // namespace tl
