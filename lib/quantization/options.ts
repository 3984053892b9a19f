/**
 * The options of `quantize(model, args)`, checked and defaulted here (no addon needed), so every
 * argument error is a TypeError or RangeError naming the option before any work starts.
 */
import { pack, type Packed, type TensorInput } from '../tensor.js';
import { checkOptions, describe, integer, isPlainObject, nearest } from '../validate.js';

/** The quantization modes torch-lstm offers. */
export const QUANTIZATION_MODES = ['int8-dynamic'] as const;

/**
 * `'int8-dynamic'`: Dense and LSTM weight matrices stored as int8 with one float scale per
 * output column (per channel), activations kept in float32 and quantized on the fly.
 */
export type QuantizationMode = (typeof QUANTIZATION_MODES)[number];

/** Options of {@link quantize}. */
export interface QuantizeArgs {
  /** How to quantize. Only `'int8-dynamic'` is offered. Defaults to `'int8-dynamic'`. */
  mode?: QuantizationMode;
  /**
   * Data to score both models on (`x` inputs, `y` targets): the report then holds each model's
   * RMSE and MAE and the relative RMSE change. Defaults to none (no metrics in the report).
   */
  validationData?: { x: TensorInput; y: TensorInput };
  /**
   * Batch sizes at which predict latency is measured, float32 against int8 (`[]`: no timing).
   * Defaults to `[1, 256]`.
   */
  batchSizes?: number[];
  /** Timed predict calls per batch size and model (after one warm-up call); the report gives the median. Defaults to `20`. */
  repeats?: number;
}

/** {@link QuantizeArgs}, validated and defaulted. */
export interface QuantizeOptions {
  mode: QuantizationMode;
  validationData: { x: Packed; y: Packed } | null;
  batchSizes: number[];
  repeats: number;
}

/**
 * Checks a quantization mode: a string from {@link QUANTIZATION_MODES}; a near miss gets a hint.
 * @throws {TypeError} not a string; {@link RangeError} an unknown mode.
 */
export function quantizationMode(value: unknown, name: string): QuantizationMode {
  if (typeof value !== 'string') {
    throw new TypeError(`Expected one of ${QUANTIZATION_MODES.map((m) => `'${m}'`).join(', ')} for ${name} but received ${describe(value)} of type ${value === null ? 'null' : typeof value}`);
  }
  if ((QUANTIZATION_MODES as readonly string[]).includes(value)) return value as QuantizationMode;
  const near = nearest(value, QUANTIZATION_MODES) ?? (/int8|dynamic|qint|i8/i.test(value) ? QUANTIZATION_MODES[0] : undefined);
  throw new RangeError(
    `Unknown quantization mode ${describe(value)} for ${name}` +
      (near ? `; did you mean '${near}'?` : `; torch-lstm offers ${QUANTIZATION_MODES.map((m) => `'${m}'`).join(', ')}`),
  );
}

function batchSizes(value: unknown, name: string): number[] {
  if (!Array.isArray(value)) throw new TypeError(`Expected an array of positive integers for ${name} but received ${describe(value)} of type ${value === null ? 'null' : typeof value}`);
  const sizes = value.map((v, i) => integer(v, `${name}[${i}]`, { min: 1 }));
  const repeated = sizes.find((s, i) => sizes.indexOf(s) !== i);
  if (repeated !== undefined) throw new RangeError(`Expected distinct batch sizes for ${name} but received ${repeated} twice`);
  return sizes;
}

function validationData(value: unknown, name: string): { x: Packed; y: Packed } {
  if (!isPlainObject(value)) {
    throw new TypeError(`Expected { x, y } for ${name} but received ${describe(value)} of type ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value}`);
  }
  const o = checkOptions<{ x: TensorInput; y: TensorInput }>(value, name, ['x', 'y']);
  if (o.x === undefined || o.y === undefined) throw new TypeError(`Expected { x, y } for ${name} but ${o.x === undefined ? 'x' : 'y'} is missing`);
  const x = pack(o.x, `${name}.x`);
  const y = pack(o.y, `${name}.y`);
  if (y.shape[0] !== x.shape[0]) {
    throw new RangeError(`Expected ${name}.y to have as many samples as ${name}.x (${x.shape[0]}) but received ${y.shape[0]} (shape [${y.shape.join(', ')}])`);
  }
  return { x, y };
}

/**
 * Validates and defaults the options of `quantize`.
 *
 * @example
 * quantizeOptions({ mode: 'int8-dynamic' }); // { mode: 'int8-dynamic', validationData: null, batchSizes: [1, 256], repeats: 20 }
 * @throws {TypeError|RangeError} an unknown option or mode, a bad value; the message names the option (`quantize.mode`).
 */
export function quantizeOptions(args: unknown): QuantizeOptions {
  const o = checkOptions<QuantizeArgs>(args, 'quantize', ['mode', 'validationData', 'batchSizes', 'repeats']);
  return {
    mode: o.mode === undefined ? 'int8-dynamic' : quantizationMode(o.mode, 'quantize.mode'),
    validationData: o.validationData === undefined ? null : validationData(o.validationData, 'quantize.validationData'),
    batchSizes: o.batchSizes === undefined ? [1, 256] : batchSizes(o.batchSizes, 'quantize.batchSizes'),
    repeats: o.repeats === undefined ? 20 : integer(o.repeats, 'quantize.repeats', { min: 1 }),
  };
}
