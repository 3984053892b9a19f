// What every Keras recurrent layer shares (Keras 3 `RNN` + `DropoutRNNCell`): go_backwards,
// return_sequences / return_state, masks, initial states, the stateful carry, dropout masks,
// and the choice between LibTorch's fused kernel and an explicit cell loop. A layer (LSTM,
// GRU, SimpleRNN, PeepholeLSTM) supplies only its weights, its cell step and its fused call.
//
// Masks follow Keras's backend rnn() with zero_output_for_mask=False: a masked step keeps
// every state unchanged and outputs the previous step's output (zeros before the first valid
// step). Right-padded masks (each sequence a prefix of valid steps, none empty) keep the fused
// kernel through packed sequences; any other mask runs the cell loop.
#pragma once

#include <c10/core/GradMode.h>

#include "../kernels/gemm.h"
#include "layer.h"

namespace tl {

/// The options every Keras recurrent layer has.
struct RecurrentOptions {
  std::string name;
  int64_t units = 0;
  bool return_sequences = false;
  bool return_state = false;
  bool go_backwards = false;
  /// Carry the final states of one call into the next (Keras `stateful`).
  bool stateful = false;
  double dropout = 0.0;
  double recurrent_dropout = 0.0;
  UseFused use_cudnn = UseFused::kAuto;
};

/// A weight as LibTorch's fused RNN ops take it: cuDNN packs the weights into one buffer and
/// needs each contiguous; on the CPU a transposed view goes in as it is (no copy).
inline at::Tensor FusedWeight(const at::Tensor& w) { return w.is_cuda() ? w.contiguous() : w; }
/// The `train` flag of LibTorch's fused RNN ops: cuDNN keeps what its backward needs only in
/// training mode, so it follows autograd (no dropout is asked of those ops either way).
inline bool FusedTrainMode() { return c10::GradMode::is_enabled(); }

/// The options the base reads from a layer's spec (LstmSpec, GruSpec, SimpleRnnSpec: the same
/// field names).
template <typename Spec>
RecurrentOptions RecurrentOptionsOf(const Spec& spec) {
  RecurrentOptions o;
  o.name = spec.name;
  o.units = spec.units;
  o.return_sequences = spec.return_sequences;
  o.return_state = spec.return_state;
  o.go_backwards = spec.go_backwards;
  o.stateful = spec.stateful;
  o.dropout = spec.dropout;
  o.recurrent_dropout = spec.recurrent_dropout;
  o.use_cudnn = spec.use_cudnn;
  return o;
}

/// Reads Keras's `stateful` (absent in configs saved before it existed: false).
bool ReadStateful(const ConfigReader& c);

/// Reads the Keras keys every recurrent layer has into `s` (name, units, use_bias, the three
/// initializers and regularizers, dropouts, return_sequences/return_state, go_backwards,
/// stateful); each layer reads its own activations, use_cudnn and extras.
template <typename Spec>
void ReadRecurrentKeys(const ConfigReader& c, Spec* s) {
  s->name = c.String("name");
  s->units = c.Int("units");
  s->use_bias = c.Bool("use_bias");
  s->kernel_initializer = c.Initializer("kernel_initializer");
  s->recurrent_initializer = c.Initializer("recurrent_initializer");
  s->bias_initializer = c.Initializer("bias_initializer");
  s->dropout = c.Number("dropout");
  s->recurrent_dropout = c.Number("recurrent_dropout");
  s->return_sequences = c.Bool("return_sequences");
  s->return_state = c.Bool("return_state");
  s->go_backwards = c.Bool("go_backwards");
  s->stateful = ReadStateful(c);
  s->kernel_regularizer = c.Regularizer("kernel_regularizer");
  s->recurrent_regularizer = c.Regularizer("recurrent_regularizer");
  s->bias_regularizer = c.Regularizer("bias_regularizer");
}

/// Lengths [batch] (int64, CPU) of a right-padded mask [batch, time] (every row a prefix of
/// true steps, none empty); undefined when the mask is not of that form.
at::Tensor RightPaddedLengths(const at::Tensor& mask);

/// The sequence input's shape of a recurrent layer called on `input_shapes` ({x} or
/// {x, initial states...}, each state [units]); ERR_SHAPE naming the layer otherwise.
const Shape& RecurrentInputShape(const ConfigReader& config, const std::vector<Shape>& input_shapes,
                                 int64_t num_states, int64_t units);

class Recurrent : public Layer {
 public:
  /// `gates`: gate blocks in the kernels (LSTM 4, GRU 3, SimpleRNN 1; Keras's dropout mask
  /// count under recurrent dropout). `num_states`: LSTM 2 (h, c), others 1.
  Recurrent(const std::string& class_name, const RecurrentOptions& options, const Shape& input_shape, int64_t gates,
            int64_t num_states);

