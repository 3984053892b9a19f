#include "peephole_lstm.h"

#include "../initializers.h"

namespace tl {

std::unique_ptr<Layer> MakePeepholeLstm(const ConfigReader& config, const std::vector<Shape>& input_shapes) {
  LstmSpec spec = ParseLstmSpec(config);
  return std::make_unique<PeepholeLstm>(spec, RecurrentInputShape(config, input_shapes, 2, spec.units));
}

PeepholeLstm::PeepholeLstm(const LstmSpec& spec, const Shape& input_shape) : Lstm(spec, input_shape, "PeepholeLSTM") {
  input_peephole_ = Initialize(spec.kernel_initializer, {spec.units}).set_requires_grad(true);
  forget_peephole_ = Initialize(spec.kernel_initializer, {spec.units}).set_requires_grad(true);
  output_peephole_ = Initialize(spec.kernel_initializer, {spec.units}).set_requires_grad(true);
  SetFusedBlocker("a peephole cell");
}

std::vector<at::Tensor> PeepholeLstm::Step(const at::Tensor& projected, const std::vector<at::Tensor>& states,
                                           const at::Tensor& recurrent_mask) const {
  const at::Tensor& h = states[0];
  const at::Tensor& c = states[1];
  const at::Tensor z = recurrent_mask.defined()
                           ? projected + RecurrentGates(h, recurrent_kernel_, recurrent_mask, 4)
                           : at::addmm(projected, h, recurrent_kernel_);
  auto gates = z.chunk(4, 1);
  const at::Tensor i = ract_(gates[0] + input_peephole_ * c);
  const at::Tensor f = ract_(gates[1] + forget_peephole_ * c);
  at::Tensor c_next = f * c + i * act_(gates[2]);
  const at::Tensor o = ract_(gates[3] + output_peephole_ * c_next);
  at::Tensor h_next = o * act_(c_next);
  return {h_next, c_next};
}

at::Tensor PeepholeLstm::Peepholes() const {
  // Differentiable: the kernel's [3, units] gradient flows back to the three weights.
  return at::stack({input_peephole_, forget_peephole_, output_peephole_});
}

std::vector<at::Tensor> PeepholeLstm::Weights() const {
  std::vector<at::Tensor> w = Lstm::Weights();
  w.push_back(input_peephole_);
  w.push_back(forget_peephole_);
  w.push_back(output_peephole_);
  return w;
}

}  // namespace tl
