/**
 * `exportOnnx(model, path)`: a model as a standard ONNX file, for onnxruntime (Node, web,
 * mobile) and every other ONNX runtime.
 *
 * A Sequential model's graph has one input `input` (`[batch, ...inputShape]`, float32) and the
 * output `output` (plus what its last layer adds: `state_h`/`state_c` of a recurrent layer with
 * `returnState`, `attention_scores`, a Bidirectional's per-direction outputs and states); a
 * functional model's inputs and outputs carry its input and output names, in its order. All in
 * Keras's batch-first layout; the batch axis is symbolic (`batch`), as is an unknown timesteps
 * axis (`timesteps`). The model is walked call by call (shared layers included) and each layer
 * kind has its exporter in `ops/` (`ops/index.ts` lists them); Keras masks (Embedding
 * `maskZero`, Masking) flow along as bool tensors to the layers that use them. The graph is
 * encoded with protobufjs from the official `onnx.proto`. Files pass
 * `onnx.checker.check_model(full_check=True)` (onnx 1.23.2, see `scripts/onnx-check.py`) and run
 * in onnxruntime-node 1.30 within 1e-5 of `model.predict`.
 */
import { createRequire } from 'node:module';
import { writeFileAtomic } from '../io/atomic.js';
import { MODEL_IO } from '../io/model-io.js';
import type { AttentionConfig, BidirectionalConfig, Layer, RecurrentConfig } from '../layers/index.js';
import { type Architecture, buildArchitecture, buildFunctionalArchitecture } from '../models/architecture.js';
import { LayersModel } from '../models/layers-model.js';
import { QuantizedModel } from '../models/quantized-model.js';
import { functionalFromKeras, isFunctionalJson, modelFromKeras } from '../serialization/keras-json.js';
import { checkOptions, describe, integer } from '../validate.js';
import { GraphBuilder, type OnnxValue, toBatchMajor } from './graph-builder.js';
import { exporterFor, type KerasWeight, LAYER_EXPORTERS } from './ops/index.js';
import { encodeModelProto } from './proto.js';

/** The opset written when none is asked for: well supported by ONNX Runtime (Node, web, mobile) and converters. */
export const DEFAULT_OPSET = 17;
/** The opsets torch-lstm writes: 13 (Squeeze/Slice with axes as inputs) to 23, each checked in ONNX Runtime. */
export const MIN_OPSET = 13;
export const MAX_OPSET = 23;

/** The oldest IR version that carries each opset (onnx.helper.VERSION_TABLE). */
const IR_VERSION_OF_OPSET: Readonly<Record<number, number>> = {
  13: 7, 14: 7, 15: 8, 16: 8, 17: 8, 18: 8, 19: 9, 20: 9, 21: 10, 22: 10, 23: 11,
};

/** Options of {@link exportOnnx} and {@link toOnnx}. */
export interface ExportOnnxArgs {
  /** The ONNX opset (of the default domain), 13 to 23. Defaults to `17`. */
  opset?: number;
  /** Replace an existing file ({@link exportOnnx} only). Defaults to `true`. */
  overwrite?: boolean;
}

interface ExportOptions {
  opset: number;
  overwrite: boolean;
}

function exportOptions(args: unknown, path: string): ExportOptions {
  const o = checkOptions<ExportOnnxArgs>(args ?? {}, path, ['opset', 'overwrite']);
  const opset = o.opset === undefined ? DEFAULT_OPSET : integer(o.opset, `${path}.opset`, { min: MIN_OPSET, max: MAX_OPSET });
  const overwrite = o.overwrite ?? true;
  if (typeof overwrite !== 'boolean') throw new TypeError(`Expected a boolean for ${path}.overwrite but received ${describe(overwrite)} of type ${typeof overwrite}`);
  return { opset, overwrite };
}

function checkModel(model: unknown, name: string): asserts model is LayersModel {
  if (model instanceof QuantizedModel) {
    throw new TypeError(`Expected a float model for ${name} but received a QuantizedModel; ONNX export takes the float model it was quantized from`);
  }
  if (!(model instanceof LayersModel)) {
    throw new TypeError(`Expected a model (sequential([...]) or loadModel(...)) for ${name} but received ${describe(model)} of type ${model === null ? 'null' : typeof model}`);
  }
}

function packageVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('../../package.json') as { version: string }).version;
}

/** The model's architecture, read from its Keras JSON (Sequential or Functional). */
function modelArchitecture(model: LayersModel): { arch: Architecture; functional: boolean; name: string } {
  const json = model.getConfig();
  if (isFunctionalJson(json)) {
    const spec = functionalFromKeras(json);
    return { arch: buildFunctionalArchitecture(spec), functional: true, name: spec.name };
  }
  const read = modelFromKeras(json);
  return { arch: buildArchitecture(read.layers), functional: false, name: read.name };
}

/**
 * The graph outputs of a Sequential model: `output`, then the names of what its last layer
 * adds (`state_h`, `state_c` of a recurrent layer with `returnState`; `attention_scores`; a
 * Bidirectional's `output_forward`, `output_backward` and per-direction states).
 */
function sequentialOutputNames(layer: Layer, count: number): string[] {
  const config = layer.getConfig() as Partial<RecurrentConfig & AttentionConfig & BidirectionalConfig>;
  let names: string[] = ['output'];
  if (layer.className === 'Bidirectional') {
    const inner = config.layer!;
    if (config.mergeMode === null) names = ['output_forward', 'output_backward'];
    const states = inner.className === 'LSTM' || inner.className === 'PeepholeLSTM' ? ['state_h', 'state_c'] : ['state_h'];
    if (inner.config.returnState) names.push(...states.map((s) => `forward_${s}`), ...states.map((s) => `backward_${s}`));
  } else if (config.returnState) {
    names.push('state_h', 'state_c');
  } else if (config.returnAttentionScores) {
    names.push('attention_scores');
  }
  names = names.slice(0, count);
  for (let i = names.length; i < count; i++) names.push(`output_${i}`);
  return names;
}

/** The ONNX graph of `model`. */
function buildModelProto(model: LayersModel, opset: number) {
  const { arch, functional, name } = modelArchitecture(model);
  // Refuse a layer kind without an exporter before reading any weight.
  for (const built of arch.layers) {
    if (!exporterFor(built.layer.className)) {
      throw new RangeError(
        `Cannot export ${built.label} to ONNX: torch-lstm has no ONNX exporter for ${built.layer.className} layers yet ` +
          `(it exports ${Object.keys(LAYER_EXPORTERS).join(', ')})`,
      );
    }
  }
  const weights = model.getWeights();
  const names = model[MODEL_IO]().weightNames();
  const byName = new Map<string, KerasWeight>(names.map((w, i) => [w.name, { shape: [...weights[i]!.shape], data: weights[i]!.data }]));

  const g = new GraphBuilder(name, opset);
  const inputs = arch.inputs.map((input) => g.input(functional ? input.name : 'input', [null, ...input.shape]));
  const made: OnnxValue[][] = [];
  const valueOf = ([source, tensor]: [number, number]): OnnxValue =>
    source < inputs.length ? inputs[source]! : made[source - inputs.length]![tensor]!;
  for (const node of arch.nodes) {
    const built = arch.layers[node.layer]!;
    const layerName = built.layer.name;
    g.scope = layerName;
    const weight = (w: string): KerasWeight => {
      const found = byName.get(`${layerName}/${w}`);
      if (!found) throw new Error(`Internal error: ${built.label} has no weight ${w}`);
      return found;
    };
    const exporter = exporterFor(built.layer.className)!;
    const outputs = exporter({ g, label: built.label, weight }, built.layer.getConfig(), node.inputs.map(valueOf));
    if (outputs.length !== node.outputShapes.length) {
      throw new Error(`Internal error: the ${built.layer.className} exporter gave ${outputs.length} outputs for ${built.label}, which has ${node.outputShapes.length}`);
    }
    made.push(outputs.map((o, i) => ({ ...o, shape: [...node.outputShapes[i]!] })));
  }
  g.scope = '';
  const last = arch.layers[arch.nodes[arch.nodes.length - 1]!.layer]!.layer;
  const outputNames = functional ? arch.outputs.map((o) => o.name) : sequentialOutputNames(last, arch.outputs.length);
  arch.outputs.forEach((o, i) => g.output(toBatchMajor(g, valueOf(o.source)), outputNames[i]!));
  const version = packageVersion();
  const kinds = [...new Set(arch.layers.map((b) => b.layer.className))];
  return {
    ir_version: IR_VERSION_OF_OPSET[opset]!,
    opset_import: [{ domain: '', version: opset }],
    producer_name: 'torch-lstm',
    producer_version: version,
    doc_string: `Keras model "${name}" (${kinds.join(', ')}), exported by torch-lstm ${version}`,
    graph: g.build(),
  };
}

