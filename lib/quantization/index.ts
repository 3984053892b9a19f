/**
 * Post-training quantization: `quantize(model, { mode: 'int8-dynamic' })` and its report.
 */
export { quantize, type QuantizableModel } from './quantize.js';
export { QUANTIZATION_MODES, type QuantizationMode, type QuantizeArgs } from './options.js';
export type { QuantizationReport, FloatVsInt8, ErrorMetrics } from './report.js';
export { dequantize, type QuantizedWeight } from './int8-weights.js';
