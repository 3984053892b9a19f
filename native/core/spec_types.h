// The small value types specs are made of: shapes, initializers, regularizers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tl {

/// Shape without the batch dimension; -1 marks an unknown (variable) length.
using Shape = std::vector<int64_t>;

/// A Keras initializer (`{class_name, config}`).
struct InitializerSpec {
  /// GlorotUniform, GlorotNormal, HeUniform, HeNormal, LecunUniform, LecunNormal,
  /// Orthogonal, Zeros, Ones, Constant, RandomUniform, RandomNormal, TruncatedNormal.
  std::string class_name;
  /// Orthogonal gain.
  double gain = 1.0;
  /// Constant value.
  double value = 0.0;
  /// RandomUniform bounds.
  double minval = 0.0, maxval = 0.0;
  /// RandomNormal / TruncatedNormal parameters.
  double mean = 0.0, stddev = 0.0;
  /// Seed; none: the process-wide generator.
  std::optional<uint64_t> seed;
};

/// A Keras L1L2 regularizer: penalty = l1 * sum|w| + l2 * sum(w^2).
struct RegularizerSpec {
  double l1 = 0.0, l2 = 0.0;
};

/// How the fused kernel is chosen (Keras 3 `use_cudnn`).
enum class UseFused { kAuto, kAlways, kNever };

}  // namespace tl
