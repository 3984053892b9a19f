// An inference-only int8 twin of a Sequential model: every LSTM and Dense weight matrix is
// int8 per output channel (dynamic quantization: activations stay float and are quantized
// on the fly), built from the float model's spec and weights.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "../layers/layer.h"
#include "int8_linear.h"

namespace tl {

/// One weight of the quantized model, in Keras's layout: int8 matrices with their
/// per-column (output channel) scales, or float32 tensors (biases, and matrices with fewer
/// than kMinInt8InputFeatures rows).
struct QuantizedWeight {
  std::string name;
  at::Tensor values;  ///< int8 [in, out] for matrices, float32 for biases
  at::Tensor scales;  ///< float32 [out] for matrices, undefined for biases
};

class QuantizedLayer {
 public:
  virtual ~QuantizedLayer() = default;
  /// One call on `x` with its mask (undefined: none): outputs and the main output's mask.
  virtual LayerOutput Forward(const at::Tensor& x, const at::Tensor& mask) const = 0;
  virtual std::vector<QuantizedWeight> Weights() const = 0;
  virtual int64_t bytes() const = 0;
  virtual int64_t float_bytes() const = 0;
  virtual LayerInfo Describe() const = 0;
};

class Graph;

class QuantizedSequential {
 public:
  ~QuantizedSequential();
  /// `weights` are the float model's weights in Keras order (getWeights).
  QuantizedSequential(const ModelSpec& spec, const std::vector<at::Tensor>& weights);

  std::vector<at::Tensor> Predict(const at::Tensor& x, int64_t batch_size) const;
  std::vector<QuantizedWeight> Weights() const;
  std::vector<LayerInfo> Describe() const;
  /// Bytes of the int8 weights (with scales and float biases) and of the float originals.
  int64_t bytes() const;
  int64_t float_bytes() const;
  const std::string& engine() const { return engine_; }

 private:
  /// The float model: shapes, and the layers without an int8 form.
  std::unique_ptr<Graph> reference_;
  std::vector<std::unique_ptr<QuantizedLayer>> layers_;
  std::vector<int64_t> output_indices_;
  Shape input_shape_;
  std::string engine_;
  mutable std::mutex mutex_;
};

}  // namespace tl
