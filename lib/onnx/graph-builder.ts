/**
 * Builds an ONNX graph node by node: unique names scoped by layer (`lstm/W`, `dense/MatMul`),
 * initializers stored little-endian in `raw_data`, int64 constants shared, and the layout
 * helpers that move a sequence between Keras's batch-major layout and ONNX's time-major one.
 */
import os from 'node:os';
import type { Shape } from '../layers/index.js';
import {
  AttributeType,
  type AttributeProtoJson,
  DataType,
  type DimensionJson,
  type GraphProtoJson,
  type NodeProtoJson,
  type TensorProtoJson,
  type ValueInfoProtoJson,
} from './proto.js';

const LITTLE_ENDIAN = os.endianness() === 'LE';
const utf8 = (text: string) => new TextEncoder().encode(text);

/** Attribute builders: `attr.int('hidden_size', 32)`, `attr.strings('activations', [...])`. */
export const attr = {
  int: (name: string, i: number): AttributeProtoJson => ({ name, type: AttributeType.INT, i }),
  float: (name: string, f: number): AttributeProtoJson => ({ name, type: AttributeType.FLOAT, f }),
  string: (name: string, s: string): AttributeProtoJson => ({ name, type: AttributeType.STRING, s: utf8(s) }),
  ints: (name: string, ints: readonly number[]): AttributeProtoJson => ({ name, type: AttributeType.INTS, ints: [...ints] }),
  floats: (name: string, floats: readonly number[]): AttributeProtoJson => ({ name, type: AttributeType.FLOATS, floats: [...floats] }),
  strings: (name: string, strings: readonly string[]): AttributeProtoJson => ({
    name,
    type: AttributeType.STRINGS,
    strings: strings.map(utf8),
  }),
};

/**
 * A tensor flowing through the graph: its name, its Keras shape (batch first, `null` where
 * only the data says), and whether a sequence is held time-major (`[timesteps, batch, features]`,
 * the layout of ONNX's recurrent operators) rather than Keras's batch-major layout. Keeping a
 * recurrent layer's output time-major lets stacked recurrent layers skip a Transpose pair.
 */
export interface OnnxValue {
  name: string;
  shape: Shape;
  timeMajor: boolean;
  /**
   * The Keras mask the value carries (from an Embedding with `maskZero` or a Masking layer):
   * a bool tensor `[batch, timesteps]`, batch-major whatever the value's layout.
   */
  mask?: string;
}

/** Little-endian bytes of `data` (a view when the machine is little-endian). */
function littleEndianBytes(data: Float32Array | BigInt64Array): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (LITTLE_ENDIAN) return bytes;
  const size = data.BYTES_PER_ELEMENT;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += size) for (let k = 0; k < size; k++) out[i + k] = bytes[i + size - 1 - k]!;
  return out;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Symbolic names of unknown dimensions: `batch`, then `timesteps` for a sequence. */
function dimensions(shape: Shape): DimensionJson[] {
  return shape.map((d, k) => {
    if (d !== null) return { dim_value: d };
    if (k === 0) return { dim_param: 'batch' };
    if (k === 1 && shape.length === 3) return { dim_param: 'timesteps' };
    return { dim_param: `dim_${k}` };
  });
}

function valueInfo(name: string, shape: Shape): ValueInfoProtoJson {
  return { name, type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim: dimensions(shape) } } } };
}

/** Collects the nodes, initializers, inputs and outputs of one ONNX graph. */
export class GraphBuilder {
  /** The opset the graph is written for (the default domain's version). */
  readonly opset: number;
  /** Prefix of the names made now: the current layer's name. */
  scope = '';
  readonly #name: string;
  readonly #nodes: NodeProtoJson[] = [];
  readonly #initializers: TensorProtoJson[] = [];
  readonly #inputs: ValueInfoProtoJson[] = [];
  readonly #outputs: ValueInfoProtoJson[] = [];
  /** Value names (tensors, initializers, graph inputs and outputs) in use. */
  readonly #used = new Set<string>();
  /** Node names in use (ONNX keeps them apart from value names). */
  readonly #nodeNames = new Set<string>();
  readonly #int64Constants = new Map<string, string>();
  /** Values renamed to a graph output's name by {@link output}. */
  readonly #renamed = new Map<string, string>();
  /** Initializers by scoped base name, to share an identical one (a layer applied twice) rather than copy it. */
  readonly #initializersByStem = new Map<string, TensorProtoJson[]>();

