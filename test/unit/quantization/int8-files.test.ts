/**
 * int8 tensors in safetensors files (I8), and the weights of a quantized model as a file
 * holds them: int8 matrices with `.scales`, dequantized exactly; without the addon.
 */
import { describe, expect, it } from 'vitest';
import { ModelFileError } from '../../../lib/io/errors.js';
import { dequantizedWeights, quantizedTensors } from '../../../lib/io/quantized-io.js';
import { type AnyNamedTensor, decodeSafetensors, encodeSafetensors } from '../../../lib/io/safetensors.js';
import { matchTensors } from '../../../lib/io/weights-file.js';
import { dequantize } from '../../../lib/quantization/int8-weights.js';

const bytesOf = (chunks: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(chunks));

function headerOf(bytes: Uint8Array): Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }> {
  const n = Number(Buffer.from(bytes).readBigUInt64LE(0));
  return JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8'));
}

function handMade(header: unknown, data: Uint8Array): Uint8Array {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const out = Buffer.alloc(8 + json.length + data.length);
  out.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(out, 8);
  Buffer.from(data).copy(out, 8 + json.length);
  return new Uint8Array(out);
}

function decodeError(bytes: Uint8Array): string {
  try {
    decodeSafetensors(bytes, '/m/w.safetensors');
  } catch (err) {
    expect(err).toBeInstanceOf(ModelFileError);
    return (err as Error).message;
  }
  throw new Error('expected decodeSafetensors to throw');
}

const kernel = Int8Array.from([-127, 0, 5, 127, -1, 64]); // [3, 2]
const scales = Float32Array.from([0.01, 0.5]);
const tensors: AnyNamedTensor[] = [
  { name: 'lstm/kernel', shape: [3, 2], data: kernel },
  { name: 'lstm/kernel.scales', shape: [2], data: scales },
  { name: 'lstm/bias', shape: [3], data: Float32Array.from([0.5, -1, 2]) },
];

describe('I8 tensors in safetensors', () => {
  it('round-trip bit-exactly as Int8Array next to F32 tensors', () => {
    const back = decodeSafetensors(bytesOf(encodeSafetensors(tensors, { quantization: 'int8-dynamic' })), 'f');
    expect(back.metadata).toEqual({ quantization: 'int8-dynamic' });
    const byName = new Map(back.tensors.map((t) => [t.name, t]));
    expect(byName.get('lstm/kernel')!.data).toBeInstanceOf(Int8Array);
    expect(Array.from(byName.get('lstm/kernel')!.data)).toEqual(Array.from(kernel));
    expect(byName.get('lstm/kernel.scales')!.data).toEqual(scales);
    expect(byName.get('lstm/bias')!.data).toBeInstanceOf(Float32Array);
    expect(back.tensors.map((t) => [t.name, t.shape])).toEqual([['lstm/kernel.scales', [2]], ['lstm/bias', [3]], ['lstm/kernel', [3, 2]]]);
  });

  it('decode from a view into a larger buffer (as Node\'s pooled Buffers are)', () => {
    const file = Buffer.concat(encodeSafetensors(tensors));
    const pool = Buffer.alloc(file.length + 13, 0x55);
    file.copy(pool, 5);
    const back = decodeSafetensors(pool.subarray(5, 5 + file.length), 'f');
    expect(Array.from(back.tensors.find((t) => t.name === 'lstm/kernel')!.data)).toEqual(Array.from(kernel));
    expect(back.tensors.find((t) => t.name === 'lstm/kernel')!.data.byteLength).toBe(6);
  });

  it('write F32 first, then I8 (the reference writer\'s order), so every tensor is aligned to its element size', () => {
    const odd: AnyNamedTensor[] = [
      { name: 'a', shape: [3], data: Int8Array.from([1, 2, 3]) },
      { name: 'b', shape: [1], data: Float32Array.from([1]) },
      { name: 'c', shape: [1], data: Int8Array.from([4]) },
      { name: 'd', shape: [2], data: Float32Array.from([2, 3]) },
    ];
    const bytes = bytesOf(encodeSafetensors(odd));
    const header = headerOf(bytes);
    expect(header).toEqual({
      b: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
      d: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
      a: { dtype: 'I8', shape: [3], data_offsets: [12, 15] },
      c: { dtype: 'I8', shape: [1], data_offsets: [15, 16] },
    });
    expect(bytes.length).toBe(8 + Number(Buffer.from(bytes).readBigUInt64LE(0)) + 16);
  });

  it('are checked like F32 ones, and other dtypes are still refused clearly', () => {
    expect(decodeError(handMade({ w: { dtype: 'I8', shape: [2, 2], data_offsets: [0, 3] } }, new Uint8Array(3)))).toMatch(
      /tensor "w" has shape \[2, 2\] \(4 int8 values, 4 bytes\) but its data_offsets span 3 bytes/,
    );
    expect(decodeError(handMade({ w: { dtype: 'I8', shape: [4], data_offsets: [0, 4] } }, new Uint8Array(2)))).toMatch(/truncated: tensor "w" ends at byte 4/);
    expect(decodeError(handMade({ w: { dtype: 'U8', shape: [2], data_offsets: [0, 2] } }, new Uint8Array(2)))).toMatch(
      /tensor "w" has dtype U8; torch-lstm reads F32 \(float32\) tensors only, and I8 \(int8\) weights of quantized models/,
    );
    expect(decodeError(handMade({ w: { dtype: 'F16', shape: [1], data_offsets: [0, 2] } }, new Uint8Array(2)))).toMatch(/has dtype F16/);
    expect(() => encodeSafetensors([{ name: 'u', shape: [1], data: Uint8Array.of(1) as never }])).toThrow('Expected a Float32Array or an Int8Array for the data of tensor "u"');
  });

  it('are refused by a float model with a pointer to loadModel', () => {
    const expected = [{ name: 'lstm/kernel', shape: [3, 2], layer: 'layers[0] (lstm)' }];
    expect(() => matchTensors(expected, tensors, '/m/weights.safetensors')).toThrow(
      '/m/weights.safetensors: tensor "lstm/kernel" is int8 (I8): these are the weights of a quantized model, which a float model cannot take; load the saved quantized model with loadModel(dir)',
    );
  });
});

