/**
 * The safetensors reader and writer: round trips, the layout of the published format
 * (checked byte by byte against a file built here by hand), and a clear ModelFileError for
 * every kind of malformed input.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelFileError } from '../../../lib/io/errors.js';
import { decodeSafetensors, encodeSafetensors, readSafetensors, type NamedTensor } from '../../../lib/io/safetensors.js';

const bytesOf = (chunks: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(chunks));

/** A safetensors file from a header object and raw data, built without the writer. */
function handMade(header: unknown, data: Uint8Array = new Uint8Array(0), headerText?: string): Uint8Array {
  const json = Buffer.from(headerText ?? JSON.stringify(header), 'utf8');
  const out = Buffer.alloc(8 + json.length + data.length);
  out.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(out, 8);
  Buffer.from(data).copy(out, 8 + json.length);
  return new Uint8Array(out);
}

/** A file whose header `{"\xff": 1}` is not UTF-8. */
function notUtf8(): Uint8Array {
  const json = Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]);
  const out = Buffer.alloc(8 + json.length);
  out.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(out, 8);
  return new Uint8Array(out);
}

function f32Bytes(values: number[]): Uint8Array {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeFloatLE(v, i * 4));
  return new Uint8Array(b);
}

function decodeError(bytes: Uint8Array): ModelFileError {
  try {
    decodeSafetensors(bytes, '/m/w.safetensors');
  } catch (err) {
    expect(err).toBeInstanceOf(ModelFileError);
    expect((err as ModelFileError).file).toBe('/m/w.safetensors');
    expect((err as Error).message.startsWith('/m/w.safetensors: ')).toBe(true);
    return err as ModelFileError;
  }
  throw new Error('expected decodeSafetensors to throw');
}

const tensors: NamedTensor[] = [
  { name: 'lstm/kernel', shape: [2, 3], data: Float32Array.from([1, -2, 3.5, NaN, Infinity, -0]) },
  { name: 'lstm/bias', shape: [3], data: Float32Array.from([1e-38, 3.4e38, 0.1]) },
  { name: 'scalar', shape: [], data: Float32Array.from([7]) },
  { name: 'empty', shape: [0, 4], data: new Float32Array(0) },
];

describe('encodeSafetensors / decodeSafetensors', () => {
  it('round-trips names, shapes, bit-exact values (NaN, -0, inf) and metadata, in order', () => {
    const back = decodeSafetensors(bytesOf(encodeSafetensors(tensors, { format: 'torch-lstm', note: 'ü' })), 'f');
    expect(back.metadata).toEqual({ format: 'torch-lstm', note: 'ü' });
    expect(back.tensors.map((t) => [t.name, t.shape])).toEqual(tensors.map((t) => [t.name, t.shape]));
    back.tensors.forEach((t, i) => {
      expect(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)).toEqual(
        Buffer.from(tensors[i]!.data.buffer, tensors[i]!.data.byteOffset, tensors[i]!.data.byteLength),
      );
    });
  });

  it('writes the published layout: u64 LE header length, space-padded JSON to 8-byte alignment, F32 LE data in order', () => {
    const bytes = bytesOf(encodeSafetensors([{ name: 'a', shape: [2], data: Float32Array.from([1, 2]) }, { name: 'b', shape: [1], data: Float32Array.from([-3]) }], { k: 'v' }));
    const n = Number(Buffer.from(bytes).readBigUInt64LE(0));
    expect((8 + n) % 8).toBe(0);
    const headerText = Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8');
    expect(headerText.trimEnd().length).toBeGreaterThan(0);
    expect(/^ *$/.test(headerText.slice(headerText.trimEnd().length))).toBe(true);
    expect(JSON.parse(headerText)).toEqual({
      __metadata__: { k: 'v' },
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
    });
    expect(Buffer.from(bytes.subarray(8 + n))).toEqual(Buffer.from(f32Bytes([1, 2, -3])));
  });

  it('pads every header length to a multiple of 8 and writes no metadata key when there is none', () => {
    for (const name of ['a', 'ab', 'abc', 'abcd', 'abcde', 'abcdef', 'abcdefg', 'abcdefgh']) {
      const bytes = bytesOf(encodeSafetensors([{ name, shape: [1], data: Float32Array.from([1]) }]));
      const n = Number(Buffer.from(bytes).readBigUInt64LE(0));
      expect(n % 8).toBe(0);
      expect(Object.keys(JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString()))).toEqual([name]);
    }
  });

  it('reads a file built by hand, unpadded and with tensors out of header order (as other writers may)', () => {
    const bytes = handMade(
      { b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] }, a: { dtype: 'F32', shape: [2, 1], data_offsets: [0, 8] } },
      f32Bytes([1, 2, 3]),
    );
    const back = decodeSafetensors(bytes, 'f');
    expect(back.tensors.map((t) => [t.name, t.shape, Array.from(t.data)])).toEqual([['a', [2, 1], [1, 2]], ['b', [1], [3]]]);
    expect(back.metadata).toEqual({});
  });

  it('refuses to write what the format cannot hold', () => {
    const one = Float32Array.from([1]);
    expect(() => encodeSafetensors([{ name: 'a', shape: [1], data: one }, { name: 'a', shape: [1], data: one }])).toThrow(/unique/);
    expect(() => encodeSafetensors([{ name: '', shape: [1], data: one }])).toThrow(/non-empty/);
    expect(() => encodeSafetensors([{ name: '__metadata__', shape: [1], data: one }])).toThrow(/__metadata__/);
    expect(() => encodeSafetensors([{ name: 'a', shape: [2], data: one }])).toThrow('Tensor "a" has shape [2] but 1 values');
    expect(() => encodeSafetensors([], { n: 1 as unknown as string })).toThrow(/string/);
  });
});

