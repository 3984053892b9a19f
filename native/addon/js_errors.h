// C++ exceptions -> JS errors. Every native entry point goes through these, so no
// exception ever reaches N-API unconverted (a c10::Error would otherwise abort Node).
#pragma once

#include <napi.h>

#include <string>

namespace tl::addon {

/// Inside a catch block: "[ERR_CODE] message" for the exception in flight
/// (tl::Error keeps its code, c10::Error becomes ERR_TORCH without its backtrace).
std::string TaggedMessageOfCurrentException();

/// Runs `body`, turning any non-N-API exception into a thrown JS Error.
template <typename F>
auto Guarded(Napi::Env env, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (...) {
    throw Napi::Error::New(env, TaggedMessageOfCurrentException());
  }
}

/// A JS Error carrying a code tag, for state errors raised by the addon itself.
Napi::Error StateError(Napi::Env env, const char* code, const std::string& message);

}  // namespace tl::addon