  /// inputs: {x [batch, time, features], initial states...} (Keras `initial_state`);
  /// masks[0]: the mask of x ([batch, time] bool) or undefined.
  LayerOutput Call(const std::vector<at::Tensor>& inputs, const std::vector<at::Tensor>& masks,
                   const ForwardContext& ctx) final;
  /// The single-input call without a mask: {output} or {output, states...} with return_state.
  std::vector<at::Tensor> Forward(const at::Tensor& x, const ForwardContext& ctx);
  bool CallLean(const at::Tensor& x, std::vector<at::Tensor>* out) const final;
  std::vector<Shape> OutputShapes() const override;
  /// Keras compute_mask: the input mask when return_sequences, none otherwise.
  bool OutputMasked(const std::vector<bool>& input_masked) const override;
  LayerInfo Describe() const override;
  void ResetStates() override { carried_.clear(); }

  /// Whether an unmasked call (or a right-padded masked one) runs the fused kernel.
  bool UsesFused(bool training) const;
  const RecurrentOptions& options() const { return options_; }
  /// The states a stateful layer carries into its next call (empty: zeros).
  const std::vector<at::Tensor>& carried_states() const { return carried_; }
  /// Which kernel the last call ran ("fused", "fused (packed)", "cell loop"); for tests.
  const std::string& last_kernel() const { return last_kernel_; }

 protected:
  struct FusedResult {
    /// Batch-first [batch, time, units], or packed data [sum(lengths), units].
    at::Tensor output;
    /// Final states, each [batch, units].
    std::vector<at::Tensor> states;
  };

  /// Why LibTorch's fused kernel cannot compute this layer's math ("" when it can); call from
  /// the subclass constructor. use_cudnn=true with a blocker is a spec error naming it.
  void SetFusedBlocker(std::string blocker);
  /// "fused at::lstm": the fused kernel's name in the summary.
  virtual std::string FusedName() const = 0;
  /// When the fused kernel applies, in words ("tanh/sigmoid").
  virtual std::string FusedConditions() const = 0;
  /// LibTorch's fused kernel over `input` (batch-first [batch, time, features], or packed data
  /// when `batch_sizes` is defined) from `states` (each [batch, units]).
  virtual FusedResult RunFused(const at::Tensor& input, const at::Tensor& batch_sizes,
                               const std::vector<at::Tensor>& states) const = 0;
  /// The input projection of every step [batch, time, gates * units], bias included.
  /// `dropout_mask`: [batch, 1 or gates, features] (undefined: none).
  virtual at::Tensor Project(const at::Tensor& x, const at::Tensor& dropout_mask) const = 0;
  /// One cell step from the projected input [batch, gates * units] and the states; returns the
  /// new states, the first being the step's output h. `recurrent_mask`: [batch, gates, units]
  /// per-gate recurrent dropout (undefined: none).
  virtual std::vector<at::Tensor> Step(const at::Tensor& projected, const std::vector<at::Tensor>& states,
                                       const at::Tensor& recurrent_mask) const = 0;
  /// The lean small-batch inference form (no mask, zero states); false: none.
  virtual bool LeanForward(const at::Tensor& x, std::vector<at::Tensor>* out) const { return false; }