describe('quantized weights in a file', () => {
  it('dequantize as int8 * per-column scale (exact float32 products)', () => {
    expect(Array.from(dequantize(kernel, [3, 2], scales))).toEqual([-127, 0, 5, 127, -1, 64].map((q, i) => Math.fround(q * scales[i % 2]!)));
    expect(() => dequantize(kernel, [6], scales)).toThrow(/2-D/);
    expect(() => dequantize(kernel, [3, 2], Float32Array.of(1))).toThrow('Expected 2 scales (one per column) for weight but received 1');
  });

  it('are written as the matrix, then its .scales, in Keras order, and read back dequantized', () => {
    const named = quantizedTensors([
      { name: 'lstm/kernel', shape: [3, 2], data: kernel, scales },
      { name: 'lstm/bias', shape: [3], data: Float32Array.from([0.5, -1, 2]) },
    ]);
    expect(named.map((t) => t.name)).toEqual(['lstm/kernel', 'lstm/kernel.scales', 'lstm/bias']);
    const expected = [
      { name: 'lstm/kernel', shape: [3, 2], layer: 'layers[0] (lstm)' },
      { name: 'lstm/bias', shape: [3], layer: 'layers[0] (lstm)' },
    ];
    const file = decodeSafetensors(bytesOf(encodeSafetensors(named)), 'f').tensors;
    const weights = dequantizedWeights(expected, file, 'f');
    expect(weights[0]!.data).toEqual(dequantize(kernel, [3, 2], scales));
    expect(Array.from(weights[1]!.data)).toEqual([0.5, -1, 2]);
  });

  it('name what is missing, extra or misshapen', () => {
    const expected = [{ name: 'lstm/kernel', shape: [3, 2], layer: 'layers[0] (lstm)' }];
    const f = '/m/weights.safetensors';
    expect(() => dequantizedWeights(expected, [tensors[0]!], f)).toThrow(`${f}: has the int8 tensor "lstm/kernel" but not its scales "lstm/kernel.scales"`);
    expect(() => dequantizedWeights(expected, [tensors[0]!, { name: 'lstm/kernel.scales', shape: [3], data: new Float32Array(3) }], f)).toThrow(
      'tensor "lstm/kernel.scales" is F32 [3]; expected F32 [2] (one scale per column of lstm/kernel)',
    );
    expect(() => dequantizedWeights(expected, tensors, f)).toThrow(`${f}: holds "lstm/bias", which the model has no weight for`);
    expect(() => dequantizedWeights([{ ...expected[0]!, shape: [2, 3] }], tensors.slice(0, 2), f)).toThrow(
      'tensor "lstm/kernel" has shape [3, 2] but the model\'s layers[0] (lstm) expects [2, 3]',
    );
    expect(() => dequantizedWeights([{ name: 'dense/kernel', shape: [3, 2], layer: 'layers[1] (dense)' }], tensors, f)).toThrow(
      'has no tensor "dense/kernel" (needed by the model\'s layers[1] (dense))',
    );
  });
});