  constructor(name: string, opset: number) {
    this.#name = name;
    this.opset = opset;
  }

  /** A value name not used yet in the graph: `<scope>/<base>`, then `<scope>/<base>_1`, ... */
  uniqueName(base: string): string {
    return this.#unique(base, this.#used);
  }

  #unique(base: string, used: Set<string>): string {
    const stem = this.scope ? `${this.scope}/${base}` : base;
    let name = stem;
    for (let n = 1; used.has(name); n++) name = `${stem}_${n}`;
    used.add(name);
    return name;
  }

  /**
   * Adds a node and returns its output names. `outputs` gives the outputs' base names (or an
   * empty string for an optional output left out).
   */
  node(opType: string, inputs: readonly string[], outputs: readonly string[], attributes: readonly AttributeProtoJson[] = []): string[] {
    const names = outputs.map((o) => (o === '' ? '' : this.uniqueName(o)));
    let count = names.length;
    while (count > 0 && names[count - 1] === '') count--; // trailing optional outputs are simply left out
    this.#nodes.push({ name: this.#unique(opType, this.#nodeNames), op_type: opType, input: [...inputs], output: names.slice(0, count), attribute: [...attributes] });
    return names;
  }

  /** Adds a node with one output and returns that output's name. */
  op(opType: string, inputs: readonly string[], attributes: readonly AttributeProtoJson[] = [], output = opType): string {
    return this.node(opType, inputs, [output], attributes)[0]!;
  }

  /**
   * Adds a float32 (`Float32Array`) or int64 (`BigInt64Array`) initializer; returns its name.
   * An identical initializer made under the same scoped name (a shared layer's second call) is
   * reused rather than stored twice.
   */
  initializer(base: string, dims: readonly number[], data: Float32Array | BigInt64Array): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== data.length) throw new Error(`Internal error: initializer ${base} has dims [${dims.join(', ')}] but ${data.length} values`);
    const dataType = data instanceof BigInt64Array ? DataType.INT64 : DataType.FLOAT;
    const bytes = littleEndianBytes(data);
    const stem = this.scope ? `${this.scope}/${base}` : base;
    const same = this.#initializersByStem.get(stem) ?? [];
    const existing = same.find((t) => t.data_type === dataType && t.dims.join() === dims.join() && equalBytes(t.raw_data, bytes));
    if (existing) return existing.name;
    const tensor: TensorProtoJson = { name: this.uniqueName(base), dims: [...dims], data_type: dataType, raw_data: bytes };
    this.#initializers.push(tensor);
    this.#initializersByStem.set(stem, [...same, tensor]);
    return tensor.name;
  }

  /** A float32 scalar constant, shared by every node that needs the same value. */
  float32(value: number): string {
    return this.#shared(`f32:${value}`, () => this.initializer(`const_f32_${String(value).replace('-', 'm').replace('.', 'p')}`, [], Float32Array.of(value)));
  }

  /** An int64 scalar constant, shared. */
  int64(value: number): string {
    return this.#shared(`i64:${value}`, () => this.initializer(`const_i64_scalar_${String(value).replace('-', 'm')}`, [], BigInt64Array.of(BigInt(value))));
  }

  #shared(key: string, make: () => string): string {
    const existing = this.#int64Constants.get(key);
    if (existing) return existing;
    const scope = this.scope;
    this.scope = '';
    const name = make();
    this.scope = scope;
    this.#int64Constants.set(key, name);
    return name;
  }

  /** A 1-D int64 constant (axes, perms, slice bounds), shared by every node that needs the same values. */
  int64s(values: readonly (number | bigint)[]): string {
    const key = values.map(String).join(',');
    const existing = this.#int64Constants.get(key);
    if (existing) return existing;
    const scope = this.scope;
    this.scope = '';
    const name = this.initializer(`const_i64_${values.map((v) => String(v).replace('-', 'm')).join('_') || 'empty'}`, [values.length], BigInt64Array.from(values, (v) => BigInt(v)));
    this.scope = scope;
    this.#int64Constants.set(key, name);
    return name;
  }

  /** Declares a graph input of the given Keras shape (float32). */
  input(name: string, shape: Shape): OnnxValue {
    this.#used.add(name);
    this.#inputs.push(valueInfo(name, shape));
    return { name, shape: [...shape], timeMajor: false };
  }

  /**
   * Declares `value` (batch-major) a graph output named `name`: the node making it is renamed
   * to write `name`, or an Identity is added when the value is a graph input.
   */
  output(value: OnnxValue, name: string): void {
    if (value.timeMajor) throw new Error(`Internal error: graph output ${name} is time-major`);
    // A value already renamed to an earlier graph output (the same tensor output twice) is read under that name.
    const source = this.#renamed.get(value.name) ?? value.name;
    const producer = this.#nodes.find((n) => n.output.includes(source));
    if (producer && !this.#outputs.some((o) => o.name === source) && !this.#used.has(name)) {
      producer.output = producer.output.map((o) => (o === source ? name : o));
      for (const n of this.#nodes) n.input = n.input.map((i) => (i === source ? name : i));
      this.#renamed.set(source, name);
      this.#used.add(name);
    } else {
      const scope = this.scope;
      this.scope = '';
      this.#nodes.push({ name: this.#unique(`Identity_${name}`, this.#nodeNames), op_type: 'Identity', input: [source], output: [name], attribute: [] });
      this.scope = scope;
      this.#used.add(name);
    }
    this.#outputs.push(valueInfo(name, value.shape));
  }

  /** The graph as `GraphProto` fields. */
  build(docString?: string): GraphProtoJson {
    return {
      name: this.#name,
      node: this.#nodes,
      initializer: this.#initializers,
      input: this.#inputs,
      output: this.#outputs,
      ...(docString ? { doc_string: docString } : {}),
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Layout helpers shared by the layer exporters

/** `Squeeze(input, axes)` (axes as an input, opset 13 and later). */
export function squeeze(g: GraphBuilder, input: string, axes: readonly number[], output = 'Squeeze'): string {
  return g.op('Squeeze', [input, g.int64s(axes)], [], output);
}

/** Reverses axis `axis` (any length, known only at run time): `Slice` from -1 backwards with step -1. */
export function reverseAxis(g: GraphBuilder, input: string, axis: number, output = 'Reversed'): string {
  const INT64_MIN = -(2n ** 63n);
  return g.op('Slice', [input, g.int64s([-1]), g.int64s([INT64_MIN]), g.int64s([axis]), g.int64s([-1])], [], output);
}

/** The sequence `value` as `[timesteps, batch, features]` (a Transpose when it is batch-major). */
export function toTimeMajor(g: GraphBuilder, value: OnnxValue): OnnxValue {
  if (value.timeMajor) return value;
  if (value.shape.length !== 3) throw new Error(`Internal error: ${value.name} of rank ${value.shape.length} is not a sequence`);
  return { ...value, name: g.op('Transpose', [value.name], [attr.ints('perm', [1, 0, 2])], 'TimeMajor'), timeMajor: true };
}

/** `value` in Keras's batch-major layout (a Transpose when it is a time-major sequence). */
export function toBatchMajor(g: GraphBuilder, value: OnnxValue): OnnxValue {
  if (!value.timeMajor) return value;
  return { ...value, name: g.op('Transpose', [value.name], [attr.ints('perm', [1, 0, 2])], 'BatchMajor'), timeMajor: false };
}
