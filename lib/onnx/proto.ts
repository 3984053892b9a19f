/**
 * The ONNX protobuf schema, and the encoder of the models {@link exportOnnx} writes.
 *
 * The schema is the official `onnx.proto` (vendored in `proto/onnx.proto` from the `onnx`
 * Python package, Apache-2.0), read once with protobufjs: no hand-written protobuf writer. The
 * types below are the subset of the messages that torch-lstm fills, with the field names of
 * the `.proto` (snake_case, as ONNX documents them).
 */
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/** Where the vendored schema lives (`proto/onnx.proto`, shipped with the package). */
export const ONNX_PROTO_FILE = fileURLToPath(new URL('../../proto/onnx.proto', import.meta.url));

/** `TensorProto.DataType` values torch-lstm writes. */
export const DataType = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9 } as const;

/** `AttributeProto.AttributeType` values torch-lstm writes. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

/** `TensorProto`: an initializer, its data little-endian in `raw_data`. */
export interface TensorProtoJson {
  name: string;
  dims: number[];
  data_type: number;
  raw_data: Uint8Array;
}

/** `AttributeProto`: one of `f`, `i`, `s`, `floats`, `ints`, `strings` set, as `type` says. */
export interface AttributeProtoJson {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}

/** `NodeProto`. */
export interface NodeProtoJson {
  name: string;
  op_type: string;
  input: string[];
  output: string[];
  attribute: AttributeProtoJson[];
  domain?: string;
  doc_string?: string;
}

/** `TensorShapeProto.Dimension`: a size, or a symbolic name such as `batch`. */
export type DimensionJson = { dim_value: number } | { dim_param: string };

/** `ValueInfoProto` of a tensor (type and shape). */
export interface ValueInfoProtoJson {
  name: string;
  type: { tensor_type: { elem_type: number; shape: { dim: DimensionJson[] } } };
  doc_string?: string;
}

/** `GraphProto`. */
export interface GraphProtoJson {
  name: string;
  node: NodeProtoJson[];
  initializer: TensorProtoJson[];
  input: ValueInfoProtoJson[];
  output: ValueInfoProtoJson[];
  doc_string?: string;
}

/** `ModelProto`. */
export interface ModelProtoJson {
  ir_version: number;
  opset_import: { domain: string; version: number }[];
  producer_name: string;
  producer_version: string;
  doc_string?: string;
  graph: GraphProtoJson;
  metadata_props?: { key: string; value: string }[];
}

let modelType: protobuf.Type | undefined;

/** `onnx.ModelProto`, the schema loaded on first use. */
function modelProto(): protobuf.Type {
  if (!modelType) {
    const root = new protobuf.Root();
    root.loadSync(ONNX_PROTO_FILE, { keepCase: true });
    modelType = root.lookupType('onnx.ModelProto');
  }
  return modelType;
}

/**
 * Encodes a model as ONNX protobuf bytes (what a `.onnx` file holds).
 * @throws {Error} a message that does not fit the schema (an internal error of the exporter).
 */
export function encodeModelProto(model: ModelProtoJson): Uint8Array {
  const type = modelProto();
  const problem = type.verify(model);
  if (problem) throw new Error(`Internal error: the ONNX model does not fit onnx.proto (${problem})`);
  return type.encode(type.fromObject(model)).finish();
}

/**
 * Decodes ONNX protobuf bytes (for tests and tools): the message as plain objects, with
 * 64-bit integers as numbers and bytes as `Uint8Array`s.
 */
export function decodeModelProto(bytes: Uint8Array): ModelProtoJson {
  const type = modelProto();
  return type.toObject(type.decode(bytes), { longs: Number, arrays: true }) as ModelProtoJson;
}