/**
 * The model as ONNX bytes (what {@link exportOnnx} writes), e.g. for
 * `InferenceSession.create(bytes)` in onnxruntime-web.
 *
 * @example
 * const bytes = toOnnx(model, { opset: 17 });
 * const session = await ort.InferenceSession.create(bytes);
 * @throws {TypeError|RangeError} a wrong option; a layer or option ONNX cannot express (named);
 *   {@link TorchError} `ERR_BUSY` during fit outside its callbacks.
 */
export function toOnnx(model: LayersModel, args?: Omit<ExportOnnxArgs, 'overwrite'>): Uint8Array {
  checkModel(model, 'toOnnx.model');
  const { opset } = exportOptions(args, 'toOnnx');
  return encodeModelProto(buildModelProto(model, opset));
}

/**
 * Writes the model as an ONNX file (atomically: a temp file, then a rename), to run in
 * onnxruntime (`onnxruntime-node`, `onnxruntime-web`, mobile) or any ONNX runtime.
 *
 * A Sequential model's graph takes `input` `[batch, ...inputShape]` and gives `output` (and
 * `state_h`, `state_c` for a final recurrent layer with `returnState`); a functional model's
 * graph takes and gives its inputs and outputs by name (`model.inputNames`,
 * `model.outputNames`). Inputs are float32, batch-first as in Keras, any batch size (token ids
 * too: an Embedding casts them inside the graph). What each layer becomes:
 *
 * - LSTM, GRU, SimpleRNN, PeepholeLSTM: ONNX's `LSTM` / `GRU` / `RNN` operators (gates
 *   reordered, GRU `resetAfter` as `linear_before_reset`, peepholes as `P`; activations the
 *   operators take: sigmoid, tanh, relu, hard_sigmoid, linear, softsign, softplus, elu);
 *   Bidirectional: one operator with `direction: 'bidirectional'`, then the merge. Under a mask
 *   the operator runs with `sequence_lens` over each sequence's valid steps, exact for any mask;
 * - Dense: `Gemm` (2-D input) or `MatMul` + `Add`, then its activation; TimeDistributed: the
 *   wrapped layer on every step;
 * - LayerNormalization: the `LayerNormalization` operator (opset 17 and later, trailing axes),
 *   else its decomposition; Embedding: `Gather`; Masking, pooling, Concatenate, Add, the
 *   attention layers, TransformerEncoder and PositionEmbedding: primitive operators;
 * - Dropout, GaussianNoise: nothing (inference).
 *
 * A stateful recurrent layer is refused (a graph carries no state between runs).
 *
 * @param model a float model (Sequential or functional).
 * @param path the file to write, e.g. `model.onnx`.
 * @param args `opset` (13 to 23; Defaults to `17`), `overwrite` (Defaults to `true`).
 * @example
 * await exportOnnx(model, 'co2.onnx');
 * // then, with onnxruntime-node:
 * const session = await ort.InferenceSession.create('co2.onnx');
 * const { output } = await session.run({ input: new ort.Tensor('float32', x, [n, 10, 1]) });
 * @throws (as a rejection) {@link TypeError} / {@link RangeError} a wrong argument, or a layer or
 *   option ONNX cannot express (the message names the layer and the option); `EEXIST` when the
 *   file exists and `overwrite` is false.
 */
export async function exportOnnx(model: LayersModel, path: string, args?: ExportOnnxArgs): Promise<void> {
  checkModel(model, 'exportOnnx.model');
  if (typeof path !== 'string' || path.length === 0) {
    throw new TypeError(`Expected a file path (a non-empty string) for exportOnnx.path but received ${describe(path)} of type ${path === null ? 'null' : typeof path}`);
  }
  const { opset, overwrite } = exportOptions(args, 'exportOnnx');
  const bytes = encodeModelProto(buildModelProto(model, opset));
  await writeFileAtomic(path, [bytes], { overwrite });
}
