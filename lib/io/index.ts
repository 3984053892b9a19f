/**
 * Files a user keeps: saved models (a directory: `model.json`, `weights.safetensors`,
 * `optimizer.safetensors`), weights-only files, and the safetensors reader and writer; and
 * models from elsewhere: Keras `.keras`/`.h5` files and TensorFlow.js `model.json` models.
 */
export { ModelFileError } from './errors.js';
export { loadModel, type LoadedModel } from './load-model.js';
export { type QuantizedSaveArgs } from './quantized-io.js';
export { saveModel, type ModelJson, type SaveArgs } from './save-model.js';
export { loadWeightsFile, saveWeightsFile, type SaveWeightsArgs } from './weights-file.js';
export {
  decodeSafetensors, encodeSafetensors, readSafetensors, type AnyNamedTensor, type NamedInt8Tensor, type NamedTensor, type SafetensorsContent,
} from './safetensors.js';
export { formatTemplate } from './path-template.js';
export { loadKerasModel, type LoadKerasModelArgs } from './keras/load-keras-model.js';
export { loadLayersModel, type LoadLayersModelArgs } from './keras/load-layers-model.js';