describe('decodeSafetensors rejects malformed input with a clear error', () => {
  const good = bytesOf(encodeSafetensors([{ name: 'w', shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) }], { format: 'pt' }));
  const header = (h: unknown, data = f32Bytes([1, 2, 3, 4])) => handMade(h, data);
  const w = (info: Record<string, unknown>) => ({ w: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16], ...info } });

  it.each<[string, Uint8Array, RegExp]>([
    ['an empty file', new Uint8Array(0), /not a safetensors file: 0 bytes, too short/],
    ['a 5-byte file', new Uint8Array(5), /too short to hold the 8-byte header length/],
    ['a file cut inside the header', good.subarray(0, 20), /truncated or not a safetensors file: the header should be \d+ bytes but only 12 bytes follow/],
    ['a file cut inside the data', good.subarray(0, good.length - 3), /truncated: tensor "w" ends at byte 16 of the data but the file holds only 13 bytes/],
    ['a huge header length (a foreign file)', Buffer.from('PK\x03\x04\x14\x00\x00\x00\x08\x00rest of a zip', 'latin1'), /header length of \d+ bytes, more than any safetensors header/],
    ['a header that is not JSON', handMade(null, new Uint8Array(0), '{"w": oops}'), /the header is not valid JSON/],
    ['a header that is not an object', handMade(null, new Uint8Array(0), '[1, 2]'), /the header is not a JSON object/],
    ['a zero-length header', handMade(null, new Uint8Array(0), ''), /the header is not a JSON object/],
    ['a header that is not UTF-8', notUtf8(), /the header is not valid UTF-8/],
    ['non-string metadata', header({ __metadata__: { n: 1 }, ...w({}) }), /"__metadata__" entry "n" is not a string/],
    ['metadata that is not an object', header({ __metadata__: 'x', ...w({}) }), /"__metadata__" is not an object of strings/],
    ['a tensor entry that is not an object', header({ w: 3 }), /tensor "w" is not described by an object/],
    ['a missing dtype', header(w({ dtype: undefined })), /tensor "w" has no dtype/],
    ['an unknown dtype', header(w({ dtype: 'Q7' })), /dtype "Q7", which is not a safetensors dtype/],
    ['an F16 tensor', header(w({ dtype: 'F16', data_offsets: [0, 8] }), f32Bytes([1, 2])), /tensor "w" has dtype F16; torch-lstm reads F32 \(float32\) tensors only/],
    ['a bad shape', header(w({ shape: [2, -1] })), /tensor "w" has shape \[2,-1\]; expected an array of non-negative integers/],
    ['a shape that is not an array', header(w({ shape: '2x2' })), /has shape "2x2"/],
    ['offsets begin > end', header(w({ data_offsets: [16, 0] })), /data_offsets \[16,0\]; expected \[begin, end\]/],
    ['offsets of the wrong length', header(w({ data_offsets: [0] })), /data_offsets \[0\]/],
    ['fractional offsets', header(w({ data_offsets: [0, 15.5] })), /data_offsets \[0,15.5\]/],
    ['a shape that does not match the bytes', header(w({ shape: [3, 2] })), /shape \[3, 2\] \(6 float32 values, 24 bytes\) but its data_offsets span 16 bytes/],
    ['offsets past the end', header(w({ data_offsets: [16, 32] })), /starts at byte 16 of the data, leaving a gap after the start of the data/],
    [
      'overlapping tensors',
      header({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, f32Bytes([1, 2, 3])),
      /tensor "b" starts at byte 4 of the data, overlapping tensor "a" \(which ends at 8\)/,
    ],
    [
      'a gap between tensors',
      header({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } }, f32Bytes([1, 2, 3])),
      /tensor "b" starts at byte 8 of the data, leaving a gap after tensor "a"/,
    ],
    ['bytes after the last tensor', header(w({}), f32Bytes([1, 2, 3, 4, 5])), /4 unexpected bytes follow the last tensor/],
    ['random bytes', new Uint8Array(Array.from({ length: 64 }, (_, i) => (i * 97 + 13) % 256)), /not a safetensors file/],
  ])('%s', (_what, bytes, message) => {
    expect(decodeError(bytes).message).toMatch(message);
  });

  it('accepts the good file these were made from', () => {
    expect(decodeSafetensors(good, 'f').tensors[0]!.shape).toEqual([2, 2]);
  });
});

describe('readSafetensors', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'safetensors-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a written file', async () => {
    const file = path.join(dir, 'a.safetensors');
    writeFileSync(file, bytesOf(encodeSafetensors(tensors)));
    expect((await readSafetensors(file)).tensors.map((t) => t.name)).toEqual(tensors.map((t) => t.name));
  });

  it('names a missing file and a directory', async () => {
    await expect(readSafetensors(path.join(dir, 'nope.safetensors'))).rejects.toThrow(`${path.join(dir, 'nope.safetensors')}: missing (no such file)`);
    await expect(readSafetensors(dir)).rejects.toThrow(/is a directory, not a safetensors file/);
    await expect(readSafetensors(dir)).rejects.toBeInstanceOf(ModelFileError);
  });
});
