// Keras GlobalAveragePooling1D (mask-aware mean over time; consumes the mask) and
// GlobalMaxPooling1D (max over time; takes no mask, as in Keras). data_format
// channels_last: [batch, steps, features]; channels_first: [batch, features, steps].
#pragma once

#include "layer.h"

namespace tl {

/// Keras GlobalAveragePooling1D / GlobalMaxPooling1D.
struct GlobalPooling1DSpec {
  std::string name;
  /// "channels_last" or "channels_first".
  std::string data_format;
  bool keepdims = false;
};

class GlobalPooling1D : public Layer {
 public:
  GlobalPooling1D(const GlobalPooling1DSpec& spec, const Shape& input_shape, const std::string& class_name);
  std::vector<at::Tensor> Weights() const override { return {}; }
  std::vector<Shape> OutputShapes() const override;

 protected:
  /// The checked input; throws ERR_SHAPE for a wrong rank or feature size.
  const at::Tensor& Checked(const at::Tensor& x) const;
  int64_t steps_axis() const { return spec_.data_format == "channels_last" ? 1 : 2; }

  GlobalPooling1DSpec spec_;
  Shape input_shape_;
};

class GlobalAveragePooling1D : public GlobalPooling1D {
 public:
  GlobalAveragePooling1D(const GlobalPooling1DSpec& spec, const Shape& input_shape)
      : GlobalPooling1D(spec, input_shape, "GlobalAveragePooling1D") {}
  LayerOutput Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                   const ForwardContext& ctx) override;
  /// Masked steps are left out of the mean; the output carries no mask.
  bool OutputMasked(const std::vector<bool>& input_masked) const override { return false; }
};

class GlobalMaxPooling1D : public GlobalPooling1D {
 public:
  GlobalMaxPooling1D(const GlobalPooling1DSpec& spec, const Shape& input_shape)
      : GlobalPooling1D(spec, input_shape, "GlobalMaxPooling1D") {}
  LayerOutput Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                   const ForwardContext& ctx) override;
};

std::unique_ptr<Layer> MakeGlobalAveragePooling1D(const ConfigReader& config, const std::vector<Shape>& input_shapes);
std::unique_ptr<Layer> MakeGlobalMaxPooling1D(const ConfigReader& config, const std::vector<Shape>& input_shapes);

}  // namespace tl
