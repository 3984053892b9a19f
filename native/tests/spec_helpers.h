// Small builders shared by the C++ tests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "spec.h"

namespace tl::testing {

/// A Keras initializer spec with a fixed seed (deterministic weights).
inline InitializerSpec Init(const std::string& cls, std::optional<uint64_t> seed = 7) {
  InitializerSpec s;
  s.class_name = cls;
  s.seed = seed;
  return s;
}

}  // namespace tl::testing
