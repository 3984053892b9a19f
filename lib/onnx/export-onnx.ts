/**
 * `exportOnnx(model, path)`: a model as a standard ONNX file, for onnxruntime (Node, web,
 * mobile) and every other ONNX runtime.
 *
 * The graph has one input `input` (`[batch, ...inputShape]`, float32) and the output `output`
 * (plus `state_h` and `state_c` when the last layer is an LSTM with `returnState`), in Keras's
 * batch-first layout; the batch axis is symbolic (`batch`), as is an unknown timesteps axis
 * (`timesteps`). Each layer kind has its exporter in `ops/` (LSTM -> `LSTM` operator, Dense ->
 * `Gemm`/`MatMul`+`Add`, Dropout -> nothing); the graph is encoded with protobufjs from the
 * official `onnx.proto`. Files pass `onnx.checker.check_model(full_check=True)` (onnx 1.23.2, see
 * `scripts/onnx-check.py`) and run in onnxruntime-node 1.30 within 1e-5 of `model.predict`.
 */
import { createRequire } from 'node:module';
import { writeFileAtomic } from '../io/atomic.js';
import { MODEL_IO } from '../io/model-io.js';
import { layerFromSpec } from '../layers/index.js';
import { buildArchitecture, layerLabel } from '../models/architecture.js';
import { LayersModel } from '../models/layers-model.js';
import { QuantizedModel } from '../models/quantized-model.js';
import { modelFromKeras } from '../serialization/keras-json.js';
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

/** The ONNX graph of `model`. */
function buildModelProto(model: LayersModel, opset: number) {
  const spec = modelFromKeras(model.getConfig());
  const layers = spec.layers.map((l, i) => layerFromSpec(l, `layers[${i}]`));
  const arch = buildArchitecture(layers);
  // Refuse a layer kind without an exporter before reading any weight.
  spec.layers.forEach((l, i) => {
    if (!exporterFor(l)) {
      throw new RangeError(
        `Cannot export ${layerLabel(i, layers[i]!)} to ONNX: torch-lstm has no ONNX exporter for ${l.className} layers yet ` +
          `(it exports ${Object.keys(LAYER_EXPORTERS).join(', ')})`,
      );
    }
  });
  const weights = model.getWeights();
  const names = model[MODEL_IO]().weightNames();
  const byName = new Map<string, KerasWeight>(names.map((w, i) => [w.name, { shape: [...weights[i]!.shape], data: weights[i]!.data }]));

  const g = new GraphBuilder(spec.name, opset);
  let current: OnnxValue = g.input('input', [null, ...arch.inputShape]);
  let outputs: OnnxValue[] = [current];
  spec.layers.forEach((layerSpec, i) => {
    const label = layerLabel(i, layers[i]!);
    const layerName = layerSpec.config.name;
    g.scope = layerName;
    const weight = (w: string): KerasWeight => {
      const found = byName.get(`${layerName}/${w}`);
      if (!found) throw new Error(`Internal error: ${label} has no weight ${w}`);
      return found;
    };
    outputs = exporterFor(layerSpec)!({ g, label, weight }, layerSpec.config, current);
    current = outputs[0]!;
  });
  g.scope = '';
  g.output(toBatchMajor(g, outputs[0]!), 'output');
  if (outputs.length === 3) {
    g.output(outputs[1]!, 'state_h');
    g.output(outputs[2]!, 'state_c');
  }
  const version = packageVersion();
  return {
    ir_version: IR_VERSION_OF_OPSET[opset]!,
    opset_import: [{ domain: '', version: opset }],
    producer_name: 'torch-lstm',
    producer_version: version,
    doc_string: `Keras model "${spec.name}" (${spec.layers.map((l) => l.className).join(', ')}), exported by torch-lstm ${version}`,
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
 * The graph takes `input` `[batch, ...inputShape]` (float32, batch-first as in Keras, any batch
 * size) and gives `output` (and `state_h`, `state_c` for a final LSTM with `returnState`). LSTM
 * layers become ONNX `LSTM` operators (activations the operator takes: sigmoid, tanh, relu,
 * hard_sigmoid, linear, softsign, softplus, elu); Dense layers `Gemm` (2-D input) or `MatMul` +
 * `Add`, then their activation; Dropout layers nothing (inference).
 *
 * @param model a float model (Sequential of LSTM, Dense, Dropout layers).
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
