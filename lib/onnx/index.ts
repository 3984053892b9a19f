/**
 * ONNX export: a model as a standard ONNX file for onnxruntime and other ONNX runtimes.
 */
export { DEFAULT_OPSET, exportOnnx, MAX_OPSET, MIN_OPSET, toOnnx, type ExportOnnxArgs } from './export-onnx.js';
