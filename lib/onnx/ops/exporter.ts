/**
 * What a layer exporter is: a function from the layer's config, its weights and its input
 * value to the ONNX nodes that compute the layer, returning its outputs. One file per layer
 * kind (`lstm.ts`, `dense.ts`, `dropout.ts`); `index.ts` maps Keras class names to them.
 */
import type { GraphBuilder, OnnxValue } from '../graph-builder.js';

/** One weight in Keras's layout (LSTM kernel `[features, 4*units]`, gates i, f, c, o; ...). */
export interface KerasWeight {
  shape: number[];
  data: Float32Array;
}

/** What an exporter receives besides its config and input. */
export interface LayerExportContext {
  /** The graph, its scope set to the layer's name. */
  g: GraphBuilder;
  /** The layer in messages: `layers[1] (lstm_1)`. */
  label: string;
  /** The layer's weight by its Keras name (`kernel`, `recurrent_kernel`, `bias`). */
  weight(name: string): KerasWeight;
}

/**
 * Exports one layer: adds its nodes and returns its outputs, the main one first (then an
 * LSTM's `[h, c]` with `returnState`). A sequence output may stay time-major
 * ({@link OnnxValue.timeMajor}); the caller transposes where Keras's layout is needed.
 * @throws {RangeError} an option ONNX cannot express, naming the layer and the option.
 */
export type LayerExporter<C> = (ctx: LayerExportContext, config: C, input: OnnxValue) => OnnxValue[];

/** `Cannot export layers[0] (lstm) to ONNX: <why>`. */
export function unsupported(ctx: Pick<LayerExportContext, 'label'>, why: string): RangeError {
  return new RangeError(`Cannot export ${ctx.label} to ONNX: ${why}`);
}
