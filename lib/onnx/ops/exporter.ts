/**
 * What a layer exporter is: a function from the layer's config, its weights and its input
 * values to the ONNX nodes that compute the layer, returning its outputs. One file per layer
 * kind (`lstm.ts`, `gru.ts`, `dense.ts`, ...); `index.ts` maps Keras class names to them.
 */
import type { GraphBuilder, OnnxValue } from '../graph-builder.js';

/** One weight in Keras's layout (LSTM kernel `[features, 4*units]`, gates i, f, c, o; ...). */
export interface KerasWeight {
  shape: number[];
  data: Float32Array;
}

/** What an exporter receives besides its config and inputs. */
export interface LayerExportContext {
  /** The graph, its scope set to the layer's name. */
  g: GraphBuilder;
  /** The layer in messages: `layers[1] (lstm_1)`. */
  label: string;
  /** The layer's weight by its Keras name (`kernel`, `recurrent_kernel`, `bias`, `forward_lstm/kernel`). */
  weight(name: string): KerasWeight;
}

/**
 * Exports one layer call: adds its nodes and returns its outputs in Keras's order (the main one
 * first, then e.g. an LSTM's `[h, c]` with `returnState`). `inputs` are the call's input values
 * in the engine's order (a recurrent layer: the sequence, then its initial states; Attention:
 * query, value, key). A sequence output may stay time-major ({@link OnnxValue.timeMajor}); the
 * caller transposes where Keras's layout is needed. The main output carries the Keras mask the
 * layer passes on ({@link OnnxValue.mask}), as the engine's graph does.
 * @throws {RangeError} an option ONNX cannot express, naming the layer and the option.
 */
export type LayerExporter<C> = (ctx: LayerExportContext, config: C, inputs: OnnxValue[]) => OnnxValue[];

/** `Cannot export layers[0] (lstm) to ONNX: <why>`. */
export function unsupported(ctx: Pick<LayerExportContext, 'label'>, why: string): RangeError {
  return new RangeError(`Cannot export ${ctx.label} to ONNX: ${why}`);
}

/** The context of a layer wrapped in `ctx`'s layer (Bidirectional's directions): its weights live under `prefix/`. */
export function innerContext(ctx: LayerExportContext, prefix: string): LayerExportContext {
  return { g: ctx.g, label: ctx.label, weight: (name) => ctx.weight(`${prefix}/${name}`) };
}

/** The first input, checked to be the only one (layers that take one tensor). */
export function singleInput(inputs: readonly OnnxValue[]): OnnxValue {
  if (inputs.length !== 1) throw new Error(`Internal error: expected one input but received ${inputs.length}`);
  return inputs[0]!;
}
