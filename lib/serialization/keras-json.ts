/**
 * THE one conversion point between camelCase configs and Keras-format JSON
 * (`{ class_name, config: { ...snake_case } }`), both ways, and from Keras JSON to the engine's
 * graph. This module gathers the converters, each in its own file:
 *
 * - `keras-common.ts`: helpers (key mapping, dtype, initializers, activations);
 * - `layers/<kind>.ts`: one layer kind each, registered in `layers/index.ts`;
 * - `sequential.ts`, `functional.ts`: the two model kinds (Keras 3 and Keras 2 formats);
 * - `engine-graph.ts`: the engine's graph derived from either model kind's JSON;
 * - `compile.ts`: optimizers, losses, metrics and the compile config.
 *
 * `toKeras` gives exactly the document the engine builds from (every key present, fully
 * defaulted: C++ never invents a default) and what a saved `model.json` stores. `fromKeras`
 * reads that document back, and a Keras 3 (or Keras 2) `config.json`, through the same
 * validation as the layer factories: a key we do not offer is accepted only with its Keras
 * default (`stateful: false`, `kernel_regularizer: null`, ...), anything else is a clear error
 * naming the key.
 */
export { initializerFromKeras, initializerToKeras } from './keras-common.js';
export { layerFromKeras, layerToKeras, layerClassNames, type LayerSerializer, type CallConvention } from './layers/index.js';
export { modelFromKeras, modelToKeras, type SequentialSpec } from './sequential.js';
export {
  functionalFromKeras,
  functionalToKeras,
  isFunctionalJson,
  type FunctionalCallSpec,
  type FunctionalSpec,
  type TensorRefSpec,
} from './functional.js';
export { engineGraph, functionalEngineGraph, orderCalls } from './engine-graph.js';
export {
  compileFromKeras,
  compileToKeras,
  lossFromKeras,
  lossToKeras,
  metricFromKeras,
  optimizerFromKeras,
  optimizerToKeras,
} from './compile.js';
