#include "lstm_loop.h"

namespace tl {

std::vector<at::Tensor> RunLstmLoop(const std::vector<at::Tensor>& steps, int64_t batch, int64_t units,
                                    bool return_sequences, bool return_state, Activation act, Activation ract,
                                    const GateFn& gates_of, const at::TensorOptions& options) {
  at::Tensor h = at::zeros({batch, units}, options);
  at::Tensor c = at::zeros({batch, units}, options);
  std::vector<at::Tensor> outputs;
  if (return_sequences) outputs.reserve(steps.size());
  for (const at::Tensor& step : steps) {
    auto gates = gates_of(step, h).chunk(4, 1);
    c = ract(gates[1]) * c + ract(gates[0]) * act(gates[2]);
    h = ract(gates[3]) * act(c);
    if (return_sequences) outputs.push_back(h);
  }
  std::vector<at::Tensor> out = {return_sequences ? at::stack(outputs, 1) : h};
  if (return_state) {
    out.push_back(h);
    out.push_back(c);
  }
  return out;
}

}  // namespace tl
