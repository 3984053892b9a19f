#include "gaussian_noise.h"

#include "../compat.h"
#include "../errors.h"

namespace tl {

std::unique_ptr<Layer> MakeGaussianNoise(const ConfigReader& c, const std::vector<Shape>& input_shapes) {
  GaussianNoiseSpec spec;
  spec.name = c.String("name");
  spec.stddev = c.Number("stddev");
  if (spec.stddev < 0) c.Fail("stddev", "expected a non-negative number but received " + std::to_string(spec.stddev));
  if (input_shapes.size() != 1) {
    throw ShapeError(c.where() + " takes one input but was called on " + std::to_string(input_shapes.size()));
  }
  return std::make_unique<GaussianNoise>(spec, input_shapes[0]);
}

GaussianNoise::GaussianNoise(const GaussianNoiseSpec& spec, const Shape& input_shape)
    : Layer(spec.name, "GaussianNoise"), spec_(spec), input_shape_(input_shape) {}

LayerOutput GaussianNoise::Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                                const ForwardContext& ctx) {
  const at::Tensor& x = SingleInput(inputs);
  const at::Tensor mask = masks.empty() ? at::Tensor() : masks[0];
  if (!ctx.training || spec_.stddev <= 0) return {{x}, mask};
  at::Tensor noise;
  {
    c10::NoGradGuard no_grad;
    auto gen = ctx.generator ? *ctx.generator : compat::DefaultCpuGenerator();
    // Drawn on the CPU generator (as dropout masks are), then moved to x's device and dtype.
    noise = at::empty(x.sizes(), at::kFloat).normal_(0.0, spec_.stddev, gen).to(x.options());
  }
  return {{x + noise}, mask};
}

}  // namespace tl