  struct Run {
    at::Tensor sequence, last;
    std::vector<at::Tensor> states;
  };
  /// Dropout masks of one training call, drawn as the cell loop draws them: input
  /// [batch, 1 or gates, features] and recurrent [batch, gates, units] (undefined: none).
  struct DropoutMasks {
    at::Tensor input, recurrent;
  };
  DropoutMasks DrawDropoutMasks(int64_t batch, const ForwardContext& ctx) const;
  /// One call of a layer's own CPU kernel, as the base prepares it (TryCpuKernel).
  struct CpuKernelCall {
    const at::Tensor& input;                // [batch, time, features], float32 on the CPU
    const at::Tensor& mask;                 // [batch, time] bool; undefined: every step counts
    const std::vector<at::Tensor>& states;  // initial states [batch, units]
    /// Dropout in the fused kernels' layouts: [batch, n] (one mask for every gate) or
    /// [gates, batch, n] (one per gate); undefined: none.
    at::Tensor input_mask, recurrent_mask;
    GemmPrecision precision;
    int partitions;  // the thread policy's batch split (threads.h)
  };
  /// Whether this layer has a fused CPU kernel of its own (an analytic backward; any mask,
  /// dropout, the activations it knows), decided at build. The base runs it in training with
  /// autograd (bf16 GEMMs under a mixed_bfloat16 autocast) and, without autograd, in inference
  /// (float32 GEMMs) on float32 CPU inputs; LibTorch's fused kernel or the cell loop otherwise.
  virtual bool HasCpuKernel() const { return false; }
  /// Runs that kernel (autocast is paused around it): {sequence [batch, time, units], the
  /// final states...} as the kernels return them.
  virtual std::vector<at::Tensor> RunCpuKernel(const CpuKernelCall& call) const { return {}; }

  /// x [batch, time, F] times kernel [F, gates * n] (+ bias), with an optional dropout mask
  /// [batch, 1 or gates, F] (one per gate block: Keras implementation 1).
  static at::Tensor ProjectGates(const at::Tensor& x, const at::Tensor& kernel, const at::Tensor& bias,
                                 const at::Tensor& dropout_mask, int64_t gates);
  /// h [batch, units] times recurrent [units, gates * n], with an optional per-gate mask
  /// [batch, gates, units] on h.
  static at::Tensor RecurrentGates(const at::Tensor& h, const at::Tensor& recurrent, const at::Tensor& mask,
                                   int64_t gates);

  const Shape& input_shape() const { return input_shape_; }
  int64_t input_dim() const { return input_shape_[1]; }
  int64_t gates() const { return gates_; }

  RecurrentOptions options_;

 private:
  /// The layer's outputs from a run: the stateful carry, return_sequences/return_state, the mask.
  LayerOutput Finish(Run run, const std::vector<at::Tensor>& masks);
  /// The layer's own CPU kernel over this call when it applies (see HasCpuKernel): true with
  /// `run` filled and last_kernel() named, or false.
  bool TryCpuKernel(const at::Tensor& input, const at::Tensor& mask, const std::vector<at::Tensor>& states,
                    const ForwardContext& ctx, Run* run);
  Run RunFusedPadded(const at::Tensor& x, const std::vector<at::Tensor>& states) const;
  Run RunFusedPacked(const at::Tensor& x, const at::Tensor& lengths, const std::vector<at::Tensor>& states) const;
  Run RunLoop(const at::Tensor& x, const at::Tensor& mask, const std::vector<at::Tensor>& states,
              const ForwardContext& ctx) const;
  std::vector<at::Tensor> InitialStates(const std::vector<at::Tensor>& inputs, int64_t batch,
                                        const at::TensorOptions& options) const;

  Shape input_shape_;
  int64_t gates_, num_states_;
  std::string fused_blocker_;
  std::vector<at::Tensor> carried_;
  std::string last_kernel_;
  /// Set when the graph reports a masked input (for the summary's reason).
  mutable bool input_masked_ = false;
};

}  // namespace tl
