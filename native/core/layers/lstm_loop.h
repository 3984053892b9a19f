// The Keras LSTM recurrence (gates i, f, c, o), shared by every LSTM that runs as an
// explicit loop: the float cell loop and the int8 model.
#pragma once

#include <ATen/ATen.h>

#include <functional>
#include <vector>

#include "../activations.h"

namespace tl {

/// Pre-activation gates [batch, 4*units] of one step from its input projection and h(t-1).
using GateFn = std::function<at::Tensor(const at::Tensor& step, const at::Tensor& h)>;

/// Runs the recurrence over `steps` (one input projection per timestep, bias included) from
/// zero states. Returns {sequence or last h} plus {h, c} when `return_state`, as Keras does.
std::vector<at::Tensor> RunLstmLoop(const std::vector<at::Tensor>& steps, int64_t batch, int64_t units,
                                    bool return_sequences, bool return_state, Activation act, Activation ract,
                                    const GateFn& gates_of, const at::TensorOptions& options);

}  // namespace tl
