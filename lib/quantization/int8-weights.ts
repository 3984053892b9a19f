/**
 * The weights of an int8 model as data: int8 matrices in Keras's layout `[in, out]` with one
 * float32 scale per column (per output channel), and float32 biases. The float weights they
 * stand for are `int8 * scale` (exact in float32), and building a quantized model from those
 * gives back exactly the same int8 weights.
 */
import type { NativeQuantizedWeight, NativeTensor } from '../native.js';

/**
 * One weight of a quantized model: `lstm/kernel` (int8 `data` with per-column `scales`),
 * `lstm/bias` (float32 `data`, no scales).
 */
export interface QuantizedWeight {
  /** `<layer>/<Keras weight name>`: `lstm/kernel`, `lstm/recurrent_kernel`, `dense/bias`. */
  name: string;
  shape: number[];
  data: Int8Array | Float32Array;
  /** The scale of each column of an int8 matrix (`shape[1]` values); absent for float weights. */
  scales?: Float32Array;
}

/** Copies a native weight so the caller owns it. */
export function copyWeight(w: NativeQuantizedWeight): QuantizedWeight {
  const out: QuantizedWeight = { name: w.name, shape: [...w.shape], data: w.data.slice() };
  if (w.scales) out.scales = w.scales.slice();
  return out;
}

/**
 * The float32 values an int8 matrix stands for: `data[i, j] * scales[j]` (row-major `[in, out]`).
 * @throws {RangeError} data, shape and scales that do not fit together.
 */
export function dequantize(data: Int8Array, shape: readonly number[], scales: Float32Array, name = 'weight'): Float32Array {
  if (shape.length !== 2) throw new RangeError(`Expected a 2-D int8 matrix for ${name} but received shape [${shape.join(', ')}]`);
  const [rows, cols] = shape as [number, number];
  if (data.length !== rows * cols) throw new RangeError(`${name} has shape [${rows}, ${cols}] but ${data.length} values`);
  if (scales.length !== cols) throw new RangeError(`Expected ${cols} scales (one per column) for ${name} but received ${scales.length}`);
  const out = new Float32Array(data.length);
  for (let i = 0; i < rows; i++) {
    const row = i * cols;
    // An int8 times a float32 is exact in float64, so storing it rounds once: the float32 product.
    for (let j = 0; j < cols; j++) out[row + j] = data[row + j]! * scales[j]!;
  }
  return out;
}

/** A weight as float32: dequantized when it is int8, copied when it is float. */
export function floatWeight(w: QuantizedWeight): NativeTensor {
  if (w.data instanceof Int8Array) {
    if (!w.scales) throw new RangeError(`The int8 weight ${w.name} has no scales`);
    return { data: dequantize(w.data, w.shape, w.scales, w.name), shape: [...w.shape] };
  }
  return { data: w.data.slice(), shape: [...w.shape] };
}
