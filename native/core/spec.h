// Plain structs describing a model, built by the addon from the Keras-format JSON that
// lib/serialization/ produces. TS owns every default: every field here is always set
// by the caller; nothing in native/core invents a value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
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

/// How the fused kernel is chosen (Keras 3 `use_cudnn`).
enum class UseFused { kAuto, kAlways, kNever };

/// Keras LSTM layer.
struct LstmSpec {
  std::string name;
  int64_t units = 0;
  std::string activation;
  std::string recurrent_activation;
  bool use_bias = true;
  InitializerSpec kernel_initializer, recurrent_initializer, bias_initializer;
  bool unit_forget_bias = true;
  double dropout = 0.0;
  double recurrent_dropout = 0.0;
  bool return_sequences = false;
  bool return_state = false;
  bool go_backwards = false;
  UseFused use_cudnn = UseFused::kAuto;
};

/// Keras Dense layer (applies to the last axis).
struct DenseSpec {
  std::string name;
  int64_t units = 0;
  std::string activation;
  bool use_bias = true;
  InitializerSpec kernel_initializer, bias_initializer;
};

/// Keras Dropout layer.
struct DropoutSpec {
  std::string name;
  double rate = 0.0;
};

using LayerSpec = std::variant<LstmSpec, DenseSpec, DropoutSpec>;

/// A Keras Sequential model.
struct ModelSpec {
  std::string name;
  /// Input shape without batch (from the InputLayer's batch_shape).
  Shape input_shape;
  std::vector<LayerSpec> layers;
};

/// A Keras optimizer; fields not used by `class_name` are ignored.
struct OptimizerSpec {
  /// Adam, SGD, RMSprop, Adagrad.
  std::string class_name;
  double learning_rate = 0.0;
  double beta_1 = 0.0, beta_2 = 0.0, epsilon = 0.0;
  bool amsgrad = false;
  double momentum = 0.0;
  bool nesterov = false;
  double rho = 0.0;
  bool centered = false;
  double initial_accumulator_value = 0.0;
  std::optional<double> clipnorm, clipvalue, global_clipnorm;
};

/// A Keras loss: MeanSquaredError, MeanAbsoluteError, Huber, LogCosh.
struct LossSpec {
  std::string class_name;
  /// Huber delta.
  double delta = 1.0;
};

/// A Keras metric and its log key.
struct MetricSpec {
  /// Log key as the user wrote it ("mae").
  std::string name;
  /// MeanAbsoluteError, MeanSquaredError, RootMeanSquaredError, MeanAbsolutePercentageError.
  std::string class_name;
};

struct CompileSpec {
  OptimizerSpec optimizer;
  LossSpec loss;
  std::vector<MetricSpec> metrics;
};

struct FitOptions {
  int64_t epochs = 0;
  int64_t initial_epoch = 0;
  int64_t batch_size = 0;
  bool shuffle = true;
  /// Seed for shuffling and dropout masks; none: drawn from the default generator.
  std::optional<uint64_t> seed;
  /// Whether per-batch progress is wanted.
  bool report_batches = false;
};

}  // namespace tl
