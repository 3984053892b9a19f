// Plain structs describing a model, built by the addon from the documents that
// lib/serialization/ produces. TS owns every default: every field here is always set
// by the caller; nothing in native/core invents a value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config.h"
#include "spec_types.h"

namespace tl {

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
  /// Carry the final states into the next call (Keras `stateful`).
  bool stateful = false;
  UseFused use_cudnn = UseFused::kAuto;
  std::optional<RegularizerSpec> kernel_regularizer, recurrent_regularizer, bias_regularizer;
};

/// Keras Dense layer (applies to the last axis).
struct DenseSpec {
  std::string name;
  int64_t units = 0;
  std::string activation;
  bool use_bias = true;
  InitializerSpec kernel_initializer, bias_initializer;
  std::optional<RegularizerSpec> kernel_regularizer, bias_regularizer;
};

/// Keras Dropout layer.
struct DropoutSpec {
  std::string name;
  double rate = 0.0;
};

/// One layer as the graph receives it: Keras `{class_name, config}`; the layer parses its config.
struct LayerSpec {
  std::string class_name;
  /// config.name.
  std::string name;
  Value config;
};

/// A tensor of the graph: model input `index` (when `node` < 0) or output `index` of node `node`.
struct TensorRef {
  int64_t node = -1;
  int64_t index = 0;
};

/// One call of a layer.
struct NodeSpec {
  /// Index into ModelSpec::layers.
  int64_t layer = 0;
  std::vector<TensorRef> inputs;
};

/// One model input.
struct InputSpec {
  std::string name;
  /// Without batch.
  Shape shape;
};

/// A model as a graph of layer calls (a Sequential model is a chain).
struct ModelSpec {
  std::string name;
  std::vector<InputSpec> inputs;
  std::vector<LayerSpec> layers;
  /// In topological order.
  std::vector<NodeSpec> nodes;
  std::vector<TensorRef> outputs;
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

/// A Keras loss: MeanSquaredError, MeanAbsoluteError, Huber, LogCosh, BinaryCrossentropy,
/// CategoricalCrossentropy, SparseCategoricalCrossentropy.
struct LossSpec {
  std::string class_name;
  /// Huber delta.
  double delta = 1.0;
  /// Crossentropies: predictions are logits.
  bool from_logits = false;
  /// Binary/categorical crossentropy label smoothing.
  double label_smoothing = 0.0;
};

/// A Keras metric and its log key.
struct MetricSpec {
  /// Log key as the user wrote it ("mae").
  std::string name;
  /// MeanAbsoluteError, MeanSquaredError, RootMeanSquaredError, MeanAbsolutePercentageError,
  /// BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, Precision, Recall, AUC.
  std::string class_name;
};

struct CompileSpec {
  OptimizerSpec optimizer;
  /// One loss per model output.
  std::vector<LossSpec> losses;
  /// One weight per model output.
  std::vector<double> loss_weights;
  /// Metrics per model output.
  std::vector<std::vector<MetricSpec>> metrics;
  /// Output names for log keys (used when there are several outputs).
  std::vector<std::string> output_names;
  /// Keras policy name: "float32", "mixed_bfloat16", "mixed_float16".
  std::string precision = "float32";
};

/// Where and how a model computes (not part of its architecture).
struct ModelOptions {
  /// "cpu", "cuda", "cuda:N" or "auto".
  std::string device = "cpu";
  /// Deterministic kernels (cuDNN determinism on CUDA).
  bool deterministic = false;
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
