#include "js_errors.h"

#include <c10/util/Exception.h>

#include <exception>

#include "compat.h"
#include "errors.h"  // native/core

namespace tl::addon {

std::string TaggedMessageOfCurrentException() {
  try {
    throw;
  } catch (const tl::Error& e) {
    return std::string("[") + ErrorCodeName(e.code()) + "] " + e.what();
  } catch (const c10::Error& e) {
    return "[ERR_TORCH] " + compat::MessageOf(e);
  } catch (const std::exception& e) {
    return std::string("[ERR_TORCH] ") + e.what();
  } catch (...) {
    return "[ERR_TORCH] unknown native error";
  }
}

Napi::Error StateError(Napi::Env env, const char* code, const std::string& message) {
  return Napi::Error::New(env, std::string("[") + code + "] " + message);
}

}  // namespace tl::addon
