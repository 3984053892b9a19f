/**
 * What saving and loading need from a model beyond its public API: weight names, the
 * compile config as Keras JSON, and the optimizer's state. Every model (a `LayersModel`) hands
 * this out under the {@link MODEL_IO} symbol; it is internal to torch-lstm.
 */
import type { CompileConfig, CompileOutputs } from '../models/compile-args.js';
import type { CompileSpecJson, ModelSpecJson, NativeOptimizerState } from '../native.js';
import type { Tensor, TensorInput } from '../tensor.js';

/** Key of a model's internal save/load access. @internal */
export const MODEL_IO: unique symbol = Symbol('torch-lstm.modelIo');

/** One weight as a file names it: `lstm_1/kernel`, with its shape and its layer's label. */
export interface WeightName {
  /** `<layer name>/<Keras weight name>`: `lstm/kernel`, `lstm/recurrent_kernel`, `dense/bias`. */
  name: string;
  shape: number[];
  /** `layers[1] (lstm_1)`, for error messages. */
  layer: string;
}

/** The internal access of {@link MODEL_IO}. @internal */
export interface ModelIo {
  /** Every weight's name and shape, in `getWeights()` order. */
  weightNames(): WeightName[];
  /** The compile config as Keras JSON (with the current learning rate); `null` when not compiled. */
  compileConfig(): CompileSpecJson | null;
  /** The optimizer's state; `null` when not compiled. Allowed where `getWeights()` is. */
  getOptimizerState(): NativeOptimizerState | null;
  /** The outputs (names and shapes) a compile config read from a file is resolved against. */
  compileOutputs(): CompileOutputs;
  /** Compiles with a config read from a file. */
  compileFrom(config: CompileConfig): void;
  /** Restores a state (its learning rate becomes the optimizer's). */
  setOptimizerState(state: NativeOptimizerState): void;
}

/** A model that can be saved and loaded. @internal */
export interface SavableModel {
  readonly name: string;
  getConfig(): ModelSpecJson;
  getWeights(): Tensor[];
  setWeights(weights: readonly (Tensor | TensorInput)[]): void;
  [MODEL_IO](): ModelIo;
}
