#include <c10/core/GradMode.h>

#include "layer.h"

#include "../compat.h"

namespace tl {

at::Tensor DropoutMask(at::IntArrayRef shape, double rate, const ForwardContext& ctx) {
  c10::NoGradGuard no_grad;
  auto gen = ctx.generator ? *ctx.generator : compat::DefaultCpuGenerator();
  auto mask = at::empty(shape, at::kFloat).bernoulli_(1.0 - rate, gen);
  return mask.div_(1.0 - rate);
}

}  // namespace tl
