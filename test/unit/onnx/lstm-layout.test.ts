/**
 * The pieces of the ONNX export that need no addon: Keras -> ONNX gate reordering, the
 * activation attributes of recurrent operators, and the protobuf encoding round trip.
 */
import { describe, expect, it } from 'vitest';
import { attr, GraphBuilder, reverseAxis, squeeze } from '../../../lib/onnx/graph-builder.js';
import { rnnActivation, rnnActivationAttributes } from '../../../lib/onnx/ops/activation.js';
import { kerasBiasToOnnx, kerasGatesToOnnx } from '../../../lib/onnx/ops/lstm.js';
import { decodeModelProto, encodeModelProto } from '../../../lib/onnx/proto.js';

describe('Keras -> ONNX LSTM weights', () => {
  it('kernel [F, 4H] (i, f, c, o) -> W [4H, F] (i, o, f, c)', () => {
    // F = 2, H = 1: column j of the kernel is gate j; value = 10 * row + gate.
    const kernel = { shape: [2, 4], data: Float32Array.from([0, 1, 2, 3, 10, 11, 12, 13]) };
    expect(Array.from(kerasGatesToOnnx(kernel, 1))).toEqual([0, 10, 3, 13, 1, 11, 2, 12]);
  });

  it('bias [4H] -> B [8H] = [Wb in i, o, f, c order, Rb = 0]', () => {
    const bias = { shape: [4], data: Float32Array.from([1, 2, 3, 4]) };
    expect(Array.from(kerasBiasToOnnx(bias, 1))).toEqual([1, 4, 2, 3, 0, 0, 0, 0]);
  });
});

describe('recurrent activation attributes', () => {
  it('hard_sigmoid is HardSigmoid with alpha 1/6, beta 0.5 (Keras 3), not ONNX\'s 0.2 default', () => {
    expect(rnnActivation('hard_sigmoid')).toEqual({ name: 'HardSigmoid', alpha: 1 / 6, beta: 0.5 });
    expect(rnnActivation('relu6')).toBeUndefined();
    expect(rnnActivation('swish')).toBeUndefined();
  });

  it('alphas and betas are listed only for the functions that take them, in order', () => {
    const [names, alpha, beta] = rnnActivationAttributes([rnnActivation('sigmoid')!, rnnActivation('elu')!, rnnActivation('linear')!]);
    expect(names!.strings!.map((s) => new TextDecoder().decode(s))).toEqual(['Sigmoid', 'Elu', 'Affine']);
    expect(alpha).toMatchObject({ name: 'activation_alpha', floats: [1, 1] });
    expect(beta).toMatchObject({ name: 'activation_beta', floats: [0] });
    expect(rnnActivationAttributes([rnnActivation('sigmoid')!, rnnActivation('tanh')!])).toHaveLength(1);
  });
});

describe('graph builder and protobuf encoding', () => {
  it('round-trips through onnx.proto: scoped names, shared int64 constants, trailing optional outputs left out', () => {
    const g = new GraphBuilder('m', 17);
    const x = g.input('input', [null, null, 3]);
    g.scope = 'lstm';
    const [y] = g.node('LSTM', [x.name], ['Y', '', ''], [attr.int('hidden_size', 2), attr.string('direction', 'reverse')]);
    const s1 = squeeze(g, y!, [1]);
    const s2 = reverseAxis(g, s1, 0);
    g.scope = '';
    g.output({ name: s2, shape: [null, null, 2], timeMajor: false }, 'output');
    const proto = decodeModelProto(encodeModelProto({ ir_version: 8, opset_import: [{ domain: '', version: 17 }], producer_name: 't', producer_version: '0', graph: g.build() }));
    const nodes = proto.graph.node;
    expect(nodes.map((n) => [n.op_type, n.name, n.output])).toEqual([
      ['LSTM', 'lstm/LSTM', ['lstm/Y']],
      ['Squeeze', 'lstm/Squeeze', ['lstm/Squeeze']],
      ['Slice', 'lstm/Slice', ['output']], // renamed: the graph output
    ]);
    expect(proto.graph.input[0]!.type.tensor_type.shape.dim).toEqual([{ dim_param: 'batch' }, { dim_param: 'timesteps' }, { dim_value: 3 }]);
    // -1 is shared by starts and steps; INT64_MIN survives as raw little-endian int64.
    const names = proto.graph.initializer.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    expect(nodes[2]!.input[1]).toBe(nodes[2]!.input[4]);
    const ends = proto.graph.initializer.find((t) => t.name === nodes[2]!.input[2])!;
    expect(new BigInt64Array(new Uint8Array(ends.raw_data).buffer)[0]).toBe(-(2n ** 63n));
  });
});
